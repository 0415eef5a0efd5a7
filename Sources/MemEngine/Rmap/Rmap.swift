extension Machine {
    // MARK: filling pages

    /// Makes a freshly allocated page hold content: `owner`/`index` are its content token.
    mutating func fill(_ p: Int, kind: PageKind, owner: UInt32, index: UInt32, flags: PageFlags = [], mapcount: UInt8 = 0) {
        pages.reset(p, to: kind)
        pages.setFlags(p, flags.rawValue)
        pages.refcount[p] = 1
        pages.mapcount[p] = mapcount
        pages.owner[p] = owner
        pages.index[p] = index
    }

    /// Allocates a slab page (`allocate_slab()`): unmovable or reclaimable, from kernel zones.
    mutating func allocSlabPage(gfp: GFP, node: Int, cpu: Int) -> Int? {
        guard let (p, _) = allocPages(order: 0, gfp: gfp, preferredNode: node, cpu: cpu) else { return nil }
        fill(p, kind: .slab, owner: OwnerSpace.slabCache, index: UInt32(slabPages.count), flags: .slab)
        slabPages.append(UInt32(p))
        return p
    }

    /// Frees the slab page at position `i` of `slabPages` (`__free_slab()`).
    mutating func freeSlabPage(at i: Int, cpu: Int) {
        let p = Int(slabPages[i])
        let last = slabPages.removeLast()
        if i < slabPages.count {
            slabPages[i] = last
            pages.index[Int(last)] = UInt32(i)
        }
        freePages(p, order: 0, cpu: cpu)
    }

    // MARK: processes

    mutating func spawnProcess(node: Int, cpu: Int) -> Int {
        let pid = processes.count
        processes.append(Process(pid: pid, node: NodeID(node), cpu: CPU(cpu), ptes: PageTable(pmdOrder: thpOrder)))
        processes[pid].exitTick = tick + drawLifetime(WorkloadTiming.of(config.workload).longLifetime)
        anonVMAs.append(AnonVMA(refcount: 1))
        alivePIDs.append(pid)
        emit(.workload, "kernel_clone", detail: "pid \(pid) on node\(node)")
        return pid
    }

    /// An anonymous page fault (`do_anonymous_page()`): a new movable page, mapped once, on
    /// its way to the LRU; every 64 pages the process also needs a page-table page.
    @discardableResult
    mutating func faultAnon(pid: Int) -> Int? {
        guard processes[pid].ptes.count < processes[pid].rssLimit else { return nil }
        // Locals, not a copy of the process: a copy would make the append below copy the
        // whole page table.
        if let thp = faultAnonTHP(pid: pid) { return thp }
        let node = processes[pid].node.raw, cpu = processes[pid].cpu.raw
        if processes[pid].ptes.count % 64 == 0 {
            guard let (pt, _) = allocPages(order: 0, gfp: .kernel, preferredNode: node, cpu: cpu) else { return nil }
            fill(pt, kind: .pageTable, owner: UInt32(pid), index: UInt32(processes[pid].pageTables.count))
            processes[pid].pageTables.append(UInt32(pt))
        }
        guard let (p, _) = allocPages(order: 0, gfp: .highUserMovable, preferredNode: node, cpu: cpu) else {
            return nil
        }
        let index = processes[pid].ptes.count
        fill(p, kind: .anon, owner: UInt32(pid), index: UInt32(index), flags: .swapBacked, mapcount: 1)
        processes[pid].ptes.append(.present(p))
        folioAddLRU(p, cpu: cpu)
        vmstat.pgfault += 1
        return p
    }

    /// Process exit at once (`do_exit()` → `exit_mmap()` in one go, as if it happened between
    /// two steps): unmaps and frees its pages, swap slots and page tables, then drops its
    /// anon_vma reference. Pages held by a migration in flight are left to it; their
    /// migration entries are simply dropped. The workload's own exits unmap a page table a
    /// tick instead (Workload/ExitMmap.swift).
    mutating func exitProcess(pid: Int) {
        guard processes[pid].alive else { return }
        if processes[pid].exitCursor == nil { alivePIDs.removeAll { $0 == pid } }
        processes[pid].alive = false
        _ = zapPTEs(pid: pid, budget: .max, stopAtMigration: false)
        finishExit(pid: pid)
    }

    /// `unmap_vmas()` from the process's exit cursor on: each PTE is cleared and what it maps
    /// freed (a large folio at its head, its tails' PTEs with it), a swap entry's slot freed.
    /// Stops after `budget` PTEs, or, with `stopAtMigration`, before a folio that a migration
    /// in flight holds (the caller then finishes the exit at once: see `beginExit`).
    mutating func zapPTEs(pid: Int, budget: Int, stopAtMigration: Bool) -> ZapEnd {
        let cpu = processes[pid].cpu.raw
        var i = processes[pid].exitCursor ?? 0
        let end = processes[pid].ptes.count
        var zapped = 0
        defer { processes[pid].exitCursor = i }
        // A mapped folio that is isolated while an operation runs is held by its migration
        // (reclaim unmaps what it isolates); the operation is read once, not a page at a time.
        let migrating = operation?.isFinished == false
        while i < end && zapped < budget {
            let pte = processes[pid].ptes[i]
            if stopAtMigration && migrating, let p = pte.presentPFN ?? pte.migrationPFN,
               pages.has(pages.folioHead(p), .isolated) { return .heldByMigration }
            if let leaf = processes[pid].ptes.pmdLeaf(at: i) {
                // A PMD maps a whole THP: one entry for all its pages, unless the walk starts
                // inside it or a migration entry's pages (each counted, as PTEs were) would
                // overrun the budget; then the PMD is split and its PTEs zapped one by one.
                let nr = processes[pid].ptes.pmdPages
                if processes[pid].ptes.isPMDAligned(i) && (leaf.presentPFN != nil || zapped + nr <= budget) {
                    zapHugePMD(pid: pid, at: i, leaf: leaf, migrating: migrating, cpu: cpu)
                    i += nr
                    zapped += nr
                    continue
                }
                processes[pid].ptes.splitPMD(containing: i)
            }
            processes[pid].ptes.set(i, .none)
            i += 1
            zapped += 1
            if let p = pte.presentPFN {
                // A PTE-mapped large folio is unmapped and freed at its head; its tails' PTEs follow.
                let nr = pages.folioPages(p)
                if nr > 1 {
                    guard !pages.isTail(p) else { continue }
                    for j in i..<min(i + nr - 1, end) { processes[pid].ptes.set(j, .none) }
                    i = min(i + nr - 1, end)
                    zapped += nr - 1
                }
                pages.mapcount[p] = 0
                if migrating && pages.has(pages.folioHead(p), .isolated) { continue }
                releaseUserPage(p, cpu: cpu)
            } else if let slot = pte.swapSlot {
                freeSwapSlot(slot)
            } else if let p = pte.migrationPFN {
                pages.mapcount[pages.folioHead(p)] = 0
            }
        }
        return i >= end ? .unmapped : .budgetSpent
    }

    /// `zap_huge_pmd()`: the PMD cleared and the THP it maps unmapped and freed, unless a
    /// migration holds it; a PMD migration entry is just dropped.
    private mutating func zapHugePMD(pid: Int, at i: Int, leaf: PTE, migrating: Bool, cpu: Int) {
        processes[pid].ptes.clearPMD(at: i)
        if let p = leaf.presentPFN {
            pages.mapcount[p] = 0
            if migrating && pages.has(p, .isolated) { return }
            releaseUserPage(p, cpu: cpu)
        } else if let p = leaf.migrationPFN {
            pages.mapcount[p] = 0
        }
    }

    /// Where `zapPTEs` stopped.
    enum ZapEnd { case unmapped, budgetSpent, heldByMigration }

    /// The end of `exit_mmap()` and `do_exit()`: page tables freed (`free_pgtables()`), the
    /// anon_vma reference dropped (`unlink_anon_vmas()`), the process gone.
    mutating func finishExit(pid: Int) {
        let cpu = processes[pid].cpu.raw
        for pt in processes[pid].pageTables { freePages(Int(pt), order: 0, cpu: cpu) }
        processes[pid].pageTables = []
        processes[pid].ptes.removeAll()
        processes[pid].alive = false
        processes[pid].exitCursor = nil
        anonVMAs[pid].refcount -= 1
        if anonVMAs[pid].refcount == 0 { anonVMAs[pid].freed = true }
        emit(.workload, "do_exit", detail: "pid \(pid)")
    }

    /// Frees a user page that is on the LRU, in an LRU batch or isolated by reclaim.
    mutating func releaseUserPage(_ p: Int, cpu: Int) {
        if pages.has(p, .lru) {
            lruDel(p)
        } else if pages.has(p, .isolated) {
            unisolate(p)
        } else {
            _ = removeFromLRUBatch(p)
        }
        if pages.has(p, .swapcache), let slot = swapSlotOf(p) { freeSwapSlot(slot) }
        freePages(p, order: pages.folioOrder(p), cpu: cpu)
    }

    // MARK: swap

    mutating func allocSwapSlot(pid: UInt32, index: UInt32) -> Int {
        if let s = freeSwapSlots.popLast() {
            swapSlots[s] = SwapSlot(pid: pid, index: index)
            return s
        }
        swapSlots.append(SwapSlot(pid: pid, index: index))
        return swapSlots.count - 1
    }

    mutating func freeSwapSlot(_ s: Int) {
        guard s < swapSlots.count, swapSlots[s] != nil else { return }
        swapSlots[s] = nil
        freeSwapSlots.append(s)
    }

    /// The swap slot a swapcache page's content came from or goes to.
    func swapSlotOf(_ p: Int) -> Int? {
        guard pages.kindOf(p) == .anon else { return nil }
        let pid = Int(pages.owner[p]), index = Int(pages.index[p])
        guard pid < processes.count, index < processes[pid].ptes.count else { return nil }
        return processes[pid].ptes[index].swapSlot
    }

    // MARK: files

    mutating func addFile(pages count: Int) -> Int {
        files.append(CachedFile(id: files.count, pages: PageCacheMap(count: count)))
        return files.count - 1
    }
}
