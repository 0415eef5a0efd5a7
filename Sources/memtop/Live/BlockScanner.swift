import MemEngine

/// One page as read: for the map's page view and for tests.
struct LivePage: Equatable, Sendable {
    var pfn: UInt64
    var flags: KPageFlags
    /// /proc/kpagecount: how many page tables map the page (not its refcount).
    var mapcount: UInt64
    var kind: LivePageKind
}

/// Finer facts of a block, beside the kind partition (pages may count in several).
struct PageFlagCounts: Equatable, Sendable {
    var swapcache: UInt64 = 0
    var mlocked: UInt64 = 0
    var unevictable: UInt64 = 0
    var compound: UInt64 = 0
    var thp: UInt64 = 0
    var hugetlb: UInt64 = 0
    var hwpoison: UInt64 = 0
    var zeroPage: UInt64 = 0
    var dirty: UInt64 = 0
    var writeback: UInt64 = 0
    var ksm: UInt64 = 0
    var mapped: UInt64 = 0
    /// Pages reading flags 0 that are not a blank pageblock (counted as "other").
    var noFlags: UInt64 = 0

    /// Counts `pages` pages that all read `flags`.
    mutating func add(_ flags: KPageFlags, pages: UInt64) {
        if flags.contains(.swapcache) { swapcache += pages }
        if flags.contains(.mlocked) { mlocked += pages }
        if flags.contains(.unevictable) { unevictable += pages }
        if !flags.isDisjoint(with: [.compoundHead, .compoundTail]) { compound += pages }
        if flags.contains(.thp) { thp += pages }
        if flags.contains(.huge) { hugetlb += pages }
        if flags.contains(.hwpoison) { hwpoison += pages }
        if flags.contains(.zeroPage) { zeroPage += pages }
        if flags.contains(.dirty) { dirty += pages }
        if flags.contains(.writeback) { writeback += pages }
        if flags.contains(.ksm) { ksm += pages }
    }
}

/// The pages of one pfn range, aggregated while streaming.
struct BlockScan: Equatable, Sendable {
    var pfns: Range<UInt64>
    var kinds = InspectReport.PageCounts()
    var facts = PageFlagCounts()
    /// Pages that were actually read (fewer than the range when the data ends early).
    var pagesRead: UInt64 = 0
    /// First blocking pages as `has_unmovable_pages()` would judge them.
    var blockers: [InspectReport.Blocker] = []
    var blockerCount: UInt64 = 0
    /// Of `blockerCount`, the pages without flags (kind `kernel`): per-cpu free pages look so too.
    var flaglessBlockers: UInt64 = 0
    /// Every page, when asked for (one block at most).
    var pages: [LivePage]?

    var isComplete: Bool { pagesRead == UInt64(pfns.count) }
}

/// Streams /proc/kpageflags and /proc/kpagecount over pfn ranges in increasing order, a batch
/// at a time, classifying pages and judging them with MemEngine's `Movability`.
struct BlockScanner: ~Copyable {
    /// Entries per read: 64K pfns = 512 KiB per file, a multiple of any pageblock size.
    static let batch: UInt64 = 65536

    private var flags: PageArrayReader
    private var counts: PageArrayReader?
    private var classifier: PageClassifier
    private var verdicts: [CacheKey: Judgement?] = [:]
    /// Distinct (flags, kind) pairs remembered at most: a real machine has a few hundred, a
    /// corrupt kpageflags may have one per page.
    static let verdictCacheLimit = 4096
    /// Entries in the verdict cache now (for the bound's test).
    var cachedVerdicts: Int { verdicts.count }
    /// Why kpagecount is not used, if it is not.
    let countsProblem: String?

    init(source: LiveSource, buddyTails: BuddyTailRule, pageblockPages: UInt64 = 512) throws {
        flags = try PageArrayReader("proc/kpageflags", in: source)
        do {
            counts = try PageArrayReader("proc/kpagecount", in: source)
            countsProblem = nil
        } catch {
            counts = nil
            countsProblem = "\(error)"
        }
        classifier = PageClassifier(buddyTails: buddyTails)
        classifier.pageblockPages = pageblockPages
    }

