/// Whether anonymous faults may get a transparent huge page
/// (`/sys/kernel/mm/transparent_hugepage/enabled`, boot option `transparent_hugepage=`).
public enum THPMode: String, Codable, Sendable, CaseIterable {
    /// Every anonymous fault in a suitably aligned range tries a PMD-sized folio first.
    case always
    /// Only order-0 folios (`transparent_hugepage=never`).
    case never
}

extension PageArrays {
    /// Pages in the folio holding `p` (`folio_nr_pages()`).
    @inline(__always) func folioPages(_ p: Int) -> Int { 1 << folioOrder(p) }
    /// The head page of the folio holding `p` (`compound_head()`): large folios are naturally
    /// aligned, so rounding down finds it.
    @inline(__always) func folioHead(_ p: Int) -> Int {
        let o = folioOrder(p)
        return o == 0 ? p : p & ~((1 << o) - 1)
    }
    /// Whether `p` is a tail page of a large folio (`PageTail()`).
    @inline(__always) func isTail(_ p: Int) -> Bool { folioHead(p) != p }
}

extension Machine {
    /// The order of a PMD-mapped transparent huge page (HPAGE_PMD_ORDER): 9 on x86_64, the
    /// pageblock order in every geometry here.
    var thpOrder: Int { geometry.pageblockOrder }

    /// Makes a freshly allocated block of 2^order pages one anonymous large folio
    /// (`folio_prep_large_rmappable()` after `vma_alloc_folio()`): the head carries the
    /// reference count, the (entire) map count and the folio's flags; every page carries its
    /// own content token, the owner and its virtual page index.
    mutating func fillLargeAnonFolio(_ head: Int, order: Int, pid: Int, index: Int, flags: PageFlags, mapcount: UInt8) {
        let r = head..<(head + order.pagesCount)
        pages.reset(r, to: .anon)
        PageArrays.fill(&pages.owner, r, UInt32(pid))
        pages.index.withUnsafeMutableBufferPointer { b in
            for p in r { b[p] = UInt32(index + p - head) }
        }
        pages.fillFolioOrders(r, order)
        pages.fillFlags(r.dropFirst(), PageFlags.swapBacked.rawValue)
        pages.setFlags(head, flags.rawValue)
        pages.refcount[head] = 1
        pages.mapcount[head] = mapcount
    }

    /// A fault in a PMD-aligned, empty range of a process (`do_huge_pmd_anonymous_page()`):
    /// one PMD-sized folio from the buddy allocator without direct reclaim
    /// (`GFP_TRANSHUGE_LIGHT`, THP defrag "madvise"), mapped by a PMD. The page-table page the
    /// kernel deposits for a later split is allocated with it. Nil when no block of that
    /// order is free: the fault then falls back to an order-0 page.
    mutating func faultAnonTHP(pid: Int) -> Int? {
        let order = thpOrder
        let index = processes[pid].ptes.count
        guard config.thp == .always, index % order.pagesCount == 0,
              index + order.pagesCount <= processes[pid].rssLimit else { return nil }
        let node = processes[pid].node.raw, cpu = processes[pid].cpu.raw
        var gfp = GFP.highUserMovable
        gfp.mayReclaim = false
        guard let (pt, _) = allocPages(order: 0, gfp: .kernel, preferredNode: node, cpu: cpu) else { return nil }
        guard let (p, _) = allocPages(order: order, gfp: gfp, preferredNode: node, cpu: cpu) else {
            freePages(pt, order: 0, cpu: cpu)
            vmstat.thpFaultFallback += 1
            return nil
        }
        fill(pt, kind: .pageTable, owner: UInt32(pid), index: UInt32(processes[pid].pageTables.count))
        processes[pid].pageTables.append(UInt32(pt))
        fillLargeAnonFolio(p, order: order, pid: pid, index: index, flags: .swapBacked, mapcount: 1)
        processes[pid].ptes.appendPMD(head: p)
        folioAddLRU(p, cpu: cpu)
        vmstat.pgfault += 1
        vmstat.thpFaultAlloc += 1
        return p
    }

    /// Splits a large anonymous folio into order-0 folios (`split_folio_to_list()`): a
    /// PMD mapping becomes one PTE per page, so each page is mapped once; each page gets the
    /// head's flags and a reference of its own, and an isolated folio's pages all stay
    /// isolated (the tails join the caller's list). Returns the pages, head first.
    @discardableResult
    mutating func splitFolio(_ head: Int) -> [Int] {
        let order = pages.folioOrder(head)
        guard order > 0 else { return [head] }
        let mapped = pages.mapcount[head] > 0
        if mapped && pages.kindOf(head) == .anon {
            // A PMD that maps it becomes a page of PTEs first (`split_huge_pmd()`).
            let pid = Int(pages.owner[head]), index = Int(pages.index[head])
            if pid < processes.count, index < processes[pid].ptes.count,
               let leaf = processes[pid].ptes.pmdLeaf(at: index), (leaf.presentPFN ?? leaf.migrationPFN) == head {
                processes[pid].ptes.splitPMD(containing: index)
            }
        }
        let flags = pages.flagsOf(head).subtracting(.lru)
        let extra = pages.refcount[head]   // its own reference plus the isolation's
        var out: [Int] = []
        out.reserveCapacity(order.pagesCount)
        for p in head..<(head + order.pagesCount) {
            pages.setFolioOrder(p, 0)
            if p != head {
                pages.setFlags(p, flags.rawValue)
                pages.refcount[p] = extra
                pages.mapcount[p] = mapped ? 1 : 0
            }
            out.append(p)
        }
        vmstat.thpSplitPage += 1
        return out
    }
}
