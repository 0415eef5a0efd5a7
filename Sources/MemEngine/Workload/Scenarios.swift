/// Situations the workload reaches by chance, made on purpose: for tests and for showing a
/// 2007 bug or a known limit at once instead of waiting for it.
extension Machine {
    /// Pins a page as `pin_user_pages()` does for DMA: an extra reference that migration cannot
    /// move past (`folio_migrate_mapping()` sees more references than it expects).
    public mutating func pin(_ pfn: PFN) {
        pages.refcount[pfn.raw] &+= 1
        emit(.workload, "pin_user_pages", pfn: pfn.raw, detail: "refcount \(pages.refcount[pfn.raw])")
    }

    public mutating func unpin(_ pfn: PFN) {
        pages.refcount[pfn.raw] &-= 1
        emit(.workload, "unpin_user_page", pfn: pfn.raw)
    }

    /// Puts a mapped anon page where a swap-in leaves it after the read and before the fault
    /// maps it (`do_swap_page()`): in the swap cache, on the LRU, mapped by nobody, for `ticks`.
    @discardableResult
    public mutating func enterSwapInWindow(_ pfn: PFN, ticks: Int = 50) -> Bool {
        let p = pfn.raw
        guard pages.kindOf(p) == .anon, pages.folioOrder(p) == 0, pages.mapcount[p] > 0, pages.has(p, .lru) else { return false }
        let pid = Int(pages.owner[p]), index = Int(pages.index[p])
        guard processes[pid].alive else { return false }
        let slot = allocSwapSlot(pid: UInt32(pid), index: UInt32(index))
        processes[pid].ptes.set(index, .swap(slot))
        pages.mapcount[p] = 0
        pages.set(p, .swapcache)
        inFlightIO.append(PendingIO(kind: .swapInMap, pfn: UInt32(p), due: tick + ticks))
        emit(.workload, "swap_readpage", pfn: p, detail: "pid \(pid) page \(index) read in, not yet mapped")
        return true
    }

    /// Starts swapping out a mapped anon page as kswapd does (`shrink_folio_list()`): off the
    /// LRU, into the swap cache, unmapped, under writeback for `ticks`, then freed. While it is
    /// written it is neither on the LRU nor free: a known limit of the 2007 series.
    @discardableResult
    public mutating func startSwapOut(_ pfn: PFN, ticks: Int = 50) -> Bool {
        let p = pfn.raw
        guard pages.kindOf(p) == .anon, pages.folioOrder(p) == 0, pages.mapcount[p] > 0, pages.refcount[p] <= 1,
              isolateLRU(p) else { return false }
        let pid = Int(pages.owner[p]), index = Int(pages.index[p])
        let slot = allocSwapSlot(pid: UInt32(pid), index: UInt32(index))
        processes[pid].ptes.set(index, .swap(slot))
        pages.mapcount[p] = 0
        pages.set(p, [.swapcache, .writeback])
        inFlightIO.append(PendingIO(kind: .swapOut, pfn: UInt32(p), due: tick + ticks))
        vmstat.pswpout += 1
        emit(.workload, "shrink_folio_list", pfn: p, detail: "pid \(pid) page \(index) to swap, under writeback")
        return true
    }

    /// Ends a process now (as if it exited between two steps).
    public mutating func exit(pid: Int) { exitProcess(pid: pid) }

    /// Starts a process's exit as the workload's own exits go: it leaves the workload now and
    /// its memory is unmapped a page table a tick (Workload/ExitMmap.swift).
    public mutating func startExit(pid: Int) { beginExit(pid: pid) }

    /// Whether a process's exit is still unmapping its memory.
    public func isExiting(pid: Int) -> Bool { pid < processes.count && processes[pid].exitCursor != nil }

    /// The live process that maps the most pages (the one whose exit costs most).
    public var largestProcess: Int? {
        alivePIDs.max { processes[$0].ptes.count < processes[$1].ptes.count }
    }

    /// The pid whose anon page this is.
    public func anonOwner(_ pfn: PFN) -> Int? {
        pages.kindOf(pfn.raw) == .anon ? Int(pages.owner[pfn.raw]) : nil
    }
}
