import Testing
@testable import memtop

@Suite("Buffer: cells, clipping, diff, text and ANSI rendering")
struct TerminalBufferTests {
    @Test("set writes text at (x, y) and returns the column after it")
    func setWritesText() {
        var buffer = Buffer(size: Size(cols: 10, rows: 2))
        let end = buffer.set("abc", x: 2, y: 1, style: Style(fg: .red))
        #expect(end == 5)
        #expect(buffer.lines == ["", "  abc"])
        #expect(buffer[x: 3, y: 1] == Cell("b", style: Style(fg: .red)))
    }

    @Test("text is clipped to the screen and to a clip rectangle, never wrapped")
    func setClips() {
        var buffer = Buffer(size: Size(cols: 5, rows: 2))
        buffer.set("hello world", x: 2, y: 0)
        buffer.set("xyz", x: -1, y: 1)
        buffer.set("off", x: 0, y: 2)
        #expect(buffer.lines == ["  hel", "yz"])
        var clipped = Buffer(size: Size(cols: 8, rows: 1))
        clipped.set("abcdef", x: 1, y: 0, clip: Rect(x: 2, y: 0, width: 3, height: 1))
        #expect(clipped.lines == ["  bcd"])
    }

    @Test("control characters draw as '?' so they cannot move the cursor")
    func controlCharacters() {
        var buffer = Buffer(size: Size(cols: 4, rows: 1))
        buffer.set("a\u{1b}b", x: 0, y: 0)
        #expect(buffer.lines == ["a?b"])
    }

    @Test("fill sets every cell of the rectangle that is on screen")
    func fill() {
        var buffer = Buffer(size: Size(cols: 4, rows: 3))
        buffer.fill(Rect(x: 2, y: 1, width: 5, height: 5), with: Cell("#"))
        #expect(buffer.lines == ["", "  ##", "  ##"])
    }

    @Test("lines trims trailing spaces and with_lines round-trips")
    func linesRoundTrip() {
        let buffer = Buffer(lines: ["ab  ", " c", ""])
        #expect(buffer.size == Size(cols: 4, rows: 3))
        #expect(buffer.lines == ["ab", " c", ""])
    }

    @Test("diff lists exactly the changed cells; a size change repaints all")
    func diff() {
        let old = Buffer(lines: ["abc", "def"])
        var new = old
        new[x: 1, y: 0] = Cell("X")
        new.restyle(Rect(x: 2, y: 1, width: 1, height: 1)) { $0.attributes.insert(.bold) }
        #expect(new.diff(from: old) == [
            CellChange(x: 1, y: 0, cell: Cell("X")),
            CellChange(x: 2, y: 1, cell: Cell("f", style: Style.plain.bold())),
        ])
        #expect(old.diff(from: old).isEmpty)
        #expect(old.diff(from: Buffer(size: Size(cols: 2, rows: 2))).count == 6)
    }

    @Test("ANSI rendering emits SGR only where the style changes, and resets at line end")
    func ansi() {
        var buffer = Buffer(size: Size(cols: 6, rows: 2))
        buffer.set("ab", x: 0, y: 0, style: Style(fg: .red, attributes: .bold))
        buffer.set("c", x: 2, y: 0)
        buffer.set("d", x: 0, y: 1, style: Style(fg: .indexed(200), bg: .brightBlue, attributes: .reverse))
        let caps = TerminalCapabilities(utf8: true, colors: 256)
        #expect(buffer.ansiLines(caps: caps) == [
            "\u{1b}[0;1;31mab\u{1b}[0mc",
            "\u{1b}[0;7;38;5;200;104md\u{1b}[0m",
        ])
    }

    @Test("ANSI rendering downgrades to 8 colours and drops colour under NO_COLOR")
    func ansiDowngrade() {
        var buffer = Buffer(size: Size(cols: 2, rows: 1))
        buffer.set("x", x: 0, y: 0, style: Style(fg: .brightRed, bg: .indexed(21), attributes: .underline))
        #expect(buffer.ansiLines(caps: TerminalCapabilities(utf8: true, colors: 8))
                == ["\u{1b}[0;1;4;31;44mx\u{1b}[0m"])
        #expect(buffer.ansiLines(caps: TerminalCapabilities(utf8: true, colors: 256, noColor: true))
                == ["\u{1b}[0;4mx\u{1b}[0m"])
    }

    @Test("a border has line drawing in UTF-8, ASCII otherwise, and a title")
    func border() {
        var utf8 = Buffer(size: Size(cols: 8, rows: 3))
        let inside = utf8.drawBorder(utf8.area, title: "ab", caps: TerminalCapabilities(utf8: true, colors: 0))
        #expect(inside == Rect(x: 1, y: 1, width: 6, height: 1))
        #expect(utf8.lines == ["┌ ab ──┐", "│      │", "└──────┘"])
        var ascii = Buffer(size: Size(cols: 4, rows: 3))
        ascii.drawBorder(ascii.area, caps: TerminalCapabilities(utf8: false, colors: 0))
        #expect(ascii.lines == ["+--+", "|  |", "+--+"])
    }
}

