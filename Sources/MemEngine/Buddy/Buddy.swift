extension Machine {
    // MARK: freeing

    /// Frees a block into the buddy allocator, merging with free buddies (`__free_one_page()`,
    /// mm/page_alloc.c). At pageblock order and above, a buddy of another type merges only when
    /// both types are mergeable (`migratetype_is_mergeable()`), so isolation stays exact; the
    /// buddy's pageblocks then take the freed block's type ("Match buddy type", Linux 6.10), so
    /// that an `expand()` of the merged block later puts every piece on its pageblock's list.
    mutating func freeOnePage(_ pfn: Int, order startOrder: Int, mt: MigrateType, zone z: Int, toTail: Bool = false) {
        var p = pfn, order = startOrder
        let maxOrder = geometry.maxOrder
        while order < maxOrder {
            let buddy = p ^ order.pagesCount
            guard isBuddy(buddy, order: order, zone: z) else { break }
            var buddyMT = mt
            if order >= geometry.pageblockOrder {
                buddyMT = effectiveMT(buddy)
                if buddyMT != mt && (!mt.isMergeable || !buddyMT.isMergeable) { break }
            }
            removeFromFreeList(buddy, zone: z)
            if buddyMT != mt {
                for pb in stride(from: buddy, to: buddy + order.pagesCount, by: geometry.pagesPerPageblock) {
                    pageblockMT[pageblockIndex(pb)] = UInt8(mt.rawValue)
                    pages.changed(pb)
                }
            }
            p &= buddy
            order += 1
        }
        if p != pfn || order != startOrder {
            // Pages merged away stop being heads: they are free tails now.
            pages.clear(pfn, .buddy)
        }
        // A block that could merge further once its buddy frees goes to the tail, so it
        // stays free longer (the kernel's `buddy_merge_likely()`).
        var tail = toTail
        if !tail && order < maxOrder - 1 {
            let higherBuddy = (p & ~order.pagesCount) ^ (order + 1).pagesCount
            tail = isBuddy(higherBuddy, order: order + 1, zone: z)
        }
        addToFreeList(p, order: order, mt: mt, zone: z, tail: tail)
        if eventFilter.contains(.allocator) {
            emit(.allocator, "__free_one_page", pfn: p, order: order, detail: "\(zones[z].name) \(mt)")
        }
    }

    // MARK: allocating

    /// Splits a block of order `high` down to `low`, putting the upper halves back on the free
    /// lists (`expand()`). Returns how many pages went back.
    @discardableResult
    mutating func expand(_ p: Int, low: Int, high: Int, mt: MigrateType, zone z: Int) -> Int {
        var high = high, added = 0
        while high > low {
            high -= 1
            let half = p + high.pagesCount
            addToFreeList(half, order: high, mt: mt, zone: z)
            added += high.pagesCount
            if eventFilter.contains(.allocator) {
                emit(.allocator, "expand", pfn: half, order: high)
            }
        }
        return added
    }

    /// Takes the smallest free block of `mt` that fits (`__rmqueue_smallest()`).
    mutating func rmqueueSmallest(zone z: Int, order: Int, mt: MigrateType) -> Int? {
        for current in order...geometry.maxOrder {
            guard let p = zones[z].freeArea[zones[z].listIndex(order: current, mt: mt)].first else { continue }
            removeFromFreeList(p, zone: z)
            expand(p, low: order, high: current, mt: mt, zone: z)
            if eventFilter.contains(.allocator) {
                emit(.allocator, "__rmqueue_smallest", pfn: p, order: order, detail: "\(zones[z].name) \(mt)")
            }
            return p
        }
        return nil
    }

    /// Whether a fallback block of `order` may be claimed whole for `startMT`
    /// (`should_try_claim_block()`).
    func shouldTryClaimBlock(order: Int, startMT: MigrateType) -> Bool {
        order >= geometry.pageblockOrder / 2 || startMT == .reclaimable || startMT == .unmovable
    }

    /// Allocation from another migratetype's lists when `startMT`'s are empty
    /// (`__rmqueue_claim()` then `__rmqueue_steal()`, once `__rmqueue_fallback()`).
    mutating func rmqueueFallback(zone z: Int, order: Int, startMT: MigrateType) -> Int? {
        // Claim: the largest fallback block, taking its whole pageblock where allowed.
        for current in stride(from: geometry.maxOrder, through: order, by: -1) {
            for fb in startMT.fallbacks {
                guard let p = zones[z].freeArea[zones[z].listIndex(order: current, mt: fb)].first,
                      shouldTryClaimBlock(order: current, startMT: startMT) else { continue }
                if let got = tryToClaimBlock(p, currentOrder: current, order: order, startMT: startMT,
                                             blockMT: fb, zone: z) {
                    emit(.allocator, "__rmqueue_fallback", pfn: got, order: order,
                         detail: "claimed \(fb) pageblock for \(startMT)")
                    return got
                }
            }
        }
        // Steal: the smallest fallback block, leaving the pageblock's type alone.
        for current in order...geometry.maxOrder {
            for fb in startMT.fallbacks {
                guard let p = zones[z].freeArea[zones[z].listIndex(order: current, mt: fb)].first else { continue }
                removeFromFreeList(p, zone: z)
                expand(p, low: order, high: current, mt: fb, zone: z)
                emit(.allocator, "__rmqueue_fallback", pfn: p, order: order, detail: "stole from \(fb) for \(startMT)")
                return p
            }
        }
        return nil
    }

    /// Takes over a fallback pageblock when enough of it is free or of the same mobility
    /// (`try_to_claim_block()`).
    mutating func tryToClaimBlock(_ p: Int, currentOrder: Int, order: Int, startMT: MigrateType,
                                  blockMT: MigrateType, zone z: Int) -> Int? {
        if currentOrder >= geometry.pageblockOrder {
            removeFromFreeList(p, zone: z)
            for pb in stride(from: p, to: p + currentOrder.pagesCount, by: geometry.pagesPerPageblock) {
                pageblockMT[pageblockIndex(pb)] = UInt8(startMT.rawValue)
                pages.changed(pb)
            }
            expand(p, low: order, high: currentOrder, mt: startMT, zone: z)
            return p
        }
        let start = p & ~(geometry.pagesPerPageblock - 1)
        let end = start + geometry.pagesPerPageblock
        guard zones[z].contains(PFN(start)), zones[z].contains(PFN(end - 1)) else { return nil }
        var free = 0, movable = 0
        var q = start
        while q < end {
            if pages.has(q, .buddy) {
                free += pages.order(q).pagesCount
                q += pages.order(q).pagesCount
                continue
            }
            if pages.has(q, .lru) { movable += 1 }
            q += 1
        }
        let alike: Int
        if startMT == .movable {
            alike = movable
        } else if blockMT == .movable {
            alike = geometry.pagesPerPageblock - (free + movable)
        } else {
            alike = 0
        }
        guard free + alike >= geometry.pagesPerPageblock / 2 else { return nil }
        moveFreePages(pageblockStart: start, to: startMT, zone: z)
        pageblockMT[pageblockIndex(start)] = UInt8(startMT.rawValue)
        pages.changed(start)
        return rmqueueSmallest(zone: z, order: order, mt: startMT)
    }

    /// Moves every free block of one pageblock to the lists of `mt` (`__move_freepages_block()`).
    /// Returns the number of pages moved.
    @discardableResult
    mutating func moveFreePages(pageblockStart start: Int, to mt: MigrateType, zone z: Int) -> Int {
        var q = start, moved = 0
        let end = start + geometry.pagesPerPageblock
        while q < end {
            if pages.has(q, .buddy) {
                let order = pages.order(q)
                removeFromFreeList(q, zone: z)
                addToFreeList(q, order: order, mt: mt, zone: z)
                moved += order.pagesCount
                q += order.pagesCount
            } else {
                q += 1
            }
        }
        return moved
    }

    /// `__rmqueue()`: own type first, then fallback.
    mutating func rmqueue(zone z: Int, order: Int, mt: MigrateType) -> Int? {
        if let p = rmqueueSmallest(zone: z, order: order, mt: mt) { return p }
        return rmqueueFallback(zone: z, order: order, startMT: mt)
    }
}

extension MigrateType {
    /// `migratetype_is_mergeable()`: free blocks of these types may merge across pageblocks.
    var isMergeable: Bool { rawValue < MigrateType.pcpTypes.count }
}
