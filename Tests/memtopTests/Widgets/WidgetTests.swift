import MemEngine
import Testing
@testable import memtop

/// Widgets drawn alone into a buffer.
@Suite("Widgets")
struct WidgetsTests {
    static func draw(_ size: Size, _ body: (inout Buffer) -> Void) -> [String] {
        var buffer = Buffer(size: size)
        body(&buffer)
        return buffer.lines
    }

    @Test("the legend lists every state of the mode with the map's own cell, and the rule")
    func legend() {
        for mode in ColourMode.allCases where mode != .verdict {
            var buffer = Buffer(size: Size(cols: 74, rows: 3))
            Legend(mode: mode, zoom: .overview).render(into: &buffer, area: buffer.area, caps: AppFixture.mono)
            let text = buffer.lines.joined(separator: "\n")
            for state in mode.states where state != MapState.hole {
                #expect(text.contains("\(state.swatch.glyph) \(state.name)"), "\(mode): glyph of \(state.name)")
            }
            #expect(text.contains("1/6 of a block"))
        }
    }

    @Test("the overview shows every block id grouped by node and zone")
    func overviewIds() {
        let source = SimulatedMemory(machine: AppFixture.machine)
        // Node 0's ZONE_MOVABLE starts inside block 48: a row of its own ("multizone").
        let lines = Self.draw(Size(cols: 76, rows: 23)) { buffer in
            MapWidget(source: source, blocks: source.blockViews, mode: .zone, zoom: .overview, cursorBlock: 48,
                      cursorPFN: PFN(48 * 2048), marks: nil, place: { _ in nil }, focused: true)
                .render(into: &buffer, area: buffer.area, caps: AppFixture.mono)
        }
        let text = lines.joined(separator: "\n")
        for id in [0, 1, 31, 32, 47, 48, 63, 64, 111, 112, 127] {
            #expect(text.contains(" \(id) ") || text.contains(" \(id)\n") || text.contains(" \(id)│") || text.contains(" \(id)|"), "block \(id)")
        }
        #expect(text.contains("Movable"))
        #expect(lines.contains { $0.contains("node1") })
    }

    @Test("past 999 blocks, tiles show an id's last three digits and each row names its first block in full")
    func overviewIdsPast999() throws {
        // 8 GiB of 8 MiB blocks: 1,024 blocks.
        let machine = try Machine(config: MachineConfig(memoryBytes: 8 << 30, workload: .idle), warmupTicks: 0)
        let source = SimulatedMemory(machine: machine)
        let lines = Self.draw(Size(cols: 76, rows: 23)) { buffer in
            MapWidget(source: source, blocks: source.blockViews, mode: .zone, zoom: .overview, cursorBlock: 1010,
                      cursorPFN: PFN(1010 * 2048), marks: nil, place: { _ in nil }, focused: true)
                .render(into: &buffer, area: buffer.area, caps: AppFixture.mono)
        }
        let screen = lines.joined(separator: "\n")
        let row = try #require(lines.first { $0.contains(" 10  11  12") }, "\(screen)")
        let first = try #require(row.dropFirst().split(separator: " ").first.flatMap { Int($0) }, "\(row)")
        #expect(first >= 1000 - 16 && first <= 1010, "the row of memory1010 starts at memory\(first): \(row)")
        #expect(row.contains(" \(first % 1000) "), "its first tile shows \(first % 1000)")
    }

    @Test("the zoomed map draws every page of the block: 16 rows of 128 pages, pfn labels")
    func zoomedRows() {
        let source = SimulatedMemory(machine: AppFixture.machine)
        let lines = Self.draw(Size(cols: 76, rows: 21)) { buffer in
            MapWidget(source: source, blocks: source.blockViews, mode: .kind, zoom: .block, cursorBlock: 60,
                      cursorPFN: PFN(60 * 2048 + 5), marks: nil, place: { _ in nil }, focused: true)
                .render(into: &buffer, area: buffer.area, caps: AppFixture.mono)
        }
        let rows = lines.filter { $0.contains("0x1e") && $0.hasPrefix("|0x") }
        #expect(rows.count == 16)
        #expect(rows.first?.hasPrefix("|0x1e000 ") == true)
        #expect(rows.last?.hasPrefix("|0x1e780 ") == true)
        #expect(rows.allSatisfy { $0.filter { $0 == "|" }.count == 3 }, "one pageblock edge in each row")
        #expect(rows[0].contains("+"), "the cursor")
    }

