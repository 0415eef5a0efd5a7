/// A screen size in cells: `cols` wide and `rows` high.
struct Size: Hashable, Sendable, CustomStringConvertible {
    var cols: Int
    var rows: Int

    init(cols: Int, rows: Int) {
        self.cols = max(0, cols)
        self.rows = max(0, rows)
    }

    /// The headless screen when `--size` is not given.
    static let headlessDefault = Size(cols: 120, rows: 40)
    /// The largest screen `--size` accepts; bigger would only be a typo.
    static let largest = Size(cols: 1000, rows: 1000)

    var description: String { "\(cols)x\(rows)" }

    /// True if `self` is at least `other` in both directions.
    func covers(_ other: Size) -> Bool { cols >= other.cols && rows >= other.rows }

    /// Parses `COLSxROWS` as in `--size 120x40`.
    static func parse(_ text: String) throws(SizeParseError) -> Size {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let cols = Int(parts[0]), let rows = Int(parts[1]) else {
            throw SizeParseError(text: text, problem: "expected COLSxROWS, e.g. 120x40")
        }
        guard (1...largest.cols).contains(cols), (1...largest.rows).contains(rows) else {
            throw SizeParseError(text: text,
                                 problem: "columns and rows must be 1 to \(largest.cols)")
        }
        return Size(cols: cols, rows: rows)
    }
}

/// A `--size` (or `<Resize:…>`) value that is not `COLSxROWS`.
struct SizeParseError: Error, CustomStringConvertible {
    var text: String
    var problem: String
    var description: String { "bad screen size \(Quoted(text)): \(problem)" }
}
