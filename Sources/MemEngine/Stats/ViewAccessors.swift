/// Read-only summaries for views (the terminal UI's map): computed here, in the optimised
/// engine, because a map frame asks about every page of the machine.

/// Counts of page facts over a pfn range: what a map cell covering many pages needs to pick
/// its colour in any colour mode.
///
/// `kinds` counts every page; the other counts cover only the pages that are present (neither
/// a hole nor offline), so that each of them adds up to `present`.
public struct PageCensus: Equatable, Sendable {
    /// Pages counted (with a sampling stride, every stride-th page).
    public var pages = 0
    /// Pages by `PageKind.rawValue`.
    public var kinds = [Int](repeating: 0, count: PageKind.allCases.count)
    /// Anon pages with PG_swapcache.
    public var swapcacheAnon = 0
    /// Present pages by `ZoneType.rawValue`; `noZone` those linked to no zone.
    public var zones = [Int](repeating: 0, count: ZoneType.allCases.count)
    public var noZone = 0
    /// Present pages by their pageblock's effective migratetype (`MigrateType.rawValue`,
    /// Isolate while isolated).
    public var migratetypes = [Int](repeating: 0, count: MigrateType.count)
    /// Present pages on each LRU list (`LRUList.rawValue`).
    public var lru = [Int](repeating: 0, count: LRUList.allCases.count)
    /// Present pages with PG_isolated: taken off the LRU to be migrated.
    public var offLRUForMigration = 0
    /// Present pages in an isolated pageblock that are free (buddy or per-cpu) and not PG_isolated.
    public var isolatedFree = 0
    /// Present pages in an isolated pageblock that are in use and not PG_isolated.
    public var isolatedInUse = 0

    public init() {}

    public func count(_ kind: PageKind) -> Int { kinds[Int(kind.rawValue)] }
    /// Pages that are neither holes nor offline.
    public var present: Int { pages - count(.hole) - count(.offline) }
}

extension Machine {
    /// Counts the facts of the pages in `range` (every `stride`-th page), for a map cell.
    public func census(_ range: Range<PFN>, stride step: Int = 1) -> PageCensus {
        var c = PageCensus()
        let lower = max(0, range.lowerBound.raw), upper = min(pages.count, range.upperBound.raw)
        guard lower < upper else { return c }
        for p in stride(from: lower, to: upper, by: max(1, step)) {
            c.pages += 1
            let kind = pages.kindOf(p)
            c.kinds[Int(kind.rawValue)] += 1
            if kind == .hole || kind == .offline { continue }
            if kind == .anon && pages.has(p, .swapcache) { c.swapcacheAnon += 1 }
            if let z = zoneIndex(of: p) { c.zones[zones[z].type.rawValue] += 1 } else { c.noZone += 1 }
            c.migratetypes[effectiveMT(p).rawValue] += 1
            let head = pages.folioHead(p)
            if pages.has(head, .lru) { c.lru[lruList(of: head).rawValue] += 1 }
            if pages.has(head, .isolated) {
                c.offLRUForMigration += 1
            } else if isIsolated(p) {
                if kind == .free || kind == .pcp { c.isolatedFree += 1 } else { c.isolatedInUse += 1 }
            }
        }
        return c
    }
}

extension Machine {
    /// How often the pages and pageblocks of `block` have changed (kind, flags, folio, free
    /// list, migratetype, isolation, zone), modulo 2^32: while it stays the same, everything a
    /// view reads of the block is the same, so a map can keep what it computed (issue 12).
    public func changeCount(_ block: BlockID) -> UInt32 { pages.changeCount(blockRange(block)) }
}
