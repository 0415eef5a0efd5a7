import MemEngine

/// The memory map: the simulated machine and how the user is looking at it, as one value.
///
/// `update` is pure (bubbletea's Update): keys become actions through `KeyTable.standard`,
/// actions change the state and step the engine; `render` draws it with the widgets.
struct MemtopApp: TerminalApp {
    var machine: Machine
    /// What the title bar says about the machine ("simulated 1 GiB, 2 nodes, ...").
    var machineLabel: String
    var keys = KeyTable.standard
    /// What q does, for the key bar: live mode's simulation goes back to the live view.
    var quitLabel = "Quit"

    // The view.
    var zoom = Zoom.overview
    /// Index into `machine.blocks` of the block under the cursor.
    var cursorBlock = 0
    /// The page under the cursor when zoomed in (always inside `cursorBlock`).
    var cursorPFN = PFN(0)
    var mode = ColourMode.zone
    var pane = Pane.map
    var tab = PanelTab.inspector
    var modal: Modal?
    /// Lines scrolled back from the newest in the log (0: following the newest).
    var logScroll = 0
    var inspectorScroll = 0
    var screen = Size.headlessDefault

    // The animation.
    var running = false
    var speedIndex = Speed.defaultIndex
    var log: [LogLine] = []
    static let logLimit = 2000
    /// One line of feedback for the last key (a refused key says why).
    var status: String?
    /// The last page migration seen (source, target), kept after it completes so that fast
    /// animations still show where the last page went.
    var lastMigration: (source: PFN, target: PFN)?
    /// The stall the user was already told about (the animation pauses once per stall).
    var announcedStall: String?
    /// The furthest phase of the operation's forward path, so that after a failure the panel
    /// shows where it stopped before `undo_isolate_page_range`.
    var phaseReached: HotplugPhase?
    /// The finished operation's outcome is in the log (and paused the animation once).
    var outcomeAnnounced = false
    /// The migration spotlight, fed after every micro-step the app runs.
    var spotlight = Spotlight()
    /// What the map computed per block for the last frame, reused while blocks are unchanged.
    var mapCache = MapCache()
    /// The reason of a failed offline is explained in the inspector's place until the student
    /// moves on (a key that moves, zooms or starts something).
    var explainingFailure = false

    var minimumSize: Size { ScreenLayout.minimumSize }

    /// Frames come while the machine runs, and while the verdict colours still have blocks to
    /// judge (a slice a frame, so that the map is never frozen).
    var tickInterval: Duration? { (running || hasPendingFrameWork) && modal == nil ? Speed.frameInterval : nil }
    var hasPendingFrameWork: Bool { mapCache.pendingVerdicts > 0 }

    var stepsPerFrame: Int { Speed.ladder[speedIndex] }
    var workPerFrame: Int { stepsPerFrame }

    /// `machine` is consumed: the app must hold the only reference to its page arrays, or the
    /// first engine step copies them all (copy on write: seconds on a 1 TiB machine).
    init(machine: consuming Machine, machineLabel: String) {
        // The log shows what hot-plug does; the workload's own events would drown it.
        machine.eventFilter = [.hotplug]
        _ = machine.drainEvents()
        self.machine = consume machine
        self.machineLabel = machineLabel
        let machine = self.machine
        if let first = machine.blocks.firstIndex(where: { b in machine.zoneType(machine.pfnRange(of: b.id).lowerBound) == .movable }) {
            cursorBlock = first
        }
        cursorPFN = viewRange(of: BlockID(cursorBlock)).lowerBound
        note("memtop: \(machine.blocks.count) memory blocks of \(machine.geometry.pagesPerBlock) pages; "
             + "cursor on \(BlockID(cursorBlock)). o offlines it, ? lists every key.", .important)
    }

    var layout: ScreenLayout { ScreenLayout(Rect(screen), tab: tab, lessonRows: lessonRows) }

    /// The overview's layout on the current screen.
    var overviewLayout: OverviewLayout {
        mapCache.overviewLayout(blocks: mapBlocks, width: layout.map.width - 2, height: layout.map.height - 2)
    }

    mutating func prepareFrame() {
        mapCache.refresh(machine, mode: mode, zoom: zoom, mapInside: layout.map.inset(), cursorBlock: cursorBlock)
    }
    /// Rows a lesson pane needs above the log (set by `LessonApp`; 0 outside a lesson).
    var lessonRows = 0
    var source: SimulatedMemory { SimulatedMemory(machine: machine) }
    var cursorBlockID: BlockID { BlockID(cursorBlock) }
    /// `cursorPFN` is in the map's pfns (an imported machine's real ones); this is the engine's.
    var enginePFN: PFN { PFN(machine.addresses.enginePFN(cursorPFN.raw) ?? cursorPFN.raw) }

