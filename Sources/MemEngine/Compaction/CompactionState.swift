/// COMPACT_CLUSTER_MAX (SWAP_CLUSTER_MAX): pages the migrate scanner isolates before it
/// migrates them, and the largest stride of the asynchronous free scanner.
let compactClusterMax = 32
/// PAGE_ALLOC_COSTLY_ORDER: above it an allocation is "costly" (THP is).
let pageAllocCostlyOrder = 3
/// COMPACT_MAX_DEFER_SHIFT: compaction is skipped at most 2^6 times after failures.
let compactMaxDeferShift = 6

/// How hard direct compaction tries (`enum compact_priority`): the slow path starts with
/// COMPACT_PRIO_ASYNC and, for a costly order, escalates to MIN_COMPACT_COSTLY_PRIORITY
/// (COMPACT_PRIO_SYNC_LIGHT); full sync compaction is for non-costly orders only.
public enum CompactPriority: String, Codable, Sendable {
    case async = "MIGRATE_ASYNC"
    case syncLight = "MIGRATE_SYNC_LIGHT"
}

/// What `compact_zone()` and `try_to_compact_pages()` return (`enum compact_result`), in the
/// kernel's order (a larger one wins when zones are combined).
public enum CompactResult: Int, Codable, Sendable, Comparable, CustomStringConvertible {
    /// Compaction did not run: not enough order-0 free pages to work with.
    case skipped
    /// Deferred after recent failures (`compaction_deferred()`).
    case deferred
    /// The zone is out of memory rather than fragmented (fragmentation index ≤ 500).
    case notSuitableZone
    /// The scanners met after a scan that began mid-zone.
    case partialSkipped
    /// The scanners met after scanning the whole zone: nothing more to be done.
    case complete
    /// Ran out of free pages for migration targets (-ENOMEM from migrate_pages()).
    case contended
    /// A free page of the requested order is there.
    case success

    public static func < (a: CompactResult, b: CompactResult) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .skipped: "COMPACT_SKIPPED"
        case .deferred: "COMPACT_DEFERRED"
        case .notSuitableZone: "COMPACT_NOT_SUITABLE_ZONE"
        case .partialSkipped: "COMPACT_PARTIAL_SKIPPED"
        case .complete: "COMPACT_COMPLETE"
        case .contended: "COMPACT_CONTENDED"
        case .success: "COMPACT_SUCCESS"
        }
    }
}

/// A zone's compaction bookkeeping (the `compact_*` fields of `struct zone`).
struct ZoneCompaction: Codable, Equatable, Sendable {
    /// Where the migrate scanner restarts, for MIGRATE_ASYNC [0] and the sync modes [1]
    /// (`compact_cached_migrate_pfn[]`); nil: the zone's start.
    var cachedMigratePFN: [Int?] = [nil, nil]
    /// Where the free scanner restarts (`compact_cached_free_pfn`); nil: the zone's end.
    var cachedFreePFN: Int?
    /// The scanners met in a direct compaction: the skip hints are cleared before the next
    /// one (`compact_blockskip_flush`, which kswapd acts on when it goes to sleep).
    var blockskipFlush = false
    /// The highest pageblock with a free page when the skip hints were last cleared
    /// (`compact_init_free_pfn`; 0 until then): a free scanner above it is at its start.
    var initFreePFN = 0
    /// `compact_considered`, `compact_defer_shift`, `compact_order_failed`.
    var considered = 0
    var deferShift = 0
    var orderFailed = 0
}

/// The compaction state of the machine: per zone, and the per-pageblock skip hint
/// (PB_migrate_skip).
struct CompactionStore: Codable, Equatable, Sendable {
    var zones: [ZoneCompaction] = []
    var skip: [Bool] = []
}

extension Machine {
    /// Sizes the compaction state to the machine (zones and pageblocks are fixed after boot).
    mutating func prepareCompactionState() {
        if compaction.zones.count != zones.count {
            compaction.zones = Array(repeating: ZoneCompaction(), count: zones.count)
        }
        let pageblocks = pageblockMT.count
        if compaction.skip.count != pageblocks { compaction.skip = Array(repeating: false, count: pageblocks) }
    }

    /// `compaction_deferred()`: whether compaction of this zone is skipped this time.
    mutating func compactionDeferred(zone z: Int, order: Int) -> Bool {
        let limit = 1 << compaction.zones[z].deferShift
        if order < compaction.zones[z].orderFailed { return false }
        compaction.zones[z].considered += 1
        if compaction.zones[z].considered >= limit {
            compaction.zones[z].considered = limit
            return false
        }
        return true
    }

    /// `defer_compaction()`: after a failed sync compaction, skip the next 2^shift tries.
    mutating func deferCompaction(zone z: Int, order: Int) {
        compaction.zones[z].considered = 0
        compaction.zones[z].deferShift = min(compaction.zones[z].deferShift + 1, compactMaxDeferShift)
        if order < compaction.zones[z].orderFailed { compaction.zones[z].orderFailed = order }
    }

    /// `compaction_defer_reset()`.
    mutating func compactionDeferReset(zone z: Int, order: Int, allocSuccess: Bool) {
        if allocSuccess {
            compaction.zones[z].considered = 0
            compaction.zones[z].deferShift = 0
        }
        if order >= compaction.zones[z].orderFailed { compaction.zones[z].orderFailed = order + 1 }
    }

    /// Clears a zone's skip hints (`__reset_isolation_suitable()`).
    mutating func resetIsolationSuitable(zone z: Int) {
        compaction.zones[z].blockskipFlush = false
        let pb = geometry.pagesPerPageblock
        var topFree: Int?
        for p in stride(from: zones[z].startPFN.raw, to: zones[z].endPFN.raw, by: pb) {
            compaction.skip[pageblockIndex(p)] = false
            // __reset_isolation_pfn() samples every 2^PAGE_ALLOC_COSTLY_ORDER pages for a buddy.
            if stride(from: p, to: min(p + pb, zones[z].endPFN.raw), by: 1 << pageAllocCostlyOrder).contains(where: { pages.has($0, .buddy) }) {
                topFree = p
            }
        }
        compaction.zones[z].initFreePFN = topFree ?? 0
    }
}
