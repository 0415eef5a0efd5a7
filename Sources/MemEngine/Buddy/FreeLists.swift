extension Machine {
    /// Accounts free pages entering or leaving a list (`account_freepages()`): isolated free
    /// pages are not counted in NR_FREE_PAGES.
    @inline(__always) mutating func accountFreePages(zone z: Int, _ nr: Int, mt: MigrateType) {
        if mt != .isolate { zones[z].freePages += nr }
    }

    /// Puts a free block on `free_area[order].free_list[mt]` (`__add_to_free_list()`).
    /// The head gets PG_buddy and its order; the rest of the block stays as free tail pages.
    mutating func addToFreeList(_ p: Int, order: Int, mt: MigrateType, zone z: Int, tail: Bool = false) {
        pages.setKind(p, .free)
        pages.setFlags(p, PageFlags.buddy.rawValue)
        pages.refcount[p] = 0
        pages.mapcount[p] = 0
        pages.setOrderMT(p, order: order, mt: mt)
        let li = zones[z].listIndex(order: order, mt: mt)
        if tail {
            zones[z].freeArea[li].pushBack(p, in: &pages)
        } else {
            zones[z].freeArea[li].pushFront(p, in: &pages)
        }
        accountFreePages(zone: z, order.pagesCount, mt: mt)
    }

    /// Takes a free block off its list (`del_page_from_free_list()`); it becomes a free tail
    /// until the caller makes it something else.
    mutating func removeFromFreeList(_ p: Int, zone z: Int) {
        let order = pages.order(p), mt = pages.listMT(p)
        zones[z].freeArea[zones[z].listIndex(order: order, mt: mt)].remove(p, in: &pages)
        pages.clear(p, .buddy)
        pages.clearOrderMT(p)
        accountFreePages(zone: z, -order.pagesCount, mt: mt)
    }

    /// Whether `p` heads a free buddy block of exactly `order` (`page_is_buddy()`).
    @inline(__always) func isBuddy(_ p: Int, order: Int, zone z: Int) -> Bool {
        p < pages.count && pages.has(p, .buddy) && pages.order(p) == order && zoneIndex(of: p) == z
    }

    /// Finds the head of the free buddy block that contains `p`, if `p` is free in the buddy
    /// allocator (`find_buddy_page_pfn()` climbing orders, as `is_free_buddy_page()` does).
    func freeBlockHead(containing p: Int) -> Int? {
        for order in 0...geometry.maxOrder {
            let head = p & ~(order.pagesCount - 1)
            if pages.has(head, .buddy), pages.order(head) >= order, head + pages.order(head).pagesCount > p {
                return head
            }
        }
        return nil
    }
}

extension Int {
    /// 2^order.
    @inline(__always) var pagesCount: Int { 1 << self }
}
