extension Machine {
    // MARK: the migrate scanner

    /// `isolate_migratepages()`: from the migrate scanner, the first suitable pageblock below
    /// the free scanner gets `isolate_migratepages_block()`. Returns whether pages were isolated.
    mutating func isolateMigratePages(_ cc: inout CompactControl) -> Bool {
        let pb = geometry.pagesPerPageblock
        let zoneStart = zones[cc.zone].startPFN.raw
        var low = cc.migratePFN
        var blockStart = max(pageblockStart(low), zoneStart)
        var blockEnd = pageblockStart(low) + pb
        while blockEnd <= cc.freePFN {
            // Skip hint: nothing was isolated here recently.
            let skipped = (low & (pb - 1) == 0 || low == zoneStart) && compaction.skip[pageblockIndex(blockStart)]
            if pageblockInZone(blockStart, blockEnd, zone: cc.zone) && !skipped {
                if suitableMigrationSource(cc, blockStart) {
                    isolateMigratePagesBlock(&cc, from: low, to: blockEnd)
                    // Nothing isolated: the scanner stands where it stopped, and
                    // compact_zone() decides whether to go on.
                    return !cc.migratePages.isEmpty
                }
                updateCachedMigrate(cc, blockEnd)
            }
            cc.migratePFN = blockEnd
            low = blockEnd
            blockStart = blockEnd
            blockEnd += pb
        }
        return false
    }

    /// `suitable_migration_source()`: a pageblock held by a PMD-sized folio is never worth it
    /// (`pageblock_skip_persistent()`); asynchronous direct compaction takes only movable
    /// pageblocks. The pageblocks isolated for hot-remove are not scanned (do_migrate_range()
    /// has taken their LRU pages already).
    func suitableMigrationSource(_ cc: CompactControl, _ blockStart: Int) -> Bool {
        if isIsolated(blockStart) { return false }
        if pages.folioOrder(blockStart) >= geometry.pageblockOrder && pages.kindOf(blockStart) != .free { return false }
        if cc.mode != .async { return true }
        let mt = effectiveMT(blockStart)
        return mt == .movable || mt == .cma
    }

    /// `update_cached_migrate()`.
    mutating func updateCachedMigrate(_ cc: CompactControl, _ pfn: Int) {
        let end = pageblockStart(pfn - 1) + geometry.pagesPerPageblock
        let z = cc.zone
        if end > (compaction.zones[z].cachedMigratePFN[0] ?? 0) { compaction.zones[z].cachedMigratePFN[0] = end }
        if cc.mode != .async && end > (compaction.zones[z].cachedMigratePFN[1] ?? 0) {
            compaction.zones[z].cachedMigratePFN[1] = end
        }
    }

