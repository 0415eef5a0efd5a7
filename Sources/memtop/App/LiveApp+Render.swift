import MemEngine

extension LiveApp {
    func render(into buffer: inout Buffer, caps: TerminalCapabilities) {
        if let simulation {
            simulation.render(into: &buffer, caps: caps)
            return
        }
        let layout = ScreenLayout(buffer.area, tab: tab)
        let blocks = memory.blockViews
        let verdicts = verdictColouring
        TitleBar(machineLabel: sourceLabel, fixesOff: [], running: false, stepsPerFrame: 0, workload: false, mode: mode,
                 liveState: refreshState, summary: verdicts.summary.short).render(into: &buffer, area: layout.title, caps: caps)
        if blocks.isEmpty {
            let inside = buffer.drawBorder(layout.map, title: "map", caps: caps)
            for (i, line) in wrap("No memory blocks to draw: /sys/devices/system/memory could not be read (see the panel on the right).",
                                  width: inside.width).enumerated() {
                buffer.set(line, x: inside.x, y: inside.y + i, style: .plain.bold(), clip: inside)
            }
        } else {
            MapWidget(source: memory, blocks: blocks, mode: mode, zoom: zoom, cursorBlock: cursorBlock, cursorPFN: cursorPFN,
                      marks: nil, place: { _ in nil }, focused: pane == .map, verdicts: verdicts)
                .render(into: &buffer, area: layout.map, caps: caps)
        }
        Legend(mode: mode, zoom: zoom, names: mode == .kind ? LiveMemory.legendNames : mode == .verdict ? verdicts.names : [:], note: legendNote,
               segmentsPerBlock: OverviewLayout(blocks: blocks, width: layout.map.width - 2, height: layout.map.height - 2).segmentsPerBlock,
               pagesPerCell: zoomLayout.pagesPerCell, shown: mode == .verdict ? verdicts.legendStates : nil)
            .render(into: &buffer, area: layout.legend, caps: caps)
        let inspector: Inspector
        if blocks.isEmpty {
            inspector = Inspector(title: "inspector", lines: [("nothing under the cursor", .plain.dim())], scroll: 0, focused: pane == .inspector)
        } else if zoom == .block {
            let lines = LiveText.page(memory, cursorPFN) + BlockerList.lines(blockingPages(ofBlock: cursorBlock), cursor: cursorPFN)
            inspector = Inspector(title: "inspector: page \(cursorPFN)", lines: lines, scroll: inspectorScroll,
                                  focused: pane == .inspector, keepVisible: BlockerList.marked(lines))
        } else {
            inspector = Inspector(title: "inspector: \(blocks[cursorBlock].id) (what-if offline)", lines: LiveText.block(memory, cursorBlock),
                                  scroll: inspectorScroll, focused: pane == .inspector)
        }
        inspector.render(into: &buffer, area: layout.inspector, caps: caps)
        EventLogWidget(lines: log, scroll: logScroll, focused: pane == .log).render(into: &buffer, area: layout.log, caps: caps)
        ZonePanel(stats: zoneStats).render(into: &buffer, area: layout.zonePanel, caps: caps)
        Inspector(title: "live: what /proc cannot show", lines: limitLines(width: layout.offlinePanel.width - 2), scroll: 0, focused: false)
            .render(into: &buffer, area: layout.offlinePanel, caps: caps)
        if let tabbed = layout.tabbed {
            TabStrip(names: ["inspector", "log", "zone", "limits"], selected: tab.rawValue).render(into: &buffer, area: tabbed, caps: caps)
        }
        KeyBar(entries: keyBarEntries, status: status).render(into: &buffer, area: layout.keyBar, caps: caps)
        if let jumpText { JumpPrompt(text: jumpText).render(into: &buffer, area: layout.keyBar, caps: caps) }
        if showHelp { HelpScreen(keys: keys).render(into: &buffer, area: buffer.area, caps: caps) }
    }

    /// Every block's what-if verdict as read so far, and the zoomed block's blockers.
    var verdictColouring: VerdictColouring {
        let movable = (memory.snapshot.zones ?? []).contains { $0.name == "Movable" && $0.present > 0 }
        var colouring = VerdictColouring(blocks: memory.blockViews, reports: memory.reports, hasMovableZone: movable)
        if zoom == .block { colouring.blockingPFNs = Set(blockingPages(ofBlock: cursorBlock).map(\.pfn)) }
        return colouring
    }

    /// The title's description of the source.
    var sourceLabel: String {
        let kernel = memory.snapshot.kernel ?? "unknown kernel"
        return isSavedCopy ? "saved copy of \(kernel), read-only" : "live: this machine, \(kernel), read-only"
    }

    var refreshState: String {
        // A saved copy is read once; the label says it is one.
        if isSavedCopy { return "" }
        if paused { return "refresh paused (space)" }
        return "refresh every \(Self.seconds(interval)), #\(refreshes)"
    }

    var legendNote: String? {
        switch mode {
        case .migratetype:
            return "unavailable on a live machine: only per-zone totals (zone panel)"
        case .isolation:
            return "unavailable on a live machine: only the Isolate count (zone panel)"
        default:
            return nil
        }
    }

    /// The zone of the page under the cursor (zoomed) or of the block's first page.
    var zoneStats: ZoneStats? {
        guard let view = cursorView else { return nil }
        let pfn = zoom == .block ? cursorPFN : view.pfns.lowerBound
        guard let zone = memory.zoneType(at: pfn, in: view) ?? view.zone else { return nil }
        return LiveText.zoneStats(memory.snapshot, node: view.node.raw, zone: zone.description)
    }

    /// What could not be read, then what /proc never shows, wrapped to the panel.
    func limitLines(width: Int) -> [(text: String, style: Style)] {
        var lines: [(String, Style)] = []
        for problem in memory.unavailable {
            lines += wrap("unavailable: " + problem, width: width).map { ($0, Style(fg: .brightRed, attributes: .bold)) }
        }
        for limit in LiveInspector.limits {
            lines += wrap("- " + limit, width: width).map { ($0, .plain.dim()) }
        }
        return lines
    }

    var keyBarEntries: [(key: String, label: String)] {
        var entries: [(String, String)] = [("?", "Help"), ("q", "Quit")]
        entries.append(zoom == .overview ? ("Enter", "Zoom") : ("Esc", "Back"))
        entries.append(("o", "Simulate offline"))
        entries.append(("b", "Next blocker"))
        if !isSavedCopy { entries += [("r", "Refresh"), ("Space", paused ? "Resume" : "Pause")] }
        entries += [("c", "Colours"), ("/", "Jump"), ("Tab", "Pane:\(pane.title)")]
        return entries
    }
}
