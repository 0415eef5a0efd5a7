/// Whether the rest of a real machine could take a block's movable pages.
///
/// Kernel: `do_migrate_range()` (mm/memory_hotplug.c) allocates each target with
/// `alloc_migration_target()` (mm/migrate.c), GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL,
/// on any node but the block's own when another node has memory. `__GFP_HIGHMEM` is added only
/// for a page of ZONE_MOVABLE (or highmem), so a page of a kernel zone is never migrated into
/// ZONE_MOVABLE, while a ZONE_MOVABLE page may go to any zone. The allocator's slow path takes a
/// page from a zone only above its min watermark plus `lowmem_reserve[highest zone]`
/// (zoneinfo's `protection:`). When no target can be had, migration fails page after page and
/// `offline_pages()` scans again until a signal ends it (EINTR, "signal backoff").
enum MigrationRoom {
    /// Zone indices as the kernel numbers them (`enum zone_type` on x86_64).
    static let zoneIndex = ["DMA": 0, "DMA32": 1, "Normal": 2, "Movable": 3, "Device": 4]

    /// Free pages that could receive the movable pages of `pfns` (in zone `zone` of `node`),
    /// or nil when zoneinfo is unavailable. The block's own free pages do not count: isolation
    /// takes them off the free counters first.
    static func freePages(for pfns: Range<UInt64>, zone: String, node: Int?, blockFree: UInt64,
                          snapshot: LiveSnapshot) -> UInt64? {
        guard let zones = snapshot.zones, let own = zoneIndex[zone] else { return nil }
        // The highest zone the target allocation may use (gfp_zone()).
        let highest = own == 3 ? 3 : 2
        let nodes = Set(zones.filter { $0.managed > 0 }.map(\.node))
        var allowed = nodes
        if let node {
            let others = nodes.subtracting([node])
            allowed = others.isEmpty ? [node] : others
        }
        var total: UInt64 = 0
        for target in zones where allowed.contains(target.node) && target.managed > 0 {
            guard let index = zoneIndex[target.name], index <= highest else { continue }
            var free = snapshot.buddy(node: target.node, zone: target.name)?.freePages ?? target.free
            if target.node == node && target.name == zone { free -= min(free, blockFree) }
            let reserve = (target.min ?? 0) + (target.protection.flatMap { $0.indices.contains(highest) ? $0[highest] : nil } ?? 0)
            total += free > reserve ? free - reserve : 0
        }
        return total
    }
}
