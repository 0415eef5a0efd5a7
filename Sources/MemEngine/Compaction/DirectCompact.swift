extension Machine {
    /// `try_to_compact_pages()`: each allowed zone of the zonelist, in order, is compacted
    /// (`compact_zone_order()`) unless compaction there is deferred, until one has a free
    /// block of `order`. A failed synchronous compaction defers the next ones.
    mutating func tryToCompactPages(order: Int, gfp: GFP, preferredNode: Int, priority: CompactPriority, cpu: Int) -> CompactResult {
        prepareCompactionState()
        var rc = CompactResult.skipped
        for z in zonelist(preferredNode) where zones[z].type <= gfp.highestZone && zones[z].managed > 0 {
            if let mask = gfp.nodemask, !mask[zones[z].node.raw] { continue }
            if compactionDeferred(zone: z, order: order) {
                rc = max(rc, .deferred)
                emit(.hotplug, "compaction_deferred", block: operation?.block?.raw, order: order,
                     detail: "\(zoneLabel(z)): compaction failed here lately, skipped this time")
                continue
            }
            let status = compactZone(z, order: order, highestZone: gfp.highestZone, mode: priority, cpu: cpu)
            rc = max(rc, status)
            if status == .success {
                compactionDeferReset(zone: z, order: order, allocSuccess: false)
                break
            }
            if priority != .async && (status == .complete || status == .partialSkipped) {
                deferCompaction(zone: z, order: order)
            }
        }
        return rc
    }

    /// `__alloc_pages_direct_compact()`: compaction, then one more try at the free lists
    /// (compact_stall, then compact_success or compact_fail, unless every zone skipped it).
    mutating func allocPagesDirectCompact(order: Int, gfp: GFP, preferredNode: Int, priority: CompactPriority,
                                          cpu: Int) -> (pfn: Int, zone: Int)? {
        emit(.hotplug, "try_to_compact_pages", block: operation?.block?.raw, order: order,
             detail: "direct compaction for an order-\(order) folio, \(priority.rawValue)")
        let rc = tryToCompactPages(order: order, gfp: gfp, preferredNode: preferredNode, priority: priority, cpu: cpu)
        // Skipped in every zone: no stall counted (COMPACTSTALL counts compaction that ran or
        // was deferred somewhere).
        guard rc != .skipped else { return nil }
        vmstat.compactStall += 1
        if let got = allocPages(order: order, gfp: gfp, preferredNode: preferredNode, cpu: cpu) {
            compactionDeferReset(zone: got.zone, order: order, allocSuccess: true)
            vmstat.compactSuccess += 1
            return got
        }
        vmstat.compactFail += 1
        return nil
    }

    /// `__alloc_pages_slowpath()` for a large folio's migration target. Its gfp
    /// (`GFP_TRANSHUGE` in `alloc_migration_target()`, with the hot-remove caller's
    /// `__GFP_RETRY_MAYFAIL`) has `__GFP_DIRECT_RECLAIM` but not kswapd's reclaim, and the order
    /// is costly: direct compaction (MIGRATE_ASYNC) first; then direct reclaim, compaction
    /// again, and (`should_compact_retry()`) the priority raised to MIGRATE_SYNC_LIGHT, the
    /// highest a costly order gets; no progress from reclaim, or a failure at that priority,
    /// ends it. Nil: the caller splits the folio.
    mutating func allocLargeFolioSlowpath(order: Int, gfp: GFP, preferredNode: Int, cpu: Int) -> (pfn: Int, zone: Int)? {
        var gfp = gfp
        gfp.mayReclaim = false
        if let got = allocPagesDirectCompact(order: order, gfp: gfp, preferredNode: preferredNode, priority: .async, cpu: cpu) {
            return got
        }
        var priority = CompactPriority.async
        while true {
            // __alloc_pages_direct_reclaim(): reclaim for compaction's gap, then a try.
            inDirectReclaim = true
            let freed = directReclaim(nodemask: gfp.nodemask, want: 2 << order)
            inDirectReclaim = false
            if freed > 0, let got = allocPages(order: order, gfp: gfp, preferredNode: preferredNode, cpu: cpu) { return got }
            if let got = allocPagesDirectCompact(order: order, gfp: gfp, preferredNode: preferredNode, priority: priority, cpu: cpu) {
                return got
            }
            guard freed > 0, priority == .async else { return nil }
            priority = .syncLight
        }
    }
}
