extension Machine {
    /// Boots a machine: lays out nodes and zones, initialises the memmap, reserves bootmem,
    /// frees the rest to the buddy allocator, sets watermarks and per-cpu lists, then lets the
    /// workload start: memory filled to the workload's level (unless `populated` is false), then
    /// `warmupTicks` ticks of it.
    public init(config: MachineConfig, warmupTicks: Int? = nil, populated: Bool = true) throws(ConfigError) {
        try config.validate()
        self.config = config
        let g = config.geometry
        let totalBlocks = config.blockCount
        (pages, pageblockMT, pageblockIsolated, pageblockZone) = Machine.emptyMemmap(blocks: totalBlocks, geometry: g)
        rng = SeededRandom(seed: config.seed)
        zones = []
        nodes = []
        blocks = []
        lruAddBatch = Array(repeating: [], count: config.cpus)

        let layout = ZoneLayout(config: config)
        for n in 0..<config.nodes {
            let range = layout.nodeRanges[n]
            let cpus = (0..<config.cpus).filter { $0 % config.nodes == n }.map(CPU.init)
            var indices: [Int] = []
            for t in ZoneType.allCases {
                let r = layout.zoneRanges[n][t.rawValue]
                indices.append(zones.count)
                zones.append(Zone(node: NodeID(n), type: t, start: PFN(r.lowerBound), spanned: r.count,
                                  maxOrder: g.maxOrder, cpus: config.cpus))
            }
            nodes.append(Node(id: NodeID(n), startPFN: PFN(range.lowerBound), endPFN: PFN(range.upperBound),
                              cpus: cpus, zoneIndices: indices))
        }
        for b in 0..<totalBlocks {
            let start = b * g.pagesPerBlock
            let present = max(0, min(config.totalPages, start + g.pagesPerBlock) - start)
            let node = layout.nodeRanges.firstIndex { $0.contains(start) } ?? 0
            blocks.append(MemoryBlock(id: BlockID(b), node: NodeID(node), state: .online, presentPages: present))
        }
        buildAllZonelists()
        memmapInit(layout: layout)
        memblockFreeAll()
        initPerZoneWmarkMin()
        for z in zones.indices { setPageset(zone: z) }
        bootKernelAllocations()
        if populated { populate() }
        let warmup = warmupTicks ?? 200
        for _ in 0..<warmup { step() }
        _ = drainEvents()
    }

    /// Page and pageblock arrays for `blocks` memory blocks: every page a hole, every pageblock
    /// Movable, not isolated and in no zone, until boot or import fills them in.
    static func emptyMemmap(blocks: Int, geometry g: Geometry) -> (PageArrays, [UInt8], [Bool], [UInt8]) {
        let pageCount = blocks * g.pagesPerBlock
        let pageblocks = pageCount >> g.pageblockOrder
        return (PageArrays(count: pageCount, pagesPerBlock: g.pagesPerBlock),
                Array(repeating: UInt8(MigrateType.movable.rawValue), count: pageblocks),
                Array(repeating: false, count: pageblocks),
                Array(repeating: 255, count: pageblocks))
    }

