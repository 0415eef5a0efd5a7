/// A machine described from outside the engine: memory blocks read from a real machine (live
/// mode), page by page or as counts, to be rebuilt as a simulated `Machine` whose offlining can
/// then be animated.
///
/// What /proc gives is a picture, not the kernel's state: there are no owners, no refcounts and
/// no per-pageblock migratetypes. `Machine(importing:)` therefore builds the nearest state that
/// keeps every engine invariant: one synthetic process owns all anon pages and page tables, one
/// synthetic file holds all page cache, kernel pages are slab pages, free pages are freed into
/// the buddy allocator in the largest aligned chunks (as `memblock_free_all()` does).
public struct ImportedMachine: Equatable, Sendable {
    public var geometry: Geometry
    /// Cpus of the machine (per-cpu lists and LRU batches); 1 ... 256.
    public var cpus: Int
    /// The blocks, in the order they get their new ids (memory0, memory1, ...); their zones must
    /// not decrease along the list, so that each zone is one contiguous span. All of them are
    /// online and on node0.
    public var blocks: [ImportedBlock]
    public var seed: UInt64
    /// The real id of each block, in the same order, when the machine should keep the real
    /// block ids and pfns in its events (`AddressMap`); nil renumbers them memory0, memory1, ...
    public var realBlocks: [Int]?
    /// The real machine's watermarks per zone type, which replace the ones computed for the
    /// imported blocks alone: a real machine's min_free_kbytes (raised for THP by khugepaged)
    /// decides whether migration finds targets.
    public var watermarks: [ZoneType: Watermarks] = [:]
    /// The real machine's lowmem reserves per zone type (zoneinfo's `protection:`), for the
    /// same reason: the imported blocks alone have far fewer managed pages above each zone.
    public var lowmemReserve: [ZoneType: [Int]] = [:]
    /// Whether the machine has swap (meminfo's SwapTotal): without it reclaim cannot free anon
    /// pages, only clean page cache.
    public var swap = true

    public init(geometry: Geometry, cpus: Int, blocks: [ImportedBlock], seed: UInt64 = 1, realBlocks: [Int]? = nil) {
        self.geometry = geometry
        self.cpus = cpus
        self.blocks = blocks
        self.seed = seed
        self.realBlocks = realBlocks
    }
}

/// One imported memory block: its zone and its pages.
public struct ImportedBlock: Equatable, Sendable {
    public var zone: ZoneType
    public var pages: ImportedPages

    public init(zone: ZoneType, pages: ImportedPages) {
        self.zone = zone
        self.pages = pages
    }
}

/// The pages of an imported block: every page, or only how many are free.
public enum ImportedPages: Equatable, Sendable {
    /// One entry per pfn of the block, in pfn order.
    case each([ImportedPage])
    /// `used` unmovable kernel pages (slab pages here) at the start of the block, then free pages:
    /// enough to give migration somewhere to go without reading every page.
    case counts(used: Int)
}

/// One imported page: what holds it and the LRU-relevant flags.
public struct ImportedPage: Equatable, Sendable {
    /// One of free, anon, file, slab, pageTable, reserved, kernel; other kinds are refused.
    public var kind: PageKind
    /// Of these only active, referenced, unevictable and dirty (file pages) are kept.
    public var flags: PageFlags
    /// The head of a transparent huge page (kpageflags THP and COMPOUND_HEAD): with the anon
    /// pages after it, up to the THP order, it becomes one large folio.
    public var thpHead: Bool

    public init(_ kind: PageKind, flags: PageFlags = [], thpHead: Bool = false) {
        self.kind = kind
        self.flags = flags
        self.thpHead = thpHead
    }

    static let importable: Set<PageKind> = [.free, .anon, .file, .slab, .pageTable, .reserved, .kernel]
}