    /// A block's pfns as the map shows them.
    func viewRange(of block: BlockID) -> Range<PFN> { machine.addresses.viewRange(machine.pfnRange(of: block)) }

    /// Puts the cursor on a block (a scenario's, at start) and says what to press.
    mutating func placeCursor(on block: BlockID, scenario: String = "", key: String = "o") {
        guard block.raw >= 0, block.raw < machine.blocks.count else { return }
        cursorBlock = block.raw
        cursorPFN = machine.pfnRange(of: block).lowerBound
        note("scenario \(scenario): cursor on \(block); \(key) then Space runs it", .important)
    }

    /// The migration to mark on the map: the folio the spotlight follows, else the one in
    /// flight, else the last one of the operation still running; nothing once it has ended. `pages` is the folio's size: a THP
    /// is marked whole, at both ends.
    var migrationMarks: MigrationMarks? {
        guard let op = machine.operation, !op.isFinished, op.phase == .migrate else { return nil }
        // The folio the spotlight follows, so that the map and the spotlight show the same one
        // while it waits between its unmap and its move (the rest of its batch is unmapped).
        if let f = spotlight.followed, !f.done {
            return MigrationMarks(source: f.source, target: f.target, pages: f.pages)
        }
        let a = machine.addresses
        if let m = op.migration {
            let source = PFN(a.pfn(m.source.raw)), target = m.target.map { PFN(a.pfn($0.raw)) }
            // Once moved, the source is free pages: the target has the folio's order.
            let order = max(machine.pageInfo(source).folioOrder, target.map { machine.pageInfo($0).folioOrder } ?? 0)
            return MigrationMarks(source: source, target: target, pages: 1 << order)
        }
        return lastMigration.map { last in
            let target = PFN(a.pfn(last.target.raw))
            return MigrationMarks(source: PFN(a.pfn(last.source.raw)), target: target, pages: 1 << machine.pageInfo(target).folioOrder)
        }
    }

    mutating func update(_ message: Message) -> [Effect] {
        switch message {
        case .tick:
            // Paused, a frame only lets the verdict colours judge their next slice.
            if running { advance(steps: stepsPerFrame) }
            return []
        case .resize(let size):
            screen = size
            return []
        case .key(let key):
            if let modal { return handleModal(modal, key: key) }
            guard let action = keys.action(for: key) else {
                status = "\(key.displayName) is not bound to anything; ? lists the keys"
                return [.bell]
            }
            status = nil
            return perform(action)
        }
    }

    /// Appends a line to the event log, dropping the oldest past the limit.
    mutating func note(_ text: String, _ weight: LogLine.Weight = .normal) {
        log.append(LogLine(text: text, weight: weight))
        if log.count > Self.logLimit + 200 { log.removeFirst(log.count - Self.logLimit) }
    }
}

extension MemtopApp: MapNavigating {
    /// The zoomed map's layout on the current screen.
    var zoomLayout: ZoomLayout {
        ZoomLayout(geometry: machine.geometry, width: layout.map.width - 2, height: visibleZoomRows, endPFN: PFN(machine.pageCount))
    }

    var mapBlocks: [BlockView] { mapCache.blockViews(machine) }

    /// The `/` prompt is the jump modal.
    var jumpText: String? {
        get {
            guard case .jump(let text)? = modal else { return nil }
            return text
        }
        set { modal = newValue.map(Modal.jump) }
    }

    /// The simulator's pages are always there to draw.
    mutating func zoomedBlockChanged() {}

    func blockingPages(ofBlock index: Int) -> [BlockingPage] {
        guard machine.blocks.indices.contains(index), machine.blocks[index].state == .online else { return [] }
        let verdict = machine.offlineVerdict(BlockID(index))
        guard !verdict.offlinable else { return [] }
        // The cursor and the screen use the machine's own pfns (real ones for an imported machine).
        let a = machine.addresses
        if verdict.blockers.isEmpty {
            return [BlockingPage(pfn: PFN(a.pfn(machine.pfnRange(of: BlockID(index)).lowerBound.raw)), reason: verdict.reason ?? "busy")]
        }
        return verdict.blockers.map { BlockingPage(pfn: PFN(a.pfn($0.pfn.raw)), reason: "\($0.reason) (\($0.kind))") }
    }
}

extension MemtopApp {
    /// The title bar's description of a simulated machine.
    static func label(for config: MachineConfig) -> String {
        "sim \(ByteText.size(config.memoryBytes)) \(config.nodes) node\(config.nodes == 1 ? "" : "s") "
            + "\(config.cpus) cpus \(ByteText.size(config.geometry.blockBytes)) blocks seed \(config.seed)"
    }
}