    /// Reads and classifies `pfns`. `inMovableZone` selects the ZONE_MOVABLE rule of
    /// `has_unmovable_pages()`.
    mutating func scan(_ pfns: Range<UInt64>, inMovableZone: Bool, keepPages: Bool = false) throws -> BlockScan {
        var scan = BlockScan(pfns: pfns)
        if keepPages { scan.pages = [] }
        var start = pfns.lowerBound
        while start < pfns.upperBound {
            let end = min(pfns.upperBound, start + Self.batch - start % Self.batch)
            let flagBatch = try flags.read(start..<end)
            // The data ends before this batch: its pages were not captured.
            if flagBatch.isEmpty { break }
            var countBatch: [UInt64]?
            if counts != nil {
                // A short or failing kpagecount only loses mapcounts, not the flags.
                countBatch = try? counts?.read(start..<end)
                if let got = countBatch, got.count < flagBatch.count { countBatch = nil }
            }
            let kinds = classifier.classify(start: start, flags: flagBatch, counts: countBatch)
            // Pages with the same flags and kind are judged alike: count runs of them, judge
            // each distinct (flags, kind) once, and note the pfns of the first blockers only.
            var histogram: [PageKey: UInt64] = [:]
            var runStart = 0
            for i in 0...kinds.count {
                if i < kinds.count {
                    if let mapcount = countBatch?[i], mapcount > 0 { scan.facts.mapped += 1 }
                    if keepPages {
                        scan.pages?.append(LivePage(pfn: start + UInt64(i), flags: KPageFlags(rawValue: flagBatch[i]),
                                                    mapcount: countBatch?[i] ?? 0, kind: kinds[i]))
                    }
                    if i == runStart || (flagBatch[i] == flagBatch[runStart] && kinds[i] == kinds[runStart]) {
                        continue
                    }
                }
                let key = PageKey(flags: flagBatch[runStart], kind: kinds[runStart])
                histogram[key, default: 0] += UInt64(i - runStart)
                if scan.blockers.count < InspectReport.Block.maxBlockers,
                   let judgement = verdict(key, inMovableZone: inMovableZone) {
                    let shown = min(i - runStart, InspectReport.Block.maxBlockers - scan.blockers.count)
                    for offset in 0..<shown {
                        scan.blockers.append(.init(pfn: start + UInt64(runStart + offset),
                                                   reason: judgement.reason.rawValue, kind: judgement.kindName))
                    }
                }
                runStart = i
            }
            for (key, pages) in histogram {
                scan.kinds[key.kind] += pages
                scan.facts.add(KPageFlags(rawValue: key.flags), pages: pages)
                if key.flags == 0 && key.kind == .kernel { scan.facts.noFlags += pages }
                if verdict(key, inMovableZone: inMovableZone) != nil {
                    scan.blockerCount += pages
                    if key.kind == .kernel { scan.flaglessBlockers += pages }
                }
            }
            scan.pagesRead += UInt64(flagBatch.count)
            if flagBatch.count < Int(end - start) { break }
            start = end
        }
        return scan
    }

    private struct PageKey: Hashable {
        var flags: UInt64
        var kind: LivePageKind
    }

    private struct Judgement {
        var reason: UnmovableReason
        var kindName: String
    }

    /// `Movability.unmovableReason` of a (flags, kind) pair, remembered per zone type.
    private mutating func verdict(_ key: PageKey, inMovableZone: Bool) -> Judgement? {
        let cacheKey = CacheKey(page: key, movable: inMovableZone)
        if let known = verdicts[cacheKey] { return known }
        if verdicts.count >= Self.verdictCacheLimit { verdicts.removeAll(keepingCapacity: true) }
        let facts = PageClassifier.facts(flags: key.flags, kind: key.kind)
        let judgement = Movability.unmovableReason(facts, inMovableZone: inMovableZone)
            .map { Judgement(reason: $0, kindName: facts.kindName) }
        verdicts[cacheKey] = .some(judgement)
        return judgement
    }

    private struct CacheKey: Hashable {
        var page: PageKey
        var movable: Bool
    }

    /// Where kpageflags ends, once a read has reached its end.
    var flagsEnd: UInt64? { flags.endPFN }
    var flagsPath: String { flags.path }
}
