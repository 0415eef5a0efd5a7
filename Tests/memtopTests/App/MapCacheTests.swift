import MemEngine
import Testing
@testable import memtop

/// The map's per-block cache (issue 12) draws exactly what a fresh computation draws: every
/// frame of a running offline with the workload on, in every colour mode, is compared cell by
/// cell (glyphs and colours) with the same frame drawn without the cache.
@Suite("Map cache")
struct MapCacheTests {
    /// The frame the loop draws (prepared: from the cache) and the same frame computed afresh.
    static func frames(_ app: inout MemtopApp, caps: TerminalCapabilities = AppFixture.colour) -> (cached: Buffer, fresh: Buffer) {
        app.prepareFrame()
        var fresh = app
        fresh.mapCache = MapCache()
        return (renderFrame(app, size: app.screen, caps: caps), renderFrame(fresh, size: app.screen, caps: caps))
    }

    @Test("every frame of an offline under the heavy workload is the same with and without the cache", arguments: ColourMode.allCases)
    func sameFrames(mode: ColourMode) throws {
        var config = MachineConfig(workload: .heavy)
        config.seed = 3
        let machine = try Machine(config: config, warmupTicks: 100)
        for size in [Size(cols: 120, rows: 40), Size(cols: 250, rows: 70)] {
            var app = MemtopApp(machine: machine, machineLabel: MemtopApp.label(for: machine.config))
            _ = app.update(.resize(size))
            while app.mode != mode { _ = app.update(.key(.char("c"))) }
            var frames = 0
            // A first frame fills the cache; the keys and ticks below change what it holds.
            for keys in ["", "o", "<Space>", "<tick:5>", "<Right>", "<tick:5>", "<Down>", "<tick:20>", "<Enter>", "<tick:10>",
                         "<Esc>", "<tick:30>", "<PgDn>", "<tick:10>", "<Left>o<Space>", "<tick:40>"] {
                _ = AppFixture.press(&app, keys)
                let (cached, fresh) = Self.frames(&app)
                frames += 1
                #expect(cached == fresh, "\(mode) \(size) after \(frames) frames (keys \(keys))")
            }
            #expect(app.machine.tick > machine.tick + 50, "the machine ran")
        }
    }

    @Test("verdict colours of a machine bigger than a frame's slice: the blocks on screen at once, the rest a slice a frame, then the whole map as without the cache")
    func verdictsInSlices() throws {
        // 8 GiB of 128 MiB blocks: 64 blocks, 2 M pages, two frames' worth of verdicts.
        let machine = try Machine(config: MachineConfig(geometry: try Geometry(blockBytes: 128 << 20), memoryBytes: 8 << 30), warmupTicks: 100)
        var app = MemtopApp(machine: machine, machineLabel: MemtopApp.label(for: machine.config))
        _ = app.update(.resize(Size(cols: 120, rows: 40)))
        while app.mode != .verdict { _ = app.update(.key(.char("c"))) }
        app.prepareFrame()
        let first = app.mapCache.pendingVerdicts
        #expect(first > 0 && first < machine.blocks.count, "\(first) of \(machine.blocks.count) blocks left after one frame")
        #expect(app.tickInterval != nil, "paused, frames still come while verdicts are pending")
        let screen = AppFixture.screen(app)
        #expect(screen.contains("judging: \(first) more blocks to go"))
        // The cursor's block is on screen: judged in the first frame, as a fresh computation judges it.
        let cursor = app.mapCache.verdict(app.machine, index: app.cursorBlock)
        #expect(cursor == SimInspector(machine: app.machine).verdict(ofBlock: app.cursorBlock))
        var frames = 1
        while app.mapCache.pendingVerdicts > 0 && frames < 100 {
            _ = app.update(.tick)
            app.prepareFrame()
            frames += 1
        }
        #expect(app.mapCache.pendingVerdicts == 0 && frames <= machine.blocks.count * machine.geometry.pagesPerBlock / MapCache.verdictPagesPerFrame + 1)
        #expect(app.machine.tick == machine.tick, "paused: the frames judged verdicts and ran no engine step")
        #expect(app.tickInterval == nil)
        let (cached, fresh) = Self.frames(&app)
        #expect(cached == fresh)
        #expect(!AppFixture.screen(app).contains("judging:"))
    }

    @Test("a block's verdict class is the one its inspect report gives, on every block")
    func verdictClass() throws {
        for seed in [UInt64(1), 2, 7] {
            var config = MachineConfig(workload: .heavy)
            config.seed = seed
            var machine = try Machine(config: config, warmupTicks: 150)
            for round in 0..<2 {
                let inspector = SimInspector(machine: machine)
                let report = inspector.report()
                for i in machine.blocks.indices {
                    #expect(inspector.verdict(ofBlock: i) == VerdictSummary.verdict(of: report.blocks[i]), "seed \(seed) round \(round) block \(i)")
                }
                if round == 0, let movable = machine.blocks.firstIndex(where: { machine.offlineVerdict($0.id).offlinable }) {
                    try machine.startOffline([BlockID(movable)])
                    for _ in 0..<300 { machine.step() }
                }
            }
        }
    }

    @Test("a block's change count moves when its pages change and stays while they do not")
    func changeCounts() throws {
        var machine = try Machine(config: MachineConfig(), warmupTicks: 10)
        machine.workloadEnabled = false
        let before = machine.blocks.indices.map { machine.changeCount(BlockID($0)) }
        let idle = machine
        #expect(idle.blocks.indices.map { idle.changeCount(BlockID($0)) } == before)
        guard let target = machine.blocks.firstIndex(where: { machine.offlineVerdict($0.id).offlinable }) else {
            Issue.record("no offlinable block")
            return
        }
        try machine.startOffline([BlockID(target)])
        machine.runOperation()
        #expect(machine.changeCount(BlockID(target)) != before[target])
    }
}
