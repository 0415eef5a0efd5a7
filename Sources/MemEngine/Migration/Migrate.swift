/// migrate_pages() gives up on a page after this many passes (NR_MAX_MIGRATE_PAGES_RETRY).
let maxMigratePasses = 10

extension Machine {
    /// Whether a page is on the operation's source list or being moved right now.
    /// (A mapped page is isolated only by migration: reclaim unmaps the pages it isolates.)
    func isHeldByMigration(_ p: Int) -> Bool {
        guard let op = operation, !op.isFinished else { return false }
        return op.migration?.source.raw == p || pages.has(p, .isolated)
    }

    /// One micro-step of offline_pages()'s loop: check for a signal and scan, isolate one page
    /// from the LRU, or advance the migration of one page by one stage.
    mutating func stepMigrateLoop() {
        // Only scalars are read here: a copy of the operation held across the calls below would
        // share its arrays and make each append copy them.
        guard let b = operation?.block?.raw else { return }
        let range = opRange()
        let isolateCursor = operation?.isolateCursor
        let migrating = operation?.migration != nil || (operation?.sourceRemaining ?? 0) > 0
            || operation?.retryList.isEmpty == false || operation?.failedList.isEmpty == false

        if migrating, isolateCursor == nil {
            return stepMigratePages()
        }
        if let cursor = isolateCursor {
            return stepIsolateForMigration(from: cursor, end: range.upperBound)
        }
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
            return
        }
        emit(.hotplug, "scan_movable_pages", block: b, pfn: op.scanPFN.raw, detail: "-ENOENT: no movable page left")
        setPhase(.dissolveHugetlb)
    }

    /// do_migrate_range()'s first loop, one isolated page per step: free pages are skipped,
    /// LRU pages are taken off the LRU onto the source list, others cannot be isolated.
    mutating func stepIsolateForMigration(from cursor: Int, end: Int) {
        guard let b = operation?.block?.raw else { return }
        var p = cursor
        while p < end {
            if pages.has(p, .buddy) { p += pages.order(p).pagesCount; continue }
            let kind = pages.kindOf(p)
            if pages.refcount[p] == 0 || kind == .offline || kind == .hole { p += 1; continue }
            if kind == .garbage { return garbagePageBug(p) }
            if isolateLRU(p) {
                operation?.sourceList.append(PFN(p))
                operation?.pagesIsolated += 1
                emit(.hotplug, "folio_isolate_lru", block: b, pfn: p,
                     detail: "\(kind) page off the \(lruList(of: p)) list (nr_isolated_\(pages.has(p, .swapBacked) ? "anon" : "file") +1)")
                operation?.isolateCursor = p + 1 < end ? p + 1 : nil
                if p + 1 >= end { beginMigratePages() }
                return
            }
            if !pages.has(p, .isolated), (operation?.warnings ?? 0) < 10 {
                operation?.warnings += 1
                message("failed to isolate pfn \(String(p, radix: 16)) (\(kind), not on the LRU)")
            }
            p += 1
        }
        operation?.isolateCursor = nil
        beginMigratePages()
    }

    mutating func beginMigratePages() {
        guard let op = operation else { return }
        operation?.isolateCursor = nil
        emit(.hotplug, "do_migrate_range", block: op.block?.raw, pfn: op.scanPFN.raw, toPFN: opRange().upperBound,
             detail: "\(op.sourceRemaining) pages isolated from [\(op.scanPFN), \(PFN(opRange().upperBound)))")
        if op.sourceRemaining == 0 {
            // Nothing could be isolated: scan again from where the movable page was seen.
            operation?.roundsWithoutProgress += 1
            checkProgress()
            return
        }
        operation?.pass = 1
        operation?.roundStartMigrated = op.migrated
        emit(.hotplug, "migrate_pages", block: op.block?.raw,
             detail: "\(op.sourceRemaining) pages, MIGRATE_SYNC, MR_MEMORY_HOTPLUG")
    }

    /// migrate_pages(): the pages of the source list, one stage at a time, up to 10 passes.
    mutating func stepMigratePages() {
        // The common case first, without copying the operation: a page in flight moves on.
        if operation?.migration != nil { return stepMigration() }
        if operation?.sourceRemaining ?? 0 > 0, let next = operation?.sourceNext,
           let src = operation?.sourceList[next] {
            operation?.sourceNext += 1
            operation?.migration = MigrationInFlight(source: src, target: nil, stage: .allocTarget)
            return stepMigration()
        }
        guard let op = operation else { return }
        if op.migration == nil {
            if !op.retryList.isEmpty && op.pass < maxMigratePasses {
                operation?.pass += 1
                operation?.retries += op.retryList.count
                operation?.sourceList = op.retryList
                operation?.sourceNext = 0
                operation?.retryList = []
                emit(.hotplug, "migrate_pages_batch", block: op.block?.raw,
                     detail: "pass \(op.pass + 1) of \(maxMigratePasses): \(op.retryList.count) pages again (-EAGAIN)")
                return
            }
            return endMigratePages()
        }
        stepMigration()
    }

    /// After the last pass: what failed goes back to the LRU (`putback_movable_pages()`), and
    /// offline_pages() scans again.
    mutating func endMigratePages() {
        guard let op = operation else { return }
        let failed = op.retryList + op.failedList
        for pfn in failed where pages.has(pfn.raw, .isolated) {
            if pages.kindOf(pfn.raw).hasContent { putbackLRU(pfn.raw) } else { unisolate(pfn.raw) }
        }
        if !failed.isEmpty {
            let counted = failed.count - op.untried
            operation?.untried = 0
            vmstat.pgmigrateFail += counted
            operation?.failedMigrations += counted
            emit(.hotplug, "putback_movable_pages", block: op.block?.raw, pfn: failed[0].raw,
                 detail: "\(failed.count) pages back on the LRU")
            if let r = op.lastFailureReason, let p = op.lastFailurePFN {
                message("migrating pfn \(String(p, radix: 16)) failed ret:\(failed.count): \(r)")
            }
        }
        operation?.retryList = []
        operation?.failedList = []
        operation?.sourceList = []
        operation?.sourceNext = 0
        operation?.pass = 0
        if op.migrated == op.roundStartMigrated { operation?.roundsWithoutProgress += 1 }
        checkProgress()
    }

    /// Counts rounds of scan and migrate that moved nothing; after a few, says so.
    mutating func checkProgress() {
        guard let op = operation else { return }
        if op.roundsWithoutProgress >= 3 {
            let what = op.lastFailureReason ?? "a page that cannot be isolated"
            let pfn = op.lastFailurePFN ?? op.scanPFN.raw
            noteStall("pfn \(PFN(addresses.pfn(pfn))) will not move: \(what)")
        }
    }

    /// Records a page that could not move in this pass.
    mutating func migrationFailed(_ src: Int, reason: String, retry: Bool) {
        operation?.lastFailureReason = reason
        operation?.lastFailurePFN = src
        if retry { operation?.retryList.append(PFN(src)) } else { operation?.failedList.append(PFN(src)) }
        operation?.migration = nil
        emit(.hotplug, "migrate_folio_unmap", block: operation?.block?.raw, pfn: src,
             detail: (retry ? "-EAGAIN: " : "failed: ") + reason)
    }

    /// Moves the page in flight one stage on.
    mutating func stepMigration() {
        guard var mig = operation?.migration, let cpu = operation?.cpu else { return }
        let b = operation?.block?.raw
        let src = mig.source.raw
        let kind = pages.kindOf(src)

        switch mig.stage {
        case .allocTarget:
            // Freed from under us (its process exited, its file page was dropped).
            if !ownerAlive(src) {
                unisolate(src)
                if pages.has(src, .lru) { lruDel(src) }
                freePages(src, order: 0, cpu: cpu.raw)
                operation?.migration = nil
                emit(.hotplug, "migrate_folio_unmap", block: b, pfn: src, detail: "folio was freed from under us")
                return
            }
            if pages.has(src, .locked) {
                return migrationFailed(src, reason: "page locked (I/O in flight)", retry: true)
            }
            if pages.has(src, .writeback) {
                emit(.hotplug, "folio_wait_writeback", block: b, pfn: src, detail: "MIGRATE_SYNC waits for writeback")
                return
            }
            if kind == .anon && pages.has(src, .swapcache) && pages.mapcount[src] == 0 && swapInInFlight(src) {
                if config.has(.swapinUnmappedSkip) {
                    return migrationFailed(src, reason: "swapcache page not yet mapped (swap-in in flight): skipped", retry: true)
                }
                return kernelBug(src, "BUG: try_to_unmap() of a swapcache page not yet mapped (pfn \(PFN(src)), swap-in in flight): no anon_vma, NULL dereference in page_lock_anon_vma()")
            }
            guard let target = allocMigrationTarget(for: src, cpu: cpu.raw) else {
                emit(.hotplug, "alloc_migration_target", block: b, pfn: src, detail: "-ENOMEM: no free page outside the range")
                operation?.lastFailureReason = "no memory for a target outside the range (-ENOMEM)"
                operation?.lastFailurePFN = src
                // -ENOMEM ends migrate_pages(): this page and the rest are put back.
                operation?.failedList.append(PFN(src))
                if let rest = operation.map({ Array($0.sourceList[$0.sourceNext...]) }) {
                    operation?.failedList.append(contentsOf: rest)
                    operation?.untried += rest.count
                }
                operation?.sourceList = []
                operation?.sourceNext = 0
                operation?.migration = nil
                return
            }
            mig.target = PFN(target)
            mig.stage = .unmap
            let tz = zoneIndex(of: target).map { "node\(zones[$0].node.raw) \(zones[$0].name)" } ?? "?"
            emit(.hotplug, "alloc_migration_target", block: b, pfn: src, toPFN: target, detail: "target in \(tz)")
            noteMove(src: src, dst: target)

        case .unmap:
            if kind == .anon && config.has(.anonVMAHold) {
                anonVMAs[Int(pages.owner[src])].refcount += 1
                mig.heldAnonVMA = true
            }
            if kind == .anon, pages.mapcount[src] > 0 {
                let pid = Int(pages.owner[src]), index = Int(pages.index[src])
                processes[pid].ptes[index] = .migration(src)
                pages.mapcount[src] = 0
                mig.wasMapped = true
                emit(.hotplug, "try_to_migrate", block: b, pfn: src, detail: "pid \(pid) pte -> migration entry")
            } else {
                emit(.hotplug, "try_to_migrate", block: b, pfn: src, detail: "not mapped; nothing to unmap")
            }
            mig.stage = .copy

        case .copy:
            guard let target = mig.target?.raw else { return }
            // folio_migrate_mapping(): any reference beyond the ones we know of is a pin.
            let expected = 2  // the page's own reference and the isolation's
            if Int(pages.refcount[src]) > expected {
                restoreMigrationPTEs(src: src, mig: mig)
                freePages(target, order: 0, cpu: cpu.raw)
                return migrationFailed(src, reason: "extra reference (refcount \(pages.refcount[src]), pinned)", retry: true)
            }
            let keep: PageFlags = [.dirty, .swapBacked, .swapcache, .mappedToDisk, .active, .referenced, .unevictable]
            fill(target, kind: kind, owner: pages.owner[src], index: pages.index[src],
                 flags: pages.flagsOf(src).intersection(keep))
            if kind == .file {
                files[Int(pages.owner[src])].pages[Int(pages.index[src])] = UInt32(target)
            }
            emit(.hotplug, "folio_copy", block: b, pfn: src, toPFN: target, detail: "\(kind) content copied")
            mig.stage = .remap

        case .remap:
            guard let target = mig.target?.raw else { return }
            if kind == .anon {
                let pid = Int(pages.owner[src]), index = Int(pages.index[src])
                if anonVMAs[pid].freed && !mig.heldAnonVMA && mig.wasMapped {
                    return kernelBug(src, "BUG: use-after-free: anon_vma of pid \(pid) was freed by exit while its pages were under migration (pfn \(PFN(src)) -> \(PFN(target))); remove_migration_ptes() walked freed memory")
                }
                if processes[pid].alive, index < processes[pid].ptes.count, processes[pid].ptes[index].migrationPFN == src {
                    processes[pid].ptes[index] = .present(target)
                    pages.mapcount[target] = 1
                    emit(.hotplug, "remove_migration_ptes", block: b, pfn: src, toPFN: target, detail: "pid \(pid) pte -> new page")
                } else if !processes[pid].alive {
                    emit(.hotplug, "remove_migration_ptes", block: b, pfn: src, toPFN: target, detail: "pid \(pid) exited: no pte left")
                } else {
                    emit(.hotplug, "remove_migration_ptes", block: b, pfn: src, toPFN: target, detail: "not mapped")
                }
                if mig.heldAnonVMA {
                    anonVMAs[pid].refcount -= 1
                    if anonVMAs[pid].refcount == 0 { anonVMAs[pid].freed = true }
                }
                if !processes[pid].alive {
                    // Nobody maps the new page: it is freed once migration drops it.
                    freePages(target, order: 0, cpu: cpu.raw)
                } else {
                    folioAddLRU(target, cpu: cpu.raw)
                }
            } else {
                emit(.hotplug, "folio_migrate_mapping", block: b, pfn: src, toPFN: target, detail: "page cache now points at the new page")
                folioAddLRU(target, cpu: cpu.raw)
            }
            mig.stage = .freeSource

        case .freeSource:
            unisolate(src)
            let toPCP = !config.has(.isolateFreedPagesASAP)
            freePages(src, order: 0, cpu: cpu.raw)
            operation?.migrated += 1
            operation?.roundsWithoutProgress = 0
            vmstat.pgmigrateSuccess += 1
            emit(.hotplug, "folio_put", block: b, pfn: src,
                 detail: toPCP ? "source freed to cpu\(cpu.raw)'s per-cpu list (Movable)" : "source freed to the Isolate free list")
            operation?.migration = nil
            if let loop = detectMigrationLoop() {
                return reportLoop(loop)
            }
            return
        }
        operation?.migration = mig
    }

    /// Whether the owner of a content page still wants it.
    func ownerAlive(_ p: Int) -> Bool {
        switch pages.kindOf(p) {
        case .anon:
            let pid = Int(pages.owner[p])
            return pid < processes.count && processes[pid].alive
        case .file:
            let f = Int(pages.owner[p]), i = Int(pages.index[p])
            return f < files.count && i < files[f].pages.count && files[f].pages[i] == UInt32(p)
        default:
            return false
        }
    }

    func swapInInFlight(_ p: Int) -> Bool {
        inFlightIO.contains { $0.pfn == UInt32(p) && ($0.kind == .swapIn || $0.kind == .swapInMap) }
    }

    /// `alloc_migration_target()`: a movable page outside the range, on another node when there
    /// is one (the page's own node is cleared from the nodemask). The isolated range cannot
    /// supply it: its free pages are on the Isolate lists. Without isolate-freed-pages-asap the
    /// 2007 code ran: `alloc_page()` on the local node, per-cpu lists first.
    mutating func allocMigrationTarget(for src: Int, cpu: Int) -> Int? {
        let nid = nodeIndex(of: src)
        var gfp = GFP.migrationTarget
        // __GFP_HIGHMEM only for a page of ZONE_MOVABLE: a kernel-zone page is never migrated
        // into ZONE_MOVABLE (alloc_migration_target(), mm/migrate.c).
        if zoneIndex(of: src).map({ zones[$0].type != .movable }) ?? true { gfp.highestZone = .normal }
        if config.has(.isolateFreedPagesASAP) {
            var mask = Array(repeating: true, count: nodes.count)
            mask[nid] = false
            if !mask.contains(true) { mask[nid] = true }
            gfp.nodemask = mask
        }
        guard let (p, _) = allocPages(order: 0, gfp: gfp, preferredNode: nid, cpu: cpu) else { return nil }
        pages.reset(p, to: .free)
        pages.refcount[p] = 1
        return p
    }

    /// Puts the migration entries back to the source (`remove_migration_ptes(src, src)`).
    mutating func restoreMigrationPTEs(src: Int, mig: MigrationInFlight) {
        guard pages.kindOf(src) == .anon else { return }
        let pid = Int(pages.owner[src]), index = Int(pages.index[src])
        if mig.wasMapped, processes[pid].alive, index < processes[pid].ptes.count,
           processes[pid].ptes[index].migrationPFN == src {
            processes[pid].ptes[index] = .present(src)
            pages.mapcount[src] = 1
        }
        if mig.heldAnonVMA {
            anonVMAs[pid].refcount -= 1
            if anonVMAs[pid].refcount == 0 { anonVMAs[pid].freed = true }
        }
    }

    // MARK: the 2007 bugs

    /// A crash the kernel would have had: report it, put everything back so the machine stays
    /// usable, and end the operation as failed.
    mutating func kernelBug(_ src: Int, _ text: String) {
        emit(.hotplug, "BUG", block: operation?.block?.raw, pfn: src, detail: text)
        message(text)
        if let mig = operation?.migration {
            if mig.stage != .allocTarget && mig.stage != .freeSource {
                restoreMigrationPTEs(src: src, mig: mig)
            }
            if let t = mig.target?.raw, mig.stage == .unmap || mig.stage == .copy || mig.stage == .remap {
                if mig.stage == .remap, pages.kindOf(t) == .file { files[Int(pages.owner[t])].pages[Int(pages.index[t])] = UInt32(src) }
                freePages(t, order: 0, cpu: operation?.cpu.raw ?? 0)
            }
            operation?.failedList.append(mig.source)
            operation?.migration = nil
        }
        putBackAll()
        failIsolated(errno: nil, reason: text, kernelBug: true)
    }

    /// Everything isolated for migration goes back to the LRU.
    mutating func putBackAll() {
        guard let op = operation else { return }
        for pfn in op.sourceList[op.sourceNext...] + op.retryList + op.failedList where pages.has(pfn.raw, .isolated) {
            if ownerAlive(pfn.raw) { putbackLRU(pfn.raw) } else {
                unisolate(pfn.raw)
                freePages(pfn.raw, order: 0, cpu: op.cpu.raw)
            }
        }
        operation?.sourceList = []
        operation?.sourceNext = 0
        operation?.retryList = []
        operation?.failedList = []
        operation?.untried = 0
        operation?.isolateCursor = nil
    }

    /// Without memmap-roundup the hole at the end of a section holds garbage struct pages.
    mutating func garbagePageBug(_ p: Int) {
        kernelBug(p, "BUG: Bad page state: pfn \(PFN(p)) is in the hole at the end of the section and its struct page was never initialised (flags \(String(pages.flags[p], radix: 16)) are garbage); isolate_lru_page() corrupted the LRU")
    }

    mutating func noteMove(src: Int, dst: Int) {
        guard !config.has(.isolateFreedPagesASAP) else { return }
        let token = UInt64(pages.owner[src]) << 32 | UInt64(pages.index[src]) | (pages.kindOf(src) == .file ? 1 << 63 : 0)
        operation?.moves[token, default: [src]].append(dst)
    }

    /// A content token that went round inside the range three times: the endless loop.
    func detectMigrationLoop() -> [Int]? {
        guard let op = operation, !config.has(.isolateFreedPagesASAP) else { return nil }
        let range = opRange()
        for key in op.moves.keys.sorted() {
            guard let path = op.moves[key] else { continue }
            let inside = path.filter { range.contains($0) }.count
            if inside >= 4 { return path }
        }
        return nil
    }

    mutating func reportLoop(_ path: [Int]) {
        let text = "endless loop: the same content migrated " + path.map { PFN($0).description }.joined(separator: " -> ")
            + ": each freed source page went to cpu\(operation?.cpu.raw ?? 0)'s per-cpu list as Movable and came back as the next migration target inside the range being offlined (no isolate-freed-pages-asap)"
        emit(.hotplug, "no progress", block: operation?.block?.raw, pfn: path.first, toPFN: path.last, detail: text)
        message(text)
        putBackAll()
        operation?.stall = text
        failIsolated(errno: "EINTR", reason: "signal backoff")
        operation?.pendingFailure?.reason = "signal backoff (after an endless migration loop)"
    }
}
