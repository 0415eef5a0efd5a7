import MemEngine

/// What the verdict colour mode draws: every block in the colour of its what-if offline
/// verdict (busy blocks by reason, the most common reasons first), and when zoomed in, the
/// pfns that block it. Built from the same per-block verdicts as `inspect` and its summary.
struct VerdictColouring: Sendable {
    // State indices into `ColourMode.verdict.states`.
    static let wouldOffline = 0
    static let notVerified = 1
    static let busySlots = 2..<8
    static let busyOther = 8
    static let blocking = 9
    static let notOnline = 10
    static let unknown = 11

    /// A state per block, in map order.
    var blockStates: [Int]
    /// Legend names of the busy slots in use: "busy: slab (12)".
    var names: [Int: String]
    /// States that occur, so that the legend lists only those.
    var present: Set<Int>
    var summary: VerdictSummary
    /// Blocking pfns of the zoomed block.
    var blockingPFNs: Set<PFN> = []
    /// Blocks not yet judged (or judged before they last changed), left for the next frames.
    var pending = 0

    /// The legend's line while verdicts are pending, in place of the rule under the swatches.
    var pendingNote: String? {
        pending == 0 ? nil : "judging: \(pending) more block\(pending == 1 ? "" : "s") to go, a slice a frame (? until judged)"
    }

    /// `reports[i]` is the verdict of `blocks[i]`, nil when not read yet.
    init(blocks: [BlockView], reports: [InspectReport.Block?], hasMovableZone: Bool) {
        self.init(blocks: blocks, verdicts: reports.map { $0.map(VerdictSummary.verdict(of:)) }, hasMovableZone: hasMovableZone)
    }

    /// `verdicts[i]` is the verdict class of `blocks[i]`, nil when not read yet.
    init(blocks: [BlockView], verdicts: [VerdictSummary.Verdict?], hasMovableZone: Bool) {
        summary = VerdictSummary(verdicts: verdicts.compactMap { $0 }, hasMovableZone: hasMovableZone)
        var slot: [String: Int] = [:]
        names = [:]
        for (i, reason) in summary.busyByReason.enumerated() {
            let index = i < Self.busySlots.count ? Self.busySlots.lowerBound + i : Self.busyOther
            slot[reason.reason] = index
            names[index] = index == Self.busyOther ? "busy: other reasons" : "busy: \(reason.reason) (\(reason.blocks))"
        }
        blockStates = blocks.indices.map { i in
            let offlineState = ColourMode.verdict.states.count - 2
            if blocks[i].state == .offline { return offlineState }
            guard let verdict = verdicts[safe: i] ?? nil else { return Self.unknown }
            switch verdict {
            case .wouldOffline: return Self.wouldOffline
            case .notVerified: return Self.notVerified
            case .busy(let reason): return slot[reason] ?? Self.busyOther
            case .unknown: return Self.unknown
            case .notOnline: return Self.notOnline
            }
        }
        present = Set(blockStates)
    }

    /// The overview's tiles: a block is one verdict, every half cell of it.
    /// The tile of `blocks[index]`.
    func tile(_ blocks: [BlockView], index: Int, segmentsPerBlock: Int) -> BlockTile {
        BlockTile(block: blocks[index], segments: Array(repeating: blockStates[index], count: segmentsPerBlock))
    }

    /// The state of a page of block `index` when zoomed in: its block's, or blocking.
    func state(of pfn: PFN, page: PageView, block index: Int) -> Int {
        let states = ColourMode.verdict.states
        if page.kind == .hole { return states.count - 1 }
        if page.kind == .offline { return states.count - 2 }
        if blockingPFNs.contains(pfn) { return Self.blocking }
        return blockStates[safe: index] ?? Self.unknown
    }

    /// The legend's states: those on the map (zoomed, the blocking pfns too), "would offline" always.
    var legendStates: Set<Int> {
        var shown = present
        shown.insert(Self.wouldOffline)
        if !blockingPFNs.isEmpty { shown.insert(Self.blocking) }
        return shown
    }
}
