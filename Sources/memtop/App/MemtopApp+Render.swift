import MemEngine

extension MemtopApp {
    func render(into buffer: inout Buffer, caps: TerminalCapabilities) {
        let layout = ScreenLayout(buffer.area, tab: tab, lessonRows: lessonRows)
        let memory = source
        let blocks = mapCache.blockViews(machine)
        let overview = mapCache.overviewLayout(blocks: blocks, width: layout.map.width - 2, height: layout.map.height - 2)
        // Zoomed in, the block's blocking pages (its what-if offline): the inspector lists them
        // and the verdict colours mark them.
        let blocking = zoom == .block ? blockingPages(ofBlock: cursorBlock) : []
        let verdicts = mode == .verdict ? verdictColouring(blocks, blocking: blocking) : nil
        TitleBar(machineLabel: machineLabel, fixesOff: machine.config.without.map(\.rawValue).sorted(),
                 running: running, stepsPerFrame: stepsPerFrame, workload: machine.workloadEnabled, mode: mode,
                 summary: verdicts?.summary.short)
            .render(into: &buffer, area: layout.title, caps: caps)
        let m = machine, cache = mapCache, mode = mode
        MapWidget(source: memory, blocks: blocks, mode: mode, zoom: zoom, cursorBlock: cursorBlock,
                  cursorPFN: cursorPFN, marks: migrationMarks,
                  place: { EventText.place(of: $0, machine: m) }, focused: pane == .map, verdicts: verdicts,
                  overviewLayout: overview,
                  tile: { cache.tile(m, blocks: blocks, index: $0, mode: mode, segments: $1) })
            .render(into: &buffer, area: layout.map, caps: caps)
        Legend(mode: mode, zoom: zoom, names: verdicts?.names ?? [:], note: verdicts?.pendingNote,
               segmentsPerBlock: overview.segmentsPerBlock,
               pagesPerCell: zoomLayout.pagesPerCell, shown: verdicts?.legendStates)
            .render(into: &buffer, area: layout.legend, caps: caps)
        let pageLines = zoom == .block
            ? (InspectorText.page(machine, enginePFN) + BlockerList.lines(blocking, cursor: cursorPFN)).map { ($0.text, $0.style) }
            : []
        let inspected = zoom == .block
            ? Inspector(title: "inspector: page \(cursorPFN)", lines: pageLines, scroll: inspectorScroll, focused: pane == .inspector,
                        keepVisible: BlockerList.marked(pageLines))
            : Inspector(title: "inspector: \(machine.addresses.name(cursorBlockID))", lines: InspectorText.block(machine, cursorBlockID).map { ($0.text, $0.style) },
                        scroll: inspectorScroll, focused: pane == .inspector)
        if let teaching = teachingPane {
            switch teaching {
            case .spotlight: SpotlightPane(spotlight: spotlight, machine: machine).render(into: &buffer, area: layout.inspector, caps: caps)
            case .phase(let op): PhasePane(operation: op).render(into: &buffer, area: layout.inspector, caps: caps)
            }
        } else {
            inspected.render(into: &buffer, area: layout.inspector, caps: caps)
        }
        EventLogWidget(lines: log, scroll: logScroll, focused: pane == .log)
            .render(into: &buffer, area: layout.log, caps: caps)
        let zone = zoom == .block ? machine.zoneIndex(enginePFN) ?? machine.zoneIndex(for: blocks[cursorBlock])
                                  : machine.zoneIndex(for: blocks[cursorBlock])
        ZonePanel(stats: zone.map { machine.zoneStats($0) }).render(into: &buffer, area: layout.zonePanel, caps: caps)
        OfflinePanel(operation: machine.operation, pageblocksPerBlock: machine.geometry.pageblocksPerBlock, reached: phaseReached,
                     pcpDisabled: machine.config.has(.isolateFreedPagesASAP), addresses: machine.addresses)
            .render(into: &buffer, area: layout.offlinePanel, caps: caps)
        if let tabbed = layout.tabbed {
            TabStrip(names: ["inspector", "log", "zone", "hot-plug"], selected: tab.rawValue).render(into: &buffer, area: tabbed, caps: caps)
        }
        KeyBar(entries: keyBarEntries, status: statusLine).render(into: &buffer, area: layout.keyBar, caps: caps)
        switch modal {
        case .help(let page)?: HelpScreen(keys: keys, page: page).render(into: &buffer, area: buffer.area, caps: caps)
        case .jump(let text)?: JumpPrompt(text: text).render(into: &buffer, area: layout.keyBar, caps: caps)
        case .online(let choices, let selected)?:
            OnlineChooser(block: cursorBlockID, choices: choices, selected: selected).render(into: &buffer, area: buffer.area, caps: caps)
        case nil: break
        }
    }

    /// The verdict mode's colours: every block's what-if verdict, the zoomed block's blockers.
    /// `blocking`: the zoomed block's blocking pages when the caller has them already.
    func verdictColouring(_ blocks: [BlockView], blocking: [BlockingPage]? = nil) -> VerdictColouring {
        var colouring = mapCache.verdictColouring(machine, blocks: blocks)
        if zoom == .block { colouring.blockingPFNs = Set((blocking ?? blockingPages(ofBlock: cursorBlock)).map(\.pfn)) }
        return colouring
    }

    /// The answer to the last key and, while an operation waits paused, what the next `n` does.
    var statusLine: String? {
        guard !running, let hint = nextStepHint else { return status }
        return status.map { "\($0); \(hint)" } ?? hint
    }

    /// What takes the inspector's place while an offline teaches something: the spotlight
    /// during migration, the phase pane otherwise, the failure's reason after one. Tab to the
    /// inspector pane brings the inspector back.
    enum TeachingPane { case spotlight, phase(HotplugOperation) }

    var teachingPane: TeachingPane? {
        guard pane != .inspector, let op = machine.operation else { return nil }
        if op.isFinished { return explainingFailure ? .phase(op) : nil }
        if op.phase == .migrate, spotlight.followed != nil { return .spotlight }
        return .phase(op)
    }

    /// The keys that matter in the current state.
    var keyBarEntries: [(key: String, label: String)] {
        var entries: [(String, String)] = [("?", "Help"), ("q", quitLabel)]
        let inFlight = machine.operation?.isFinished == false
        if inFlight {
            entries += [("Space", running ? "Pause" : "Run"), ("n", "Step"), ("m", "Folio"), ("M", "NextMig"), ("N", "Phase"), ("Esc", "Cancel(EINTR)")]
        } else {
            entries += [("o", "Offline"), ("O", "Online"), ("Space", running ? "Pause" : "Run")]
            entries.append(zoom == .overview ? ("Enter", "Zoom") : ("Esc", "Back"))
        }
        if mode == .verdict { entries.append(("b", "Next blocker")) }
        entries += [("+-", "Speed"), ("c", "Colours"), ("w", "Workload"), ("/", "Jump"), ("Tab", "Pane:\(pane.title)")]
        return entries
    }
}
