/// The help window: every key of the key table with what it does, and how to read the map.
struct HelpScreen {
    var keys: KeyTable

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let rows = keys.helpRows
        let notes = [
            "Mouse: click selects a block or page (click the",
            "selected block to zoom); the wheel scrolls or zooms.",
            "Esc while an offline runs sends it a signal:",
            "offline_pages backs off with EINTR and rolls back.",
            "t: on screens below 120x30 the panels are tabs.",
        ]
        let half = (rows.count + 1) / 2
        let height = min(area.height - 2, half + notes.count + 4)
        let box = area.centered(Size(cols: min(area.width - 4, 96), rows: height))
        buffer.fill(box, with: .blank)
        let inside = buffer.drawBorder(box, title: "help: every key (any key closes, q quits)", style: .plain.bold(), caps: caps)
        let columnWidth = inside.width / 2
        // The keys' column as wide as the longest keys ("Esc Backspace") and a space.
        let keyWidth = min(16, (rows.map(\.keys.count).max() ?? 0) + 1)
        for (i, row) in rows.enumerated() {
            let column = i / half, line = i % half
            let x = inside.x + 1 + column * columnWidth
            guard line < inside.height else { continue }
            let clip = Rect(x: x, y: inside.y, width: columnWidth - 1, height: inside.height)
            buffer.set(row.keys, x: x, y: inside.y + line, style: .plain.bold(), clip: clip)
            buffer.set(row.action.summary, x: x + keyWidth, y: inside.y + line, clip: clip)
        }
        for (i, note) in notes.enumerated() {
            let y = inside.y + half + 1 + i
            guard y < inside.bottom else { break }
            buffer.set(note, x: inside.x + 1, y: y, style: .plain.dim(), clip: inside)
        }
    }
}
