import MemEngine
import Testing
@testable import memtop

/// The default machine's memory48: node0's ZONE_MOVABLE starts 128 pages into it (the kernel
/// rounds zone_movable_pfn up to MAX_ORDER_NR_PAGES, not to a block), so it spans two zones.
@Suite("A block split between zones, on the map and in the inspector")
struct SplitBlockTests {
    static let split = BlockID(48)

    @Test("the zoomed map colours each pageblock by its own zone: Normal, then Movable")
    func mapColours() {
        let m = AppFixture.machine
        let source = SimulatedMemory(machine: m)
        let start = m.pfnRange(of: Self.split).lowerBound.raw
        let normal = ColourMode.zone.state(of: source.page(PFN(start)))
        let movable = ColourMode.zone.state(of: source.page(PFN(start + 128)))
        #expect(ColourMode.zone.states[normal] == ColourMode.zone.states[ZoneType.normal.rawValue])
        #expect(ColourMode.zone.states[movable] == ColourMode.zone.states[ZoneType.movable.rawValue])
        #expect(ColourMode.zone.state(of: source.page(PFN(start + 127))) == normal)
    }

    @Test("the inspector names both zones and says why it cannot go offline")
    func inspector() {
        let text = InspectorText.block(AppFixture.machine, Self.split).map(\.0).joined(separator: "\n")
        #expect(text.contains("node0 Normal+Movable"))
        #expect(text.contains("valid_zones none"))
        #expect(text.contains("EINVAL, the block spans Normal and Movable"))
        #expect(text.contains("memory_block_offline() refuses it before offline_pages() runs"))
    }

    @Test("o on it: EINVAL from memory_block_offline, the block stays online")
    func offline() throws {
        var m = AppFixture.machine
        try m.startOffline([Self.split])
        m.runOperation()
        let result = try #require(m.operation?.result)
        #expect(result.outcome == .failed && result.errno == "EINVAL" && result.reason == nil)
        #expect(m.blocks[Self.split.raw].state == .online)
        #expect(m.validZones(Self.split).isEmpty)
    }
}
