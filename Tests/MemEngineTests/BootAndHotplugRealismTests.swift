import Testing
@testable import MemEngine

@Suite("Boot placement, 6.x checks, onlining rules and node hot-remove as the kernel has them")
struct BootAndHotplugRealismTests {
    @Test("memblock top-down: with movablecore= the memmap lands in ZONE_MOVABLE, and that block gives EBUSY")
    func reservedInMovable() throws {
        var m = try Machine(config: MachineConfig(), warmupTicks: 0)
        let movableBlocks = m.blocks.filter { m.blockSummary($0.id).zone == .movable }
        let reserved = movableBlocks.filter { m.blockSummary($0.id).count(.reserved) > 0 }
        #expect(!reserved.isEmpty)
        // The top block of each node holds that node's memmap.
        for n in m.nodes.indices {
            let top = try #require(m.blocks.last { $0.node.raw == n })
            #expect(m.blockSummary(top.id).zone == .movable)
            #expect(m.blockSummary(top.id).count(.reserved) == m.geometry.pagesPerBlock)
        }
        let block = try #require(reserved.last?.id)
        try m.startOffline([block])
        m.runOperation()
        #expect(m.operation?.result == HotplugResult(outcome: .failed, errno: "EBUSY", reason: "failure to isolate range"))
    }

    @Test("--movable-node: nodes other than 0 are all ZONE_MOVABLE and hold no boot memory")
    func movableNode() throws {
        let m = try Machine(config: MachineConfig(movableNode: true), warmupTicks: 0)
        for b in m.blocks where b.node.raw == 1 {
            #expect(m.blockSummary(b.id).zone == .movable)
            #expect(m.blockSummary(b.id).count(.reserved) == 0)
        }
        #expect(!m.blocks.contains { $0.node.raw == 0 && m.blockSummary($0.id).zone == .movable })
    }

    @Test("--movable-node with a kernelcore that leaves no kernel memory is refused")
    func movableNodeWithoutKernelMemory() {
        var c = MachineConfig(kernelcore: .bytes(0), movablecore: nil)
        c.movableNode = true
        #expect(throws: ConfigError.self) { try c.validate() }
    }

    @Test("block free pages add up to the zone's free pages; per-cpu pages are counted apart")
    func countersAddUp() throws {
        let m = try Machine(config: MachineConfig(), warmupTicks: 300)
        for (z, zone) in m.zones.enumerated() where zone.spanned > 0 {
            var free = 0, pcp = 0
            for p in zone.startPFN.raw..<zone.endPFN.raw where m.zoneIndex(PFN(p)) == z {
                if m.kind(PFN(p)) == .free { free += 1 }
                if m.kind(PFN(p)) == .pcp { pcp += 1 }
            }
            #expect(free == m.buddyFreePages(zone: z))
            #expect(pcp == zone.pcpPages)
        }
    }

    @Test("an emptied zone spans 0 pages from pfn 0 and the node's span follows (shrink_zone_span, update_pgdat_span)")
    func shrinkToZero() throws {
        var m = try Machine(config: MachineConfig(workload: .idle, movableNode: true), warmupTicks: 0)
        let ids = m.blocks(ofNode: 1)
        try m.startOffline(ids)
        m.runOperation()
        #expect(m.operation?.result?.outcome == .offlined)
        let movable = m.zones[m.nodes[1].zoneIndices[ZoneType.movable.rawValue]]
        #expect(movable.startPFN == PFN(0) && movable.spanned == 0)
        #expect(m.nodes[1].startPFN == PFN(0) && m.nodes[1].endPFN == PFN(0))
    }

    @Test("node hot-remove: the last block clears N_MEMORY, stops kswapd and kcompactd, rebuilds the zonelists; allocations fall back")
    func nodeHotRemove() throws {
        // Idle: what runs fits in node 0 once node 1 is gone.
        var m = try Machine(config: MachineConfig(workload: .idle, movableNode: true), warmupTicks: 0)
        let ids = m.blocks(ofNode: 1)
        try m.startOffline(ids)
        var events: [Event] = []
        m.runOperation(eachStep: { events += $0 })
        #expect(m.operation?.result?.outcome == .offlined)
        let fns = events.map(\.fn)
        for fn in ["node_states_clear_node", "kswapd_stop", "kcompactd_stop", "build_all_zonelists"] {
            #expect(fns.contains(fn), "\(fn)")
        }
        // Only the last block changes the node's state.
        let clear = try #require(events.first { $0.fn == "node_states_clear_node" && $0.detail?.contains("N_MEMORY") == true })
        #expect(clear.block == ids.last?.raw)
        #expect(!m.nodes[1].hasMemory && !m.nodes[1].kswapdRunning && !m.nodes[1].kcompactdRunning)
        // A task on node 1 still gets memory, from node 0.
        m.workloadEnabled = false
        let got = m.allocPages(order: 0, gfp: .highUserMovable, preferredNode: 1, cpu: 1)
        let (p, _) = try #require(got)
        #expect(m.nodeIndex(of: p) == 0)
        m.freePages(p, order: 0, cpu: 1)
        // Onlining a block again brings the node back.
        m.clearOperation()
        try m.startOnline([try #require(ids.last)])
        var online: [Event] = []
        m.runOperation(eachStep: { online += $0 })
        #expect(m.nodes[1].hasMemory && m.nodes[1].kswapdRunning)
        #expect(online.map(\.fn).contains("kswapd_run"))
        #expect(online.contains { $0.fn == "memory_notify" && $0.detail == "MEM_GOING_ONLINE" })
        try m.checkInvariants()
    }

    @Test("onlining: default_zone_for_pfn picks the zone whose span covers the block, else the kernel zone; any block may go Movable")
    func onliningZoneRules() throws {
        var m = try Machine(config: MachineConfig(), warmupTicks: 0)
        m.workloadEnabled = false
        // The first Movable block of node 1: after it goes offline ZONE_MOVABLE no longer spans it.
        let first = try #require(m.blocks.first { $0.node.raw == 1 && m.blockSummary($0.id).zone == .movable }?.id)
        let inner = BlockID(first.raw + 3)
        let normal = try #require(m.blocks.first { $0.node.raw == 0 && m.blockSummary($0.id).zone == .dma32 && m.offlineVerdict($0.id).offlinable }?.id)
        for b in [first, inner, normal] {
            m.clearOperation()
            try m.startOffline([b])
            m.runOperation()
            try #require(m.operation?.result?.outcome == .offlined, "\(b)")
        }
        #expect(m.validZones(first) == [.normal, .movable])
        #expect(m.validZones(inner) == [.movable, .normal])
        #expect(m.validZones(normal) == [.dma32, .movable])
        m.clearOperation()
        try m.startOnline([first])
        m.runOperation()
        #expect(m.blockSummary(first).zone == .normal)
        m.clearOperation()
        try m.startOnline([inner])
        m.runOperation()
        #expect(m.blockSummary(inner).zone == .movable)
        m.clearOperation()
        try m.startOnline([normal], as: .movable)
        m.runOperation()
        #expect(m.blockSummary(normal).zone == .movable)
        try m.checkInvariants()
    }
}
