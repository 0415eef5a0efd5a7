import MemEngine

/// Live mode: the map of this machine's real memory (or of a saved copy), read-only, refreshed
/// every `interval`, with what-if verdicts, and `o` to animate a simulated offline of a block
/// built from its real pages.
///
/// Reading happens in `update` (ticks, r, Enter, o): the loop has no other place for it, and
/// each read is bounded (see `LiveReader`). Everything else is as pure as `MemtopApp`.
struct LiveApp: TerminalApp, MapNavigating {
    var reader: LiveReader
    var memory: LiveMemory
    var interval: Duration
    var keys = KeyTable.standard

    var zoom = Zoom.overview
    /// Index into `memory.blockViews`.
    var cursorBlock = 0
    var cursorPFN = PFN(0)
    /// Verdicts first: the question live mode answers is which blocks would offline.
    var mode = ColourMode.verdict
    var pane = Pane.map
    var tab = PanelTab.inspector
    var showHelp = false
    /// The `/` prompt's text while it is open.
    var jumpText: String?
    var log: [LogLine] = []
    var logScroll = 0
    var inspectorScroll = 0
    var screen = Size.headlessDefault
    var status: String?
    /// Refresh is paused (space).
    var paused = false
    var refreshes = 0
    /// The next block the round-robin refresh reads.
    var refreshNext = 0
    /// The simulated offline in progress, shown instead of the live view while it exists.
    var simulation: MemtopApp?

    var minimumSize: Size { ScreenLayout.minimumSize }

    var isSavedCopy: Bool { !reader.source.isMachine }

    var tickInterval: Duration? {
        if let simulation { return simulation.tickInterval }
        // A saved copy never changes: nothing to refresh.
        return paused || showHelp || isSavedCopy ? nil : interval
    }

    /// Reads `source` whole; the cursor starts on the first online block.
    init(source: LiveSource, interval: Duration = .seconds(2)) {
        reader = LiveReader(source: source)
        memory = reader.readAll()
        self.interval = interval
        cursorBlock = memory.blockViews.firstIndex { $0.state == .online } ?? 0
        cursorPFN = memory.blockViews[safe: cursorBlock]?.pfns.lowerBound ?? PFN(0)
        let what = isSavedCopy ? "a saved copy, read once" : "this machine, read every \(Self.seconds(interval))"
        note("\(memory.blockViews.count) blocks of \(ByteText.size(memory.geometry.blockBytes)) from \(what); nothing is written.", .important)
        note("what-if offline: " + verdictColouring.summary.text, .important)
        note("o simulates offlining the block under the cursor; b jumps to the next blocking pfn; ? lists the keys.")
        for problem in memory.unavailable { note("unavailable: " + problem, .error) }
    }

    var layout: ScreenLayout { ScreenLayout(Rect(screen), tab: tab) }
    var cursorView: BlockView? { memory.blockViews[safe: cursorBlock] }

