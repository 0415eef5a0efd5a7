/// How one state (a page kind, a zone, a migratetype…) is drawn: a colour where the terminal
/// has colour, a glyph and attributes where it has not.
///
/// Every state of a colour mode needs a distinct `glyph` so that the map still reads under
/// `NO_COLOR`, on a terminal without colours, or in a non-UTF-8 locale.
struct Swatch: Hashable, Sendable {
    var color: Color
    /// An ASCII glyph that stands for the state without colour, e.g. '.', '#', '+', 'o'.
    var glyph: Character
    /// Attributes added to `glyph` without colour (e.g. reverse for an isolated block).
    var attributes: Attributes
    /// Which of two different states one cell shows when it cannot show both (no half blocks):
    /// the higher rank wins, the top on a tie. Rank what a student must not miss highest.
    var rank: Int

    init(color: Color, glyph: Character, attributes: Attributes = [], rank: Int = 0) {
        self.color = color
        self.glyph = glyph
        self.attributes = attributes
        self.rank = rank
    }

    /// Nothing there: the space after the last page, a hole.
    static let empty = Swatch(color: .default, glyph: " ")
}

/// The upper half block: foreground paints the top half, background the bottom half.
let upperHalfBlock: Character = "▀"

/// One cell that shows two vertically stacked things (two pages of the map).
///
/// In UTF-8 with 256 colours the cell is '▀' with the top colour in front and the bottom colour
/// behind, so both show. Otherwise one glyph must stand for both: the higher-ranked swatch's
/// glyph, coloured if the terminal has colour, with its attributes if it has fewer than 256.
func pairCell(top: Swatch, bottom: Swatch, caps: TerminalCapabilities) -> Cell {
    if caps.halfBlocks {
        return Cell(upperHalfBlock, style: Style(fg: top.color, bg: bottom.color))
    }
    let shown = bottom.rank > top.rank ? bottom : top
    return singleCell(shown, caps: caps)
}

/// One cell that shows one thing: its glyph in its colour, or its glyph and attributes.
///
/// On 8 colours several states of a mode fall on one basic colour (free and offline both
/// black), so the glyph and attributes, distinct within a mode, come with the colour.
func singleCell(_ swatch: Swatch, caps: TerminalCapabilities) -> Cell {
    if caps.usesColor && caps.colors >= 256 {
        return Cell(swatch.glyph, style: Style(fg: swatch.color))
    }
    if caps.usesColor {
        // Dark greys fall on black, which vanishes on a dark background: the terminal's own
        // colour, dimmed, instead.
        guard swatch.color.downgraded(toColors: caps.colors) == .black else {
            return Cell(swatch.glyph, style: Style(fg: swatch.color, attributes: swatch.attributes))
        }
        return Cell(swatch.glyph, style: Style(attributes: swatch.attributes.union(.dim)))
    }
    return Cell(swatch.glyph, style: Style(attributes: swatch.attributes))
}
