/// One screen cell: a glyph one column wide, its colours and attributes.
struct Cell: Hashable, Sendable {
    var glyph: Character
    var style: Style

    static let blank = Cell(" ")

    init(_ glyph: Character, style: Style = .plain) {
        self.glyph = Cell.printable(glyph)
        self.style = style
    }

    var fg: Color { style.fg }
    var bg: Color { style.bg }
    var attributes: Attributes { style.attributes }

    /// Control characters would move the terminal's cursor and break the diff; they draw as '?'.
    static func printable(_ c: Character) -> Character {
        guard let scalar = c.unicodeScalars.first else { return " " }
        if scalar.value < 0x20 || (0x7f..<0xa0).contains(scalar.value) { return "?" }
        return c
    }
}
