/// The bottom line: the keys that matter now, or the status of the last key.
struct KeyBar {
    var entries: [(key: String, label: String)]
    var status: String?

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let label = caps.usesColor ? Style(fg: .black, bg: .cyan) : Style(attributes: .reverse)
        var x = area.x
        if let status {
            buffer.set(status, x: x, y: area.y, style: .plain.bold(), clip: area)
            return
        }
        for (key, text) in entries {
            guard x + key.count + text.count + 1 <= area.right else { break }
            x = buffer.set(key, x: x, y: area.y, style: .plain.bold(), clip: area)
            x = buffer.set(text, x: x, y: area.y, style: label, clip: area) + 1
        }
    }
}
