/// One thing the machine did, named by the kernel function that does it.
public struct Event: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The engine's logical time when it happened.
    public var tick: Int
    /// The kernel function (`__rmqueue_smallest`, `set_migratetype_isolate`, ...).
    public var fn: String
    public var block: Int?
    public var pfn: Int?
    public var toPFN: Int?
    public var order: Int?
    /// The detail as recorded: its text is joined when read (`detail`).
    public var recordedDetail: EventDetail?

    /// What happened, in words (nil when the function's name says it all).
    public var detail: String? {
        get { recordedDetail?.description }
        set { recordedDetail = newValue.map { EventDetail($0) } }
    }

    public init(tick: Int, fn: String, block: Int? = nil, pfn: Int? = nil, toPFN: Int? = nil,
                order: Int? = nil, detail: String? = nil) {
        self.init(tick: tick, fn: fn, block: block, pfn: pfn, toPFN: toPFN, order: order,
                  recordedDetail: detail.map { EventDetail($0) })
    }

    public init(tick: Int, fn: String, block: Int? = nil, pfn: Int? = nil, toPFN: Int? = nil,
                order: Int? = nil, recordedDetail: EventDetail?) {
        self.tick = tick
        self.fn = fn
        self.block = block
        self.pfn = pfn
        self.toPFN = toPFN
        self.order = order
        self.recordedDetail = recordedDetail
    }

    enum CodingKeys: String, CodingKey {
        case tick, fn, block, pfn, toPFN = "to_pfn", order, recordedDetail = "detail"
    }

    public var description: String {
        var s = "[\(tick)] \(fn)"
        if let pfn { s += " pfn \(PFN(pfn))" }
        if let toPFN { s += " -> \(PFN(toPFN))" }
        if let order { s += " order \(order)" }
        if let detail { s += ": \(detail)" }
        return s
    }
}

/// Which events the machine records. Allocator events are many; the hot-remove trace wants
/// only its own unless asked.
public struct EventFilter: OptionSet, Codable, Equatable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// alloc_pages, __rmqueue_*, expand, __free_one_page, pcp bulk moves.
    public static let allocator = EventFilter(rawValue: 1)
    /// Workload actors: faults, reads, swap, exit.
    public static let workload = EventFilter(rawValue: 2)
    /// Memory hot-remove and hot-add.
    public static let hotplug = EventFilter(rawValue: 4)
    public static let all: EventFilter = [.allocator, .workload, .hotplug]
}