    static func seconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        if atto == 0 { return "\(s)s" }
        return "\(Double(s) + Double(atto) / 1e18)s"
    }

    mutating func note(_ text: String, _ weight: LogLine.Weight = .normal) {
        log.append(LogLine(text: text, weight: weight))
        if log.count > MemtopApp.logLimit { log.removeFirst(log.count - MemtopApp.logLimit) }
    }

    mutating func update(_ message: Message) -> [Effect] {
        if simulation != nil { return updateSimulation(message) }
        switch message {
        case .tick:
            refreshPart()
            return []
        case .resize(let size):
            screen = size
            return []
        case .key(let key):
            if showHelp {
                // q closes the help, as everywhere; it never quits from inside it.
                showHelp = false
                return []
            }
            if let jumpText { return editJump(jumpText, key: key) }
            guard let action = keys.action(for: key) else {
                status = "\(key.displayName) is not bound to anything; ? lists the keys"
                return [.bell]
            }
            status = nil
            return perform(action)
        }
    }

    // MARK: reading

    /// The periodic refresh: the text files, the next blocks round robin within the budget, and
    /// the zoomed block.
    mutating func refreshPart() {
        let count = memory.blockViews.count
        guard count > 0 else {
            reader.refresh(&memory, blocks: [], zoomBlock: nil)
            return
        }
        let perRefresh = max(1, LiveReader.refreshBudget / max(1, memory.geometry.pagesPerBlock))
        let part = (0..<min(count, perRefresh)).map { (refreshNext + $0) % count }
        refreshNext = (refreshNext + part.count) % count
        reader.refresh(&memory, blocks: part, zoomBlock: zoom == .block ? cursorBlock : nil,
                       pageTypes: refreshes % LiveReader.pageTypesEvery == 0)
        refreshes += 1
        clampCursor()
    }

    /// `r`: everything now.
    mutating func refreshAll() {
        let zoomBlock = zoom == .block ? cursorBlock : nil
        reader.refresh(&memory, blocks: Array(memory.blockViews.indices), zoomBlock: zoomBlock)
        refreshes += 1
        clampCursor()
    }

    mutating func clampCursor() {
        cursorBlock = max(0, min(cursorBlock, memory.blockViews.count - 1))
        if let view = cursorView, !view.pfns.contains(cursorPFN) { cursorPFN = view.pfns.lowerBound }
    }

    // MARK: actions

    mutating func perform(_ action: Action) -> [Effect] {
        switch action {
        case .quit: return [.quit]
        case .help: showHelp = true
        case .redraw: return [.redraw]
        case .moveUp, .moveDown, .moveLeft, .moveRight, .pageUp, .pageDown, .home, .end:
            move(action)
        case .zoomIn: return zoomIn()
        case .zoomOut, .back:
            if zoom == .block { zoom = .overview } else { status = "already at the whole machine" }
        case .offline: return simulateOffline()
        case .online, .offlineNode:
            status = "live mode never writes to /sys: O and X change blocks in the simulator only"
            return [.bell]
        case .runPause:
            guard !isSavedCopy else {
                status = "a saved copy does not change: it was read once, there is nothing to pause"
                return [.bell]
            }
            paused.toggle()
            status = paused ? "refresh paused: space resumes, r reads once" : "refreshing every \(Self.seconds(interval))"
        case .refresh:
            guard !isSavedCopy else {
                status = "a saved copy does not change: it was read once at start"
                return [.bell]
            }
            refreshAll()
            status = "read again: every block (refresh #\(refreshes))"
        case .step, .phase, .stepFolio, .nextMigration, .pinSpotlight, .faster, .slower, .workloadToggle:
            status = "\(action.summary): only in a simulation; o simulates offlining the block under the cursor"
            return [.bell]
        case .lessons:
            status = "lessons run on the simulator: memtop lesson lists them"
            return [.bell]
        case .jump: jumpText = ""
        case .click(let x, let y): return click(x: x, y: y)
        case .wheelUp(let x, let y): return wheel(x: x, y: y, up: true)
        case .wheelDown(let x, let y): return wheel(x: x, y: y, up: false)
        case .colourMode:
            mode = mode.next
            status = "colours: \(mode.title)" + (Self.unavailableModes.contains(mode) ? " (unavailable on a live machine)" : "")
        case .nextPane: cyclePane(by: 1)
        case .previousPane: cyclePane(by: -1)
        case .nextTab: nextTab()
        case .nextBlocker: return jumpToNextBlocker()
        }
        return []
    }

    /// Modes the kernel cannot give per page: it exports no per-pageblock migratetype, and
    /// isolation shows only as pagetypeinfo's Isolate count.
    static let unavailableModes: Set<ColourMode> = [.migratetype, .isolation]

    mutating func zoomIn() -> [Effect] {
        guard let view = cursorView else { return [.bell] }
        guard zoom == .overview else {
            status = "already showing every page of \(view.id); Esc zooms out"
            return [.bell]
        }
        zoom = .block
        if !view.pfns.contains(cursorPFN) { cursorPFN = view.pfns.lowerBound }
        reader.readZoom(&memory, block: cursorBlock)
        if memory.zoomed == nil { status = "page flags of \(view.id) unavailable (see the panel on the right)" }
        return []
    }

    mutating func move(_ action: Action) {
        if scrollPane(action) { return }
        let count = memory.blockViews.count
        guard count > 0 else { return }
        if zoom == .block {
            movePage(action)
            return
        }
        let overview = OverviewLayout(blocks: memory.blockViews, width: layout.map.width - 2, height: layout.map.height - 2)
        cursorBlock = overview.moved(action, from: cursorBlock, count: count)
        inspectorScroll = 0
        cursorPFN = memory.blockViews[cursorBlock].pfns.lowerBound
    }

    // MARK: the map, shared with the simulator

    var zoomLayout: ZoomLayout {
        ZoomLayout(geometry: memory.geometry, width: layout.map.width - 2, height: visibleZoomRows, endPFN: memory.blockViews.last?.pfns.upperBound ?? PFN(0))
    }

    var mapBlocks: [BlockView] { memory.blockViews }

    func blockingPages(ofBlock index: Int) -> [BlockingPage] {
        guard let report = memory.reports[safe: index] ?? nil, report.offlinable == false else { return [] }
        return report.blockers.map(BlockingPage.init)
    }

    /// Reads the pages of the block now zoomed into, unless they are the ones already read.
    mutating func zoomedBlockChanged() {
        guard memory.zoomed?.block != cursorBlock, let view = cursorView else { return }
        reader.readZoom(&memory, block: cursorBlock)
        if memory.zoomed == nil { status = "page flags of \(view.id) unavailable (see the panel on the right)" }
    }

    // MARK: the simulation

    /// `o`: imports the block under the cursor and its surroundings into the engine and starts
    /// offlining it there.
    mutating func simulateOffline() -> [Effect] {
        guard let view = cursorView else { return [.bell] }
        switch LiveImport.simulation(of: cursorBlock, memory: memory, reader: reader, mode: mode, screen: screen) {
        case .success(var app):
            app.quitLabel = "Back to live"
            simulation = app
            note("o: simulating the offline of \(view.id) from its real pages; nothing is written to /sys", .important)
            return []
        case .failure(let refusal):
            status = "cannot simulate: \(refusal.message)"
            return [.bell]
        }
    }

    /// While the simulation shows, keys go to it; q, and Esc once nothing is left to cancel or
    /// zoom out of, come back to the live view.
    mutating func updateSimulation(_ message: Message) -> [Effect] {
        guard var sim = simulation else { return [] }
        defer { if simulation != nil { simulation = sim } }
        if case .resize(let size) = message { screen = size }
        if case .key(let key) = message, sim.modal == nil {
            let inFlight = sim.machine.operation?.isFinished == false
            if key == .char("q") || key == .function(10) || (key == .escape && !inFlight && sim.zoom == .overview) {
                let outcome = sim.machine.operation.map { EventText.outcome($0, addresses: sim.machine.addresses) } ?? "not started"
                simulation = nil
                note("simulation ended (\(outcome)); back to the live view", .important)
                status = "back to the live view (the simulation changed nothing)"
                return []
            }
        }
        return sim.update(message).filter { $0 != .quit }
    }
}