    /// `isolate_migratepages_block()`: takes order-0 LRU folios off the LRU, up to
    /// COMPACT_CLUSTER_MAX. Free pages are stepped over; large folios, pages off the LRU
    /// (kernel pages, per-cpu free pages, pages already isolated), pinned pages, writeback
    /// and locked dirty pages (ISOLATE_ASYNC_MIGRATE) are failures. Asynchronous direct
    /// compaction gives up an order-aligned block at its first failure (`skip_on_failure`):
    /// that block could not become free anyway.
    mutating func isolateMigratePagesBlock(_ cc: inout CompactControl, from low: Int, to end: Int) {
        let order = cc.order, size = order.pagesCount
        let skipOnFailure = cc.mode == .async
        var nextSkip = skipOnFailure ? (low + size) & ~(size - 1) : 0
        var isolated = 0, scanned = 0
        var validPage: Int?
        var skipUpdated = false
        var p = low
        scan: while p < end {
            if skipOnFailure && p >= nextSkip {
                if isolated > 0 { break }
                nextSkip = (p + size) & ~(size - 1)
            }
            scanned += 1
            if validPage == nil && (p & (geometry.pagesPerPageblock - 1) == 0 || p == zones[cc.zone].startPFN.raw) {
                if compaction.skip[pageblockIndex(p)] {
                    p = end
                    break scan
                }
                validPage = p
            }
            if pages.has(p, .buddy) {
                p += pages.order(p).pagesCount
                continue
            }
            var failed = true
            var step = 1
            let head = pages.folioHead(p)
            if pages.folioOrder(p) > 0 {
                step = head + pages.folioPages(head) - p
            } else if pages.has(p, .lru), pages.refcount[p] <= 1,
                      !pages.has(p, .writeback), !pages.has(p, .locked), !inFlightIO.contains(where: { $0.pfn == UInt32(p) }),
                      isolateLRU(p) {
                cc.migratePages.append(p)
                isolated += 1
                // test_and_set_skip() at the first isolation: other compactors pass this
                // pageblock by.
                if !skipUpdated, let v = validPage {
                    skipUpdated = true
                    compaction.skip[pageblockIndex(v)] = true
                }
                failed = false
                if cc.migratePages.count >= compactClusterMax && !cc.finishPageblock {
                    p += 1
                    break scan
                }
            }
            if !failed || !skipOnFailure {
                p += step
                continue
            }
            // A page of this order-aligned block cannot move: put back what was isolated in
            // it and go on at the next one.
            if isolated > 0 {
                for q in cc.migratePages { putbackLRU(q) }
                cc.migratePages.removeAll()
                isolated = 0
            }
            if p < nextSkip {
                p = nextSkip
                nextSkip += size
            } else {
                p += step
            }
        }
        p = min(p, end)
        cc.migrateScanned += scanned
        vmstat.compactIsolated += isolated
        if p == end && (isolated == 0 || cc.finishPageblock) {
            if let v = validPage, !skipUpdated { compaction.skip[pageblockIndex(v)] = true }
            updateCachedMigrate(cc, p)
        }
        cc.migratePFN = p
    }

    // MARK: the free scanner

    /// `isolate_freepages()`: from the free scanner down to the migrate scanner's pageblock,
    /// free pages of movable pageblocks are taken until there is one for every isolated page.
    /// MIGRATE_ASYNC looks at every 32nd page until a pageblock gives something.
    mutating func isolateFreePages(_ cc: inout CompactControl) {
        // A short search of the free lists first; the linear scan only when it found nothing.
        fastIsolateFreePages(&cc)
        if !cc.freePages.isEmpty { return }
        let pb = geometry.pagesPerPageblock
        let zoneEnd = zones[cc.zone].endPFN.raw
        var isolateStart = cc.freePFN
        var blockStart = pageblockStart(isolateStart)
        var blockEnd = min(blockStart + pb, zoneEnd)
        let low = pageblockStart(cc.migratePFN) + pb
        var stride = cc.mode == .async ? compactClusterMax : 1
        while blockStart >= low {
            defer {
                blockEnd = blockStart
                blockStart -= pb
                isolateStart = blockStart
            }
            guard pageblockInZone(blockStart, blockEnd, zone: cc.zone),
                  suitableMigrationTarget(blockStart),
                  !compaction.skip[pageblockIndex(blockStart)] else { continue }
            let got = isolateFreePagesBlock(&cc, start: &isolateStart, end: blockEnd, stride: stride)
            if isolateStart == blockEnd {
                // update_pageblock_skip(): the whole pageblock was scanned.
                compaction.skip[pageblockIndex(blockStart)] = true
                let next = blockStart - pb
                if next < (compaction.zones[cc.zone].cachedFreePFN ?? Int.max) { compaction.zones[cc.zone].cachedFreePFN = next }
            }
            if cc.freePages.count >= cc.migratePages.count {
                // Restart at the previous pageblock if this one is done.
                cc.freePFN = isolateStart >= blockEnd ? blockStart - pb : isolateStart
                return
            } else if isolateStart < blockEnd {
                cc.freePFN = isolateStart
                return
            }
            stride = got > 0 ? 1 : min(compactClusterMax, stride << 1)
        }
        cc.freePFN = isolateStart
    }

