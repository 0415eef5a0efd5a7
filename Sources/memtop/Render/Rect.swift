/// A rectangle of cells: origin (`x`, `y`) at the top left, `width` columns, `height` rows.
struct Rect: Hashable, Sendable, CustomStringConvertible {
    var x: Int
    var y: Int
    var width: Int
    var height: Int

    init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The whole screen of `size`.
    init(_ size: Size) { self.init(x: 0, y: 0, width: size.cols, height: size.rows) }

    var description: String { "(\(x),\(y) \(width)x\(height))" }
    var isEmpty: Bool { width == 0 || height == 0 }
    /// One past the last column (half-open, as pfn ranges are).
    var right: Int { x + width }
    /// One past the last row.
    var bottom: Int { y + height }
    var size: Size { Size(cols: width, rows: height) }

    func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < right && py >= y && py < bottom
    }

    /// The part of `self` that is also in `other` (empty at `self`'s origin when they miss).
    func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        let r = min(right, other.right), b = min(bottom, other.bottom)
        guard r > left, b > top else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: left, y: top, width: r - left, height: b - top)
    }

    /// `self` shrunk by `horizontal` columns on each side and `vertical` rows top and bottom.
    func inset(horizontal: Int = 1, vertical: Int = 1) -> Rect {
        Rect(x: x + horizontal, y: y + vertical,
             width: width - 2 * horizontal, height: height - 2 * vertical)
    }

    /// A rectangle of at most `size`, centred in `self`.
    func centered(_ size: Size) -> Rect {
        let w = min(size.cols, width), h = min(size.rows, height)
        return Rect(x: x + (width - w) / 2, y: y + (height - h) / 2, width: w, height: h)
    }

    /// Splits `self` top to bottom into bands sized by `constraints`.
    func splitRows(_ constraints: [Constraint]) -> [Rect] {
        Constraint.lengths(constraints, total: height).reduce(into: [Rect]()) { rects, h in
            let top = rects.last?.bottom ?? y
            rects.append(Rect(x: x, y: top, width: width, height: h))
        }
    }

    /// Splits `self` left to right into columns sized by `constraints`.
    func splitColumns(_ constraints: [Constraint]) -> [Rect] {
        Constraint.lengths(constraints, total: width).reduce(into: [Rect]()) { rects, w in
            let left = rects.last?.right ?? x
            rects.append(Rect(x: left, y: y, width: w, height: height))
        }
    }
}

/// How much of a split one part takes (ratatui's `Constraint`).
enum Constraint: Hashable, Sendable {
    /// Exactly this many cells, if there is room.
    case length(Int)
    /// This percentage of the whole, rounded down.
    case percentage(Int)
    /// A share of what the fixed parts leave, by weight.
    case fill(Int)

    /// The lengths of the parts: fixed and percentage parts first, in order, as far as the
    /// total allows; then the rest to the `fill` parts by weight, the remainder to the first.
    static func lengths(_ constraints: [Constraint], total: Int) -> [Int] {
        var remaining = max(0, total)
        var lengths = constraints.map { constraint -> Int in
            let wanted: Int
            switch constraint {
            case .length(let n): wanted = max(0, n)
            case .percentage(let p): wanted = max(0, total * min(max(p, 0), 100) / 100)
            case .fill: return 0
            }
            let given = min(wanted, remaining)
            remaining -= given
            return given
        }
        let weights = constraints.map { c -> Int in
            if case .fill(let w) = c { return max(0, w) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { return lengths }
        var handedOut = 0
        for i in lengths.indices where weights[i] > 0 {
            lengths[i] = remaining * weights[i] / totalWeight
            handedOut += lengths[i]
        }
        if let first = weights.firstIndex(where: { $0 > 0 }) {
            lengths[first] += remaining - handedOut
        }
        return lengths
    }
}