extension Machine {
    /// Builds a machine from an imported description. Throws when the description cannot be a
    /// machine (no blocks, a page list of the wrong length, zones out of order, a page kind that
    /// cannot be imported). The workload starts switched off: the real one is unknown.
    public init(importing imported: ImportedMachine) throws(ConfigError) {
        let g = imported.geometry
        guard !imported.blocks.isEmpty else { throw .invalid("nothing to import: no memory blocks") }
        guard imported.cpus >= 1, imported.cpus <= 256 else { throw .invalid("cpus must be 1 ... 256") }
        for (i, block) in imported.blocks.enumerated() {
            if i > 0, block.zone < imported.blocks[i - 1].zone {
                throw .invalid("imported block \(i) (\(block.zone)) comes after a \(imported.blocks[i - 1].zone) block: zones must not decrease")
            }
            switch block.pages {
            case .each(let pages):
                guard pages.count == g.pagesPerBlock else {
                    throw .invalid("imported block \(i) has \(pages.count) pages, a block has \(g.pagesPerBlock)")
                }
                if let odd = pages.first(where: { !ImportedPage.importable.contains($0.kind) }) {
                    throw .invalid("imported block \(i): a \(odd.kind) page cannot be imported")
                }
            case .counts(let used):
                guard used >= 0, used <= g.pagesPerBlock else {
                    throw .invalid("imported block \(i): \(used) used pages do not fit in \(g.pagesPerBlock)")
                }
            }
        }
        let count = imported.blocks.count
        if let real = imported.realBlocks {
            guard real.count == count, Set(real).count == count, real.allSatisfy({ $0 >= 0 }) else {
                throw .invalid("the real block ids must be distinct, one per imported block")
            }
        }
        config = MachineConfig(geometry: g, memoryBytes: count * g.blockBytes, nodes: 1, cpus: imported.cpus,
                               kernelcore: nil, movablecore: nil, seed: imported.seed, workload: .idle)
        let pageCount = count * g.pagesPerBlock
        (pages, pageblockMT, pageblockIsolated, pageblockZone) = Machine.emptyMemmap(blocks: count, geometry: g)
        rng = SeededRandom(seed: imported.seed)
        lruAddBatch = Array(repeating: [], count: imported.cpus)
        workloadEnabled = false
        zones = []
        var start = 0
        for type in ZoneType.allCases {
            let spanned = imported.blocks.filter { $0.zone == type }.count * g.pagesPerBlock
            zones.append(Zone(node: NodeID(0), type: type, start: PFN(start), spanned: spanned,
                              maxOrder: g.maxOrder, cpus: imported.cpus))
            start += spanned
        }
        nodes = [Node(id: NodeID(0), startPFN: PFN(0), endPFN: PFN(pageCount),
                      cpus: (0..<imported.cpus).map(CPU.init), zoneIndices: Array(zones.indices))]
        blocks = (0..<count).map { MemoryBlock(id: BlockID($0), node: NodeID(0), state: .online, presentPages: g.pagesPerBlock) }
        addresses = AddressMap(realBlocks: imported.realBlocks ?? [], pagesPerBlock: g.pagesPerBlock)
        swapEnabled = imported.swap
        buildAllZonelists()
        importPages(imported)
        memblockFreeAll()
        fillImportedContent(imported)
        initPerZoneWmarkMin()
        for z in zones.indices {
            if let real = imported.watermarks[zones[z].type] { zones[z].watermarks = real }
            if let real = imported.lowmemReserve[zones[z].type], real.count == zones[z].lowmemReserve.count {
                zones[z].lowmemReserve = real
            }
            setPageset(zone: z)
        }
        _ = drainEvents()
    }

    /// Links pages to zones, marks every page free or with its kind (content comes after the
    /// free lists are built), reserves reserved pages, and gives each pageblock a migratetype.
    ///
    /// The kernel does not export per-pageblock migratetypes; the nearest guess is used: in
    /// ZONE_MOVABLE every pageblock is Movable (only movable allocations land there), elsewhere a
    /// pageblock holding any kernel page is Unmovable and the rest Movable.
    private mutating func importPages(_ imported: ImportedMachine) {
        let g = geometry
        for (zi, zone) in zones.enumerated() where zone.spanned > 0 {
            for pb in stride(from: zone.startPFN.raw, to: zone.endPFN.raw, by: g.pagesPerPageblock) {
                pageblockZone[pb >> g.pageblockOrder] = UInt8(zi)
            }
            zones[zi].present = zone.spanned
            zones[zi].managed = zone.spanned
        }
        for (b, block) in imported.blocks.enumerated() {
            let base = b * g.pagesPerBlock
            for offset in 0..<g.pagesPerBlock {
                let kind = block.kind(at: offset)
                let p = base + offset
                pages.reset(p, to: kind)
                if kind == .reserved {
                    pages.set(p, .reserved)
                    pages.refcount[p] = 1
                    zones[zoneIndex(of: p) ?? 0].managed -= 1
                }
                if kind == .kernel { pages.refcount[p] = 1 }
                if block.zone != .movable, [.slab, .pageTable, .reserved, .kernel].contains(kind) {
                    pageblockMT[pageblockIndex(p)] = UInt8(MigrateType.unmovable.rawValue)
                }
            }
        }
    }

