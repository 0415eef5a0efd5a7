import MemEngine
import Testing
@testable import memtop

/// The pure update: keys change the view and drive the engine as the help screen says.
@Suite("App: update")
struct AppUpdateTests {
    @Test("starts paused (no ticks, no CPU) on the first ZONE_MOVABLE block, in the overview")
    func initialState() {
        let app = AppFixture.app()
        #expect(app.tickInterval == nil)
        #expect(app.zoom == .overview)
        #expect(app.machine.zoneType(app.machine.pfnRange(of: app.cursorBlockID).lowerBound) == .movable)
    }

    @Test("Enter zooms into the block, Esc and Backspace zoom out")
    func zoom() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "<Enter>")
        #expect(app.zoom == .block)
        #expect(app.machine.pfnRange(of: app.cursorBlockID).contains(app.cursorPFN))
        _ = AppFixture.press(&app, "<Esc>")
        #expect(app.zoom == .overview)
        _ = AppFixture.press(&app, "<Enter><Backspace>")
        #expect(app.zoom == .overview)
    }

    @Test("arrows and hjkl move the block cursor, clamped at the ends")
    func moveBlocks() {
        var app = AppFixture.app()
        let start = app.cursorBlock
        _ = AppFixture.press(&app, "ll")
        #expect(app.cursorBlock == start + 2)
        _ = AppFixture.press(&app, "<Left>")
        #expect(app.cursorBlock == start + 1)
        _ = AppFixture.press(&app, "<Home>h")
        #expect(app.cursorBlock == 0)
        _ = AppFixture.press(&app, "<End>l")
        #expect(app.cursorBlock == app.machine.blocks.count - 1)
        _ = AppFixture.press(&app, "<Home>j")
        #expect(app.cursorBlock == 1, "down from block 0 (alone in its group) lands on the row below")
    }

    @Test("zoomed in, moves walk pages: left/right a cell (2 pages), up/down a half cell")
    func movePages() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "<Enter>")
        let base = app.cursorPFN
        _ = AppFixture.press(&app, "l")
        #expect(app.cursorPFN == base + 2)
        _ = AppFixture.press(&app, "j")
        #expect(app.cursorPFN == base + 3)
        _ = AppFixture.press(&app, "j")
        #expect(app.cursorPFN == base + 2 + app.zoomLayout.pagesPerRow)
        _ = AppFixture.press(&app, "<Home>k")
        #expect(app.cursorPFN == base)
    }

    @Test("c cycles through the six colour modes and back")
    func colourModes() {
        var app = AppFixture.app()
        var seen: [ColourMode] = []
        for _ in 0..<6 {
            seen.append(app.mode)
            _ = AppFixture.press(&app, "c")
        }
        #expect(seen == [.zone, .migratetype, .isolation, .lru, .kind, .verdict])
        #expect(app.mode == .zone)
    }

    @Test("+ and - move along the speed ladder and ring the bell past its ends")
    func speed() {
        var app = AppFixture.app()
        #expect(app.stepsPerFrame == 10)
        for _ in 0..<(Speed.ladder.count) { _ = AppFixture.press(&app, "+") }
        #expect(app.stepsPerFrame == Speed.ladder.last)
        #expect(AppFixture.press(&app, "+") == [.bell])
        for _ in 0..<(Speed.ladder.count) { _ = AppFixture.press(&app, "-") }
        #expect(app.stepsPerFrame == 1)
        #expect(AppFixture.press(&app, "-") == [.bell])
    }

    @Test("space runs and pauses; n steps one micro-step; w switches the workload")
    func runPauseStep() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "<Space>")
        #expect(app.tickInterval != nil)
        _ = AppFixture.press(&app, "<Space>")
        #expect(app.tickInterval == nil)
        let tick = app.machine.tick
        _ = AppFixture.press(&app, "n")
        #expect(app.machine.tick == tick + 1)
        _ = AppFixture.press(&app, "w")
        #expect(!app.machine.workloadEnabled)
    }

    @Test("o on a paused map prepares the offline and waits; space runs it to the result and pauses")
    func offline() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "+++++")
        _ = AppFixture.press(&app, "o")
        #expect(!app.running, "o respects pause")
        #expect(app.machine.operation?.phase == .changeState)
        #expect(AppFixture.screen(app).contains("next n: memory_block_change_state"))
        _ = AppFixture.press(&app, "<Space>")
        #expect(app.running)
        #expect(app.machine.operation?.block == app.cursorBlockID)
        for _ in 0..<400 where app.running { _ = app.update(.tick) }
        #expect(app.machine.operation?.result?.outcome == .offlined)
        #expect(app.machine.blocks[app.cursorBlock].state == .offline)
        #expect(!app.running, "the animation pauses on the result")
        #expect(app.log.contains { $0.text.hasPrefix("folio_copy pfn") && $0.text.contains(" -> ") && $0.text.contains("node") })
        #expect(app.log.contains { $0.text == "offlined \(app.cursorBlockID)" })
    }

    @Test("Esc while an offline runs cancels it: EINTR, signal backoff, block back online")
    func cancel() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "o<Space><tick:8><Esc>")
        #expect(app.machine.operation?.signalPending == true)
        #expect(app.zoom == .overview)
        // The kernel sees the signal only at the top of its loop, after do_migrate_range.
        for _ in 0..<4000 where app.running { _ = app.update(.tick) }
        let result = app.machine.operation?.result
        #expect(result?.errno == "EINTR")
        #expect(result?.reason == "signal backoff")
        #expect(app.machine.blocks[app.cursorBlock].state == .online)
        #expect(AppFixture.screen(app).contains("EINTR"))
    }

    @Test("o on an offline block is refused with a reason; O opens the zone chooser")
    func onlineChooser() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "+++++++o<Space>")
        for _ in 0..<400 where app.running { _ = app.update(.tick) }
        #expect(AppFixture.press(&app, "o") == [.bell])
        #expect(app.status?.contains("already offline") == true)
        _ = AppFixture.press(&app, "O")
        guard case .online(let choices, _)? = app.modal else {
            Issue.record("no chooser")
            return
        }
        #expect(choices.map(\.type).contains(.movable))
        _ = AppFixture.press(&app, "<Enter><Space>")
        for _ in 0..<400 where app.running { _ = app.update(.tick) }
        #expect(app.machine.blocks[app.cursorBlock].state == .online)
        #expect(app.machine.zoneType(app.machine.pfnRange(of: app.cursorBlockID).lowerBound) == choices[0].zone)
    }

    @Test("N runs one phase; refused with nothing in flight")
    func phase() {
        var app = AppFixture.app()
        #expect(AppFixture.press(&app, "N") == [.bell])
        _ = AppFixture.press(&app, "o<Space>")
        let first = app.machine.operation?.phase
        _ = AppFixture.press(&app, "N")
        #expect(app.machine.operation?.phase != first)
    }

    @Test("/ jumps to a pfn (hex or decimal) and zooms there, or to a block")
    func jump() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "/0x1e123<Enter>")
        #expect(app.cursorPFN == PFN(0x1e123))
        #expect(app.cursorBlock == 0x1e123 / 2048)
        #expect(app.zoom == .block)
        _ = AppFixture.press(&app, "<Esc>/b7<Enter>")
        #expect(app.cursorBlock == 7)
        _ = AppFixture.press(&app, "/memory9<Enter>")
        #expect(app.cursorBlock == 9)
        _ = AppFixture.press(&app, "/4096<Enter>")
        #expect(app.cursorPFN == PFN(4096))
    }

    @Test("bad jump input keeps the cursor and says why", arguments: ["zzz", "memory999", "0xfffffff", "", "b-1"])
    func badJump(text: String) {
        var app = AppFixture.app()
        let before = app.cursorBlock
        let effects = AppFixture.press(&app, "/\(text)<Enter>")
        #expect(effects == [.bell])
        #expect(app.cursorBlock == before)
        #expect(app.modal == nil)
        #expect(app.status?.isEmpty == false)
    }

    @Test("Tab cycles the panes; in the log pane arrows scroll it")
    func panes() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "o<Space><tick:20>")
        _ = AppFixture.press(&app, "<Tab>")
        #expect(app.pane == .log)
        _ = AppFixture.press(&app, "kk")
        #expect(app.logScroll == 2)
        _ = AppFixture.press(&app, "<End>")
        #expect(app.logScroll == 0)
        _ = AppFixture.press(&app, "<Tab><Tab>")
        #expect(app.pane == .map)
    }

    @Test("a click selects the block under it; a second click zooms; the wheel zooms out")
    func mouse() {
        // Wide enough that a zoomed block fits the map, so that the wheel zooms out.
        var app = AppFixture.app(size: Size(cols: 160, rows: 50))
        let inside = app.layout.map.inset()
        // Block 1's tile: the second tile row, first column, its cells line.
        let overview = OverviewLayout(blocks: app.mapBlocks, width: inside.width, height: inside.height)
        let x = inside.x + OverviewLayout.labelWidth + 1, y = inside.y + 1 + overview.rowLines + 1
        _ = app.update(.key(.click(x: x, y: y)))
        #expect(app.cursorBlock == 1)
        _ = app.update(.key(.click(x: x, y: y)))
        #expect(app.zoom == .block)
        let page = inside.y + 2
        _ = app.update(.key(.click(x: inside.x + app.zoomLayout.labelWidth + 3, y: page)))
        #expect(app.cursorPFN == app.machine.pfnRange(of: BlockID(1)).lowerBound + (app.zoomLayout.offset(atColumn: 3) ?? -1))
        _ = app.update(.key(.wheelDown(x: x, y: y)))
        #expect(app.zoom == .overview)
    }

    @Test("q and F10 quit; in the help, Tab turns its pages and q and Esc close it without quitting")
    func quitAndHelp() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "?")
        #expect(app.modal == .help(.keys))
        _ = AppFixture.press(&app, "<Tab><Tab>")
        #expect(app.modal == .help(.phases))
        #expect(AppFixture.screen(app).contains("mm/page_isolation.c"))
        _ = AppFixture.press(&app, "5")
        #expect(AppFixture.screen(app).contains("failure to isolate range"))
        #expect(AppFixture.press(&app, "q").isEmpty)
        #expect(app.modal == nil)
        _ = AppFixture.press(&app, "?<Esc>")
        #expect(app.modal == nil)
        #expect(AppFixture.press(&app, "q") == [.quit])
        #expect(AppFixture.press(&app, "<F10>") == [.quit])
    }

    @Test("--without fixes show in the title")
    func fixesInTitle() throws {
        var config = MachineConfig()
        config.without = [.isolateFreedPagesASAP]
        let machine = try Machine(config: config, warmupTicks: 10)
        var app = MemtopApp(machine: machine, machineLabel: "t")
        _ = app.update(.resize(.headlessDefault))
        #expect(AppFixture.screen(app).contains("without: isolate-freed-pages-asap"))
    }
}
