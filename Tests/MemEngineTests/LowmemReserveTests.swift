import Testing
@testable import MemEngine

@Suite("lowmem_reserve: lower zones keep a reserve from allocations that could go higher")
struct LowmemReserveTests {
    /// Every zone's reserves are `setup_per_zone_lowmem_reserve()`'s from its node's managed
    /// pages.
    func expectReserves(_ m: Machine, _ when: String) {
        for node in m.nodes {
            let expected = Machine.lowmemReserve(managed: node.zoneIndices.map { m.zones[$0].managed })
            for (i, z) in node.zoneIndices.enumerated() {
                #expect(m.zones[z].lowmemReserve == expected[i], "\(when): node\(node.id.raw) \(m.zones[z].name)")
            }
        }
    }

    @Test("boot, offline and online set the reserves from the zones' managed pages (init_per_zone_wmark_min)")
    func recomputedOnHotplug() throws {
        var m = try Machine(config: MachineConfig(workload: .idle), warmupTicks: 0)
        m.workloadEnabled = false
        expectReserves(m, "boot")
        let dma32 = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        let movable = m.nodes[0].zoneIndices[ZoneType.movable.rawValue]
        // Default machine: DMA32 keeps (Normal + Movable) / 256 from user pages, Normal / 256
        // from kernel allocations; Normal keeps Movable / 32.
        let before = m.zones[dma32].lowmemReserve
        #expect(before[ZoneType.movable.rawValue] > before[ZoneType.normal.rawValue] && before[ZoneType.normal.rawValue] > 0)
        let block = try #require(offlinableBlocks(m, zone: .movable).first { m.blocks[$0.raw].node.raw == 0 })
        let managed = m.zones[movable].managed
        try m.startOffline([block])
        m.runOperation()
        #expect(m.operation?.result?.outcome == .offlined)
        #expect(m.zones[movable].managed < managed)
        expectReserves(m, "after offline")
        #expect(m.zones[dma32].lowmemReserve[ZoneType.movable.rawValue] < before[ZoneType.movable.rawValue])
        try m.startOnline([block], as: .movable)
        m.runOperation()
        expectReserves(m, "after online")
        #expect(m.zones[dma32].lowmemReserve == before)
    }

    /// Allocations without reclaim until none succeeds: each zone they may use is left with
    /// no more than min + its reserve for their highest zone, and no less than that less the
    /// per-cpu batch the last one took after its check (`rmqueue_pcplist()`).
    /// Returns the pages taken, for the caller to free.
    func drain(_ m: inout Machine, _ gfp: GFP) -> [Int] {
        var gfp = gfp
        gfp.mayReclaim = false
        var taken: [Int] = []
        while taken.count < 1_000_000, let (p, _) = m.allocPages(order: 0, gfp: gfp, preferredNode: 0, cpu: 0) { taken.append(p) }
        for z in m.zonelist(0) where m.zones[z].managed > 0 && m.zones[z].type <= gfp.highestZone {
            let zone = m.zones[z], mark = zone.watermarks.min + zone.lowmemReserve[gfp.highestZone.rawValue]
            let batch = zone.pcp.map(\.batch).max() ?? 1
            let what = "\(gfp.highestZone) allocations: node\(zone.node.raw) \(zone.name) free \(zone.freePages), min \(zone.watermarks.min) reserve \(zone.lowmemReserve)"
            #expect(zone.freePages <= mark, "\(what)")
            // A zone whose reserve is larger than the zone gives them nothing at all.
            if mark < zone.managed { #expect(zone.freePages > mark - batch, "\(what)") }
        }
        return taken
    }

    @Test("user pages (up to ZONE_MOVABLE) leave the lower zones more than kernel allocations (up to ZONE_NORMAL) do")
    func reservePerHighestZone() throws {
        var m = try Machine(config: MachineConfig(workload: .idle), warmupTicks: 0, populated: false)
        m.workloadEnabled = false
        let dma = m.nodes[0].zoneIndices[ZoneType.dma.rawValue], dma32 = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        let dmaFree = m.zones[dma].freePages
        var taken = drain(&m, .highUserMovable)
        let userLeft = m.zones[dma32].freePages
        taken += drain(&m, .kernel)
        // The kernel's allocations may take DMA32 down to min + Normal / 256, below what user
        // pages had to leave.
        #expect(m.zones[dma32].freePages < userLeft)
        // The teaching machine's 1 MiB ZONE_DMA is smaller than either reserve: nothing that
        // could use a higher zone takes a page of it.
        #expect(m.zones[dma].freePages == dmaFree)
        for p in taken { m.freePages(p, order: 0, cpu: 0) }
        try m.checkInvariants()
    }
}
