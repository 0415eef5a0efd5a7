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
