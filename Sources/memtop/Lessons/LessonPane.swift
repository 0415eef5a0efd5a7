/// The lesson pane: the step's text, which lesson and step this is, and the lesson's keys.
struct LessonPane {
    var lesson: Lesson
    var stepIndex: Int
    var text: [String]
    var problem: String?

    /// The rows it needs on a screen of `area` (its text and border), which the layout gives
    /// it above the log on a wide screen.
    func rows(on area: Rect, tab: PanelTab) -> Int {
        lines(width: ScreenLayout(area, tab: tab).log.width - 2).count + 2
    }

    /// Where it goes: the top of the log's place (the layout made it taller by `rows`); on a
    /// narrow screen the tabbed panel; where the text would still not fit, the inspector's place
    /// as well.
    func area(in layout: ScreenLayout) -> Rect {
        if let tabbed = layout.tabbed { return tabbed }
        let log = layout.log
        let needed = lines(width: log.width - 2).count + 2
        // What is left of the log below must hold at least one line in its border.
        if needed <= log.height - 3 { return Rect(x: log.x, y: log.y, width: log.width, height: needed) }
        if needed <= log.height { return log }
        let top = layout.inspector.y
        return Rect(x: log.x, y: top, width: log.width, height: log.bottom - top)
    }

    /// The step's text wrapped to `width`, a problem first.
    func lines(width: Int) -> [String] {
        var out: [String] = []
        if let problem { out += wrap(problem, width: width) }
        out += wrap(text.joined(separator: " "), width: width)
        return out
    }

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        guard area.height >= 3 else { return }
        buffer.fill(area, with: .blank)
        let title = "lesson \(lesson.number) \(lesson.name): step \(stepIndex + 1)/\(lesson.steps.count)"
        let highlight = caps.usesColor ? Style(fg: .brightYellow, attributes: .bold) : Style.plain.bold()
        let inside = buffer.drawBorder(area, title: title, style: highlight, caps: caps)
        let keys = " > next  < back  q leave "
        buffer.set(keys, x: max(area.x + 1, area.right - keys.count - 1), y: area.bottom - 1, style: highlight, clip: area)
        for (i, line) in lines(width: inside.width).prefix(inside.height).enumerated() {
            let style: Style = (problem != nil && i == 0) ? (caps.usesColor ? Style(fg: .brightRed, attributes: .bold) : .plain.bold()) : .plain
            buffer.set(line, x: inside.x, y: inside.y + i, style: style, clip: inside)
        }
    }
}

/// The list of lessons, over the map (L, or memtop lesson without a name).
struct LessonList {
    var lessons: [Lesson]
    var selected: Int
    var current: String?

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let box = area.centered(Size(cols: min(area.width - 4, 72), rows: min(area.height - 2, lessons.count + 6)))
        buffer.fill(box, with: .blank)
        let inside = buffer.drawBorder(box, title: "lessons (Enter opens, q closes)", style: .plain.bold(), caps: caps)
        for (i, lesson) in lessons.enumerated() where i < inside.height - 2 {
            let mark = lesson.name == current ? "*" : " "
            let text = "\(mark)\(lesson.number)  \(lesson.title)  (\(lesson.steps.count) steps)"
            let style: Style = i == selected ? Style(attributes: [.reverse, .bold]) : .plain
            buffer.set(text, x: inside.x + 1, y: inside.y + i, style: style, clip: inside)
        }
        let hint = "memtop lesson NAME opens one directly: " + lessons.map(\.name).joined(separator: " ")
        for (i, text) in wrap(hint, width: inside.width - 2).prefix(2).enumerated() {
            buffer.set(text, x: inside.x + 1, y: inside.bottom - 2 + i, style: .plain.dim(), clip: inside)
        }
    }
}
