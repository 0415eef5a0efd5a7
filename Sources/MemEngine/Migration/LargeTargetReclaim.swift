extension Machine {
    /// The direct reclaim and compaction a large folio's migration target may do
    /// (`alloc_migration_target()` ORs in `GFP_TRANSHUGE`, which has `__GFP_DIRECT_RECLAIM`;
    /// the slowpath then runs `__alloc_pages_direct_compact()` and reclaim). The model finds,
    /// in the allowed zones and outside any isolated pageblock, one naturally aligned block of
    /// `order` on a movable pageblock whose pages are all free in the buddy or clean, unused
    /// page cache, and drops that cache straight into the buddy, so the block merges whole.
    /// When no block qualifies, the per-cpu lists of those zones are drained
    /// (`drain_all_pages()`, as the slowpath does after a failed direct reclaim) and the
    /// search runs once more. Returns whether it freed such a block.
    mutating func reclaimBlockForLargeFolio(order: Int, gfp: GFP, preferredNode: Int, cpu: Int) -> Bool {
        if findAndReclaimBlock(order: order, gfp: gfp, preferredNode: preferredNode) { return true }
        var drained = 0
        for z in zonelist(preferredNode) where zones[z].type <= gfp.highestZone {
            if let mask = gfp.nodemask, !mask[zones[z].node.raw] { continue }
            for c in zones[z].pcp.indices { drained += drainPages(zone: z, cpu: c) }
        }
        return drained > 0 && findAndReclaimBlock(order: order, gfp: gfp, preferredNode: preferredNode)
    }

    private mutating func findAndReclaimBlock(order: Int, gfp: GFP, preferredNode: Int) -> Bool {
        let size = order.pagesCount
        for z in zonelist(preferredNode) where zones[z].type <= gfp.highestZone && zones[z].managed > 0 {
            if let mask = gfp.nodemask, !mask[zones[z].node.raw] { continue }
            let start = (zones[z].startPFN.raw + size - 1) & ~(size - 1)
            for base in stride(from: start, to: zones[z].endPFN.raw - size + 1, by: size) {
                guard let cache = reclaimableBlock(base, size: size, zone: z), !cache.isEmpty else { continue }
                for p in cache {
                    lruDel(p)
                    files[Int(pages.owner[p])].pages[Int(pages.index[p])] = PageArrays.none
                    pages.reset(p, to: .free)
                    freeOnePage(p, order: 0, mt: effectiveMT(p), zone: z)
                }
                vmstat.directReclaimed += cache.count
                emit(.workload, "try_to_free_pages", pfn: base, order: order,
                     detail: "direct reclaim for a large folio freed \(cache.count) page-cache pages")
                return true
            }
        }
        return false
    }

    /// The page-cache pages to drop to make `base..<base+size` one free block, or nil when a
    /// page there is neither free in the buddy nor clean, unused page cache.
    private func reclaimableBlock(_ base: Int, size: Int, zone z: Int) -> [Int]? {
        var cache: [Int] = []
        for pb in stride(from: base, to: base + size, by: geometry.pagesPerPageblock) {
            guard zoneIndex(of: pb) == z, effectiveMT(pb) == .movable else { return nil }
        }
        var p = base
        while p < base + size {
            if pages.has(p, .buddy) {
                // A free buddy block: aligned, so it lies wholly inside the block.
                p += pages.order(p).pagesCount
                continue
            }
            let f = Int(pages.owner[p]), i = Int(pages.index[p])
            guard pages.kindOf(p) == .file, isCleanUnusedCache(p), !pages.has(p, .isolated),
                  f < files.count, i < files[f].pages.count, files[f].pages[i] == UInt32(p),
                  pages.folioOrder(p) == 0 else { return nil }
            cache.append(p)
            p += 1
        }
        return cache
    }
}
