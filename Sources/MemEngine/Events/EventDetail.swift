/// An event's detail, kept as the pieces it was written with and joined into text only when
/// someone reads it (`Event.detail`, the trace, the log panel).
///
/// An order-0 offline of a 128 MiB block records about 200,000 events, and most are dropped
/// unread when the log is trimmed; formatting every number into a string as it happened was
/// a sixth of the offline's CPU. Written as a string literal with interpolations
/// (`"pid \(pid): \(nr) ptes"`), so the emitting code reads as before.
public struct EventDetail: Codable, Equatable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Piece: Sendable {
        /// A literal part (a string literal costs neither an allocation nor a reference count)
        /// or a string interpolated.
        case text(String)
        case int(Int)
        /// A pfn, written as `PFN` prints it (0x...).
        case pfn(Int)
    }

    private(set) var pieces: [Piece]

    public init(_ text: String) { pieces = [.text(text)] }
    public init(stringLiteral value: String) { pieces = [.text(value)] }
    public init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }

    /// The pieces of an interpolated literal, as they come.
    public struct Interpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []
        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(2 * interpolationCount + 1)
        }
        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
        }
        public mutating func appendInterpolation(_ value: Int) { pieces.append(.int(value)) }
        public mutating func appendInterpolation(_ value: PFN) { pieces.append(.pfn(value.raw)) }
        public mutating func appendInterpolation(_ value: String) { pieces.append(.text(value)) }
        /// Other values are written at once, as a string interpolation would.
        public mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) {
            pieces.append(.text(value.description))
        }
        /// Anything else is written at once, as `String(describing:)` would.
        public mutating func appendInterpolation<T>(_ value: T) { pieces.append(.text(String(describing: value))) }
    }

    /// Saved and compared as its text: two details that read the same are the same.
    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
    public static func == (a: EventDetail, b: EventDetail) -> Bool { a.description == b.description }

    /// The text.
    public var description: String {
        var s = ""
        append(to: &s)
        return s
    }

    /// Appends the text to `out` (the trace writes it straight into its buffer).
    public func append(to out: inout String) {
        for piece in pieces {
            switch piece {
            case .text(let t): out += t
            case .int(let n): out += String(n)
            case .pfn(let p):
                out += "0x"
                out += String(p, radix: 16)
            }
        }
    }

    /// Heap bytes the pieces take (the event log's share of `footprintBytes`).
    var heapBytes: Int {
        pieces.reduce(pieces.capacity * MemoryLayout<Piece>.stride) { n, piece in
            if case .text(let t) = piece, t.utf8.count > 15 { return n + t.utf8.count }
            return n
        }
    }
}