@Suite("Rect and Constraint: layout")
struct TerminalLayoutTests {
    @Test("rows split fixed parts first, then fills by weight, remainder to the first fill")
    func splitRows() {
        let rects = Rect(x: 0, y: 0, width: 10, height: 11)
            .splitRows([.length(1), .fill(1), .fill(2), .length(1)])
        #expect(rects.map(\.height) == [1, 3, 6, 1])
        #expect(rects.map(\.y) == [0, 1, 4, 10])
        #expect(rects.allSatisfy { $0.width == 10 })
    }

    @Test("columns: percentages of the whole, fixed parts clipped when space runs out")
    func splitColumns() {
        let rects = Rect(x: 5, y: 0, width: 20, height: 1)
            .splitColumns([.percentage(50), .length(15), .fill(1)])
        #expect(rects.map(\.width) == [10, 10, 0])
        #expect(rects.map(\.x) == [5, 15, 25])
    }

    @Test("intersection, inset, centering and containment")
    func geometry() {
        let r = Rect(x: 2, y: 2, width: 4, height: 3)
        #expect(r.intersection(Rect(x: 4, y: 0, width: 10, height: 3)) == Rect(x: 4, y: 2, width: 2, height: 1))
        #expect(r.intersection(Rect(x: 20, y: 20, width: 1, height: 1)).isEmpty)
        #expect(r.inset() == Rect(x: 3, y: 3, width: 2, height: 1))
        #expect(Rect(Size(cols: 10, rows: 5)).centered(Size(cols: 4, rows: 1)) == Rect(x: 3, y: 2, width: 4, height: 1))
        #expect(r.contains(x: 5, y: 4) && !r.contains(x: 6, y: 4))
    }

    @Test("sizes parse as COLSxROWS; anything else is an error naming the text")
    func sizeParse() throws {
        #expect(try Size.parse("120x40") == Size(cols: 120, rows: 40))
        #expect(try Size.parse("80X24") == Size(cols: 80, rows: 24))
        for bad in ["", "80", "80x", "x24", "0x10", "80x-1", "abcxdef", "5000x10", "80x24x1"] {
            #expect(throws: SizeParseError.self, "\(bad)") { try Size.parse(bad) }
        }
    }
}

@Suite("Text wrapping")
struct TerminalTextWrapTests {
    @Test("wraps at spaces and cuts words longer than the width")
    func wrapping() {
        #expect(wrap("Terminal too small", width: 30) == ["Terminal too small"])
        #expect(wrap("Terminal too small", width: 9) == ["Terminal", "too small"])
        #expect(wrap("abcdefgh ij", width: 3) == ["abc", "def", "gh", "ij"])
        #expect(wrap("x", width: 0) == [])
    }
}
