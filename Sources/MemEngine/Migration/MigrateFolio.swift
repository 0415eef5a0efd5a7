extension Machine {
    /// `migrate_folio_unmap()` for one folio, in the kernel's order: the reference count (a
    /// folio whose owner let go was freed from under us), the target, the folio lock, writeback,
    /// the anon_vma, then the unmap. Returns false when the folio stays where it is on the list
    /// (MIGRATE_SYNC waiting for its lock or writeback, or -ENOMEM).
    mutating func migrateFolioUnmap(_ src: Int, state st: inout MigratePagesState) -> Bool {
        guard let cpu = operation?.cpu.raw else { return true }
        let b = operation?.block?.raw
        let order = pages.folioOrder(src), nr = order.pagesCount
        let kind = pages.kindOf(src)
        let sync = !st.call.isAsync
        operation?.migration = MigrationInFlight(source: PFN(src), target: st.waitingTarget.map(PFN.init), stage: .unmap, order: order)

        // folio_ref_count(src) == 1: only the isolation's reference is left.
        if !ownerAlive(src) {
            if let t = st.waitingTarget { freePages(t, order: order, cpu: cpu); st.waitingTarget = nil }
            unisolate(src)
            freePages(src, order: order, cpu: cpu)
            operation?.migrated += nr
            if kind == .anon { operation?.pagesFreedUnderUs += nr }
            vmstat.pgmigrateSuccess += nr
            emit(.hotplug, "migrate_folio_unmap", block: b, pfn: src,
                 detail: "folio was freed from under us (\(nr) page\(nr == 1 ? "" : "s"), counted in pgmigrate_success)")
            return true
        }

        let dst: Int
        if let t = st.waitingTarget {
            dst = t
        } else if let t = allocMigrationTarget(for: src, order: order, cpu: cpu) {
            dst = t
            // The detail's pieces are kept, not joined: a String built here for every page
            // moved was 5% of an offline.
            let detail: EventDetail
            if let z = zoneIndex(of: t) {
                let node = zones[z].node.raw, name = zones[z].name
                detail = order > 0 ? "order-\(order) target in node\(node) \(name)" : "target in node\(node) \(name)"
            } else {
                detail = order > 0 ? "order-\(order) target in ?" : "target in ?"
            }
            emit(.hotplug, "alloc_migration_target", block: b, pfn: src, toPFN: t, detail: detail)
            operation?.migration?.target = PFN(t)
        } else if order > 0 {
            // No free block of the folio's order outside the range: split it and migrate its
            // pages after the rest (`try_split_folio()`).
            let pieces = splitFolio(src)
            migrateLists.split.append(contentsOf: pieces.map { UInt32($0) })
            operation?.thpSplit += 1
            vmstat.thpMigrationSplit += 1
            emit(.hotplug, "split_folio_to_list", block: b, pfn: src, toPFN: src + nr,
                 detail: "no order-\(order) target outside the range, free or made by direct compaction: folio split into \(nr) pages (thp_migration_split)")
            return true
        } else {
            emit(.hotplug, "alloc_migration_target", block: b, pfn: src, detail: "-ENOMEM: no free page outside the range")
            operation?.lastFailureReason = "no memory for a target outside the range (-ENOMEM)"
            operation?.lastFailurePFN = src
            st.outOfMemory = true
            return false
        }

        // folio_trylock(): MIGRATE_ASYNC gives up (-EAGAIN), MIGRATE_SYNC waits in folio_lock().
        if pages.has(src, .locked) {
            guard sync else {
                freePages(dst, order: order, cpu: cpu)
                return migrationAgain(src, "folio locked (I/O in flight)")
            }
            if st.waitingTarget == nil {
                emit(.hotplug, "folio_lock", block: b, pfn: src, detail: "MIGRATE_SYNC waits for the folio lock (I/O in flight)")
            }
            st.waitingTarget = dst
            return false
        }
        // Writeback: only MIGRATE_SYNC waits; async fails with -EBUSY and the sync pass retries.
        if pages.has(src, .writeback) {
            guard sync else {
                freePages(dst, order: order, cpu: cpu)
                operation?.lastFailureReason = "folio under writeback (-EBUSY in MIGRATE_ASYNC)"
                operation?.lastFailurePFN = src
                migrateLists.callRet.append(UInt32(src))
                emit(.hotplug, "migrate_folio_unmap", block: b, pfn: src, detail: "-EBUSY: under writeback, MIGRATE_ASYNC does not wait")
                return true
            }
            if st.waitingTarget == nil {
                emit(.hotplug, "folio_wait_writeback", block: b, pfn: src, detail: "MIGRATE_SYNC waits for writeback")
            }
            st.waitingTarget = dst
            return false
        }
        st.waitingTarget = nil

        // folio_get_anon_vma(): only a mapped anon folio has one to hold.
        let mapped = pages.mapcount[src] > 0
        var heldAnonVMA = false
        if kind == .anon && mapped && config.has(.anonVMAHold) {
            anonVMAs[Int(pages.owner[src])].refcount += 1
            heldAnonVMA = true
        }
        if kind == .anon && !mapped && pages.has(src, .swapcache) && swapInInFlight(src) {
            // A swap-cache folio read in but not yet mapped has no rmap (src->mapping is NULL).
            guard config.has(.swapinUnmappedSkip) else {
                freePages(dst, order: order, cpu: cpu)
                kernelBug(src, "BUG: kernel NULL pointer dereference in try_to_unmap(): swap-cache page \(PFN(src)) is on the LRU but not yet mapped (swap-in in flight), so it has no anon_vma")
                return false
            }
            emit(.hotplug, "migrate_folio_unmap", block: b, pfn: src,
                 detail: "swap-cache folio not yet mapped (swap-in in flight): no rmap, nothing to unmap; it moves in this pass")
        } else if kind == .anon && mapped {
            let pid = Int(pages.owner[src]), index = Int(pages.index[src])
            processes[pid].ptes.setFolio(at: index, pages: nr, to: .migration(src))
            pages.mapcount[src] = 0
            emit(.hotplug, "try_to_migrate", block: b, pfn: src,
                 detail: "pid \(pid): \(nr == 1 ? "pte -> migration entry" : "its PMD (\(nr) pages) -> one PMD migration entry")\(sync ? "" : ", TLB flush batched")")
        }
        migrateLists.unmapped.append(UnmappedFolio(src: UInt32(src), dst: UInt32(dst), wasMapped: kind == .anon && mapped,
                                                   heldAnonVMA: heldAnonVMA))
        return true
    }

    /// A folio that will be tried again in the next pass (-EAGAIN).
    mutating func migrationAgain(_ src: Int, _ reason: String) -> Bool {
        operation?.lastFailureReason = reason
        operation?.lastFailurePFN = src
        migrateLists.again.append(UInt32(src))
        emit(.hotplug, "migrate_folio_unmap", block: operation?.block?.raw, pfn: src, detail: "-EAGAIN: \(reason)")
        return true
    }

    /// `migrate_folio_move()`: the copy (`move_to_new_folio()`, which fails with -EAGAIN while
    /// someone holds an extra reference), the new folio onto the LRU, the PTEs pointed at it
    /// (`remove_migration_ptes()`), and the source freed.
    mutating func migrateFolioMove(_ u: UnmappedFolio, state st: MigratePagesState) {
        guard let cpu = operation?.cpu.raw else { return }
        let b = operation?.block?.raw
        let src = Int(u.src), dst = Int(u.dst)
        let order = pages.folioOrder(src), nr = order.pagesCount
        let kind = pages.kindOf(src)
        operation?.migration = MigrationInFlight(source: PFN(src), target: PFN(dst), stage: .move, order: order)

        // folio_migrate_mapping(): any reference beyond the folio's own and the isolation's is a pin.
        let expected = 2
        if Int(pages.refcount[src]) > expected {
            operation?.lastFailureReason = "extra reference (refcount \(pages.refcount[src]), pinned)"
            operation?.lastFailurePFN = src
            migrateLists.moveAgain.append(u)
            emit(.hotplug, "migrate_folio_move", block: b, pfn: src, detail: "-EAGAIN: extra reference (refcount \(pages.refcount[src]), pinned)")
            return
        }
        let pid = Int(pages.owner[src])
        if kind == .anon && anonVMAs[pid].freed && !u.heldAnonVMA && u.wasMapped {
            undoUnmap(u, toRet: true)
            return kernelBug(src, "BUG: use-after-free: anon_vma of pid \(pid) was freed by exit while its pages were under migration (pfn \(PFN(src)) -> \(PFN(dst))); remove_migration_ptes() walked freed memory")
        }

        let keep: PageFlags = [.dirty, .swapBacked, .swapcache, .mappedToDisk, .active, .referenced, .unevictable]
        let flags = pages.flagsOf(src).intersection(keep)
        if order > 0 {
            fillLargeAnonFolio(dst, order: order, pid: pid, index: Int(pages.index[src]), flags: flags, mapcount: 0)
        } else {
            fill(dst, kind: kind, owner: pages.owner[src], index: pages.index[src], flags: flags)
        }
        if kind == .file {
            files[Int(pages.owner[src])].pages[Int(pages.index[src])] = UInt32(dst)
        }
        if pages.has(src, .swapcache) {
            // The swap cache now holds the new folio: a swap-in still to finish maps that one.
            for i in inFlightIO.indices where inFlightIO[i].pfn == UInt32(src) { inFlightIO[i].pfn = UInt32(dst) }
        }
        emit(.hotplug, "folio_copy", block: b, pfn: src, toPFN: dst, detail: "\(kind) content copied (\(nr) page\(nr == 1 ? "" : "s"))")

        if kind == .anon {
            let alive = processes[pid].alive
            if u.wasMapped && alive {
                let index = Int(pages.index[src])
                let restored = processes[pid].ptes.replaceFolio(at: index, pages: nr, from: .migration(src), to: .present(dst))
                if restored > 0 { pages.mapcount[dst] = 1 }
                operation?.anonPagesRemapped += restored
                emit(.hotplug, "remove_migration_ptes", block: b, pfn: src, toPFN: dst,
                     detail: "pid \(pid): \(nr == 1 ? "pte" : "PMD (\(restored) pages)") -> new folio")
            } else if u.wasMapped {
                emit(.hotplug, "remove_migration_ptes", block: b, pfn: src, toPFN: dst, detail: "pid \(pid) exited: no pte left")
            }
            if u.heldAnonVMA { putAnonVMA(pid) }
            if alive { folioAddLRU(dst, cpu: cpu) } else { freePages(dst, order: order, cpu: cpu) }
        } else {
            emit(.hotplug, "folio_migrate_mapping", block: b, pfn: src, toPFN: dst, detail: "page cache now points at the new page")
            folioAddLRU(dst, cpu: cpu)
        }

        // migrate_folio_done(): the source's last reference goes.
        unisolate(src)
        let toPCP = !config.has(.isolateFreedPagesASAP) && order == 0
        freePages(src, order: order, cpu: cpu)
        operation?.migrated += nr
        operation?.roundsWithoutProgress = 0
        vmstat.pgmigrateSuccess += nr
        if order > 0 {
            operation?.thpMigrated += 1
            vmstat.thpMigrationSuccess += 1
        }
        emit(.hotplug, "folio_put", block: b, pfn: src,
             detail: toPCP ? "source freed to cpu\(cpu)'s per-cpu list (Movable)" : "source freed to the Isolate free list")
        if !config.has(.isolateFreedPagesASAP) {
            noteMove(src: src, dst: dst)
            if let loop = detectMigrationLoop() { reportLoop(loop) }
        }
    }

    /// `migrate_folio_undo_src()` and `migrate_folio_undo_dst()`: the source's PTEs point at it
    /// again, the anon_vma reference is dropped, the target is freed; the source goes to the
    /// call's ret_folios.
    mutating func undoUnmap(_ u: UnmappedFolio, toRet: Bool) {
        let src = Int(u.src), dst = Int(u.dst)
        let order = pages.folioOrder(src), nr = order.pagesCount
        if pages.kindOf(src) == .anon {
            let pid = Int(pages.owner[src]), index = Int(pages.index[src])
            if u.wasMapped, processes[pid].alive {
                let restored = processes[pid].ptes.replaceFolio(at: index, pages: nr, from: .migration(src), to: .present(src))
                if restored > 0 { pages.mapcount[src] = 1 }
            }
            if u.heldAnonVMA { putAnonVMA(pid) }
        }
        freePages(dst, order: order, cpu: operation?.cpu.raw ?? 0)
        if toRet { migrateLists.callRet.append(u.src) }
    }

    /// `put_anon_vma()`.
    mutating func putAnonVMA(_ pid: Int) {
        anonVMAs[pid].refcount -= 1
        if anonVMAs[pid].refcount == 0 { anonVMAs[pid].freed = true }
    }

    /// `alloc_migration_target()`: a folio of the source's order outside the range, on another
    /// node when there is one (the page's own node is cleared from the nodemask). The zone
    /// class follows the source: only a source in ZONE_MOVABLE (or highmem) adds
    /// `__GFP_HIGHMEM`, so a page from a kernel zone never moves into ZONE_MOVABLE. A large
    /// folio's target (`GFP_TRANSHUGE`) skips the order-0 reclaim pass but, when no block of its
    /// order is free, compacts and reclaims for one (`allocLargeFolioSlowpath`) before the
    /// folio is split (the 2007 code, run without isolate-freed-pages-asap, had no large
    /// targets and no compaction). The isolated range cannot supply it: its
    /// free pages are on the Isolate lists. Without isolate-freed-pages-asap the 2007 code ran:
    /// `alloc_page()` on the local node, per-cpu lists first.
    mutating func allocMigrationTarget(for src: Int, order: Int, cpu: Int) -> Int? {
        let nid = nodeIndex(of: src)
        var gfp = GFP.migrationTarget
        let srcZone = zoneIndex(of: src).map { zones[$0].type } ?? .normal
        gfp.highestZone = srcZone == .movable ? .movable : .normal
        if order > 0 { gfp.mayReclaim = false }
        if config.has(.isolateFreedPagesASAP) {
            // A bitmask, not an array: one allocation less for every page an offline moves.
            gfp.nodemask = nodes.count > 1 ? NodeMask.all(nodes.count).removing(nid) : NodeMask.all(nodes.count)
        }
        var got = allocPages(order: order, gfp: gfp, preferredNode: nid, cpu: cpu)
        if got == nil, order > 0, config.has(.isolateFreedPagesASAP) {
            got = allocLargeFolioSlowpath(order: order, gfp: gfp, preferredNode: nid, cpu: cpu)
        }
        guard let (p, _) = got else { return nil }
        for q in p..<(p + order.pagesCount) { pages.reset(q, to: .free) }
        pages.refcount[p] = 1
        return p
    }

    /// A folio back from migration: on its LRU list if its owner still wants it, freed if not
    /// (`putback_movable_pages()` drops the isolation's reference, the last one).
    mutating func putBackFolio(_ p: Int, cpu: Int) {
        guard pages.has(p, .isolated) else { return }
        if pages.kindOf(p).hasContent && ownerAlive(p) {
            putbackLRU(p)
        } else {
            unisolate(p)
            freePages(p, order: pages.folioOrder(p), cpu: cpu)
        }
    }

    /// Whether the owner of a content page still wants it.
    @inline(__always) func ownerAlive(_ p: Int) -> Bool {
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

    @inline(__always) func swapInInFlight(_ p: Int) -> Bool {
        inFlightIO.contains { $0.pfn == UInt32(p) && ($0.kind == .swapIn || $0.kind == .swapInMap) }
    }
}
