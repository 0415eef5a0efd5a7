import Testing
@testable import MemEngine

/// An idle one-node 64 MiB machine with no workload, nothing but boot memory in use and
/// order-0 anonymous memory only (no THP), so that tests decide every allocation and can count
/// single pages.
func quietMachine(nodes: Int = 1) throws -> Machine {
    var config = MachineConfig(memoryBytes: 64 << 20, nodes: nodes, cpus: 2, movablecore: nil, workload: .idle)
    config.thp = .never
    var m = try Machine(config: config, warmupTicks: 0, populated: false)
    m.workloadEnabled = false
    m.eventFilter = .all
    return m
}

@Suite("Buddy allocator")
struct BuddyTests {
    @Test("expand splits a larger block and puts the halves back, one per order")
    func split() throws {
        var m = try quietMachine()
        let z = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        // Empty the small orders so that an order-0 request must split a big block.
        let before = (0...m.geometry.maxOrder).map { m.zones[z].freeCount(order: $0, mt: .movable) }
        let big = try #require((0...m.geometry.maxOrder).first { before[$0] > 0 && $0 > 0 })
        for order in 0..<big {
            while let p = m.zones[z].freeArea[m.zones[z].listIndex(order: order, mt: .movable)].first {
                m.removeFromFreeList(p, zone: z)
                m.pages.reset(p, to: .slab)
            }
        }
        _ = m.drainEvents()
        let pGot = m.rmqueueSmallest(zone: z, order: 0, mt: .movable)
        let p = try #require(pGot)
        let events = m.drainEvents()
        #expect(events.filter { $0.fn == "expand" }.count == big)
        for order in 0..<big {
            #expect(m.zones[z].freeCount(order: order, mt: .movable) == 1, "one free block of order \(order) after the split")
            #expect(m.pages.has(p + order.pagesCount, .buddy))
            #expect(m.pages.order(p + order.pagesCount) == order)
        }
    }

    @Test("__free_one_page merges a freed page with its free buddies back into the big block")
    func merge() throws {
        var m = try quietMachine()
        let z = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        let freeBefore = m.zones[z].freePages
        let top = m.geometry.maxOrder
        let countTop = m.zones[z].freeCount(order: top, mt: .movable)
        let pGot = m.rmqueue(zone: z, order: 0, mt: .movable)
        let p = try #require(pGot)
        #expect(m.zones[z].freePages == freeBefore - 1)
        m.pages.reset(p, to: .free)
        m.freeOnePage(p, order: 0, mt: .movable, zone: z)
        #expect(m.zones[z].freePages == freeBefore)
        #expect(m.zones[z].freeCount(order: top, mt: .movable) == countTop)
        try m.checkInvariants()
    }

    @Test("fallback follows the kernel's order and claims a whole pageblock for unmovable")
    func fallback() throws {
        #expect(MigrateType.unmovable.fallbacks == [.reclaimable, .movable])
        #expect(MigrateType.movable.fallbacks == [.reclaimable, .unmovable])
        #expect(MigrateType.reclaimable.fallbacks == [.unmovable, .movable])
        #expect(MigrateType.isolate.fallbacks.isEmpty)
        var m = try quietMachine()
        let z = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        // No Unmovable or Reclaimable free pages left: the next unmovable request must fall back.
        for mt in [MigrateType.unmovable, .reclaimable] {
            for order in 0...m.geometry.maxOrder {
                while let p = m.zones[z].freeArea[m.zones[z].listIndex(order: order, mt: mt)].first {
                    m.removeFromFreeList(p, zone: z)
                    for q in p..<(p + order.pagesCount) { m.pages.reset(q, to: .slab) }
                }
            }
        }
        _ = m.drainEvents()
        let counts = m.pageblockCounts(zone: z)
        let pGot = m.rmqueue(zone: z, order: 0, mt: .unmovable)
        let p = try #require(pGot)
        let after = m.pageblockCounts(zone: z)
        // A free max-order block was taken whole: its pageblocks are Unmovable now.
        #expect(after[MigrateType.unmovable.rawValue] > counts[MigrateType.unmovable.rawValue])
        #expect(m.migratetype(PFN(p)) == .unmovable)
        #expect(m.drainEvents().contains { $0.fn == "__rmqueue_fallback" })
    }

    @Test("isolated pageblocks never merge with their non-isolated buddies")
    func isolationStopsMerging() throws {
        var m = try quietMachine()
        let z = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        let start = 4 * m.geometry.pagesPerBlock
        let refused = m.setMigratetypeIsolate(pageblockStart: start)
        #expect(refused == nil)
        try m.checkInvariants()
        #expect(m.zones[z].freeCount(order: m.geometry.pageblockOrder, mt: .isolate) == 1)
        m.unsetMigratetypeIsolate(pageblockStart: start)
        try m.checkInvariants()
        #expect(m.zones[z].freeCount(order: m.geometry.pageblockOrder, mt: .isolate) == 0)
    }
}

@Suite("Per-cpu lists")
struct PerCPUTests {
    @Test("allocation refills a cpu's list in a batch and hands out the hot end")
    func batch() throws {
        var m = try quietMachine()
        let z = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        _ = m.drainPages(zone: z, cpu: 0)
        let batch = m.zones[z].pcp[0].batch
        #expect(batch > 1)
        let pGot = m.rmqueuePCP(zone: z, cpu: 0, mt: .movable)
        let p = try #require(pGot)
        #expect(m.zones[z].pcp[0].count == batch - 1)
        m.pages.reset(p, to: .free)
        m.freeUnrefPage(p, cpu: 0)
        // The freed page is on the hot end: the next allocation gets it back.
        #expect(m.zones[z].pcp[0].lists[MigrateType.movable.rawValue].first == p)
        let again = m.rmqueuePCP(zone: z, cpu: 0, mt: .movable)
        #expect(again == p)
    }

