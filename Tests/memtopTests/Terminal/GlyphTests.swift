import Testing
@testable import memtop

@Suite("Glyphs and colours by terminal capability")
struct TerminalGlyphTests {
    let free = Swatch(color: .green, glyph: ".")
    let isolated = Swatch(color: .magenta, glyph: "!", attributes: .reverse, rank: 2)

    @Test("UTF-8 with colour: an upper half block, top colour in front, bottom behind")
    func halfBlock() {
        let cell = pairCell(top: free, bottom: isolated, caps: TerminalCapabilities(utf8: true, colors: 256))
        #expect(cell == Cell("▀", style: Style(fg: .green, bg: .magenta)))
    }

    @Test("no colour: the higher-ranked glyph with its attributes, whichever half it is in")
    func monochrome() {
        for caps in [TerminalCapabilities(utf8: true, colors: 256, noColor: true),
                     TerminalCapabilities(utf8: false, colors: 0)] {
            #expect(pairCell(top: free, bottom: isolated, caps: caps) == Cell("!", style: Style(attributes: .reverse)))
            #expect(pairCell(top: isolated, bottom: free, caps: caps) == Cell("!", style: Style(attributes: .reverse)))
            #expect(pairCell(top: free, bottom: free, caps: caps) == Cell("."))
        }
    }

    @Test("colour without UTF-8: the winning glyph in its colour")
    func asciiColour() {
        let cell = pairCell(top: free, bottom: isolated, caps: TerminalCapabilities(utf8: false, colors: 256))
        #expect(cell == Cell("!", style: Style(fg: .magenta)))
    }

    @Test("8 colours, UTF-8 or not: no half blocks; the winning glyph in its colour with its attributes")
    func eightColours() {
        for utf8 in [true, false] {
            let caps = TerminalCapabilities(utf8: utf8, colors: 8)
            #expect(!caps.halfBlocks)
            #expect(pairCell(top: free, bottom: isolated, caps: caps) == Cell("!", style: Style(fg: .magenta, attributes: .reverse)))
        }
    }

    /// The cell the map and the legend draw for a pair of pages in `state`, as the terminal shows it.
    static func shown(_ state: MapState, caps: TerminalCapabilities) -> Cell {
        let cell = pairCell(top: state.swatch, bottom: state.swatch, caps: caps)
        return Cell(cell.glyph, style: caps.displayable(cell.style))
    }

    static let everyTerminal: [TerminalCapabilities] = [
        TerminalCapabilities(utf8: true, colors: 256), TerminalCapabilities(utf8: false, colors: 256),
        TerminalCapabilities(utf8: true, colors: 8), TerminalCapabilities(utf8: false, colors: 8),
        TerminalCapabilities(utf8: true, colors: 0), TerminalCapabilities(utf8: false, colors: 0),
        TerminalCapabilities(utf8: true, colors: 256, noColor: true),
    ]

    @Test("every state of every colour mode reads differently on 256, 8 and no colours",
          arguments: ColourMode.allCases, everyTerminal)
    func statesDistinct(mode: ColourMode, caps: TerminalCapabilities) {
        let cells = mode.states.map { Self.shown($0, caps: caps) }
        for i in cells.indices {
            for j in cells.indices where j > i {
                #expect(cells[i] != cells[j],
                        "\(mode.title), \(caps.colors) colours, utf8 \(caps.utf8): '\(mode.states[i].name)' and '\(mode.states[j].name)' both show as \(cells[i])")
            }
        }
    }

    @Test("capabilities: colours clamp to 0/8/256; NO_COLOR only when set and non-empty")
    func capabilities() {
        #expect(TerminalCapabilities(utf8: true, colors: 16).colors == 8)
        #expect(TerminalCapabilities(utf8: true, colors: 88).colors == 8)
        #expect(TerminalCapabilities(utf8: true, colors: 2).colors == 0)
        #expect(!TerminalCapabilities(utf8: true, colors: 256, noColor: true).usesColor)
        #expect(TerminalCapabilities.noColorRequested("1"))
        #expect(!TerminalCapabilities.noColorRequested(""))
        #expect(!TerminalCapabilities.noColorRequested(nil))
        #expect(TerminalCapabilities.utf8Locale(lcAll: nil, lcCtype: nil, lang: "en_US.UTF-8"))
        #expect(!TerminalCapabilities.utf8Locale(lcAll: "C", lcCtype: nil, lang: "en_US.UTF-8"))
        #expect(TerminalCapabilities.utf8Locale(lcAll: "", lcCtype: "C.utf8", lang: nil))
    }

    @Test("256-colour entries map to the nearest of the 8 basic colours")
    func downgrade() {
        #expect(Color.indexed(196).downgraded(toColors: 8) == .red)     // cube (5,0,0)
        #expect(Color.indexed(21).downgraded(toColors: 8) == .blue)     // cube (0,0,5)
        #expect(Color.indexed(226).downgraded(toColors: 8) == .yellow)  // cube (5,5,0)
        #expect(Color.indexed(9).downgraded(toColors: 8) == .red)
        #expect(Color.indexed(235).downgraded(toColors: 8) == .black)
        #expect(Color.indexed(254).downgraded(toColors: 8) == .white)
        #expect(Color.brightCyan.downgraded(toColors: 8) == .cyan)
        #expect(Color.indexed(100).downgraded(toColors: 256) == .indexed(100))
        #expect(Color.red.downgraded(toColors: 0) == .default)
    }
}
