/// The event log: the newest events at the bottom, kernel function first; scrolls back.
struct EventLogWidget {
    var lines: [LogLine]
    /// Lines scrolled back from the newest.
    var scroll: Int
    var focused: Bool

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let title = scroll > 0 ? "log: \(scroll) line\(scroll == 1 ? "" : "s") back (End: newest)" : "log: kernel functions, newest last"
        let inside = buffer.drawBorder(area, title: title, style: focused ? .plain.bold() : .plain, caps: caps)
        guard inside.height > 0 else { return }
        let end = max(0, lines.count - scroll)
        // Long lines wrap (continuations indented), newest at the bottom; only the lines that
        // fit are wrapped.
        var rows: [(text: String, weight: LogLine.Weight)] = []
        var i = end
        while i > 0, rows.count < inside.height {
            i -= 1
            let pieces = wrap(lines[i].text, width: inside.width, continuationIndent: 2)
            rows.insert(contentsOf: pieces.map { ($0, lines[i].weight) }, at: 0)
        }
        for (row, line) in rows.suffix(inside.height).enumerated() {
            buffer.set(line.text, x: inside.x, y: inside.y + row, style: Self.style(line.weight, caps: caps), clip: inside)
        }
    }

    static func style(_ weight: LogLine.Weight, caps: TerminalCapabilities) -> Style {
        switch weight {
        case .normal: return .plain
        case .important: return .plain.bold()
        case .error: return caps.usesColor ? Style(fg: .brightRed, attributes: .bold) : .plain.bold().underlined()
        }
    }
}
