/// PTEs an exiting process unmaps a tick: one page table's worth. `exit_mmap()` →
/// `unmap_vmas()` zaps a PMD's range of PTEs at a time (`zap_pte_range()`), frees the pages
/// gathered (`tlb_finish_mmu()`) and calls `cond_resched()` between ranges.
let exitZapPTEsPerTick = 512

/// The workload's process exits, spread over ticks as the kernel's are: a process holding
/// gigabytes takes milliseconds to unmap, so its memory returns a page table a tick, in
/// address order, not in one step (which cost a large machine a second of CPU in one tick).
/// A process of up to 512 pages, as the short-lived tasks are, still exits within its tick.
extension Machine {
    /// `do_exit()` of a process whose time is up: it leaves the workload at once (no more
    /// faults, touches or swap), and its address space is unmapped from the start, the first
    /// page table this tick. Its mm lives on until the last PTE is gone, so the rest of it
    /// is a live process's to reclaim and migration.
    ///
    /// The kernel's exit does not wait for a migration that holds some of its folios: it
    /// drops their migration entries, and frees the anon_vma (a use-after-free without the
    /// anon-vma-hold fix). So when the unmap reaches a folio that a migration in flight
    /// holds, the rest of the exit happens at once, as `exit(pid:)` does, and migration then
    /// finds the process gone.
    mutating func beginExit(pid: Int) {
        guard processes[pid].alive, processes[pid].exitCursor == nil else { return }
        alivePIDs.removeAll { $0 == pid }
        processes[pid].exitCursor = 0
        guard zapSlice(pid: pid) else {
            exitingPIDs.append(pid)
            emit(.workload, "exit_mmap", detail: "pid \(pid): unmapping \(processes[pid].ptes.count) pages, \(exitZapPTEsPerTick) a tick")
            return
        }
    }

    /// The next page table of every exit under way.
    mutating func continueExits() {
        guard !exitingPIDs.isEmpty else { return }
        var i = 0
        while i < exitingPIDs.count {
            let pid = exitingPIDs[i]
            // An exit finished at once meanwhile (`exit(pid:)`) has nothing left to do.
            if !processes[pid].alive || processes[pid].exitCursor == nil || zapSlice(pid: pid) {
                exitingPIDs.remove(at: i)
            } else {
                i += 1
            }
        }
    }

    /// One tick of an exit: a page table's worth of PTEs, or the rest at once when it meets a
    /// folio under migration. Returns whether the exit is over.
    private mutating func zapSlice(pid: Int) -> Bool {
        switch zapPTEs(pid: pid, budget: exitZapPTEsPerTick, stopAtMigration: true) {
        case .unmapped: finishExit(pid: pid)
        case .heldByMigration: exitProcess(pid: pid)
        case .budgetSpent: return false
        }
        return true
    }
}
