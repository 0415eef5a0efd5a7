extension Machine {
    /// Reclaim of a mapped anon page (`shrink_folio_list()` → `add_to_swap()` → `try_to_unmap()`
    /// → `pageout()`): off the LRU, into the swap cache with a slot, the PTE now a swap entry,
    /// under writeback until the write completes; then it is freed.
    @discardableResult
    mutating func swapOutPage(_ p: Int) -> Bool {
        // A machine without swap (an imported one whose SwapTotal is 0) keeps its anon pages.
        // Large folios stay mapped: THP swap-out (split or THP_SWAP) is not modelled.
        guard swapEnabled, pages.folioOrder(p) == 0, pages.kindOf(p) == .anon, pages.mapcount[p] == 1, pages.refcount[p] <= 1,
              !pages.has(p, .swapcache), !pages.has(p, .locked) else { return false }
        let pid = Int(pages.owner[p]), index = Int(pages.index[p])
        guard pid < processes.count, processes[pid].alive, processes[pid].exitCursor == nil, index < processes[pid].ptes.count,
              processes[pid].ptes[index].presentPFN == p, isolateLRU(p) else { return false }
        let slot = allocSwapSlot(pid: UInt32(pid), index: UInt32(index))
        processes[pid].ptes.set(index, .swap(slot))
        pages.mapcount[p] = 0
        pages.set(p, [.swapcache, .writeback])
        // An SSD write with the queue it waits in: 200 µs to 1 ms.
        inFlightIO.append(PendingIO(kind: .swapOut, pfn: UInt32(p), due: tick + 200 + rng.below(800)))
        vmstat.pswpout += 1
        return true
    }

    /// Direct reclaim's and the old global reclaim's pick: a random page of a random process.
    mutating func swapOutSomePage() {
        guard let pid = randomAlivePID(), !processes[pid].ptes.isEmpty else { return }
        let i = rng.below(processes[pid].ptes.count)
        guard let p = processes[pid].ptes[i].presentPFN, pages.has(p, .lru) else { return }
        if pages.has(p, .active) {
            deactivate(p)
            return
        }
        swapOutPage(p)
    }

    /// A process touches a page that was swapped out (`do_swap_page()`): a new page joins the
    /// swap cache and the LRU, locked while the read is in flight; it is mapped only once the
    /// read is done, so for a while it is on the LRU and in the swap cache but mapped by nobody.
    mutating func swapInSomePage() {
        let used = swapSlots.count - freeSwapSlots.count
        guard used > 0 else { return }
        for _ in 0..<8 {
            let s = rng.below(swapSlots.count)
            guard let slot = swapSlots[s] else { continue }
            let pid = Int(slot.pid), i = Int(slot.index)
            guard pid < processes.count, processes[pid].alive, processes[pid].exitCursor == nil, i < processes[pid].ptes.count,
                  processes[pid].ptes[i].swapSlot == s else { continue }
            swapIn(pid: pid, index: i)
            return
        }
    }

    /// `do_swap_page()` for one swapped-out page of a process: the read takes an SSD's 50 to
    /// 200 µs (ticks), and the faulting task maps the page 5 to 50 µs after it completes.
    mutating func swapIn(pid: Int, index i: Int) {
        // A page still in the swap cache (being written or read) is found there, not read again.
        guard !swapCacheHolds(pid: pid, index: i) else { return }
        let node = processes[pid].node.raw, cpu = processes[pid].cpu.raw
        guard let (p, _) = allocPages(order: 0, gfp: .highUserMovable, preferredNode: node, cpu: cpu) else { return }
        fill(p, kind: .anon, owner: UInt32(pid), index: UInt32(i), flags: [.swapBacked, .swapcache, .locked])
        folioAddLRU(p, cpu: cpu)
        inFlightIO.append(PendingIO(kind: .swapIn, pfn: UInt32(p), due: tick + 50 + rng.below(150)))
        vmstat.pswpin += 1
    }

    /// Whether a page of this process's slot is still in the swap cache (a swap-out or a
    /// swap-in in flight).
    func swapCacheHolds(pid: Int, index: Int) -> Bool {
        inFlightIO.contains { io in
            let p = Int(io.pfn)
            return pages.kindOf(p) == .anon && Int(pages.owner[p]) == pid && Int(pages.index[p]) == index
        }
    }
}
