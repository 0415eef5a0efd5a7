/// ANSI (SGR) rendering of a buffer, for `--dump-screen --ansi`.
extension Buffer {
    /// The screen as text with SGR escape sequences, one line a row, each row ending in a reset.
    ///
    /// Colours are downgraded to what `caps` allows; with no colour only attributes remain.
    /// Trailing blank cells with the default style are trimmed, as in `lines`.
    func ansiLines(caps: TerminalCapabilities) -> [String] {
        (0..<size.rows).map { y in
            var row = (0..<size.cols).map { self[x: $0, y: y] }
            while let last = row.last, last.glyph == " ", last.style == .plain { row.removeLast() }
            var text = ""
            var current = Style.plain
            for cell in row {
                let style = caps.displayable(cell.style)
                if style != current {
                    text += SGR.sequence(for: style)
                    current = style
                }
                text.append(cell.glyph)
            }
            if current != .plain { text += SGR.reset }
            return text
        }
    }
}

/// Select Graphic Rendition sequences (ECMA-48), built from a `Style`.
enum SGR {
    static let reset = "\u{1b}[0m"

    /// A sequence that resets and then sets exactly `style`.
    static func sequence(for style: Style) -> String {
        var codes = ["0"]
        if style.attributes.contains(.bold) { codes.append("1") }
        if style.attributes.contains(.dim) { codes.append("2") }
        if style.attributes.contains(.underline) { codes.append("4") }
        if style.attributes.contains(.reverse) { codes.append("7") }
        codes += colorCodes(style.fg, base: 30, brightBase: 90, extended: 38)
        codes += colorCodes(style.bg, base: 40, brightBase: 100, extended: 48)
        return "\u{1b}[" + codes.joined(separator: ";") + "m"
    }

    private static func colorCodes(_ color: Color, base: Int, brightBase: Int,
                                   extended: Int) -> [String] {
        switch color {
        case .default: return []
        case .indexed(let n): return ["\(extended)", "5", "\(n)"]
        default:
            guard let index = color.paletteIndex else { return [] }
            return [index < 8 ? "\(base + index)" : "\(brightBase + index - 8)"]
        }
    }
}
