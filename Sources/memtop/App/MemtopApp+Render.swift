import MemEngine

extension MemtopApp {
    func render(into buffer: inout Buffer, caps: TerminalCapabilities) {
        let layout = ScreenLayout(buffer.area)
        let memory = source
        let blocks = memory.blockViews
        TitleBar(machineLabel: machineLabel, fixesOff: machine.config.without.map(\.rawValue).sorted(),
                 running: running, stepsPerFrame: stepsPerFrame, workload: machine.workloadEnabled, mode: mode)
            .render(into: &buffer, area: layout.title, caps: caps)
        let m = machine
        MapWidget(source: memory, blocks: blocks, mode: mode, zoom: zoom, cursorBlock: cursorBlock,
                  cursorPFN: cursorPFN, marks: migrationMarks,
                  place: { EventText.place(of: $0, machine: m) }, focused: pane == .map)
            .render(into: &buffer, area: layout.map, caps: caps)
        Legend(mode: mode, zoom: zoom).render(into: &buffer, area: layout.legend, caps: caps)
        let inspected = zoom == .block
            ? Inspector(title: "inspector: page \(cursorPFN)", lines: InspectorText.page(machine, enginePFN).map { ($0.text, $0.style) },
                        scroll: inspectorScroll, focused: pane == .inspector)
            : Inspector(title: "inspector: \(machine.addresses.name(cursorBlockID))", lines: InspectorText.block(machine, cursorBlockID).map { ($0.text, $0.style) },
                        scroll: inspectorScroll, focused: pane == .inspector)
        inspected.render(into: &buffer, area: layout.inspector, caps: caps)
        EventLogWidget(lines: log, scroll: logScroll, focused: pane == .log)
            .render(into: &buffer, area: layout.log, caps: caps)
        let zone = zoom == .block ? machine.zoneIndex(enginePFN) ?? machine.zoneIndex(for: blocks[cursorBlock])
                                  : machine.zoneIndex(for: blocks[cursorBlock])
        ZonePanel(stats: zone.map { machine.zoneStats($0) }).render(into: &buffer, area: layout.zonePanel, caps: caps)
        OfflinePanel(operation: machine.operation, pageblocksPerBlock: machine.geometry.pageblocksPerBlock, reached: phaseReached,
                     addresses: machine.addresses)
            .render(into: &buffer, area: layout.offlinePanel, caps: caps)
        KeyBar(entries: keyBarEntries, status: status).render(into: &buffer, area: layout.keyBar, caps: caps)
        switch modal {
        case .help?: HelpScreen(keys: keys).render(into: &buffer, area: buffer.area, caps: caps)
        case .jump(let text)?: JumpPrompt(text: text).render(into: &buffer, area: layout.keyBar, caps: caps)
        case .online(let choices, let selected)?:
            OnlineChooser(block: cursorBlockID, choices: choices, selected: selected).render(into: &buffer, area: buffer.area, caps: caps)
        case nil: break
        }
    }

    /// The keys that matter in the current state.
    var keyBarEntries: [(key: String, label: String)] {
        var entries: [(String, String)] = [("?", "Help"), ("q", "Quit")]
        let inFlight = machine.operation?.isFinished == false
        if inFlight {
            entries += [("Space", running ? "Pause" : "Run"), ("n", "Step"), ("N", "Phase"), ("Esc", "Cancel(EINTR)")]
        } else {
            entries += [("o", "Offline"), ("O", "Online"), ("Space", running ? "Pause" : "Run")]
            entries.append(zoom == .overview ? ("Enter", "Zoom") : ("Esc", "Back"))
        }
        entries += [("+-", "Speed"), ("c", "Colours"), ("w", "Workload"), ("/", "Jump"), ("Tab", "Pane:\(pane.title)")]
        return entries
    }
}