    @Test("the offline panel lights the phase, counts, and shows errno and reason")
    func offlinePanel() {
        var machine = AppFixture.machine
        try? machine.startOffline([BlockID(49)])
        for _ in 0..<50 { machine.step() }
        var lines = Self.draw(Size(cols: 44, rows: 24)) { buffer in
            OfflinePanel(operation: machine.operation, pageblocksPerBlock: 32).render(into: &buffer, area: buffer.area, caps: AppFixture.mono)
        }
        #expect(lines.contains { $0.contains("> do_migrate_range") || $0.contains("> start_isolate_page_range") })
        #expect(lines.contains { $0.contains("* memory_block_change_state") })
        machine.cancelOperation()
        machine.runOperation()
        lines = Self.draw(Size(cols: 44, rows: 24)) { buffer in
            OfflinePanel(operation: machine.operation, pageblocksPerBlock: 32).render(into: &buffer, area: buffer.area, caps: AppFixture.mono)
        }
        let text = lines.joined(separator: "\n")
        #expect(text.contains("EINTR"))
        #expect(text.contains("signal backoff"))
        #expect(text.contains("memory offlining"))
    }

    @Test("the zone panel shows the buddyinfo table with the Isolate row and the LRU")
    func zonePanel() {
        let m = AppFixture.machine
        let z = m.zones.firstIndex { $0.type == .movable } ?? 0
        let text = Self.draw(Size(cols: 44, rows: 13)) { buffer in
            ZonePanel(stats: m.zoneStats(z)).render(into: &buffer, area: buffer.area, caps: AppFixture.mono)
        }.joined(separator: "\n")
        #expect(text.contains("zone: node0 Movable"))
        #expect(text.contains("ord   0"))
        #expect(text.contains("   7"))
        #expect(text.contains("Iso"))
        #expect(text.contains("pcp"))
        #expect(text.contains("LRU"))
    }

    @Test("the inspector names what blocks an unmovable block")
    func inspectorBlockers() {
        let m = AppFixture.machine
        let busy = m.blocks.first { m.offlineVerdict($0.id).blockers.first?.reason == "unmovable page" }
        guard let busy else { return }
        let lines = InspectorText.block(m, busy.id).map(\.text)
        #expect(lines.contains { $0.contains("EBUSY failure to isolate range") })
        #expect(lines.contains { $0.contains("unmovable page") })
    }

    @Test("the help screen lists every key of the table")
    func help() {
        let text = Self.draw(Size(cols: 120, rows: 40)) { buffer in
            HelpScreen(keys: .standard).render(into: &buffer, area: buffer.area, caps: AppFixture.colour)
        }.joined(separator: "\n")
        for row in KeyTable.standard.helpRows {
            #expect(text.contains(row.action.summary), "\(row.action.summary)")
        }
    }

    @Test("the key bar shows Esc as cancel while an offline runs")
    func keyBar() {
        var app = AppFixture.app()
        #expect(app.keyBarEntries.contains { $0.key == "o" })
        _ = AppFixture.press(&app, "o")
        #expect(app.keyBarEntries.contains { $0.label.contains("EINTR") })
    }

    @Test("below 80x24 the too-small screen")
    func tooSmall() {
        let app = AppFixture.app(size: Size(cols: 79, rows: 24))
        let text = AppFixture.screen(app)
        #expect(text.contains("Terminal too small"))
        #expect(text.contains("need 80x24"))
    }

    @Test("every screen from 80x24 up fits: no crash, the panes are there (tabbed below 120x30)")
    func sizes() {
        for size in [Size(cols: 80, rows: 24), Size(cols: 100, rows: 30), Size(cols: 120, rows: 40), Size(cols: 200, rows: 60)] {
            var app = AppFixture.app(size: size)
            // On a narrow screen o brings the hot-plug tab forward.
            _ = AppFixture.press(&app, "o<tick:30><Enter>")
            let text = AppFixture.screen(app)
            #expect(text.contains("map: memory"), "\(size)")
            #expect(text.contains("offline_pages"), "\(size)")
        }
    }

    @Test("narrow screens fold the panels into tabs: t cycles them, Tab to the log brings it forward")
    func tabs() {
        var app = AppFixture.app(size: Size(cols: 80, rows: 24))
        #expect(app.layout.tabbed != nil)
        #expect(AppFixture.screen(app).contains("inspector: memory"))
        _ = AppFixture.press(&app, "tt")
        #expect(app.tab == .zone)
        #expect(AppFixture.screen(app).contains("zone: node"))
        #expect(!AppFixture.screen(app).contains("inspector: memory"))
        _ = AppFixture.press(&app, "<Tab>")
        #expect(app.tab == .log)
        #expect(AppFixture.screen(app).contains("log: kernel functions"))
        let wide = AppFixture.app(size: Size(cols: 120, rows: 40))
        #expect(wide.layout.tabbed == nil)
        let text = AppFixture.screen(wide)
        #expect(text.contains("inspector: memory") && text.contains("zone: node") && text.contains("log: kernel functions"))
    }
}
