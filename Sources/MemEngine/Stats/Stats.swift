/// Everything the inspector shows about one page.
public struct PageInfo: Equatable, Sendable {
    public var pfn: PFN
    public var node: NodeID?
    public var zone: String?
    public var pageblockMT: MigrateType
    public var pageblockIsolated: Bool
    public var kind: PageKind
    public var flags: PageFlags
    public var refcount: Int
    public var mapcount: Int
    /// For the head of a free buddy block.
    public var buddyOrder: Int?
    public var owner: String?
    public var lru: LRUList?
    /// The order of the folio the page belongs to (0 for a single page) and its head.
    public var folioOrder = 0
    public var folioHead: PFN?
}

/// Page counts of one memory block, for the map and `inspect`.
public struct BlockSummary: Equatable, Sendable {
    public var kinds = [Int](repeating: 0, count: PageKind.allCases.count)
    public var lru = [Int](repeating: 0, count: LRUList.allCases.count)
    /// Pageblocks per migratetype (as `get_pageblock_migratetype()` reports, Isolate included).
    public var pageblocks = [Int](repeating: 0, count: MigrateType.count)
    public var zone: ZoneType?
    public var multizone = false

    public func count(_ k: PageKind) -> Int { kinds[Int(k.rawValue)] }
    public func count(_ l: LRUList) -> Int { lru[l.rawValue] }
    public func pageblockCount(_ mt: MigrateType) -> Int { pageblocks[mt.rawValue] }
}

extension Machine {
    // MARK: pages

    public func kind(_ pfn: PFN) -> PageKind { pages.kindOf(pfn.raw) }
    public func flags(_ pfn: PFN) -> PageFlags { pages.flagsOf(pfn.raw) }
    /// `get_pageblock_migratetype()` of the pageblock holding `pfn` (Isolate while isolated).
    public func migratetype(_ pfn: PFN) -> MigrateType { effectiveMT(pfn.raw) }
    /// The migratetype a pageblock keeps under its isolation bit.
    public func savedMigratetype(_ pfn: PFN) -> MigrateType {
        MigrateType(rawValue: Int(pageblockMT[pageblockIndex(pfn.raw)])) ?? .movable
    }
    public func isPageblockIsolated(_ pfn: PFN) -> Bool { isIsolated(pfn.raw) }
    public func zoneType(_ pfn: PFN) -> ZoneType? { zoneIndex(of: pfn.raw).map { zones[$0].type } }
    public func zoneIndex(_ pfn: PFN) -> Int? { zoneIndex(of: pfn.raw) }

    public func pageInfo(_ pfn: PFN) -> PageInfo {
        let p = pfn.raw
        let z = zoneIndex(of: p)
        let kind = pages.kindOf(p)
        var owner: String?
        switch kind {
        case .anon:
            let pid = Int(pages.owner[p])
            let exited = pid < processes.count && !processes[pid].alive
            let exiting = pid < processes.count && processes[pid].exitCursor != nil
            owner = "pid \(pid) anon page \(pages.index[p])" + (exited ? " (exited)" : exiting ? " (exiting)" : "")
        case .file: owner = "file \(pages.owner[p]) offset \(pages.index[p])"
        case .slab: owner = "kmem_cache (slab slot \(pages.index[p]))"
        case .pageTable: owner = "pid \(pages.owner[p]) page table \(pages.index[p])"
        case .reserved: owner = "memblock (bootmem)"
        default: owner = nil
        }
        var info = PageInfo(pfn: pfn, node: z.map { zones[$0].node }, zone: z.map { zones[$0].name },
                        pageblockMT: savedMigratetype(pfn), pageblockIsolated: isIsolated(p), kind: kind,
                        flags: pages.flagsOf(p), refcount: pages.pageRefcount(p), mapcount: pages.pageMapcount(p),
                        buddyOrder: pages.has(p, .buddy) ? pages.order(p) : nil, owner: owner,
                        lru: pages.has(pages.folioHead(p), .lru) ? lruList(of: pages.folioHead(p)) : nil)
        info.folioOrder = pages.folioOrder(p)
        if info.folioOrder > 0 { info.folioHead = PFN(pages.folioHead(p)) }
        return info
    }

    // MARK: blocks

    public func blockSummary(_ id: BlockID) -> BlockSummary {
        var s = BlockSummary()
        let range = blockRange(id)
        for p in range {
            s.kinds[Int(pages.kindOf(p).rawValue)] += 1
            // A large folio's tails count on their head's list, as the LRU sizes count pages.
            let head = pages.folioHead(p)
            if pages.has(head, .lru) { s.lru[lruList(of: head).rawValue] += 1 }
        }
        for pb in stride(from: range.lowerBound, to: range.upperBound, by: geometry.pagesPerPageblock) {
            s.pageblocks[effectiveMT(pb).rawValue] += 1
        }
        if let z = zoneOfRange(range) { s.zone = zones[z].type } else {
            s.multizone = true
            s.zone = zoneIndex(of: range.lowerBound).map { zones[$0].type }
        }
        return s
    }

    public func pfnRange(of id: BlockID) -> Range<PFN> {
        let r = blockRange(id)
        return PFN(r.lowerBound)..<PFN(r.upperBound)
    }

    // MARK: zones

    /// Pageblocks per migratetype in a zone (pagetypeinfo's "Number of blocks type").
    public func pageblockCounts(zone z: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: MigrateType.count)
        // The zone's pageblocks lie in its span (an offlined edge shrinks the span, and offline
        // blocks do not count): the zone panel asks on every frame, and a 1 TiB machine has
        // half a million pageblocks.
        let first = pageblockIndex(zones[z].startPFN.raw)
        let last = min(pageblockZone.count, pageblockIndex(zones[z].endPFN.raw + geometry.pagesPerPageblock - 1))
        for pb in first..<max(first, last) where pageblockZone[pb] == UInt8(z) {
            let b = (pb << geometry.pageblockOrder) / geometry.pagesPerBlock
            guard blocks[b].state != .offline else { continue }
            let mt = pageblockIsolated[pb] ? MigrateType.isolate : (MigrateType(rawValue: Int(pageblockMT[pb])) ?? .movable)
            counts[mt.rawValue] += 1
        }
        return counts
    }

    /// Pages waiting in each cpu's LRU add batch.
    public var lruBatchCounts: [Int] { lruAddBatch.map(\.count) }

    public var processCount: Int { alivePIDs.count }
    public var swapUsed: Int { swapSlots.count - freeSwapSlots.count }

    /// Sum of all zones' free pages as buddyinfo counts them (Isolate lists included).
    public func buddyFreePages(zone z: Int) -> Int {
        (0...zones[z].maxOrder).reduce(0) { $0 + zones[z].nrFree(order: $1) << $1 }
    }
}
