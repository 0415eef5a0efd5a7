/// An in-memory screen of cells that widgets draw into (ratatui's `Buffer`).
///
/// Nothing here touches the terminal: the backend compares two buffers (`diff(from:)`) and writes
/// only the cells that changed; tests compare `lines` with the screen they expect.
struct Buffer: Hashable, Sendable {
    /// The screen's size; every cell of it is in `cells`.
    private(set) var size: Size
    /// Cells row by row: the cell at (x, y) is `cells[y * size.cols + x]`.
    private(set) var cells: [Cell]

    /// A blank screen of `size`.
    init(size: Size, filling cell: Cell = .blank) {
        self.size = size
        self.cells = Array(repeating: cell, count: size.cols * size.rows)
    }

    /// A plain screen holding `lines`, padded to the widest line (ratatui's `Buffer::with_lines`).
    init(lines: [String]) {
        let width = lines.map(\.count).max() ?? 0
        self.init(size: Size(cols: width, rows: lines.count))
        for (y, line) in lines.enumerated() { set(line, x: 0, y: y) }
    }

    /// The whole screen as a rectangle.
    var area: Rect { Rect(size) }

    /// The cell at (x, y); blank outside the screen, and writes outside it are dropped.
    subscript(x x: Int, y y: Int) -> Cell {
        get { area.contains(x: x, y: y) ? cells[y * size.cols + x] : .blank }
        set { if area.contains(x: x, y: y) { cells[y * size.cols + x] = newValue } }
    }

    /// Writes `text` from (x, y) rightwards, clipped to the screen and to `clip`.
    ///
    /// - Returns: the column after the last character written (or that would have been), so
    ///   that runs of differently styled text can follow one another.
    @discardableResult
    mutating func set(_ text: String, x: Int, y: Int, style: Style = .plain,
                      clip: Rect? = nil) -> Int {
        let bounds = clip.map { $0.intersection(area) } ?? area
        var column = x
        for character in text {
            if bounds.contains(x: column, y: y) {
                // Text read from files may hold control characters: never one in a cell.
                cells[y * size.cols + column] = Cell(Quoted.isControl(character) ? "?" : character, style: style)
            }
            column += 1
        }
        return column
    }

    /// Sets every cell of `rect` (clipped to the screen) to `cell`.
    mutating func fill(_ rect: Rect, with cell: Cell) {
        let r = rect.intersection(area)
        for y in r.y..<r.bottom {
            for x in r.x..<r.right { cells[y * size.cols + x] = cell }
        }
    }

    /// Changes the style of every cell of `rect`, keeping the glyphs (a cursor, a selection).
    mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
        let r = rect.intersection(area)
        for y in r.y..<r.bottom {
            for x in r.x..<r.right { change(&cells[y * size.cols + x].style) }
        }
    }

    /// The screen as plain text, one string a row, trailing spaces trimmed (golden tests and
    /// `--dump-screen`).
    var lines: [String] {
        (0..<size.rows).map { y in
            let row = cells[(y * size.cols)..<((y + 1) * size.cols)]
            var text = String(row.map(\.glyph))
            while text.last == " " { text.removeLast() }
            return text
        }
    }

    /// The cells of `self` that differ from `old`, in row order; every cell when the sizes differ.
    func diff(from old: Buffer) -> [CellChange] {
        var changes: [CellChange] = []
        let sameSize = old.size == size
        for y in 0..<size.rows {
            for x in 0..<size.cols {
                let i = y * size.cols + x
                if !sameSize || old.cells[i] != cells[i] {
                    changes.append(CellChange(x: x, y: y, cell: cells[i]))
                }
            }
        }
        return changes
    }
}

/// One cell that changed between two buffers: draw `cell` at (x, y).
struct CellChange: Hashable, Sendable {
    var x: Int
    var y: Int
    var cell: Cell
}
