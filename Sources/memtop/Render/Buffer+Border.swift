/// Boxes around panes.
extension Buffer {
    /// Draws a one-cell border on the edge of `rect` with `title` in the top edge.
    ///
    /// Line-drawing characters in UTF-8, `+ - |` otherwise. Returns the inside of the box.
    @discardableResult
    mutating func drawBorder(_ rect: Rect, title: String = "", style: Style = .plain,
                             caps: TerminalCapabilities) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let g = caps.utf8 ? BoxGlyphs.lines : BoxGlyphs.ascii
        for x in (rect.x + 1)..<(rect.right - 1) {
            self[x: x, y: rect.y] = Cell(g.horizontal, style: style)
            self[x: x, y: rect.bottom - 1] = Cell(g.horizontal, style: style)
        }
        for y in (rect.y + 1)..<(rect.bottom - 1) {
            self[x: rect.x, y: y] = Cell(g.vertical, style: style)
            self[x: rect.right - 1, y: y] = Cell(g.vertical, style: style)
        }
        self[x: rect.x, y: rect.y] = Cell(g.topLeft, style: style)
        self[x: rect.right - 1, y: rect.y] = Cell(g.topRight, style: style)
        self[x: rect.x, y: rect.bottom - 1] = Cell(g.bottomLeft, style: style)
        self[x: rect.right - 1, y: rect.bottom - 1] = Cell(g.bottomRight, style: style)
        if !title.isEmpty, rect.width > 4 {
            let edge = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1)
            set(" \(title) ", x: rect.x + 1, y: rect.y, style: style.bold(), clip: edge)
        }
        return rect.inset()
    }
}

private struct BoxGlyphs {
    var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: Character

    static let lines = BoxGlyphs(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
                                 bottomLeft: "└", bottomRight: "┘")
    static let ascii = BoxGlyphs(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
                                 bottomLeft: "+", bottomRight: "+")
}
