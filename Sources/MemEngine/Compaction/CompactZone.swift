/// One run of `compact_zone()` (`struct compact_control`): the two scanners, the pages the
/// migrate scanner isolated and the free pages the free scanner took for them.
struct CompactControl {
    let zone: Int
    let order: Int
    /// `cc->highest_zoneidx`: the highest zone the allocation compacted for may use, whose
    /// lowmem reserve its watermark checks add.
    let highestZone: ZoneType
    let mode: CompactPriority
    let cpu: Int
    /// The migrate scanner, from the zone's start upwards, and the free scanner, from the
    /// zone's end downwards.
    var migratePFN: Int
    var freePFN: Int
    var wholeZone: Bool
    /// `cc->migratepages`: isolated LRU folios (order 0), `cc->freepages`: isolated free pages,
    /// already split to order 0, the highest handed out first (`split_map_pages()`).
    var migratePages: [Int] = []
    var freePages: [Int] = []
    var finishPageblock = false
    /// `fast_isolate_freepages()`'s memory: the order it last found a page at, and how often
    /// it found none (which shortens its next search).
    var searchOrder: Int
    var fastSearchFail = 0
    var migrated = 0
    var failed = 0
    var migrateScanned = 0
    var freeScanned = 0
}

extension Machine {
    // MARK: compact_zone()

    /// `compact_zone()`, mm/compaction.c: the migrate scanner walks the zone's movable
    /// pageblocks from the start, isolating order-0 LRU pages; the free scanner walks from the
    /// end, taking free pages of movable pageblocks; `migrate_pages(MR_COMPACTION)` moves the
    /// former into the latter, until a free block of `order` appears or the scanners meet.
    /// Bounded as the model needs: the pageblocks isolated for hot-remove are neither source
    /// nor target; the free scanner's search of the free lists (`fast_isolate_freepages()`)
    /// is modelled, the migrate scanner's (`fast_find_migrateblock()`) is left to the linear
    /// scan it shortcuts, and neither reorders the free lists it searched.
    mutating func compactZone(_ z: Int, order: Int, highestZone: ZoneType, mode: CompactPriority, cpu: Int) -> CompactResult {
        let b = operation?.block?.raw
        // Allocation can already succeed: nothing to do.
        if highOrderWatermarkOK(zone: z, order: order, mark: zones[z].watermarks.min, highestZone: highestZone) { return .success }
        let suitable = compactionSuitable(zone: z, order: order, highestZone: highestZone)
        guard suitable == .success else {
            emit(.hotplug, "compaction_suitable", block: b, order: order,
                 detail: EventDetail("\(zoneLabel(z)): \(suitable)" + (suitable == .skipped
                    ? " (free pages not above the low watermark + 2<<order)"
                    : " (fragmentation index \(fragmentationIndex(zone: z, order: order)): short of memory, not fragmented)")))
            return suitable
        }
        if compaction.zones[z].blockskipFlush { resetIsolationSuitable(zone: z) }

        let start = zones[z].startPFN.raw, end = zones[z].endPFN.raw
        let syncIndex = mode == .async ? 0 : 1
        var migrate = compaction.zones[z].cachedMigratePFN[syncIndex] ?? start
        var free = compaction.zones[z].cachedFreePFN ?? pageblockStart(end - 1)
        if free < start || free >= end { free = pageblockStart(end - 1) }
        if migrate < start || migrate >= end { migrate = start }
        var cc = CompactControl(zone: z, order: order, highestZone: highestZone, mode: mode, cpu: cpu, migratePFN: migrate,
                                freePFN: free, wholeZone: migrate == start, searchOrder: order)
        emit(.hotplug, "compact_zone", block: b, pfn: migrate, toPFN: free, order: order,
             detail: "\(zoneLabel(z)) order-\(order) \(mode.rawValue): migrate scanner from \(PFN(addresses.pfn(migrate))), free scanner from \(PFN(addresses.pfn(free)))")
        lruAddDrainCPU(cpu)

        var lastMigrated: Int?
        var result = compactFinished(&cc)
        while result == nil {
            let iterationStart = cc.migratePFN
            cc.finishPageblock = lastMigrated.map { pageblockStart($0) == pageblockStart(iterationStart) } ?? false
            if isolateMigratePages(&cc) {
                lastMigrated = max(start, pageblockStart(cc.migratePFN - 1))
                if !migrateCompactionPages(&cc) && !compactScannersMet(cc) {
                    result = .contended
                    break
                }
            }
            // check_drain: once the migrate scanner left the order-aligned block it emptied,
            // its freed pages leave the per-cpu list for the buddy, where they merge.
            if let last = lastMigrated, last < (cc.migratePFN & ~(order.pagesCount - 1)) {
                lruAddDrainCPU(cpu)
                _ = drainPages(zone: z, cpu: cpu)
                lastMigrated = nil
            }
            result = compactFinished(&cc)
        }
        let outcome = result ?? .complete

        // Free pages isolated but not used go back (`release_freepages()`), and the free
        // scanner restarts at the highest of them next time.
        if let highest = cc.freePages.max() {
            for p in cc.freePages { freePages(p, order: 0, cpu: cpu) }
            let restart = pageblockStart(highest)
            if restart > (compaction.zones[z].cachedFreePFN ?? -1) { compaction.zones[z].cachedFreePFN = restart }
        }
        cc.freePages.removeAll()
        vmstat.compactMigrateScanned += cc.migrateScanned
        vmstat.compactFreeScanned += cc.freeScanned
        emit(.hotplug, "compact_zone", block: b, pfn: cc.migratePFN, toPFN: cc.freePFN, order: order,
             detail: EventDetail("\(zoneLabel(z)) \(outcome): \(cc.migrated) page\(cc.migrated == 1 ? "" : "s") moved toward the zone's end"
                + (cc.failed > 0 ? ", \(cc.failed) failed" : "")
                + ", scanned \(cc.migrateScanned) to migrate and \(cc.freeScanned) for free pages"))
        return outcome
    }

