/// The top line: what machine this is, which fixes are off, running or paused, speed, colours.
struct TitleBar {
    var machineLabel: String
    var fixesOff: [String]
    var running: Bool
    var stepsPerFrame: Int
    var workload: Bool
    var mode: ColourMode
    /// Live mode: replaces the animation state on the right, and no fixes are listed.
    var liveState: String? = nil

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let bar = caps.usesColor ? Style(fg: .black, bg: .cyan) : Style(attributes: .reverse)
        buffer.fill(area, with: Cell(" ", style: bar))
        let state = liveState.map { "\($0)  \(mode.title) " } ?? (running ? (caps.utf8 ? "▶ running" : "> running") : (caps.utf8 ? "❚❚ paused" : "|| paused"))
            + "  \(stepsPerFrame)/frame  workload \(workload ? "on" : "off")  \(mode.title) "
        let right = max(area.x, area.right - state.count)
        buffer.set(state, x: right, y: area.y, style: bar.bold(), clip: area)
        // The machine and the fixes get what the state leaves.
        let left = Rect(x: area.x, y: area.y, width: right - area.x - 1, height: 1)
        var x = buffer.set(" memtop ", x: area.x, y: area.y, style: bar.bold(), clip: left)
        x = buffer.set(machineLabel + "  ", x: x, y: area.y, style: bar, clip: left)
        guard liveState == nil else { return }
        let fixes = fixesOff.isEmpty ? "fixes: all on" : "without: " + fixesOff.joined(separator: ", ")
        var fixStyle = bar
        if !fixesOff.isEmpty { fixStyle = caps.usesColor ? Style(fg: .brightWhite, bg: .red, attributes: .bold) : bar.bold().underlined() }
        buffer.set(fixes, x: x, y: area.y, style: fixStyle, clip: left)
    }
}
