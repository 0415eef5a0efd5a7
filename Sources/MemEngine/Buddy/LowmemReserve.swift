/// `sysctl_lowmem_reserve_ratio[]` (vm.lowmem_reserve_ratio) as Linux 6.x sets it on x86_64:
/// a zone keeps 1/ratio of the managed pages above it from allocations that could have used
/// those higher zones. 0: no reserve (ZONE_MOVABLE, the highest zone).
public let lowmemReserveRatio: [ZoneType: Int] = [.dma: 256, .dma32: 256, .normal: 32, .movable: 0]

extension Machine {
    /// `setup_per_zone_lowmem_reserve()`, mm/page_alloc.c: per node, each zone's
    /// `lowmem_reserve[j]` for every higher zone type `j` is the managed pages of the zones above
    /// it up to `j`, divided by the zone's ratio; 0 for a zone without managed pages or without a
    /// ratio, and for `j` at or below the zone itself. Empty higher zones add nothing but keep
    /// the sum (as since the 2025 revert of "don't show protection ... for empty zone", and in
    /// the 6.1 runs: plain-1g's DMA reads `protection: (0, 934, 934, 934, 934)`).
    /// Called from `init_per_zone_wmark_min()`: at boot, and after online_pages/offline_pages
    /// changed managed pages.
    mutating func setupPerZoneLowmemReserve() {
        for node in nodes {
            let reserves = Self.lowmemReserve(managed: node.zoneIndices.map { zones[$0].managed })
            for (i, z) in node.zoneIndices.enumerated() { zones[z].lowmemReserve = reserves[i] }
        }
    }

    /// The lowmem_reserve[] arrays of one node's zones, from their managed pages by zone type
    /// (`managed[t.rawValue]`): what /proc/zoneinfo prints as each zone's `protection:`.
    public static func lowmemReserve(managed: [Int]) -> [[Int]] {
        managed.indices.map { i in
            var reserve = Array(repeating: 0, count: managed.count)
            let ratio = ZoneType(rawValue: i).flatMap { lowmemReserveRatio[$0] } ?? 0
            guard ratio > 0, managed[i] > 0 else { return reserve }
            var above = 0
            for j in (i + 1)..<managed.count {
                above += managed[j]
                reserve[j] = above / ratio
            }
            return reserve
        }
    }
}