    /// Gives every used page an owner: one process for anon pages and page tables, one file
    /// for the page cache, the slab caches for kernel pages. LRU pages go straight onto their
    /// lists (not through the per-cpu batches).
    private mutating func fillImportedContent(_ imported: ImportedMachine) {
        let g = geometry
        let pid = spawnProcess(node: 0, cpu: 0)
        var filePages: [Int] = []
        let thp = thpOrder.pagesCount
        for (b, block) in imported.blocks.enumerated() {
            let base = b * g.pagesPerBlock
            var folioEnd = 0
            for offset in 0..<g.pagesPerBlock where offset >= folioEnd {
                let p = base + offset
                let flags = block.flags(at: offset)
                switch block.kind(at: offset) {
                case .anon where block.isTHPHead(at: offset, pages: thp):
                    let lruFlags = flags.intersection([.active, .referenced, .unevictable])
                    let index = processes[pid].ptes.count
                    fillLargeAnonFolio(p, order: thpOrder, pid: pid, index: index, flags: lruFlags.union(.swapBacked), mapcount: 1)
                    processes[pid].ptes.appendFolio(head: p, pages: thp)
                    lruAdd(p)
                    folioEnd = offset + thp
                case .anon:
                    let lruFlags = flags.intersection([.active, .referenced, .unevictable])
                    fill(p, kind: .anon, owner: UInt32(pid), index: UInt32(processes[pid].ptes.count),
                         flags: lruFlags.union(.swapBacked), mapcount: 1)
                    processes[pid].ptes.append(.present(p))
                    lruAdd(p)
                case .file:
                    filePages.append(p)
                case .pageTable:
                    fill(p, kind: .pageTable, owner: UInt32(pid), index: UInt32(processes[pid].pageTables.count))
                    processes[pid].pageTables.append(UInt32(p))
                case .slab:
                    fill(p, kind: .slab, owner: OwnerSpace.slabCache, index: UInt32(slabPages.count), flags: .slab)
                    slabPages.append(UInt32(p))
                default:
                    break
                }
            }
        }
        // One file holds the page cache; the workload, if switched on, needs at least one file.
        let file = addFile(pages: max(16, filePages.count))
        for (index, p) in filePages.enumerated() {
            let offset = p % g.pagesPerBlock
            let block = imported.blocks[p / g.pagesPerBlock]
            let lruFlags = block.flags(at: offset).intersection([.active, .referenced, .unevictable, .dirty])
            fill(p, kind: .file, owner: UInt32(file), index: UInt32(index), flags: lruFlags.union(.mappedToDisk))
            files[file].pages[index] = UInt32(p)
            lruAdd(p)
        }
    }
}

extension ImportedBlock {
    /// The kind the page at `offset` is imported as.
    func kind(at offset: Int) -> PageKind {
        switch pages {
        case .each(let list): list[offset].kind
        case .counts(let used): offset < used ? .slab : .free
        }
    }

    /// Whether a PMD-sized anon folio starts at `offset`: a THP head, naturally aligned, whose
    /// following pages are anon too (its tails) and inside the block.
    func isTHPHead(at offset: Int, pages n: Int) -> Bool {
        guard case .each(let list) = pages, list[offset].thpHead, offset % n == 0, offset + n <= list.count else { return false }
        return list[(offset + 1)..<(offset + n)].allSatisfy { $0.kind == .anon && !$0.thpHead }
    }

    func flags(at offset: Int) -> PageFlags {
        switch pages {
        case .each(let list): list[offset].flags
        case .counts: []
        }
    }
}
