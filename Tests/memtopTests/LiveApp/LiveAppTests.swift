import Foundation
import MemEngine
import Testing
@testable import memtop

/// The live app on the real capture: it reads the saved copy once, draws the same UI as the
/// simulator, marks what the kernel cannot tell, and `o` animates a simulated offline.
@Suite("Live app on a saved copy", .serialized, .enabled(if: LiveFixtures.hasCapture, "capture absent: ../shared/captures/firecracker-6.18-idle"))
struct LiveAppTests {
    /// Reading the capture costs seconds in a debug build: read once, copy per test (a value).
    static let loaded = LiveApp(source: LiveSource(root: LiveFixtures.firecracker))

    static func index(of id: Int, in app: LiveApp) throws -> Int {
        try #require(app.memory.blockViews.firstIndex { $0.id.raw == id })
    }

    /// The app after `o` on block `id`, run until the simulated offline ends.
    static func simulated(block id: Int) throws -> LiveApp {
        var app = loaded
        _ = app.update(.resize(.headlessDefault))
        app.cursorBlock = try index(of: id, in: app)
        _ = app.update(.key(.char("o")))
        for _ in 0..<400 where app.simulation?.machine.operation?.isFinished == false { _ = app.update(.tick) }
        return app
    }

    static func screen(_ app: LiveApp) -> String {
        renderFrame(app, size: .headlessDefault, caps: AppFixture.colour).lines.joined(separator: "\n")
    }

    @Test("blocks, zones and kinds come from the files; a saved copy is read once and says so")
    func reads() throws {
        let app = Self.loaded
        #expect(app.memory.blockViews.count == 192)
        #expect(app.tickInterval == nil, "a saved copy has nothing to refresh")
        let normal = try Self.index(of: 40, in: app)
        #expect(app.memory.blockViews[normal].zone == .normal)
        #expect(app.memory.blockViews[try Self.index(of: 0, in: app)].multizone)
        // The overview's censuses add up to the report's kinds (same flags, two readers).
        let census = app.memory.census(app.memory.blockViews[normal].pfns, stride: 1)
        let pages = try #require(app.memory.reports[normal]?.pages)
        #expect(census.count(.anon) == Int(pages.lruAnon))
        #expect(census.count(.file) == Int(pages.lruFile))
        #expect(census.count(.garbage) == Int(pages.kernel + pages.other), "no-flags pages are drawn with the loud state")
        #expect(census.pages == 32768)
        let screen = Self.screen(app)
        #expect(screen.contains("saved copy of 6.18.44-fc-v595, read-only"))
        #expect(screen.contains("never initialised") && screen.contains("no flags (kernel, pcp)"))
        #expect(screen.contains("what /proc cannot show"))
    }

    @Test("the inspector gives the what-if verdict with blocking pfns, and what /proc cannot show")
    func verdict() throws {
        var app = Self.loaded
        app.cursorBlock = try Self.index(of: 40, in: app)
        let text = LiveText.block(app.memory, app.cursorBlock).map(\.text)
        #expect(text.contains { $0.hasPrefix("what-if offline: EBUSY unmovable page") })
        #expect(text.contains { $0.hasPrefix("  pfn 0x14002c unmovable page (no flags)") })
        #expect(text.last?.contains("refcounts and pins") == true)
        app.cursorBlock = try Self.index(of: 1, in: app)
        #expect(LiveText.block(app.memory, app.cursorBlock).contains { $0.text.hasPrefix("what-if offline: would offline") })
    }

    @Test("migratetype and isolation colours are marked unavailable, with pagetypeinfo's totals in the zone panel")
    func unavailableModes() {
        var app = Self.loaded
        while app.mode != .migratetype { _ = app.update(.key(.char("c"))) }
        let screen = Self.screen(app)
        #expect(screen.contains("unavailable on a live machine"))
        #expect(screen.contains("pageblocks Unm"))
        #expect(app.status?.contains("unavailable on a live machine") == true)
    }

    @Test("moving, zooming into a block reads its pages; Esc zooms out; r and space explain a saved copy")
    func keys() throws {
        var app = Self.loaded
        _ = app.update(.resize(.headlessDefault))
        let start = app.cursorBlock
        _ = app.update(.key(.right))
        #expect(app.cursorBlock == start + 1)
        _ = app.update(.key(.enter))
        #expect(app.zoom == .block)
        #expect(app.memory.zoomed?.block == app.cursorBlock)
        _ = app.update(.key(.down))
        #expect(app.cursorPFN == app.memory.blockViews[app.cursorBlock].pfns.lowerBound + 1)
        #expect(Self.screen(app).contains("kpageflags"))
        _ = app.update(.key(.escape))
        #expect(app.zoom == .overview)
        #expect(app.update(.key(.char("r"))) == [.bell])
        #expect(app.update(.key(.char(" "))) == [.bell])
        #expect(app.update(.key(.char("O"))) == [.bell])
        #expect(app.status?.contains("never writes to /sys") == true)
        #expect(app.update(.key(.char("q"))) == [.quit])
    }

