/// The legend of the current colour mode: every state the map can draw with its swatch, and
/// the rule for cells that cover many pages. It is built from the same table the map uses.
struct Legend {
    var mode: ColourMode
    var zoom: Zoom
    /// Names that replace the table's, by state index (live mode's kinds without a sim kind).
    var names: [Int: String] = [:]
    /// A line that replaces the rule below the swatches (live mode: why a mode is unavailable).
    var note: String? = nil
    /// Half cells a block has in the overview (`OverviewLayout.segmentsPerBlock`).
    var segmentsPerBlock = 6
    /// Pages a cell of the zoomed map holds (`ZoomLayout.pagesPerCell`).
    var pagesPerCell = 2
    /// The states to list, when only some occur (the verdict mode's busy reasons).
    var shown: Set<Int>? = nil

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        guard !area.isEmpty else { return }
        var x = area.x, y = area.y
        x = buffer.set("colours: \(mode.title) (c) ", x: x, y: y, style: .plain.bold(), clip: area)
        for (index, state) in mode.states.enumerated() where state != MapState.hole && shown?.contains(index) != false {
            let name = names[index] ?? state.name
            let width = name.count + 3
            if x + width > area.right { x = area.x + 2; y += 1 }
            guard y < area.bottom else { break }
            // The same cell the map draws for a pair of pages in this state.
            buffer[x: x, y: y] = pairCell(top: state.swatch, bottom: state.swatch, caps: caps)
            x = buffer.set(" " + name + " ", x: x + 1, y: y, clip: area)
        }
        guard y + 1 < area.bottom else { return }
        buffer.set(note ?? rule(caps: caps), x: area.x, y: y + 1, style: note == nil ? .plain.dim() : .plain.bold(), clip: area)
    }

    func rule(caps: TerminalCapabilities) -> String {
        let winners = mode.states.filter(\.wins).map(\.name)
        switch zoom {
        case .block where pagesPerCell == 1:
            return "each page its own cell; \(caps.utf8 ? "◆" : "+") cursor, S/T migration source/target"
        case .block:
            return caps.halfBlocks
                ? "a cell = 2 pages (top even pfn); ◆ cursor, S/T migration source/target"
                : "a cell = 2 pages, the higher-ranked glyph shows; \(caps.utf8 ? "◆" : "+") cursor, S/T migration"
        case .overview:
            let win: String
            switch winners.count {
            case 0: win = ""
            case 1: win = ", but any \(winners[0]) page wins"
            default: win = ", but any isolated page wins (most urgent first)"
            }
            if mode == .verdict { return "a block = its what-if offline verdict; b jumps to the next blocking pfn" }
            return "a half cell = 1/\(segmentsPerBlock) of a block: its most common state\(win)"
        }
    }
}
