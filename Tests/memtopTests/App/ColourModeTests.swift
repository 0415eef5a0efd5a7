import MemEngine
import Testing
@testable import memtop

@Suite("App: colour modes")
struct AppColourModeTests {
    @Test("every mode's glyphs are distinct, so the map reads without colour")
    func distinctGlyphs() {
        for mode in ColourMode.allCases {
            let glyphs = mode.states.map(\.swatch.glyph)
            #expect(Set(glyphs).count == glyphs.count, "\(mode) repeats a glyph")
        }
    }

    @Test("a census of one page picks the same state as the page itself, in every mode")
    func censusAgreesWithPages() {
        var machine = AppFixture.machine
        // Isolated pageblocks and pages off the LRU appear mid-offline.
        try? machine.startOffline([BlockID(49)])
        for _ in 0..<400 { machine.step() }
        let source = SimulatedMemory(machine: machine)
        for mode in ColourMode.allCases {
            for p in stride(from: 0, to: machine.pageCount, by: 97) {
                let pfn = PFN(p)
                let h = mode.histogram(source.census(pfn..<(pfn + 1), stride: 1))
                let expected = mode.state(of: source.page(pfn))
                #expect(h[expected] == 1 && h.reduce(0, +) == 1, "\(mode) pfn \(pfn): \(h) vs \(expected)")
            }
        }
    }

    @Test("Isolate wins a shared overview cell in the migratetype mode")
    func isolateWins() {
        var machine = AppFixture.machine
        try? machine.startOffline([BlockID(49)])
        while machine.operation?.isolatedPageblocks == 0 { machine.step() }
        let source = SimulatedMemory(machine: machine)
        let tiles = ColourMode.migratetype.tiles(source, blocks: source.blockViews, segmentsPerBlock: 6)
        #expect(tiles[49].segments.first == MigrateType.isolate.rawValue)
    }
}
