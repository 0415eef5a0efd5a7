/// The inspector: what is known about the page or block under the cursor, scrollable.
struct Inspector {
    var title: String
    var lines: [(text: String, style: Style)]
    var scroll: Int
    var focused: Bool
    /// A line to bring into view while the user has not scrolled (the blocker under the cursor).
    var keepVisible: Int? = nil

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let inside = buffer.drawBorder(area, title: title, style: focused ? .plain.bold() : .plain, caps: caps)
        var first = max(0, min(scroll, lines.count - inside.height))
        if scroll == 0, let keepVisible, keepVisible >= inside.height { first = keepVisible - inside.height + 1 }
        for (i, line) in lines.dropFirst(first).prefix(inside.height).enumerated() {
            buffer.set(line.text, x: inside.x, y: inside.y + i, style: caps.usesColor ? line.style : Style(attributes: line.style.attributes), clip: inside)
        }
        if lines.count > inside.height, inside.height > 0 {
            let more = first + inside.height < lines.count ? " more: Tab, Down " : " top: Up "
            buffer.set(more, x: area.right - more.count - 1, y: area.bottom - 1, style: .plain.dim(), clip: area)
        }
    }
}
