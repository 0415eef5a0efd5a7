import MemEngine

/// The pages of the help window (Tab, the arrows or 1-5 turn them; q and Esc close it).
enum HelpPage: Int, CaseIterable, Hashable, Sendable {
    case keys, colours, phases, fixes, failures

    var title: String {
        switch self {
        case .keys: "keys"
        case .colours: "colour modes"
        case .phases: "phases"
        case .fixes: "2007 fixes"
        case .failures: "failure reasons"
        }
    }

    func turned(by delta: Int) -> HelpPage { cycledCase(by: delta) }

    /// The page a key asks for, or nil when the key does not turn pages.
    func after(_ key: Key) -> HelpPage? {
        switch key {
        case .tab, .right, .char("l"), .pageDown, .char(" "): return turned(by: 1)
        case .backTab, .left, .char("h"), .pageUp: return turned(by: -1)
        case .char(let c):
            guard let n = c.wholeNumberValue, (1...HelpPage.allCases.count).contains(n) else { return nil }
            return HelpPage(rawValue: n - 1)
        default: return nil
        }
    }

    /// Whether `key` closes the help: q, Esc, F10, ? and F1 (never quits the app).
    static func closes(_ key: Key) -> Bool {
        [.char("q"), .escape, .function(10), .char("?"), .function(1), .enter].contains(key)
    }
}

/// The help window: every key of the key table, and pages on the colour modes, the phases of
/// offline_pages(), the 2007 fixes and the kernel's failure reasons.
struct HelpScreen {
    var keys: KeyTable
    var page: HelpPage = .keys

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let box = area.centered(Size(cols: min(area.width - 4, 100), rows: area.height - 2))
        buffer.fill(box, with: .blank)
        let tabs = HelpPage.allCases.map { "\($0.rawValue + 1) \($0.title)" }
        let inside = buffer.drawBorder(box, title: "help: " + page.title + " (Tab turns, q/Esc close)", style: .plain.bold(), caps: caps)
        var x = inside.x + 1
        for (i, tab) in tabs.enumerated() {
            x = buffer.set(" \(tab) ", x: x, y: inside.y, style: i == page.rawValue ? Style(attributes: [.reverse, .bold]) : .plain.dim(), clip: inside) + 1
        }
        let body = Rect(x: inside.x + 1, y: inside.y + 2, width: inside.width - 2, height: inside.height - 2)
        switch page {
        case .keys: renderKeys(into: &buffer, area: body)
        default: renderLines(lines(width: body.width), into: &buffer, area: body)
        }
    }

    private func renderKeys(into buffer: inout Buffer, area: Rect) {
        let rows = keys.helpRows
        let notes = [
            "Mouse: click selects a block or page (click the selected block to zoom); the wheel scrolls or zooms.",
            "Esc while an offline runs sends it a signal: offline_pages backs off with EINTR and rolls back.",
            "In a lesson (L, or memtop lesson): > next step, < back, q leaves the lesson.",
            "t: on screens below 120x30 the panels are tabs.",
        ]
        let half = (rows.count + 1) / 2
        let columnWidth = area.width / 2
        // The keys' column as wide as the longest keys ("Esc Backspace") and a space.
        let keyWidth = min(16, (rows.map(\.keys.count).max() ?? 0) + 1)
        for (i, row) in rows.enumerated() {
            let column = i / half, line = i % half
            let x = area.x + column * columnWidth
            guard line < area.height else { continue }
            let clip = Rect(x: x, y: area.y, width: columnWidth - 1, height: area.height)
            buffer.set(row.keys, x: x, y: area.y + line, style: .plain.bold(), clip: clip)
            buffer.set(row.action.summary, x: x + keyWidth, y: area.y + line, clip: clip)
        }
        var y = area.y + half + 1
        for note in notes {
            for text in wrap(note, width: area.width) where y < area.bottom {
                buffer.set(text, x: area.x, y: y, style: .plain.dim(), clip: area)
                y += 1
            }
        }
    }

    private func renderLines(_ lines: [(String, Style)], into buffer: inout Buffer, area: Rect) {
        for (i, line) in lines.prefix(area.height).enumerated() {
            buffer.set(line.0, x: area.x, y: area.y + i, style: line.1, clip: area)
        }
    }

    /// The text of a page other than the keys, wrapped to `width`.
    func lines(width: Int) -> [(String, Style)] {
        var out: [(String, Style)] = []
        func heading(_ s: String) { out.append((s, .plain.bold())) }
        func para(_ s: String, indent: Int = 2) {
            for t in wrap(s, width: max(10, width - indent)) { out.append((String(repeating: " ", count: indent) + t, .plain)) }
        }
        switch page {
        case .keys:
            break
        case .colours:
            para("c cycles the colour modes. In the whole-machine view a cell stands for many pages: it shows the most common state, unless a state that must not be missed (isolated, migrating, reserved) is there.", indent: 0)
            for mode in ColourMode.allCases {
                heading(mode.title + ": " + ColourMode.purpose(mode))
                para(mode.states.map { "\($0.swatch.glyph) \($0.name)" }.joined(separator: ", "))
            }
            para("Marks: S source and T target of the migration in flight, ◆ the cursor.", indent: 0)
        case .phases:
            para("offline_pages() runs these in order; the hot-plug panel lights the current one and the phase pane explains it.", indent: 0)
            for phase in HotplugPhase.offlinePhases + [.undoIsolate] {
                let e = PhaseExplanation.of(phase)
                heading("\(phase.kernelName)  (\(e.file))")
                para(e.what)
            }
        case .fixes:
            para("With --without FIX a fix of the 2007 memory hot-remove series is switched off; memtop shows the bug, reports it as a failure of the offline and rolls the machine back. Lesson 7 shows each one off and then on.", indent: 0)
            for fix in Fix.allCases {
                heading("--without \(fix.rawValue)")
                para(fix.consequence)
            }
        case .failures:
            para("A failed offline ends with the kernel's line \"memory offlining [mem 0x...-0x...] failed due to REASON\" and write() returns the errno.", indent: 0)
            for f in FailureExplanation.all {
                heading(f.errno.isEmpty ? "the notifier's errno, \"\(f.reason)\"" : "\(f.errno) \"\(f.reason)\"")
                para(f.text)
            }
            heading("a failed online: the notifier's errno, no reason string")
            para(FailureExplanation.online)
        }
        return out
    }
}

extension ColourMode {
    /// What a colour mode is for, one line of the help.
    static func purpose(_ mode: ColourMode) -> String {
        switch mode {
        case .zone: "which zone a page belongs to (ZONE_MOVABLE holds only movable pages)"
        case .migratetype: "each pageblock's migratetype; Isolate while an offline runs"
        case .isolation: "what isolation has done: isolated free, isolated in use, migrating"
        case .lru: "which LRU list a page is on (only LRU pages can be migrated)"
        case .kind: "what holds the page: free, per-cpu, anon, file, slab, page table, reserved"
        case .verdict: "whether each block would offline now, and if not the reason (b jumps to the next blocking page)"
        }
    }
}