    /// `fast_isolate_freepages()`: searches the Movable free lists of orders below the
    /// requested one, from the highest, tail first, for a free block in the top quarter of the
    /// range between the scanners (or, failing that, the highest in the top half), and takes
    /// it whole. Each order's search is cut short after a few entries.
    mutating func fastIsolateFreePages(_ cc: inout CompactControl) {
        guard cc.order > 0 else { return }
        let z = cc.zone, pb = geometry.pagesPerPageblock
        let zoneStart = zones[z].startPFN.raw
        // freelist_scan_limit(), halved; a search from the free scanner's start looks deeper.
        var limit = max(1, ((compactClusterMax >> min(63, cc.fastSearchFail)) + 1) >> 1)
        let scanStart = cc.freePFN >= compaction.zones[z].initFreePFN
        if scanStart { limit = pb >> 1 }
        let distance = cc.freePFN - cc.migratePFN
        let lowPFN = pageblockStart(cc.freePFN - (distance >> 2))
        let minPFN = pageblockStart(cc.freePFN - (distance >> 1))
        var highest = 0, found: Int?, scanned = 0
        cc.searchOrder = min(cc.order - 1, cc.searchOrder)
        var order = cc.searchOrder
        while found == nil && order >= 0 {
            defer { order = nextSearchOrder(&cc, order) }
            let list = zones[z].freeArea[zones[z].listIndex(order: order, mt: .movable)]
            guard !list.isEmpty else { continue }
            var orderScanned = 0, highPFN = 0
            var q = list.tail
            while q != PageArrays.none {
                let p = Int(q)
                orderScanned += 1
                scanned += 1
                if p >= highest { highest = max(pageblockStart(p), zoneStart) }
                if p >= lowPFN {
                    cc.fastSearchFail = 0
                    cc.searchOrder = order
                    found = p
                    break
                }
                if p >= minPFN && p > highPFN {
                    highPFN = p
                    limit >>= 1
                }
                if orderScanned >= limit { break }
                q = pages.index[p]
            }
            if found == nil && highPFN > 0 { found = highPFN }
            if let p = found {
                let n = order.pagesCount
                guard watermarkOK(zone: z, order: 0, mark: zones[z].watermarks.min + n, highestZone: .dma) else {
                    found = nil
                    order = cc.searchOrder + 1
                    continue
                }
                removeFromFreeList(p, zone: z)
                for r in p..<(p + n) { pages.reset(r, to: .free) }
                cc.freePages.append(contentsOf: p..<(p + n))
                vmstat.compactIsolated += n
            }
            if cc.freePages.count >= cc.migratePages.count { break }
            if orderScanned >= limit { limit = max(1, limit >> 1) }
        }
        cc.freeScanned += scanned
        if found == nil {
            cc.fastSearchFail += 1
            // A search from the start goes on from the highest pageblock it saw, or, for
            // direct compaction, from the half-way mark.
            if scanStart { cc.freePFN = highest >= minPFN ? highest : minPFN }
        }
        if highest > 0 && highest >= (compaction.zones[z].cachedFreePFN ?? zones[z].endPFN.raw) {
            compaction.zones[z].cachedFreePFN = highest - pb
        }
    }

    /// `next_search_order()`: round robin down from the last successful order; -1 once it
    /// came round.
    func nextSearchOrder(_ cc: inout CompactControl, _ order: Int) -> Int {
        var o = order - 1
        if o < 0 { o = cc.order - 1 }
        if o == cc.searchOrder {
            cc.searchOrder -= 1
            if cc.searchOrder < 0 { cc.searchOrder = cc.order - 1 }
            return -1
        }
        return o
    }

    /// `suitable_migration_target()`: a movable pageblock that is not one free block of
    /// pageblock order or more (breaking that up would defeat the purpose).
    func suitableMigrationTarget(_ blockStart: Int) -> Bool {
        if pages.has(blockStart, .buddy) && pages.order(blockStart) >= geometry.pageblockOrder { return false }
        let mt = effectiveMT(blockStart)
        return mt == .movable || mt == .cma
    }

