import MemEngine

/// The `/` prompt: one line over the key bar.
struct JumpPrompt {
    var text: String

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        buffer.fill(area, with: .blank)
        let x = buffer.set("jump to pfn (0x1e000, 122880) or block (memory60, b60): ", x: area.x, y: area.y, style: .plain.bold(), clip: area)
        let end = buffer.set(text, x: x, y: area.y, clip: area)
        buffer[x: end, y: area.y] = Cell(caps.utf8 ? "▏" : "_", style: .plain.bold())
    }
}

/// The online chooser: the states valid_zones allows, the selected one lit.
struct OnlineChooser {
    var block: BlockID
    var choices: [OnlineChoice]
    var selected: Int

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let box = area.centered(Size(cols: 60, rows: choices.count + 5))
        buffer.fill(box, with: .blank)
        let inside = buffer.drawBorder(box, title: "online \(block): write to state", style: .plain.bold(), caps: caps)
        buffer.set("valid_zones allows (Enter or 1-\(choices.count), Esc cancels):", x: inside.x + 1, y: inside.y, clip: inside)
        for (i, choice) in choices.enumerated() {
            let text = "\(i + 1)  \(choice.type.rawValue)  -> ZONE_\(choice.zone.description.uppercased())"
            let style: Style = i == selected ? .plain.bold().reversed() : .plain
            buffer.set(text, x: inside.x + 2, y: inside.y + 2 + i, style: style, clip: inside)
        }
    }
}
