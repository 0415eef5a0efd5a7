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
            let range = layout.nodeSpans[n]
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
            let present = layout.firmware.present(in: start..<(start + g.pagesPerBlock))
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
    /// reserves what memblock handed out at boot; initialises the firmware's holes below the
    /// end of memory as reserved, and the one from the end of memory to the end of its section
    /// only with the memmap-roundup fix (without it that one holds garbage).
    mutating func memmapInit(layout: ZoneLayout) {
        let g = geometry
        for (zi, zone) in zones.enumerated() where zone.spanned > 0 {
            for pb in stride(from: zone.startPFN.raw, to: zone.endPFN.raw, by: g.pagesPerPageblock) {
                pageblockZone[pb >> g.pageblockOrder] = UInt8(zi)
            }
        }
        let ram = layout.firmware.ram
        let memoryEnd = ram.last?.upperBound ?? 0
        var holeStart = 0
        for r in ram {
            pages.reset(holeStart..<r.lowerBound, to: .hole)
            pages.set(holeStart..<r.lowerBound, .reserved)
            pages.reset(r, to: .free)
            holeStart = r.upperBound
        }
        if config.has(.memmapRoundup) {
            pages.reset(memoryEnd..<pages.count, to: .hole)
            pages.set(memoryEnd..<pages.count, .reserved)
        } else {
            for p in memoryEnd..<pages.count {
                pages.reset(p, to: .garbage)
                // Whatever was in memory: here, bits that make it look like an LRU page.
                let junk = UInt16(truncatingIfNeeded: rng.next()) & ~(PageFlags.reserved.rawValue | PageFlags.buddy.rawValue)
                pages.setFlags(p, junk | PageFlags.lru.rawValue)
                pages.refcount[p] = UInt8(truncatingIfNeeded: rng.next() | 1)
            }
        }
        for reserved in layout.reservedRanges {
            for r in layout.firmware.ram(in: reserved) {
                pages.reset(r, to: .reserved)
                pages.set(r, .reserved)
                PageArrays.fill(&pages.refcount, r, 1)
            }
        }
        for (zi, zone) in zones.enumerated() where zone.spanned > 0 {
            let span = zone.startPFN.raw..<zone.endPFN.raw
            zones[zi].present = layout.firmware.present(in: span)
            let reserved = layout.reservedRanges.reduce(0) { sum, r in sum + layout.firmware.present(in: r.clamped(to: span)) }
            zones[zi].managed = zones[zi].present - reserved
        }
        // The struct pages from the end of memory to the end of its section belong to the last
        // zone of the last node (init_unavailable_range()), though no zone spans them.
        if memoryEnd < pages.count, let last = zones.lastIndex(where: { $0.spanned > 0 }) {
            for pb in stride(from: memoryEnd, to: pages.count, by: g.pagesPerPageblock) {
                pageblockZone[pb >> g.pageblockOrder] = UInt8(last)
            }
        }
    }

    /// `memblock_free_all()`: every page memblock did not reserve goes to the buddy allocator in
    /// the largest aligned chunks, in ascending order, to the tail of the lists.
    mutating func memblockFreeAll() {
        for (zi, zone) in zones.enumerated() where zone.present > 0 {
            var p = zone.startPFN.raw
            let end = zone.endPFN.raw
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
    /// Per node, the memory blocks it owns (whole blocks; the last may end in a hole).
    var nodeRanges: [Range<Int>] = []
    /// Per node, `[node_start_pfn, node_end_pfn)`: its first to its last pfn with RAM.
    var nodeSpans: [Range<Int>] = []
    /// Per node, per zone type: the zone's span (empty zones span 0..<0, as the kernel leaves them).
    var zoneRanges: [[Range<Int>]] = []
    var reservedRanges: [Range<Int>] = []
    var memblock = Memblock(totalPages: 0)
    var firmware: FirmwareMap

    init(config: MachineConfig) {
        let g = config.geometry
        let totalBlocks = config.blockCount
        let pagesPerBlock = g.pagesPerBlock
        firmware = FirmwareMap(config: config)
        var start = 0
        for n in 0..<config.nodes {
            let blocks = totalBlocks / config.nodes + (n < totalBlocks % config.nodes ? 1 : 0)
            nodeRanges.append(start..<(start + blocks * pagesPerBlock))
            start += blocks * pagesPerBlock
        }
        let ram = nodeRanges.enumerated().flatMap { n, r in firmware.ram(in: r).map { (node: n, pfns: $0) } }
        nodeSpans = nodeRanges.indices.map { n in
            let mine = ram.filter { $0.node == n }.map(\.pfns)
            guard let lo = mine.first?.lowerBound, let hi = mine.last?.upperBound else { return 0..<0 }
            return lo..<hi
        }
        // free_area_init(): each zone type's possible pfns, from the first pfn with RAM to
        // max_pfn; a zone type above max_pfn is empty.
        let align = g.pagesPerPageblock
        let dmaEnd = max(align, Int(Double(16 << 20) * g.scale) / g.pageSize / align * align)
        let dma32End = max(dmaEnd, Int(Double(1 << 32) * g.scale) / g.pageSize / pagesPerBlock * pagesPerBlock)
        let minPFN = firmware.ram.first?.lowerBound ?? 0
        let maxPFN = firmware.ram.last?.upperBound ?? 0
        let possible = [minPFN..<max(minPFN, min(dmaEnd, maxPFN)),
                        min(dmaEnd, maxPFN)..<min(dma32End, maxPFN),
                        min(dma32End, maxPFN)..<maxPFN]
        // find_usable_zone_for_movable(): ZONE_MOVABLE comes out of the highest zone present.
        let movableZone = possible.lastIndex { !$0.isEmpty } ?? 0
        let zoneMovablePFN = ZoneMovable(ranges: ram, nodes: config.nodes,
                                         usableStartPFN: possible[movableZone].lowerBound,
                                         maxOrderNrPages: g.maxOrder.pagesCount)
            .zoneMovablePFNs(kernelcore: config.kernelcore, movablecore: config.movablecore,
                             movableNode: config.movableNode, pageSize: g.pageSize)
        for n in 0..<config.nodes {
            // zone_spanned_pages_in_node() with adjust_zone_range_for_zone_movable().
            let node = nodeSpans[n], zmp = zoneMovablePFN[n]
            var spans = possible.map { p -> Range<Int> in
                var lo = max(p.lowerBound, node.lowerBound), hi = min(p.upperBound, node.upperBound)
                if zmp > 0 {
                    if lo < zmp && hi > zmp { hi = zmp } else if lo >= zmp { hi = lo }
                }
                return lo < hi ? lo..<hi : 0..<0
            }
            spans.append(zmp > 0 ? zmp..<node.upperBound : 0..<0)
            zoneRanges.append(spans)
        }
        memblock = Memblock.place(config: config, nodeRanges: nodeRanges,
                                  movable: zoneRanges.map { $0[ZoneType.movable.rawValue] },
                                  dmaEnd: dmaEnd, dma32End: dma32End)
        reservedRanges = memblock.reservedRanges
    }

    /// Pages of the kernel zones (DMA, DMA32, Normal) that have RAM behind them.
    var kernelZonePages: Int {
        zoneRanges.reduce(0) { sum, node in
            sum + node[0..<ZoneType.movable.rawValue].reduce(0) { $0 + firmware.present(in: $1) }
        }
    }
}
