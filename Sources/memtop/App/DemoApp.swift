/// A stand-in app that exercises the terminal layer (panes, half blocks, keys, animation,
/// mouse, help) until the memory map replaces it.
struct DemoApp: TerminalApp {
    var minimumSize = Size(cols: 80, rows: 24)
    var keys = KeyTable.standard
    /// The cursor, in map cells.
    var cursor = (x: 0, y: 0)
    var running = false
    var frame = 0
    /// Frames per second, 1 to 60.
    var speed = 10
    var paletteIndex = 0
    var showHelp = false
    /// The last actions, newest last.
    var history: [String] = []
    /// Where the map was last drawn, for mouse clicks (render is pure, so it is recomputed).
    var screen = Size.headlessDefault

    var tickInterval: Duration? { running ? .milliseconds(1000 / speed) : nil }

    mutating func update(_ message: Message) -> [Effect] {
        switch message {
        case .tick:
            frame += 1
            return []
        case .resize(let size):
            screen = size
            note("resize \(size)")
            return []
        case .key(let key):
            guard let action = keys.action(for: key) else {
                note("unbound \(key.displayName)")
                return [.bell]
            }
            return perform(action)
        }
    }

    private mutating func perform(_ action: Action) -> [Effect] {
        note(action.summary)
        let map = DemoLayout(Rect(screen)).mapInside
        switch action {
        case .quit: return [.quit]
        case .help: showHelp.toggle()
        case .zoomOut: showHelp = false
        case .moveUp: cursor.y = max(0, cursor.y - 1)
        case .moveDown: cursor.y = min(max(0, map.height - 1), cursor.y + 1)
        case .moveLeft: cursor.x = max(0, cursor.x - 1)
        case .moveRight: cursor.x = min(max(0, map.width - 1), cursor.x + 1)
        case .home: cursor = (0, 0)
        case .runPause: running.toggle()
        case .step: frame += 1
        case .faster, .wheelUp: speed = min(60, speed * 2)
        case .slower, .wheelDown: speed = max(1, speed / 2)
        case .colourMode: paletteIndex = (paletteIndex + 1) % DemoApp.palettes.count
        case .redraw: return [.redraw]
        case .click(let x, let y):
            if map.contains(x: x, y: y) { cursor = (x - map.x, y - map.y) }
        default: break
        }
        return []
    }

    private mutating func note(_ text: String) {
        history.append(text)
        if history.count > 8 { history.removeFirst() }
    }

    func render(into buffer: inout Buffer, caps: TerminalCapabilities) {
        let layout = DemoLayout(buffer.area)
        let title = Style(fg: .black, bg: .cyan, attributes: caps.usesColor ? [] : [.reverse])
        buffer.fill(layout.title, with: Cell(" ", style: title))
        buffer.set(" memtop - terminal layer demo (the memory map comes later)", x: 0, y: 0, style: title.bold())

        let inside = buffer.drawBorder(layout.map, title: "half blocks: two pages a cell", caps: caps)
        let palette = DemoApp.palettes[paletteIndex]
        for y in 0..<inside.height {
            for x in 0..<inside.width {
                var cell = pairCell(top: palette[state(x, 2 * y)], bottom: palette[state(x, 2 * y + 1)], caps: caps)
                if (x, y) == cursor { cell.style.attributes.insert(.reverse) }
                buffer[x: inside.x + x, y: inside.y + y] = cell
            }
        }

        let side = buffer.drawBorder(layout.side, title: "status", caps: caps)
        let status = [
            "state   \(running ? "running" : "paused")",
            "frame   \(frame)",
            "speed   \(speed) frames/s",
            "cursor  \(cursor.x),\(cursor.y)",
            "screen  \(buffer.size)",
            "utf8 \(caps.utf8 ? "yes" : "no")  colours \(caps.colors)\(caps.noColor ? " NO_COLOR" : "")",
            "",
            "legend:",
        ]
        for (i, line) in status.enumerated() {
            buffer.set(line, x: side.x + 1, y: side.y + i, clip: side)
        }
        for (i, (name, swatch)) in zip(DemoApp.stateNames, palette).enumerated() {
            let y = side.y + status.count + i
            buffer[x: side.x + 2, y: y] = pairCell(top: swatch, bottom: swatch, caps: caps)
            buffer.set(name, x: side.x + 4, y: y, clip: side)
        }
        let logTop = side.y + status.count + palette.count + 1
        buffer.set("last keys:", x: side.x + 1, y: logTop, clip: side)
        for (i, line) in history.suffix(max(0, side.bottom - logTop - 1)).enumerated() {
            buffer.set(line, x: side.x + 2, y: logTop + 1 + i, style: .plain.dim(), clip: side)
        }

        renderKeyBar(into: &buffer, row: layout.keyBar, caps: caps)
        if showHelp { renderHelp(into: &buffer, caps: caps) }
    }