    @Test("/ jumps to a pfn (hex or decimal), zoomed in with its block's pages read, or to a block by id")
    func jump() throws {
        var app = Self.loaded
        _ = app.update(.resize(.headlessDefault))
        let block33 = try Self.index(of: 33, in: app)
        #expect(AppFixture.press(&app, "/0x108c00<Enter>").isEmpty)
        #expect(app.cursorPFN == PFN(0x108c00))
        #expect(app.cursorBlock == block33)
        #expect(app.zoom == .block)
        #expect(app.memory.zoomed?.block == block33, "the jumped-to block's pages are read")
        #expect(Self.screen(app).contains("inspector: page 0x108c00"))
        _ = AppFixture.press(&app, "/1084417<Enter>")
        #expect(app.cursorPFN == PFN(1_084_417))
        _ = AppFixture.press(&app, "<Esc>/b40<Enter>")
        #expect(app.cursorBlock == (try Self.index(of: 40, in: app)))
        #expect(app.zoom == .overview)
        _ = AppFixture.press(&app, "/memory33<Enter>")
        #expect(app.cursorBlock == block33)
        #expect(app.status == "memory33: pfn 0x108000-0x110000")
        // While the prompt is open, keys edit it instead of moving.
        _ = AppFixture.press(&app, "/b4")
        #expect(app.jumpText == "b4")
        #expect(Self.screen(app).contains("jump to pfn"))
        _ = AppFixture.press(&app, "<Esc>")
        #expect(app.jumpText == nil && app.cursorBlock == block33)
    }

    @Test("bad jump input keeps the cursor and says why, holes included",
          arguments: ["zzz", "memory999", "0xfffffff", "", "b-1", "memory28", "0xc0000"])
    func badJump(text: String) {
        var app = Self.loaded
        let before = (app.cursorBlock, app.cursorPFN, app.zoom)
        #expect(AppFixture.press(&app, "/\(text)<Enter>") == [.bell])
        #expect(app.cursorBlock == before.0 && app.cursorPFN == before.1 && app.zoom == before.2)
        #expect(app.jumpText == nil)
        #expect(app.status?.isEmpty == false)
        #expect(app.status?.contains("not in live mode") == false)
    }

    @Test("a click selects the block under it; a second click zooms; a click picks a page; the wheel pages through it")
    func mouse() throws {
        var app = Self.loaded
        _ = app.update(.resize(.headlessDefault))
        app.cursorBlock = 0
        let inside = app.layout.map.inset()
        // Block 1's tile, its cells line (the line under the tile row's ids).
        let tile = OverviewLayout(blocks: app.memory.blockViews, width: inside.width).positions[1]
        let x = inside.x + OverviewLayout.labelWidth + tile.column * OverviewLayout.tileWidth + 1
        let y = inside.y + 1 + 2 * tile.row + 1
        #expect(MapHit.at(x: x, y: y, in: app) == .block(1))
        #expect(app.update(.key(.click(x: x, y: y))).isEmpty)
        #expect(app.cursorBlock == 1)
        #expect(app.zoom == .overview)
        _ = app.update(.key(.click(x: x, y: y)))
        #expect(app.zoom == .block)
        #expect(app.memory.zoomed?.block == 1)
        _ = app.update(.key(.click(x: inside.x + app.zoomLayout.labelWidth + 3, y: inside.y + 2)))
        #expect(app.cursorPFN == app.memory.blockViews[1].pfns.lowerBound + 6)
        _ = app.update(.key(.click(x: inside.x + 1, y: app.layout.log.y + 1)))
        #expect(app.pane == .log)
        _ = app.update(.key(.wheelDown(x: x, y: inside.y + 3)))
        #expect(app.zoom == .block)
        #expect(app.cursorPFN > app.memory.blockViews[1].pfns.lowerBound + 6, "zoomed, the wheel pages through the block")
    }