    /// `memmap_init()`: links every present page to its zone and marks pageblocks Movable;
    /// reserves what memblock handed out at boot; initialises the hole at the end of a section
    /// as reserved (the memmap-roundup fix) or leaves garbage there without it.
    mutating func memmapInit(layout: ZoneLayout) {
        let g = geometry
        for (zi, zone) in zones.enumerated() where zone.spanned > 0 {
            for pb in stride(from: zone.startPFN.raw, to: zone.endPFN.raw, by: g.pagesPerPageblock) {
                pageblockZone[pb >> g.pageblockOrder] = UInt8(zi)
            }
        }
        let present = min(config.totalPages, pages.count)
        pages.reset(0..<present, to: .free)
        if config.has(.memmapRoundup) {
            pages.reset(present..<pages.count, to: .hole)
            pages.set(present..<pages.count, .reserved)
        } else {
            for p in present..<pages.count {
                pages.reset(p, to: .garbage)
                // Whatever was in memory: here, bits that make it look like an LRU page.
                let junk = UInt16(truncatingIfNeeded: rng.next()) & ~(PageFlags.reserved.rawValue | PageFlags.buddy.rawValue)
                pages.setFlags(p, junk | PageFlags.lru.rawValue)
                pages.refcount[p] = UInt8(truncatingIfNeeded: rng.next() | 1)
            }
        }
        for r in layout.reservedRanges {
            let r = r.clamped(to: 0..<present)
            pages.reset(r, to: .reserved)
            pages.set(r, .reserved)
            PageArrays.fill(&pages.refcount, r, 1)
        }
        // Hole pages are spanned by the last zone but not present.
        for (zi, zone) in zones.enumerated() where zone.spanned > 0 {
            let present = max(0, min(zone.endPFN.raw, config.totalPages) - zone.startPFN.raw)
            zones[zi].present = present
            let span = zone.startPFN.raw..<(zone.startPFN.raw + present)
            let reserved = layout.reservedRanges.reduce(0) { $0 + $1.clamped(to: span).count }
            zones[zi].managed = present - reserved
        }
        // The hole belongs to the last zone of the last node.
        if config.totalPages < pages.count, let last = zones.lastIndex(where: { $0.spanned > 0 }) {
            let end = zones[last].endPFN.raw
            if end < pages.count {
                zones[last].spanned += pages.count - end
                for pb in stride(from: end, to: pages.count, by: g.pagesPerPageblock) {
                    pageblockZone[pb >> g.pageblockOrder] = UInt8(last)
                }
            }
        }
    }

    /// `memblock_free_all()`: every page memblock did not reserve goes to the buddy allocator in
    /// the largest aligned chunks, in ascending order, to the tail of the lists.
    mutating func memblockFreeAll() {
        for (zi, zone) in zones.enumerated() where zone.present > 0 {
            var p = zone.startPFN.raw
            let end = zone.startPFN.raw + zone.present
            while p < end {
                guard pages.kindOf(p) == .free else { p += 1; continue }
                var order = min(geometry.maxOrder, p == 0 ? geometry.maxOrder : p.trailingZeroBitCount)
                while order > 0 && !(p + order.pagesCount <= end && (p..<(p + order.pagesCount)).allSatisfy({ pages.kindOf($0) == .free })) {
                    order -= 1
                }
                freeOnePage(p, order: order, mt: effectiveMT(p), zone: zi, toTail: true)
                p += order.pagesCount
            }
        }
    }

    /// `init_per_zone_wmark_min()` and `__setup_per_zone_wmarks()`: min_free_kbytes from the
    /// square root of low memory, shared by the kernel zones in proportion to their size;
    /// ZONE_MOVABLE gets a small fixed min; low and high sit a step above. Then, as the kernel's
    /// does, `setup_per_zone_lowmem_reserve()`.
    mutating func initPerZoneWmarkMin() {
        let lowmemPages = zones.filter { $0.type != .movable }.reduce(0) { $0 + $1.managed }
        let lowmemKB = lowmemPages * geometry.pageSize / 1024
        let minFreeKB = min(262_144, max(128, Int(Double(lowmemKB * 16).squareRoot())))
        let minPages = minFreeKB * 1024 / geometry.pageSize
        for z in zones.indices {
            let managed = zones[z].managed
            var wmin: Int
            if zones[z].type == .movable {
                wmin = min(128, max(32, managed / 1024))
            } else {
                wmin = lowmemPages > 0 ? minPages * managed / lowmemPages : 0
            }
            if managed == 0 { wmin = 0 }
            let step = max(wmin / 4, managed * 10 / 10_000)
            zones[z].watermarks = Watermarks(min: wmin, low: wmin + step, high: wmin + 2 * step)
        }
        setupPerZoneLowmemReserve()
    }

    /// Kernel memory allocated early: slab caches and page tables in the kernel zones.
    mutating func bootKernelAllocations() {
        let count = max(8, config.totalPages / 200)
        for i in 0..<count {
            let cpu = i % config.cpus
            let gfp: GFP = i % 3 == 0 ? .kernelReclaimable : .kernel
            guard allocSlabPage(gfp: gfp, node: i % config.nodes, cpu: cpu) != nil else { break }
        }
    }
}

