extension Machine {
    /// What `has_unmovable_pages()` sees of a simulated page.
    func pageFacts(_ p: Int) -> PageFacts {
        var f = isolationFacts(p)
        f.kindName = pages.kindOf(p).description
        return f
    }

    /// What `has_unmovable_pages()` reads of a page: `pageFacts` without the kind's name, which
    /// `Movability.unmovableReason` does not read (a String for every page of a block made the
    /// what-if verdict of a 1 TiB map's block cost a third of a frame).
    @inline(__always) func isolationFacts(_ p: Int) -> PageFacts {
        var f = PageFacts()
        let kind = pages.kindOf(p)
        f.reserved = pages.has(p, .reserved)
        f.lru = pages.has(p, .lru)
        f.buddy = pages.has(p, .buddy)
        f.buddyOrder = pages.order(p)
        f.refcountZero = pages.pageRefcount(p) == 0
        f.hwPoison = pages.has(p, .hwPoison)
        f.offline = kind == .offline
        return f
    }

    /// `has_unmovable_pages()` for one pageblock: the first page that keeps it from being
    /// isolated, and why. Skips whole free buddy blocks.
    /// With `assumingDrained`, pages waiting in LRU add batches count as on the LRU, as they
    /// will be once `lru_cache_disable()` has run (the what-if verdict's view).
    func hasUnmovablePages(pageblockStart start: Int, assumingDrained batched: Set<Int> = []) -> (pfn: Int, reason: UnmovableReason)? {
        let end = min(start + geometry.pagesPerPageblock, pages.count)
        let movableZone = zoneIndex(of: start).map { zones[$0].type == .movable } ?? false
        var p = start
        while p < end {
            var facts = isolationFacts(p)
            if batched.contains(p) { facts.lru = true }
            if let reason = Movability.unmovableReason(facts, inMovableZone: movableZone) {
                return (p, reason)
            }
            p += facts.buddy ? max(1, facts.buddyOrder.pagesCount) : 1
        }
        return nil
    }

    /// `set_migratetype_isolate()`: marks one pageblock isolated and moves its free pages to
    /// the Isolate lists (`move_freepages_block_isolate()`), unless a page in it cannot move.
    mutating func setMigratetypeIsolate(pageblockStart start: Int) -> (pfn: Int, reason: UnmovableReason)? {
        let pb = pageblockIndex(start)
        if pageblockIsolated[pb] { return (start, .unmovable) }
        if let bad = hasUnmovablePages(pageblockStart: start) { return bad }
        guard let z = zoneIndex(of: start) else { return (start, .reserved) }
        // A pageblock inside a larger free buddy: split the buddy into pageblocks first.
        if let head = freeBlockHead(containing: start), pages.order(head) > geometry.pageblockOrder {
            let order = pages.order(head)
            removeFromFreeList(head, zone: z)
            pageblockIsolated[pb] = true
            pages.changed(start)
            for piece in stride(from: head, to: head + order.pagesCount, by: geometry.pagesPerPageblock) {
                pages.reset(piece, to: .free)
                freeOnePage(piece, order: geometry.pageblockOrder, mt: effectiveMT(piece), zone: z)
            }
        } else {
            pageblockIsolated[pb] = true
            pages.changed(start)
            moveFreePages(pageblockStart: start, to: .isolate, zone: z)
        }
        zones[z].nrIsolatePageblock += 1
        return nil
    }

    /// `unset_migratetype_isolate()`: clears the isolation bit and gives the free pages back to
    /// the block's own migratetype, merging them with free buddies outside it.
    mutating func unsetMigratetypeIsolate(pageblockStart start: Int) {
        let pb = pageblockIndex(start)
        guard pageblockIsolated[pb], let z = zoneIndex(of: start) else { return }
        var frees: [(Int, Int)] = []
        var p = start
        let end = start + geometry.pagesPerPageblock
        while p < end {
            if pages.has(p, .buddy) {
                let order = pages.order(p)
                removeFromFreeList(p, zone: z)
                frees.append((p, order))
                p += order.pagesCount
            } else {
                p += 1
            }
        }
        pageblockIsolated[pb] = false
        pages.changed(start)
        zones[z].nrIsolatePageblock -= 1
        let mt = effectiveMT(start)
        for (q, order) in frees { freeOnePage(q, order: order, mt: mt, zone: z) }
    }

