/// The top line: which fixes are off (or, live, the verdict summary), what machine this is,
/// and on the right running or paused, speed, colours. On a narrow screen the right part
/// shortens and the machine's description is what gets cut, never the fixes.
struct TitleBar {
    var machineLabel: String
    var fixesOff: [String]
    var running: Bool
    var stepsPerFrame: Int
    var workload: Bool
    var mode: ColourMode
    /// Live mode: replaces the animation state on the right, and no fixes are listed.
    var liveState: String? = nil
    /// The short verdict summary: live mode shows it first on the left; the simulator after the
    /// machine, whose label ("SIMULATION of offlining live memory2") matters more there.
    var summary: String? = nil

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let bar = caps.usesColor ? Style(fg: .black, bg: .cyan) : Style(attributes: .reverse)
        buffer.fill(area, with: Cell(" ", style: bar))
        let choices = stateTexts(caps: caps)
        let fixes = fixesOff.isEmpty ? "fixes: all on" : "without: " + fixesOff.joined(separator: ", ")
        // The longest right part that leaves room for what must not be cut (the fixes or the
        // summary) and a little of the machine, else the shortest.
        let needed = 8 + (liveState == nil ? fixes.count + 2 : (summary.map { $0.count + 2 } ?? 0)) + 12
        let state = choices.first { area.width - $0.count >= needed } ?? choices[choices.count - 1]
        let right = max(area.x, area.right - state.count)
        buffer.set(state, x: right, y: area.y, style: bar.bold(), clip: area)
        let left = Rect(x: area.x, y: area.y, width: right - area.x - 1, height: 1)
        var x = buffer.set(" memtop ", x: area.x, y: area.y, style: bar.bold(), clip: left)
        if liveState == nil {
            var fixStyle = bar
            if !fixesOff.isEmpty { fixStyle = caps.usesColor ? Style(fg: .brightWhite, bg: .red, attributes: .bold) : bar.bold().underlined() }
            x = buffer.set(fixes, x: x, y: area.y, style: fixStyle, clip: left)
            x = buffer.set("  ", x: x, y: area.y, style: bar, clip: left)
        }
        if let summary, liveState != nil {
            x = buffer.set(summary, x: x, y: area.y, style: bar.bold(), clip: left)
            x = buffer.set("  ", x: x, y: area.y, style: bar, clip: left)
        }
        x = buffer.set(machineLabel, x: x, y: area.y, style: bar, clip: left)
        if let summary, liveState == nil {
            buffer.set("  " + summary, x: x, y: area.y, style: bar.bold(), clip: left)
        }
    }

    /// The right part, longest first.
    private func stateTexts(caps: TerminalCapabilities) -> [String] {
        if let liveState {
            return liveState.isEmpty ? ["\(mode.title) ", ""] : ["\(liveState)  \(mode.title) ", "\(mode.title) ", ""]
        }
        let run = running ? (caps.utf8 ? "▶ running" : "> running") : (caps.utf8 ? "❚❚ paused" : "|| paused")
        let short = running ? (caps.utf8 ? "▶" : ">") : (caps.utf8 ? "❚❚" : "||")
        return ["\(run)  \(stepsPerFrame)/frame  workload \(workload ? "on" : "off")  \(mode.title) ",
                "\(short) \(stepsPerFrame)/frame  wl \(workload ? "on" : "off")  \(mode.title) "]
    }
}
