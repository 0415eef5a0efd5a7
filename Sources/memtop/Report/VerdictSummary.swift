/// The answer to "which blocks can I hot-remove, and what stops the rest?", counted from the
/// per-block verdicts of an `InspectReport`: for `inspect` (text and JSON), the live title and
/// the verdict colours.
///
/// Reasons are not a fixed list: a busy block is labelled by what its first blocker is (the
/// page's kind when known, else the kernel's reason), so that new verdict reasons show up
/// without this code knowing them.
struct VerdictSummary: Equatable, Sendable {
    enum Verdict: Hashable, Sendable {
        case wouldOffline
        /// Would offline as far as the pages read say, but some were never initialised
        /// (deferred struct page init): the kernel has not looked at them yet, nor has memtop.
        case notVerified
        case busy(String)
        /// Online, but no verdict (page flags unreadable).
        case unknown
        case notOnline
    }

    struct ReasonCount: Equatable, Sendable {
        var reason: String
        var blocks: Int
    }

    var onlineBlocks = 0
    var wouldOffline = 0
    var notVerified = 0
    var busy = 0
    /// Busy blocks by reason, most blocks first (ties by name).
    var busyByReason: [ReasonCount] = []
    var unknown = 0
    var notOnline = 0
    /// Some zone named Movable has present pages.
    var hasMovableZone = false

    init(_ report: InspectReport) {
        self.init(blocks: report.blocks, hasMovableZone: report.zones.contains { $0.name == "Movable" && $0.present > 0 })
    }

    init(blocks: [InspectReport.Block], hasMovableZone: Bool) {
        self.init(verdicts: blocks.map(Self.verdict(of:)), hasMovableZone: hasMovableZone)
    }

    /// Counted from the blocks' verdict classes.
    init(verdicts: [Verdict], hasMovableZone: Bool) {
        var reasons: [String: Int] = [:]
        for verdict in verdicts {
            switch verdict {
            case .wouldOffline: wouldOffline += 1
            case .notVerified: notVerified += 1
            case .busy(let reason):
                busy += 1
                reasons[reason, default: 0] += 1
            case .unknown: unknown += 1
            case .notOnline: notOnline += 1
            }
        }
        onlineBlocks = verdicts.count - notOnline
        busyByReason = reasons.map { ReasonCount(reason: $0.key, blocks: $0.value) }
            .sorted { ($0.blocks, $1.reason) > ($1.blocks, $0.reason) }
        self.hasMovableZone = hasMovableZone
    }

    /// One block's verdict class.
    static func verdict(of block: InspectReport.Block) -> Verdict {
        guard block.state == "online" else { return .notOnline }
        switch block.offlinable {
        case true?: return (block.pages?.uninit ?? 0) > 0 ? .notVerified : .wouldOffline
        case false?: return .busy(block.blockers.first.map(reason(of:)) ?? "unknown reason")
        case nil: return .unknown
        }
    }

    /// What a blocker is, for grouping: the page's kind when known ("slab", "no flags"), else
    /// the kernel's reason ("memory holes"), with counts written as N so that "migrate 312
    /// pages" and "migrate 40 pages" are one reason.
    static func reason(of blocker: InspectReport.Blocker) -> String {
        let text = blocker.kind ?? blocker.reason
        var out = "", inNumber = false
        for character in text {
            if character.isNumber {
                if !inNumber { out.append("N") }
                inNumber = true
            } else {
                inNumber = false
                out.append(character)
            }
        }
        return out
    }

    /// The advice when no ZONE_MOVABLE exists: the kernel zone holds unmovable allocations.
    static let noMovableAdvice = "no ZONE_MOVABLE (boot with movablecore= or online blocks as online_movable)"

    /// The full sentence: "70 of 192 online blocks would offline; 120 busy: 96 no flags, 1 slab;
    /// no ZONE_MOVABLE (...)".
    var text: String {
        var parts = ["\(wouldOffline) of \(onlineBlocks) online blocks would offline"]
        if notVerified > 0 {
            parts[0] += " (\(notVerified) more would, not yet verified: pages never initialised)"
        }
        if busy > 0 {
            parts.append("\(busy) busy: " + busyByReason.map { "\($0.blocks) \($0.reason)" }.joined(separator: ", "))
        }
        if unknown > 0 { parts.append("\(unknown) unknown (page flags unread)") }
        if !hasMovableZone { parts.append(Self.noMovableAdvice) }
        return parts.joined(separator: "; ")
    }

    /// A few words for the title bar: "70/192 would offline, 120 busy".
    var short: String {
        var text = "\(wouldOffline)/\(onlineBlocks) would offline"
        if notVerified > 0 { text += ", \(notVerified) unverified" }
        if busy > 0 { text += ", \(busy) busy" }
        if unknown > 0 { text += ", \(unknown) unknown" }
        return text
    }
}

extension VerdictSummary: Encodable {
    enum CodingKeys: String, CodingKey {
        case text, busy, unknown
        case onlineBlocks = "online_blocks"
        case wouldOffline = "would_offline"
        case notVerified = "not_verified"
        case busyByReason = "busy_by_reason"
        case notOnline = "not_online"
        case hasMovableZone = "has_movable_zone"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode(onlineBlocks, forKey: .onlineBlocks)
        try c.encode(wouldOffline, forKey: .wouldOffline)
        try c.encode(notVerified, forKey: .notVerified)
        try c.encode(busy, forKey: .busy)
        try c.encode(busyByReason, forKey: .busyByReason)
        try c.encode(unknown, forKey: .unknown)
        try c.encode(notOnline, forKey: .notOnline)
        try c.encode(hasMovableZone, forKey: .hasMovableZone)
    }
}

extension VerdictSummary.ReasonCount: Encodable {}