    /// `test_pages_isolated()`: every page of the range is free in an isolated pageblock (or
    /// already offline). Returns the first pfn that is not.
    func testPagesIsolated(_ range: Range<Int>) -> Int? {
        for pb in stride(from: range.lowerBound, to: range.upperBound, by: geometry.pagesPerPageblock)
        where !pageblockIsolated[pageblockIndex(pb)] {
            return pb
        }
        var p = range.lowerBound
        while p < range.upperBound {
            if pages.has(p, .buddy) {
                p += pages.order(p).pagesCount
            } else if pages.kindOf(p) == .offline || pages.has(p, .hwPoison) {
                p += 1
            } else {
                return p
            }
        }
        return nil
    }

    /// `scan_movable_pages()`: the next page from `start` that is on the LRU (or otherwise
    /// movable); nil when there is none (-ENOENT).
    func scanMovablePages(from start: Int, to end: Int) -> Int? {
        var p = start
        while p < end {
            if pages.has(p, .buddy) {
                p += pages.order(p).pagesCount
                continue
            }
            if pages.has(pages.folioHead(p), .lru) { return p }
            p += 1
        }
        return nil
    }

    /// Would this block go offline? The checks of `offline_pages()` before migration, run
    /// without changing anything: holes, zones, and `has_unmovable_pages()` per pageblock as it
    /// would run after the per-cpu and LRU caches are drained. Pins and pages that stay busy
    /// can still make migration fail later; this is the isolation verdict.
    public func offlineVerdict(_ block: BlockID) -> OfflineVerdict {
        guard block.raw >= 0, block.raw < blocks.count else {
            return OfflineVerdict(offlinable: false, errno: "EINVAL", reason: "no such block", blockers: [])
        }
        if blocks[block.raw].state != .online {
            return OfflineVerdict(offlinable: false, errno: "EINVAL", reason: "block is \(blocks[block.raw].state.rawValue)", blockers: [])
        }
        let range = blockRange(block)
        // memory_block_offline() refuses a block without a zone before offline_pages() checks holes.
        if zoneOfRange(range) == nil {
            return OfflineVerdict(offlinable: false, errno: "EINVAL", reason: "multizone range", blockers: [])
        }
        if blocks[block.raw].presentPages < geometry.pagesPerBlock {
            return OfflineVerdict(offlinable: false, errno: "EINVAL", reason: "memory holes", blockers: [])
        }
        var blockers: [Blocker] = []
        var total = 0
        let batched = Set(lruAddBatch.joined().map { Int($0) }.filter { range.contains($0) })
        for pb in stride(from: range.lowerBound, to: range.upperBound, by: geometry.pagesPerPageblock) {
            guard let bad = hasUnmovablePages(pageblockStart: pb, assumingDrained: batched) else { continue }
            total += 1
            if blockers.count < 8 {
                blockers.append(Blocker(pfn: PFN(bad.pfn), reason: bad.reason.rawValue, kind: pages.kindOf(bad.pfn)))
            }
        }
        if blockers.isEmpty { return OfflineVerdict(offlinable: true, errno: nil, reason: nil, blockers: []) }
        return OfflineVerdict(offlinable: false, errno: "EBUSY", reason: "failure to isolate range",
                              blockers: blockers, blockedPageblocks: total)
    }

    /// The one zone all of a range's pageblocks belong to, or nil for a multizone range.
    func zoneOfRange(_ range: Range<Int>) -> Int? {
        let first = pageblockZone[pageblockIndex(range.lowerBound)]
        guard first != 255 else { return nil }
        for pb in stride(from: range.lowerBound, to: range.upperBound, by: geometry.pagesPerPageblock)
        where pageblockZone[pageblockIndex(pb)] != first {
            return nil
        }
        return Int(first)
    }
}

/// A page that keeps a block from going offline.
public struct Blocker: Codable, Equatable, Sendable {
    public var pfn: PFN
    public var reason: String
    public var kind: PageKind
}

/// The what-if answer for one block.
public struct OfflineVerdict: Codable, Equatable, Sendable {
    public var offlinable: Bool
    public var errno: String?
    public var reason: String?
    public var blockers: [Blocker]
    /// Pageblocks that would refuse isolation (blockers lists the first of each, up to 8).
    public var blockedPageblocks = 0
}