    @Test("o on a Normal block with kernel pages: the simulation is labelled and fails with EBUSY; q returns to live")
    func simulateBusy() throws {
        var app = Self.loaded
        _ = app.update(.resize(.headlessDefault))
        app.cursorBlock = try Self.index(of: 41, in: app)
        _ = app.update(.key(.char("o")))
        let sim = try #require(app.simulation)
        #expect(sim.machineLabel.contains("SIMULATION of offlining live memory41"))
        #expect(sim.log.contains { $0.text.contains("nothing is written to /sys") })
        for _ in 0..<400 where app.simulation?.machine.operation?.isFinished == false { _ = app.update(.tick) }
        #expect(app.simulation?.machine.operation?.result?.errno == "EBUSY")
        try app.simulation?.machine.checkInvariants()
        #expect(Self.screen(app).contains("SIMULATION"))
        #expect(app.update(.key(.char("q"))) == [])
        #expect(app.simulation == nil)
        #expect(app.log.last?.text.contains("back to the live view") == true)
    }

    @Test("the live simulation names the real block and its real pfns everywhere, and prints no sysfs command")
    func simulationKeepsRealIDs() throws {
        let app = try Self.simulated(block: 41)
        let sim = try #require(app.simulation)
        let start = 41 * 32768, end = start + 32768
        let text = sim.log.map(\.text)
        #expect(!text.contains { $0.contains("/sys/devices/system/memory") }, "no sysfs command in a simulation")
        #expect(text.contains { $0.contains("offline_pages pfn \(PFN(start)) -> \(PFN(end))") })
        #expect(text.contains { $0.contains("[mem 0x148000000-0x14fffffff]") }, "dmesg names the real physical range")
        #expect(text.contains { $0.contains("failed memory41") || $0.contains("offline of memory41 failed") })
        // Every pfn the engine reports belongs to a block that was really imported.
        let imported = Set(sim.machine.addresses.realBlocks)
        for line in text {
            for word in line.split(separator: " ") where word.hasPrefix("0x") && !line.hasPrefix("dmesg") {
                guard let pfn = Int(word.dropFirst(2).prefix { $0.isHexDigit }, radix: 16) else { continue }
                #expect(imported.contains(pfn / 32768) || imported.contains((pfn - 1) / 32768), "\(line)")
            }
        }
        let screen = Self.screen(app)
        #expect(screen.contains("offline_pages: memory41"))
        // The map's header and rows, and the inspector, use the real numbering too.
        var zoomed = app
        zoomed.simulation?.zoom = .block
        let page = Self.screen(zoomed)
        #expect(page.contains("memory41 pfn \(PFN(start))-\(PFN(end))"), "\(page)")
        #expect(page.contains("inspector: page \(PFN(start))"))
        #expect(page.contains("pfn \(PFN(start)) in memory41"))
    }

    @Test("o on a free DMA32 block: offlined in the simulation; Esc twice returns")
    func simulateOfflined() throws {
        var app = try Self.simulated(block: 5)
        #expect(app.simulation?.machine.operation?.result?.outcome == .offlined)
        _ = app.update(.key(.escape))
        #expect(app.simulation?.zoom == .overview)
        _ = app.update(.key(.escape))
        #expect(app.simulation == nil)
    }

    @Test("o refuses a block with holes (EINVAL before any page moves)")
    func refuseHoles() throws {
        var app = Self.loaded
        app.cursorBlock = try Self.index(of: 0, in: app)
        #expect(app.update(.key(.char("o"))) == [.bell])
        #expect(app.status?.contains("memory holes") == true)
        #expect(app.simulation == nil)
    }

    @Test("a directory without the files: everything unavailable is listed, no crash")
    func emptySource() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("memtop-live-empty-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var app = LiveApp(source: LiveSource(root: dir.path))
        #expect(app.memory.blockViews.isEmpty)
        #expect(!app.memory.unavailable.isEmpty)
        let screen = Self.screen(app)
        #expect(screen.contains("No memory blocks to draw"))
        #expect(screen.contains("unavailable:"))
        for key in ["j", "l", "\r", "o", "c"] { _ = app.update(.key(.char(Character(key)))) }
        _ = app.update(.key(.enter))
        _ = Self.screen(app)
    }

    @Test("the refresh on a machine is bounded: a tick reads the next blocks round robin")
    func refreshBudget() {
        var app = Self.loaded
        app.refreshNext = 0
        // A saved copy never ticks; the round robin itself is what a machine's tick does.
        let before = app.refreshNext
        app.refreshPart()
        #expect(app.refreshNext == before + LiveReader.refreshBudget / 32768)
        #expect(app.refreshes == 1)
    }
}