    /// `__compact_finished()`: nil while compaction should go on (COMPACT_CONTINUE).
    mutating func compactFinished(_ cc: inout CompactControl) -> CompactResult? {
        let z = cc.zone
        if compactScannersMet(cc) {
            // reset_cached_positions(): the next compaction starts anew.
            compaction.zones[z].cachedMigratePFN = [nil, nil]
            compaction.zones[z].cachedFreePFN = nil
            compaction.zones[z].blockskipFlush = true
            return cc.wholeZone ? .complete : .partialSkipped
        }
        // Always finish a pageblock before checking.
        guard cc.migratePFN & (geometry.pagesPerPageblock - 1) == 0 else { return nil }
        return freeBlockOfOrder(zone: z, order: cc.order, mt: .movable) ? .success : nil
    }

    /// Whether a free block of `order` or more is on `mt`'s lists, or on a list a fallback
    /// could take it from (`find_suitable_fallback()`, which at this order may claim it).
    func freeBlockOfOrder(zone z: Int, order: Int, mt: MigrateType) -> Bool {
        for o in order...geometry.maxOrder {
            if zones[z].freeCount(order: o, mt: mt) > 0 { return true }
            if mt.fallbacks.contains(where: { zones[z].freeCount(order: o, mt: $0) > 0 }) && shouldTryClaimBlock(order: o, startMT: mt) {
                return true
            }
        }
        return false
    }

    /// `compact_scanners_met()`: the free scanner reached the migrate scanner's pageblock.
    func compactScannersMet(_ cc: CompactControl) -> Bool {
        cc.freePFN >> geometry.pageblockOrder <= cc.migratePFN >> geometry.pageblockOrder
    }

    /// `__zone_watermark_ok()` for a high-order allocation: enough free pages above `mark` and
    /// the lowmem reserve after taking 2^order, and a free block of that order on a list it may
    /// use.
    func highOrderWatermarkOK(zone z: Int, order: Int, mark: Int, highestZone: ZoneType) -> Bool {
        guard watermarkOK(zone: z, order: order, mark: mark, highestZone: highestZone) else { return false }
        return MigrateType.pcpTypes.contains { mt in (order...geometry.maxOrder).contains { zones[z].freeCount(order: $0, mt: mt) > 0 } }
    }

    /// `compaction_suitable()`: `.success` when compaction may run. Free order-0 pages must be
    /// above the low watermark (costly orders) plus `compact_gap()` (2 << order) for the free
    /// scanner to find targets, and the lowmem reserve for `highestZone`; and for a costly order
    /// a fragmentation index of 500 or less (`vm.extfrag_threshold`) says the zone is short of
    /// memory, not fragmented.
    func compactionSuitable(zone z: Int, order: Int, highestZone: ZoneType) -> CompactResult {
        let mark = (order > pageAllocCostlyOrder ? zones[z].watermarks.low : zones[z].watermarks.min) + (2 << order)
        guard watermarkOK(zone: z, order: 0, mark: mark, highestZone: highestZone) else { return .skipped }
        if order > pageAllocCostlyOrder {
            let index = fragmentationIndex(zone: z, order: order)
            if index >= 0 && index <= 500 { return .notSuitableZone }
        }
        return .success
    }

    /// `fragmentation_index()`, mm/vmstat.c: -1000 when a block of the order is free, else 0
    /// (failure for lack of memory) ... 1000 (failure for fragmentation).
    func fragmentationIndex(zone z: Int, order: Int) -> Int {
        var freePages = 0, blocks = 0, suitable = 0
        for o in 0...geometry.maxOrder {
            let n = zones[z].nrFree(order: o)
            blocks += n
            freePages += n << o
            if o >= order { suitable += n << (o - order) }
        }
        guard blocks > 0 else { return 0 }
        if suitable > 0 { return -1000 }
        return 1000 - (1000 + freePages * 1000 / order.pagesCount) / blocks
    }

    @inline(__always) func pageblockStart(_ p: Int) -> Int { p & ~(geometry.pagesPerPageblock - 1) }

    func zoneLabel(_ z: Int) -> String { "node\(zones[z].node.raw) \(zones[z].name)" }

    /// `pageblock_pfn_to_page()`: the pageblock lies wholly in the zone.
    func pageblockInZone(_ start: Int, _ end: Int, zone z: Int) -> Bool {
        start < end && zoneIndex(of: start) == z && zoneIndex(of: end - 1) == z
    }
}
