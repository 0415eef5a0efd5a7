extension Machine {
    /// One micro-step of offline_pages()'s loop: check for a signal and scan, isolate one
    /// folio from the LRU, or advance `migrate_pages()` by one folio.
    mutating func stepMigrateLoop() {
        guard let b = operation?.block?.raw else { return }
        let range = opRange()
        if let cursor = operation?.isolateCursor {
            return stepIsolateForMigration(from: cursor, end: range.upperBound)
        }
        if operation?.migratePages != nil { return stepMigratePages() }
        guard let op = operation else { return }
        // Top of the loop: signal_pending(), then scan_movable_pages().
        if op.signalPending {
            emit(.hotplug, "signal_pending", block: b, detail: "backing off")
            return failIsolated(errno: "EINTR", reason: "signal backoff")
        }
        operation?.scans += 1
        if let p = scanMovablePages(from: op.scanPFN.raw, to: range.upperBound) {
            emit(.hotplug, "scan_movable_pages", block: b, pfn: p, detail: "\(pages.kindOf(p)) page on the LRU")
            operation?.scanPFN = PFN(p)
            operation?.isolateCursor = p
            operation?.pass = 0
            migrateLists.source.removeAll(keepingCapacity: true)
            migrateLists.sourceNext = 0
            return
        }
        emit(.hotplug, "scan_movable_pages", block: b, pfn: op.scanPFN.raw, detail: "-ENOENT: no movable page left")
        setPhase(.dissolveHugetlb)
    }

    /// do_migrate_range()'s first loop, one isolated folio per step: free pages are skipped,
    /// LRU folios are taken off the LRU onto the source list (a large folio whole, then the
    /// scan continues after its last page), others cannot be isolated.
    mutating func stepIsolateForMigration(from cursor: Int, end: Int) {
        guard let b = operation?.block?.raw else { return }
        var p = cursor
        while p < end {
            if pages.has(p, .buddy) { p += pages.order(p).pagesCount; continue }
            let kind = pages.kindOf(p)
            let head = pages.folioHead(p)
            let nr = pages.folioPages(head)
            if pages.refcount[head] == 0 || kind == .offline || kind == .hole { p += 1; continue }
            if kind == .garbage { return garbagePageBug(p) }
            if isolateLRU(head) {
                migrateLists.source.append(UInt32(head))
                operation?.pagesIsolated += nr
                if pages.has(head, .swapBacked) { operation?.anonPagesIsolated += nr }
                // Pieces, not a joined String: this runs for every folio an offline moves.
                let list = lruList(of: head).description, counter = pages.has(head, .swapBacked) ? "anon" : "file"
                let detail: EventDetail = nr > 1
                    ? "order-\(pages.folioOrder(head)) \(kind) folio (\(nr) pages) off the \(list) list (nr_isolated_\(counter) +\(nr))"
                    : "\(kind) page off the \(list) list (nr_isolated_\(counter) +\(nr))"
                emit(.hotplug, "folio_isolate_lru", block: b, pfn: head, detail: detail)
                let next = head + nr
                operation?.isolateCursor = next < end ? next : nil
                if next >= end { beginMigratePages(end: end) }
                return
            }
            if !pages.has(head, .isolated), (operation?.warnings ?? 0) < 10 {
                operation?.warnings += 1
                message("failed to isolate pfn \(String(p, radix: 16)) (\(kind), not on the LRU)")
            }
            p = head + nr
        }
        operation?.isolateCursor = nil
        beginMigratePages(end: end)
    }

    /// The end of do_migrate_range()'s isolation loop: the call's event, then
    /// `migrate_pages(MIGRATE_SYNC, MR_MEMORY_HOTPLUG)` on what was isolated.
    mutating func beginMigratePages(end: Int) {
        guard let op = operation else { return }
        operation?.isolateCursor = nil
        let folios = migrateLists.source.count
        let nr = migrateLists.source.reduce(0) { $0 + pages.folioPages(Int($1)) }
        emit(.hotplug, "do_migrate_range", block: op.block?.raw, pfn: op.scanPFN.raw, toPFN: end,
             detail: "\(folios) folio\(folios == 1 ? "" : "s") (\(nr) pages) isolated from [\(op.scanPFN), \(PFN(end)))")
        if folios == 0 {
            // Nothing could be isolated: scan again from where the movable page was seen.
            operation?.roundsWithoutProgress += 1
            checkProgress()
            return
        }
        operation?.roundStartMigrated = op.migrated
        operation?.migratePages = MigratePagesState()
        emit(.hotplug, "migrate_pages", block: op.block?.raw,
             detail: "\(folios) folios, MIGRATE_SYNC, MR_MEMORY_HOTPLUG: batches of up to \(maxBatchedMigration) pages")
        startNextBatch()
    }

    /// The end of `migrate_pages()`: what failed goes back to the LRU
    /// (`putback_movable_pages()`), and offline_pages() scans again.
    mutating func endMigratePages() {
        guard let op = operation else { return }
        // Folios no batch took (migrate_pages() stopped at -ENOMEM) stay on the caller's list
        // untried: putback_movable_pages() returns them, but pgmigrate_fail never saw them.
        let untried = migrateLists.source[migrateLists.sourceNext...]
        let failed = migrateLists.ret + untried
        var failedPages = 0
        for (i, raw) in failed.enumerated() where pages.has(Int(raw), .isolated) {
            let p = Int(raw)
            if i < migrateLists.ret.count && !migrateLists.uncounted.contains(raw) { failedPages += pages.folioPages(p) }
            putBackFolio(p, cpu: op.cpu.raw)
        }
        if !failed.isEmpty {
            vmstat.pgmigrateFail += failedPages
            operation?.failedMigrations += failedPages
            emit(.hotplug, "putback_movable_pages", block: op.block?.raw, pfn: Int(failed[0]),
                 detail: "\(failed.count) folios (\(failedPages) pages) back on the LRU")
            if let r = op.lastFailureReason, let p = op.lastFailurePFN {
                message("migrating pfn \(String(p, radix: 16)) failed ret:\(failed.count): \(r)")
            }
        }
        migrateLists.clear()
        operation?.migratePages = nil
        operation?.migration = nil
        operation?.pass = 0
        if op.migrated == op.roundStartMigrated { operation?.roundsWithoutProgress += 1 }
        checkProgress()
    }

    /// Counts rounds of scan and migrate that moved nothing; after a few, says so. Rounds that
    /// ran out of memory for targets get longer: the allocation's direct reclaim starts
    /// swap-out and writeback that free memory some ticks later, and the kernel keeps trying.
    mutating func checkProgress() {
        guard let op = operation else { return }
        let outOfMemory = op.lastFailureReason?.contains("-ENOMEM") == true
        if op.roundsWithoutProgress >= (outOfMemory ? 100 : 3) {
            let what = op.lastFailureReason ?? "a page that cannot be isolated"
            let pfn = op.lastFailurePFN ?? op.scanPFN.raw
            noteStall("pfn \(PFN(addresses.pfn(pfn))) will not move: \(what)")
        }
    }
}
