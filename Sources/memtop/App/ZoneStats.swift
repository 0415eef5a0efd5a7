import MemEngine

/// What the zone panel shows about one zone: counters, the buddy free lists by order and
/// migratetype, pageblocks by migratetype, per-cpu lists and the node's LRU sizes.
///
/// A plain value so that live mode can fill it from /proc/zoneinfo, buddyinfo and pagetypeinfo
/// (leaving nil what the kernel does not say).
struct ZoneStats: Hashable, Sendable {
    struct PerCPU: Hashable, Sendable {
        var cpu: Int, count: Int, high: Int, batch: Int
    }
    var node: NodeID
    var name: String
    var startPFN: PFN
    var spanned: Int, present: Int, managed: Int
    var freePages: Int
    /// Watermarks min, low, high in pages.
    var watermarks: [Int]
    var isolatePageblocks: Int
    /// free_area[order].free_list[mt] lengths: `buddy[order][mt.rawValue]`, or nil if unknown.
    var buddy: [[Int]]?
    /// Pageblocks per migratetype (pagetypeinfo), or nil if unknown.
    var pageblocks: [Int]?
    var perCPU: [PerCPU]
    /// The node's LRU list sizes by `LRUList.rawValue`.
    var lru: [Int]
    var isolatedAnon: Int, isolatedFile: Int
    /// Live mode: zoneinfo's per-cpu pages summed over cpus, shown instead of `perCPU`.
    var pcpSummary: String? = nil
    /// lowmem_reserve[] (zoneinfo's `protection:`) by highest zone index of the allocation, or
    /// nil if unknown.
    var protection: [Int]? = nil
}

extension Machine {
    /// The zone panel's numbers for zone index `z`.
    func zoneStats(_ z: Int) -> ZoneStats {
        let zone = zones[z]
        let node = nodes[zone.node.raw]
        return ZoneStats(
            node: zone.node, name: zone.name, startPFN: PFN(addresses.pfn(zone.startPFN.raw)), spanned: zone.spanned,
            present: zone.present, managed: zone.managed, freePages: zone.freePages,
            watermarks: [zone.watermarks.min, zone.watermarks.low, zone.watermarks.high],
            isolatePageblocks: zone.nrIsolatePageblock,
            buddy: (0...zone.maxOrder).map { o in MigrateType.allCases.map { zone.freeCount(order: o, mt: $0) } },
            pageblocks: pageblockCounts(zone: z),
            perCPU: zone.pcp.enumerated().map { ZoneStats.PerCPU(cpu: $0, count: $1.count, high: $1.high, batch: $1.batch) },
            lru: LRUList.allCases.map { node.lru($0) },
            isolatedAnon: node.nrIsolatedAnon, isolatedFile: node.nrIsolatedFile,
            protection: zone.lowmemReserve)
    }

    /// The zone index a block belongs to (its first page's zone, else the zone of the same node
    /// and type it was drawn in), or nil.
    func zoneIndex(for block: BlockView) -> Int? {
        if let z = zoneIndex(block.pfns.lowerBound) { return z }
        return zones.firstIndex { $0.node == block.node && $0.type == block.zone }
    }
}