/// Where nodes, zones and boot-time reservations fall, computed from the configuration the
/// way x86_64 does it, scaled to the geometry.
struct ZoneLayout {
    var nodeRanges: [Range<Int>] = []
    /// Per node, per zone type.
    var zoneRanges: [[Range<Int>]] = []
    var reservedRanges: [Range<Int>] = []
    var memblock = Memblock(totalPages: 0)

    init(config: MachineConfig) {
        let g = config.geometry
        let totalBlocks = config.blockCount
        let pagesPerBlock = g.pagesPerBlock
        var start = 0
        for n in 0..<config.nodes {
            let blocks = totalBlocks / config.nodes + (n < totalBlocks % config.nodes ? 1 : 0)
            nodeRanges.append(start..<(start + blocks * pagesPerBlock))
            start += blocks * pagesPerBlock
        }
        let total = totalBlocks * pagesPerBlock
        let align = g.pagesPerPageblock
        let dmaEnd = max(align, Int(Double(16 << 20) * g.scale) / g.pageSize / align * align)
        let dma32End = max(dmaEnd, Int(Double(1 << 32) * g.scale) / g.pageSize / pagesPerBlock * pagesPerBlock)
        // ZONE_MOVABLE comes out of the highest kernel zone present (`movable_zone`).
        let movableZoneStart = total > dma32End ? dma32End : dmaEnd
        let totalPages = config.totalPages
        var movable = 0
        if let mc = config.movablecore { movable = mc.pages(of: totalPages, pageSize: g.pageSize) }
        if let kc = config.kernelcore {
            let fromKernelcore = max(0, totalPages - kc.pages(of: totalPages, pageSize: g.pageSize))
            movable = config.movablecore == nil ? fromKernelcore : min(movable, fromKernelcore)
        }
        let chunk = (g.maxOrder).pagesCount
        for n in 0..<config.nodes {
            let r = nodeRanges[n]
            let nodeEnd = min(r.upperBound, max(r.lowerBound, totalPages))
            let eligibleStart = max(r.lowerBound, movableZoneStart)
            var movableStart: Int
            if config.movableNode {
                // find_zone_movable_pfns_for_nodes(): hotpluggable nodes (all but node 0) are
                // ZONE_MOVABLE from their start; kernelcore= and movablecore= are ignored.
                movableStart = n == 0 ? r.upperBound : eligibleStart
            } else {
                let share = movable * r.count / max(1, total)
                movableStart = max(eligibleStart, nodeEnd - share)
                if share == 0 { movableStart = r.upperBound }
            }
            // The kernel rounds zone_movable_pfn up to a MAX_PAGE_ORDER boundary.
            movableStart = (movableStart + chunk - 1) / chunk * chunk
            if movableStart >= nodeEnd { movableStart = r.upperBound }
            func clip(_ lo: Int, _ hi: Int) -> Range<Int> {
                let a = max(lo, r.lowerBound), b = min(hi, r.upperBound)
                return a < b ? a..<b : r.lowerBound..<r.lowerBound
            }
            let kernelTop = min(r.upperBound, movableStart)
            zoneRanges.append([
                clip(0, min(dmaEnd, kernelTop)),
                clip(dmaEnd, min(dma32End, kernelTop)),
                clip(dma32End, kernelTop),
                movableStart < r.upperBound ? movableStart..<r.upperBound : r.upperBound..<r.upperBound,
            ])
        }
        memblock = Memblock.place(config: config, nodeRanges: nodeRanges,
                                  movable: zoneRanges.map { $0[ZoneType.movable.rawValue] },
                                  dmaEnd: dmaEnd, dma32End: dma32End)
        reservedRanges = memblock.reservedRanges
    }

    /// Pages of the kernel zones (DMA, DMA32, Normal) that have RAM behind them.
    var kernelZonePages: Int {
        zoneRanges.reduce(0) { sum, node in
            sum + node[0..<ZoneType.movable.rawValue].reduce(0) { $0 + $1.count }
        }
    }
}
