/// What a page table entry holds, as the UI shows it: the public face of `PTE`.
public enum PTEState: Equatable, Sendable {
    case present(PFN)
    /// A migration entry: the page at this pfn is being migrated; a fault waits.
    case migration(PFN)
    case swap(slot: Int)
    case none
}

/// One PTE of one process: which virtual page of which pid.
public struct PTERef: Hashable, Sendable {
    public var pid: Int
    /// The virtual page number in the process's anonymous area (the model starts it at 0).
    public var virtualPage: Int
    /// Whether a PMD maps it (a PMD-mapped THP: one entry for the whole folio), not a PTE.
    public var pmdMapped = false
}

extension PTE {
    var state: PTEState {
        if let p = presentPFN { return .present(PFN(p)) }
        if let p = migrationPFN { return .migration(PFN(p)) }
        if let s = swapSlot { return .swap(slot: s) }
        return .none
    }
}

extension Machine {
    /// The PTEs that map an anon page or hold a migration entry for it (`rmap_walk()` over its
    /// anon_vma); empty for other pages. Kernel: mm/rmap.c.
    public func mappings(of pfn: PFN) -> [PTERef] {
        let p = pfn.raw
        guard p >= 0, p < pages.count, pages.kindOf(p) == .anon else { return [] }
        let pid = Int(pages.owner[p]), index = Int(pages.index[p])
        guard pid < processes.count, index < processes[pid].ptes.count else { return [] }
        switch processes[pid].ptes[index].state {
        case .present(let q) where q == pfn, .migration(let q) where q == pfn:
            return [PTERef(pid: pid, virtualPage: index, pmdMapped: processes[pid].ptes.pmdLeaf(at: index) != nil)]
        default: return []
        }
    }

    /// What a process's PTE holds now (nil for no such pid or page).
    public func pte(_ ref: PTERef) -> PTEState? {
        guard ref.pid >= 0, ref.pid < processes.count, ref.virtualPage >= 0,
              ref.virtualPage < processes[ref.pid].ptes.count else { return nil }
        return processes[ref.pid].ptes[ref.virtualPage].state
    }
}
