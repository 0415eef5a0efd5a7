import MemEngine

/// The map with lessons on top: `memtop lesson [NAME]`, and the simulator's map itself (where
/// `L` opens the list). The map is a `MemtopApp` value; a lesson step sets it up, and the
/// student's keys go to it, except the lesson's own: `>` next, `<` back, `q` leave.
///
/// Going back is keeping the old value: each step's map is pushed before the next is applied.
struct LessonApp: TerminalApp {
    var map: MemtopApp
    /// The lesson open, if any.
    var lesson: Lesson?
    var stepIndex = 0
    /// The map as it was before each step after the first was applied (for `<`).
    var history: [MemtopApp] = []
    /// The list of lessons, open with the row selected.
    var listSelection: Int?
    /// Closing the list quits (memtop lesson without a name); otherwise it shows the map.
    var listQuits = false
    /// A step that could not be set up, said in the lesson pane.
    var problem: String?

    var minimumSize: Size { map.minimumSize }
    var workPerFrame: Int { map.workPerFrame }
    var tickInterval: Duration? { listSelection == nil ? map.tickInterval : nil }

    init(map: consuming MemtopApp) {
        self.map = map
    }

    mutating func prepareFrame() { map.prepareFrame() }
    var hasPendingFrameWork: Bool { map.hasPendingFrameWork }

    /// Opens `lesson` at its first step on a map of the same screen.
    mutating func open(_ lesson: Lesson) {
        self.lesson = lesson
        listSelection = nil
        history = []
        stepIndex = 0
        enterStep()
    }

    /// Applies the current step to the map.
    mutating func enterStep() {
        guard let lesson, lesson.steps.indices.contains(stepIndex) else { return }
        problem = nil
        do {
            try lesson.steps[stepIndex].apply(to: &map)
        } catch {
            problem = "this step could not be set up: \(error.description)"
        }
    }

    var step: LessonStep? {
        guard let lesson, lesson.steps.indices.contains(stepIndex) else { return nil }
        return lesson.steps[stepIndex]
    }

    mutating func update(_ message: Message) -> [Effect] {
        let effects = handle(message)
        // The map's own layout (mouse hits) leaves the lesson pane its rows, as render does.
        map.lessonRows = pane.map { $0.rows(on: Rect(map.screen), tab: map.tab) } ?? 0
        return effects
    }

    private mutating func handle(_ message: Message) -> [Effect] {
        switch message {
        case .tick:
            return map.update(.tick)
        case .resize:
            return map.update(message)
        case .key(let key):
            if let selection = listSelection { return handleList(key, selection: selection) }
            if map.modal != nil { return map.update(message) }
            if lesson != nil, let effects = handleLessonKey(key) { return effects }
            if map.keys.action(for: key) == .lessons {
                listSelection = lesson.flatMap { current in Lesson.all.firstIndex { $0.name == current.name } } ?? 0
                return []
            }
            return map.update(message)
        }
    }

    /// `>` `.` next step, `<` `,` back, `q` leave to the list; nil for any other key.
    mutating func handleLessonKey(_ key: Key) -> [Effect]? {
        guard let lesson else { return nil }
        switch key {
        case .char(">"), .char("."):
            guard stepIndex + 1 < lesson.steps.count else {
                map.status = "that was the last step of '\(lesson.name)'; q leaves it, L lists the lessons"
                return [.bell]
            }
            history.append(map)
            stepIndex += 1
            enterStep()
            return []
        case .char("<"), .char(","):
            guard let previous = history.popLast() else {
                map.status = "this is the first step; > goes on"
                return [.bell]
            }
            map = previous
            stepIndex -= 1
            problem = nil
            return []
        case .char("q"):
            self.lesson = nil
            history = []
            listSelection = Lesson.all.firstIndex { $0.name == lesson.name } ?? 0
            map.status = "left lesson '\(lesson.name)'"
            return []
        default:
            return nil
        }
    }

    /// The list: Up/Down (k/j) choose, Enter or a number opens, q/Esc close.
    mutating func handleList(_ key: Key, selection: Int) -> [Effect] {
        let count = Lesson.all.count
        switch key {
        case .up, .char("k"): listSelection = max(0, selection - 1)
        case .down, .char("j"): listSelection = min(count - 1, selection + 1)
        case .home: listSelection = 0
        case .end: listSelection = count - 1
        case .enter, .char(">"), .right: open(Lesson.all[selection])
        case .char(let c) where c.wholeNumberValue != nil:
            guard let n = c.wholeNumberValue, let lesson = Lesson.named(String(n)) else { return [.bell] }
            open(lesson)
        case .char("q"), .escape, .function(10), .char("L"):
            listSelection = nil
            if listQuits { return [.quit] }
        default:
            return [.bell]
        }
        return []
    }

    /// The lesson pane of the current step, if a lesson is open.
    var pane: LessonPane? {
        guard let lesson, let step else { return nil }
        return LessonPane(lesson: lesson, stepIndex: stepIndex, text: step.text, problem: problem)
    }

    func render(into buffer: inout Buffer, caps: TerminalCapabilities) {
        var shown = map
        shown.lessonRows = pane.map { $0.rows(on: buffer.area, tab: map.tab) } ?? 0
        shown.render(into: &buffer, caps: caps)
        let layout = ScreenLayout(buffer.area, tab: map.tab, lessonRows: shown.lessonRows)
        if let pane, map.modal == nil {
            let area = pane.area(in: layout)
            pane.render(into: &buffer, area: area, caps: caps)
            if area.bottom < layout.log.bottom {
                // The log keeps the rows below the pane, with its own border.
                let rest = Rect(x: layout.log.x, y: area.bottom, width: layout.log.width, height: layout.log.bottom - area.bottom)
                buffer.fill(rest, with: .blank)
                EventLogWidget(lines: map.log, scroll: map.logScroll, focused: map.pane == .log).render(into: &buffer, area: rest, caps: caps)
            }
        }
        if let listSelection {
            LessonList(lessons: Lesson.all, selected: listSelection, current: lesson?.name)
                .render(into: &buffer, area: buffer.area, caps: caps)
        }
    }
}
