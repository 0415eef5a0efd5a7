extension Machine {
    /// A process's page table is what the kernel's would be: one PMD entry per PMD range
    /// begun; each PTE page pointed at by exactly one PMD; a PMD leaf maps (or holds the
    /// migration entry of) the head of an anonymous folio of the PMD's order, aligned, whose
    /// rmap (owner and index) points back at this process and range, mapped once as a whole
    /// while present and unmapped and isolated while a migration holds it.
    func checkPageTable(_ proc: Process) throws(InvariantViolation) {
        let t = proc.ptes, span = t.pmdPages, pid = proc.pid
        guard span == thpOrder.pagesCount, t.pmds.count == (t.count + span - 1) / span else {
            throw InvariantViolation(message: "pid \(pid): \(t.pmds.count) PMD entries of \(span) pages for \(t.count) virtual pages", pfn: nil)
        }
        var pointedAt = [Bool](repeating: false, count: t.ptePages.count / span)
        for (r, pmd) in t.pmds.enumerated() {
            let what = "pid \(pid) pmd \(r) (virtual pages \(r * span)-\(r * span + span - 1))"
            if let page = pmd.tablePage {
                guard page < pointedAt.count, !pointedAt[page] else {
                    throw InvariantViolation(message: "\(what): PTE page \(page) is missing or shared", pfn: nil)
                }
                pointedAt[page] = true
                for k in min(span, max(0, t.count - r * span))..<span where !t.ptePages[page * span + k].isNone {
                    throw InvariantViolation(message: "\(what): PTE \(k) is beyond the last faulted page", pfn: nil)
                }
            } else if let leaf = pmd.leaf, let head = leaf.presentPFN ?? leaf.migrationPFN {
                guard (r + 1) * span <= t.count, head & (span - 1) == 0, head < pages.count,
                      pages.kindOf(head) == .anon, pages.folioOrder(head) == thpOrder,
                      pages.owner[head] == UInt32(pid), pages.index[head] == UInt32(r * span) else {
                    throw InvariantViolation(message: "\(what): PMD maps no order-\(thpOrder) anon folio of this process at this range", pfn: head)
                }
                let migrating = leaf.migrationPFN != nil
                guard migrating ? pages.mapcount[head] == 0 && pages.has(head, .isolated) : pages.mapcount[head] == 1 else {
                    throw InvariantViolation(message: "\(what): \(migrating ? "PMD migration entry of a folio not isolated or still mapped" : "PMD-mapped folio's mapcount \(pages.mapcount[head]) is not 1")", pfn: head)
                }
            }
        }
        if let page = pointedAt.firstIndex(of: false) {
            throw InvariantViolation(message: "pid \(pid): PTE page \(page) is pointed at by no PMD", pfn: nil)
        }
    }
}