    /// The state of page `row` of map column `x` at this frame: a moving diagonal pattern.
    private func state(_ x: Int, _ row: Int) -> Int {
        ((x + row * 3 + frame) / 4) % DemoApp.stateNames.count
    }

    private func renderKeyBar(into buffer: inout Buffer, row: Rect, caps: TerminalCapabilities) {
        let entries: [(String, String)] = [("?", "Help"), ("q", "Quit"), ("Space", running ? "Pause" : "Run"),
                                           ("hjkl", "Move"), ("n", "Step"), ("+/-", "Speed"),
                                           ("c", "Colours"), ("Esc", "Close help")]
        var x = row.x
        for (key, label) in entries {
            x = buffer.set(key, x: x, y: row.y, style: .plain.bold(), clip: row)
            x = buffer.set(label + " ", x: x, y: row.y,
                           style: Style(fg: .black, bg: .cyan, attributes: caps.usesColor ? [] : [.reverse]),
                           clip: row)
            x += 1
        }
    }

    private func renderHelp(into buffer: inout Buffer, caps: TerminalCapabilities) {
        let rows = keys.helpRows
        let box = buffer.area.centered(Size(cols: 50, rows: min(rows.count + 2, buffer.size.rows - 2)))
        buffer.fill(box, with: .blank)
        let inside = buffer.drawBorder(box, title: "keys (Esc closes)", style: .plain.bold(), caps: caps)
        for (i, row) in rows.prefix(inside.height).enumerated() {
            buffer.set(row.keys, x: inside.x + 1, y: inside.y + i, style: .plain.bold(), clip: inside)
            buffer.set(row.action.summary, x: inside.x + 20, y: inside.y + i, clip: inside)
        }
    }

    static let stateNames = ["free", "anon", "file", "slab", "isolated"]
    static let palettes: [[Swatch]] = [
        [Swatch(color: .green, glyph: "."), Swatch(color: .blue, glyph: "#"),
         Swatch(color: .yellow, glyph: "+"), Swatch(color: .red, glyph: "o", attributes: .bold),
         Swatch(color: .magenta, glyph: "!", attributes: .reverse, rank: 2)],
        [Swatch(color: .indexed(22), glyph: "."), Swatch(color: .indexed(33), glyph: "#"),
         Swatch(color: .indexed(214), glyph: "+"), Swatch(color: .indexed(160), glyph: "o", attributes: .bold),
         Swatch(color: .indexed(201), glyph: "!", attributes: .reverse, rank: 2)],
    ]
}

/// Where the demo's panes go on a screen.
struct DemoLayout {
    var title: Rect, map: Rect, side: Rect, keyBar: Rect

    init(_ area: Rect) {
        let rows = area.splitRows([.length(1), .fill(1), .length(1)])
        let columns = rows[1].splitColumns([.fill(1), .length(34)])
        (title, map, side, keyBar) = (rows[0], columns[0], columns[1], rows[2])
    }

    /// The map's cells inside its border.
    var mapInside: Rect { map.inset() }
}