    /// `isolate_freepages_block()`: free buddy blocks come off their lists whole
    /// (`__isolate_free_page()`, which keeps the zone above its min watermark, with no lowmem
    /// reserve: it checks with highest_zoneidx 0) and are split
    /// into order-0 pages. Returns the pages taken; `start` ends where the scan stopped.
    @discardableResult
    mutating func isolateFreePagesBlock(_ cc: inout CompactControl, start: inout Int, end: Int, stride: Int) -> Int {
        let z = cc.zone
        var p = start, total = 0, scanned = 0
        while p < end {
            scanned += 1
            if pages.folioOrder(p) > 0 && !pages.isTail(p) {
                p += pages.folioPages(p) - 1 + stride
                continue
            }
            guard pages.has(p, .buddy) else {
                p += stride
                continue
            }
            let order = pages.order(p), n = order.pagesCount
            // `__isolate_free_page()` checks with highest_zoneidx 0: no lowmem reserve applies.
            guard watermarkOK(zone: z, order: 0, mark: zones[z].watermarks.min + n, highestZone: .dma) else { break }
            removeFromFreeList(p, zone: z)
            for q in p..<(p + n) { pages.reset(q, to: .free) }
            cc.freePages.append(contentsOf: p..<(p + n))
            total += n
            scanned += n - 1
            if cc.freePages.count >= cc.migratePages.count {
                p += n
                break
            }
            p += n - 1 + stride
        }
        start = min(p, end)
        cc.freeScanned += scanned
        vmstat.compactIsolated += total
        return total
    }

    // MARK: migrate_pages(MR_COMPACTION)

    /// `migrate_pages(&cc->migratepages, compaction_alloc, ..., MR_COMPACTION)`: each isolated
    /// page moves into a free page of the free scanner (`compaction_alloc()`), highest first.
    /// A page whose owner let go is freed (a success); a page locked meanwhile fails and goes
    /// back. Returns false at -ENOMEM (the free scanner found nothing more).
    mutating func migrateCompactionPages(_ cc: inout CompactControl) -> Bool {
        var moved = 0, failed = 0, ok = true
        let list = cc.migratePages
        cc.migratePages.removeAll()
        for (i, src) in list.enumerated() {
            if !ownerAlive(src) {
                unisolate(src)
                freePages(src, order: 0, cpu: cc.cpu)
                moved += 1
                continue
            }
            if cc.freePages.isEmpty {
                cc.migratePages = Array(list[i...])
                isolateFreePages(&cc)
                cc.migratePages.removeAll()
            }
            guard let dst = cc.freePages.popLast() else {
                // -ENOMEM: the rest go back to the LRU.
                for q in list[i...] { putBackFolio(q, cpu: cc.cpu) }
                ok = false
                break
            }
            if pages.has(src, .locked) {
                cc.freePages.append(dst)
                putBackFolio(src, cpu: cc.cpu)
                failed += 1
                continue
            }
            compactionMoveFolio(src, to: dst, cpu: cc.cpu)
            moved += 1
        }
        cc.migrated += moved
        cc.failed += failed
        vmstat.pgmigrateSuccess += moved
        vmstat.pgmigrateFail += failed
        vmstat.compactMigrated += moved
        if moved + failed > 0 || !ok {
            emit(.hotplug, "mm_compaction_migratepages", block: operation?.block?.raw, pfn: list.first, order: cc.order,
                 detail: EventDetail("migrate_pages(\(cc.mode.rawValue), MR_COMPACTION): \(moved) moved, \(failed) failed"
                    + (ok ? "" : ", -ENOMEM: the free scanner found no more free pages")))
        }
        return ok
    }

    /// The copy and remap of one order-0 folio into a free page (`migrate_folio_unmap()` and
    /// `migrate_folio_move()` of one page, done in one step: no other actor runs between).
    mutating func compactionMoveFolio(_ src: Int, to dst: Int, cpu: Int) {
        let kind = pages.kindOf(src)
        let owner = pages.owner[src], index = pages.index[src]
        let keep: PageFlags = [.dirty, .swapBacked, .swapcache, .mappedToDisk, .active, .referenced, .unevictable]
        let mapped = pages.mapcount[src] > 0
        fill(dst, kind: kind, owner: owner, index: index, flags: pages.flagsOf(src).intersection(keep))
        if kind == .file {
            files[Int(owner)].pages[Int(index)] = UInt32(dst)
        } else if kind == .anon, mapped {
            let pid = Int(owner), i = Int(index)
            if processes[pid].ptes.replaceFolio(at: i, pages: 1, from: .present(src), to: .present(dst)) == 1 {
                pages.mapcount[dst] = 1
            }
        }
        folioAddLRU(dst, cpu: cpu)
        unisolate(src)
        freePages(src, order: 0, cpu: cpu)
    }
}
