import Testing
@testable import MemEngine

/// `online_pages()` in the kernel's order, and what happens when a memory notifier refuses
/// MEM_GOING_ONLINE or MEM_GOING_OFFLINE (the kernel's memory-notifier-error-inject module).
@Suite("Onlining: notifier events in the kernel's order, MEM_CANCEL_ONLINE on a veto")
struct OnlineNotifierTests {
    /// A machine without workload with `block` taken offline.
    func offlined(_ block: BlockID, config: MachineConfig = MachineConfig()) throws -> Machine {
        var m = try Machine(config: config, warmupTicks: 0)
        m.workloadEnabled = false
        try m.startOffline([block])
        m.runOperation()
        try #require(m.operation?.result?.outcome == .offlined)
        m.clearOperation()
        return m
    }

    /// The events of running an online of `block`, as "fn detail" lines without the pages' own.
    func onlineTrace(_ m: inout Machine, _ block: BlockID) throws -> [String] {
        _ = m.drainEvents()
        try m.startOnline([block])
        var events: [Event] = []
        while m.operation?.isFinished == false {
            m.step()
            events += m.drainEvents()
            try m.checkInvariants()
        }
        return events.filter { $0.fn != "generic_online_page" }.map { $0.fn + ($0.detail.map { " " + $0 } ?? "") }
    }

    func index(_ trace: [String], _ prefix: String) throws -> Int {
        try #require(trace.firstIndex { $0.hasPrefix(prefix) }, "\(prefix) in \(trace)")
    }

    @Test("online_pages: move_pfn_range_to_zone, MEM_GOING_ONLINE, the pages freed, isolation undone, watermarks, MEM_ONLINE")
    func order() throws {
        var m = try offlined(BlockID(60))
        let trace = try onlineTrace(&m, BlockID(60))
        let steps = ["online_pages", "move_pfn_range_to_zone", "memory_notify MEM_GOING_ONLINE", "undo_isolate_page_range",
                     "init_per_zone_wmark_min", "memory_notify MEM_ONLINE", "memory_block_change_state offline -> online"]
        let at = try steps.map { try index(trace, $0) }
        #expect(at == at.sorted(), "\(trace)")
        #expect(!trace.contains { $0.contains("MEM_CANCEL_ONLINE") })
        #expect(m.operation?.result?.outcome == .online)
        #expect(m.blocks[60].state == .online)
    }

    @Test("a node's first block: node_states_set_node and the zonelists before undo_isolate_page_range, kswapd_run after the watermarks")
    func nodeComesBack() throws {
        var m = try Machine(config: MachineConfig(workload: .idle, movableNode: true), warmupTicks: 0)
        m.workloadEnabled = false
        let ids = m.blocks(ofNode: 1)
        try m.startOffline(ids)
        m.runOperation()
        try #require(m.operation?.result?.outcome == .offlined && !m.nodes[1].hasMemory)
        m.clearOperation()
        let trace = try onlineTrace(&m, try #require(ids.last))
        let steps = ["memory_notify MEM_GOING_ONLINE", "node_states_set_node node1 joins N_MEMORY", "build_all_zonelists",
                     "undo_isolate_page_range", "init_per_zone_wmark_min", "kswapd_run", "kcompactd_run", "memory_notify MEM_ONLINE"]
        let at = try steps.map { try index(trace, $0) }
        #expect(at == at.sorted(), "\(trace)")
        #expect(m.nodes[1].hasMemory && m.nodes[1].kswapdRunning && m.nodes[1].kcompactdRunning)
    }

    @Test("MEM_GOING_ONLINE refused: pr_debug, MEM_CANCEL_ONLINE, the zone's span as before, the block still offline, ENOMEM",
          arguments: [60, 112])
    func goingOnlineVetoed(block: Int) throws {
        // 60 is inside node 0's ZONE_MOVABLE; 112 is node 1's first ZONE_MOVABLE block, so the
        // zone shrank when it went offline and grows again in move_pfn_range_to_zone(). (Node
        // 0's starts inside block 48, which spans two zones and cannot go offline.)
        var m = try offlined(BlockID(block))
        let before = m.zones, nodesBefore = m.nodes
        m.notifierErrorInject[.goingOnline] = .ENOMEM
        let trace = try onlineTrace(&m, BlockID(block))
        let steps = ["online_pages", "move_pfn_range_to_zone", "memory_notify MEM_GOING_ONLINE",
                     "printk info: Injecting error (-12) to MEM_GOING_ONLINE", "printk debug: online_pages [mem ",
                     "memory_notify MEM_CANCEL_ONLINE", "remove_pfn_range_from_zone", "memory_block_change_state"]
        let at = try steps.map { try index(trace, $0) }
        #expect(at == at.sorted(), "\(trace)")
        #expect(trace.last == "memory_block_change_state offline (the write fails with ENOMEM)")
        for never in ["undo_isolate_page_range", "MEM_ONLINE", "kswapd_run", "init_per_zone_wmark_min"] {
            #expect(!trace.contains { $0.hasSuffix(never) || $0.hasPrefix(never) }, "\(never)")
        }
        #expect(m.operation?.result == HotplugResult(outcome: .failed, errno: "ENOMEM", reason: nil))
        #expect(m.blocks[block].state == .offline)
        #expect(m.zones == before)
        #expect(m.nodes == nodesBefore)
        #expect(m.blockSummary(BlockID(block)).count(.offline) == m.geometry.pagesPerBlock)
        // With the injector quiet again the same block comes online.
        m.notifierErrorInject = [:]
        m.clearOperation()
        _ = try onlineTrace(&m, BlockID(block))
        #expect(m.operation?.result?.outcome == .online)
        #expect(m.blocks[block].state == .online)
    }

    @Test("MEM_GOING_OFFLINE refused: the isolation undone, MEM_CANCEL_OFFLINE, \"notifier failure\" with the notifier's errno")
    func goingOfflineVetoed() throws {
        var m = try Machine(config: MachineConfig(), warmupTicks: 0)
        m.workloadEnabled = false
        m.notifierErrorInject[.goingOffline] = .EBUSY
        try m.startOffline([BlockID(60)])
        var events: [Event] = []
        m.runOperation(eachStep: { events += $0 })
        try m.checkInvariants()
        #expect(m.operation?.result == HotplugResult(outcome: .failed, errno: "EBUSY", reason: "notifier failure"))
        let trace = events.map { $0.fn + ($0.detail.map { " " + $0 } ?? "") }
        let steps = ["memory_notify MEM_GOING_OFFLINE", "printk info: Injecting error (-16) to MEM_GOING_OFFLINE",
                     "undo_isolate_page_range", "memory_notify MEM_CANCEL_OFFLINE", "printk debug: memory offlining"]
        let at = try steps.map { try index(trace, $0) }
        #expect(at == at.sorted(), "\(trace)")
        #expect(!trace.contains { $0.hasPrefix("scan_movable_pages") || $0.hasPrefix("do_migrate_range") })
        #expect(m.blocks[60].state == .online)
    }
}