    @Test("a list over its high mark drains a batch to the buddy allocator")
    func highDrain() throws {
        var m = try quietMachine()
        let z = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        let high = m.zones[z].pcp[0].high
        var got: [Int] = []
        for _ in 0..<(high + 8) { let q = m.rmqueue(zone: z, order: 0, mt: .movable); got.append(try #require(q)) }
        for p in got {
            m.pages.reset(p, to: .free)
            m.freeUnrefPage(p, cpu: 0)
            #expect(m.zones[z].pcp[0].count < high)
        }
        #expect(m.drainEvents().contains { $0.fn == "free_pcppages_bulk" })
        try m.checkInvariants()
    }

    @Test("a free into an isolated pageblock bypasses the per-cpu lists")
    func isolatedBypass() throws {
        var m = try quietMachine()
        let z = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        let pGot = m.rmqueue(zone: z, order: 0, mt: .movable)
        let p = try #require(pGot)
        for cpu in 0..<m.config.cpus { _ = m.drainPages(zone: z, cpu: cpu) }
        let pb = p & ~(m.geometry.pagesPerPageblock - 1)
        let refused = m.setMigratetypeIsolate(pageblockStart: pb)
        #expect(refused == nil)
        let pcpBefore = m.zones[z].pcpPages
        m.pages.reset(p, to: .free)
        m.freeUnrefPage(p, cpu: 0)
        #expect(m.zones[z].pcpPages == pcpBefore)
        #expect(m.pages.has(m.freeBlockHead(containing: p) ?? -1, .buddy))
        #expect(m.effectiveMT(p) == .isolate)
        try m.checkInvariants()
    }

    @Test("zone_pcp_disable sets high to 0 and a drain empties every cpu")
    func disable() throws {
        var m = try Machine(config: .small(workload: .light), warmupTicks: 2000)
        let z = try #require(m.zones.indices.first { m.zones[$0].pcpPages > 0 })
        m.zonePCPDisable(zone: z)
        for cpu in 0..<m.config.cpus { _ = m.drainPages(zone: z, cpu: cpu) }
        #expect(m.zones[z].pcpPages == 0)
        #expect(m.zones[z].pcp.allSatisfy { $0.high == 0 && $0.batch == 1 })
        m.zonePCPEnable(zone: z)
        #expect(m.zones[z].pcp.allSatisfy { $0.high > 0 })
        try m.checkInvariants()
    }
}

@Suite("LRU")
struct LRUTests {
    @Test("new pages wait in the cpu batch until lru_add_drain moves them onto the LRU")
    func batchAndDrain() throws {
        var m = try quietMachine()
        let pid = m.spawnProcess(node: 0, cpu: 1)
        let pGot = m.faultAnon(pid: pid)
        let p = try #require(pGot)
        #expect(!m.flags(PFN(p)).contains(.lru))
        #expect(m.lruBatchCounts[1] == 1)
        let before = m.nodes[0].lru(.inactiveAnon)
        m.lruAddDrainCPU(1)
        #expect(m.flags(PFN(p)).contains(.lru))
        #expect(m.nodes[0].lru(.inactiveAnon) == before + 1)
        try m.checkInvariants()
    }

    @Test("a second access activates; isolation and putback keep the counts")
    func activation() throws {
        var m = try quietMachine()
        let pid = m.spawnProcess(node: 0, cpu: 0)
        let pGot = m.faultAnon(pid: pid)
        let p = try #require(pGot)
        m.lruAddDrainAll()
        m.markAccessed(p)
        #expect(m.lruListIfOn(PFN(p)) == .inactiveAnon)
        m.markAccessed(p)
        #expect(m.lruListIfOn(PFN(p)) == .activeAnon)
        let isolated = m.isolateLRU(p)
        #expect(isolated)
        #expect(m.nodes[0].nrIsolatedAnon == 1)
        #expect(m.lruListIfOn(PFN(p)) == nil)
        m.putbackLRU(p)
        #expect(m.nodes[0].nrIsolatedAnon == 0)
        #expect(m.lruListIfOn(PFN(p)) == .activeAnon)
        try m.checkInvariants()
    }

    @Test("while the LRU cache is disabled new pages go straight on the LRU")
    func disabled() throws {
        var m = try quietMachine()
        m.lruCacheDisabled = 1
        let pid = m.spawnProcess(node: 0, cpu: 0)
        let pGot = m.faultAnon(pid: pid)
        let p = try #require(pGot)
        #expect(m.flags(PFN(p)).contains(.lru))
        #expect(m.lruBatchCounts.allSatisfy { $0 == 0 })
    }

    @Test("process exit frees every page, page table and swap slot it had")
    func exit() throws {
        var m = try Machine(config: .small(workload: .heavy), warmupTicks: 300)
        let pid = try #require(m.alivePIDs.first)
        let free = m.zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        let resident = m.processes[pid].residentPages + m.processes[pid].pageTables.count
        m.exitProcess(pid: pid)
        try m.checkInvariants()
        let freeAfter = m.zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        #expect(freeAfter - free == resident)
        #expect(m.anonVMAs[pid].freed)
    }
}
