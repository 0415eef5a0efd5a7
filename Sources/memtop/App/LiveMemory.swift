import MemEngine

/// What live mode knows of the machine after its last reads: the text files, the per-block
/// report (kinds and what-if verdict), coarse page censuses for the overview and every page of
/// the one block zoomed into. A value, like the simulator's machine; `LiveReader` fills it.
///
/// Memory stays bounded however big the machine: `chunksPerBlock` censuses a block for the
/// overview, and page views only for the zoomed block.
struct LiveMemory: MemoryMapSource {
    /// Censuses kept per block: 16 chunks of 4 pageblocks on x86_64, so that each of the
    /// overview's six half cells of a block covers at least two of them.
    static let chunksPerBlock = 16

    var snapshot: LiveSnapshot
    var geometry: Geometry
    var blockViews: [BlockView]
    /// The inspect report's block, per block (same index as `blockViews`), nil until read.
    var reports: [InspectReport.Block?]
    /// Flag facts per block (swapcache, mlocked, THP ...), nil until read.
    var facts: [PageFlagCounts?]
    /// Per block, `chunksPerBlock` censuses, or nil until read (drawn as holes).
    var chunks: [[PageCensus]?]
    /// Every page of one block: the zoomed one.
    var zoomed: ZoomedPages?
    /// Sources that could not be read, and why (the report's and the scanner's).
    var unavailable: [String] = []

    struct ZoomedPages {
        var block: Int
        var pages: [LivePage]
    }

    /// Index into `blockViews` of the block holding `pfn`, if any.
    func blockIndex(of pfn: PFN) -> Int? {
        let id = geometry.block(of: pfn).raw
        return blockViews.firstIndex { $0.id.raw == id }
    }

    func page(_ pfn: PFN) -> PageView {
        guard let zoomed, let block = blockViews[safe: zoomed.block], block.pfns.contains(pfn),
              let live = zoomed.pages[safe: pfn - block.pfns.lowerBound] else {
            return PageView(kind: .hole)
        }
        return Self.view(of: live, zone: zoneType(at: pfn, in: block))
    }

    func census(_ range: Range<PFN>, stride: Int) -> PageCensus {
        var total = PageCensus()
        guard let index = blockIndex(of: range.lowerBound) else { return total }
        let block = blockViews[index]
        guard let chunks = chunks[index] else {
            total.pages = range.pageCount
            total.kinds[Int(PageKind.hole.rawValue)] = range.pageCount
            return total
        }
        let size = max(1, block.pfns.pageCount / chunks.count)
        // Each chunk counts once, in the range holding its first page; a range too small to hold
        // a chunk's start takes the chunk it lies in.
        var picked = chunks.indices.filter { range.contains(block.pfns.lowerBound + $0 * size) }
        if picked.isEmpty { picked = [min(chunks.count - 1, (range.lowerBound - block.pfns.lowerBound) / size)] }
        for i in picked { total.add(chunks[i]) }
        return total
    }

    /// The zone a pfn of `block` is in: the block's, or for a multizone block the zone whose
    /// span holds it.
    func zoneType(at pfn: PFN, in block: BlockView) -> ZoneType? {
        guard block.multizone else { return block.zone }
        let raw = UInt64(pfn.raw)
        return snapshot.zones?.first { $0.span?.contains(raw) == true && $0.node == block.node.raw }
            .flatMap { ZoneType(kernelName: $0.name) }
    }
}

extension LiveMemory {
    /// The map's kind for a live page. Two live kinds have no simulator kind of their own and
    /// borrow one, renamed in the legend (`LiveMemory.legendNames`): "no flags" pages (kernel
    /// allocations or per-cpu free pages) are drawn as the loud "garbage" state because they
    /// are what blocks most offlines; never-initialised pages as the quiet "per-cpu" state,
    /// which the LRU mode counts as free, as they will be once the kernel initialises them.
    static func mapKind(_ kind: LivePageKind) -> PageKind {
        switch kind {
        case .free: .free
        case .lruAnon: .anon
        case .lruFile: .file
        case .slab: .slab
        case .pagetable: .pageTable
        case .reserved: .reserved
        case .kernel, .other: .garbage
        case .offline: .offline
        case .uninit: .pcp
        }
    }

    /// Legend names of the page-kind mode in live mode (index into `ColourMode.kind.states`).
    static let legendNames: [Int: String] = [1: "never initialised", 8: "no flags (kernel, pcp)"]

    static func lru(of flags: KPageFlags) -> LRUList? {
        guard flags.contains(.lru) else { return nil }
        if flags.contains(.unevictable) { return .unevictable }
        let active = flags.contains(.active)
        if flags.contains(.swapbacked) { return active ? .activeAnon : .inactiveAnon }
        return active ? .activeFile : .inactiveFile
    }

    static func view(of page: LivePage, zone: ZoneType?) -> PageView {
        PageView(kind: mapKind(page.kind), swapcache: page.flags.contains(.swapcache), zone: zone,
                 migratetype: nil, isolated: false, lru: lru(of: page.flags), offLRUForMigration: false)
    }
}

extension PageCensus {
    /// Counts `n` pages like `view` as the simulator's census would (migratetypes unknown).
    mutating func count(_ view: PageView, times n: Int) {
        pages += n
        kinds[Int(view.kind.rawValue)] += n
        guard view.kind != .hole && view.kind != .offline else { return }
        if view.kind == .anon && view.swapcache { swapcacheAnon += n }
        if let zone = view.zone { zones[zone.rawValue] += n } else { noZone += n }
        if let lru = view.lru { self.lru[lru.rawValue] += n }
    }

    mutating func add(_ other: PageCensus) {
        pages += other.pages
        for i in kinds.indices { kinds[i] += other.kinds[i] }
        swapcacheAnon += other.swapcacheAnon
        for i in zones.indices { zones[i] += other.zones[i] }
        noZone += other.noZone
        for i in migratetypes.indices { migratetypes[i] += other.migratetypes[i] }
        for i in lru.indices { lru[i] += other.lru[i] }
        offLRUForMigration += other.offLRUForMigration
        isolatedFree += other.isolatedFree
        isolatedInUse += other.isolatedInUse
    }
}

extension ZoneType {
    /// The zone /proc/zoneinfo calls `name`, or nil for zones the model has not (Device, HighMem).
    init?(kernelName name: String) {
        guard let type = ZoneType.allCases.first(where: { $0.description == name }) else { return nil }
        self = type
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
