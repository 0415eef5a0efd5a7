import Testing
@testable import MemEngine

@Suite("Merging free blocks across pageblocks of different types")
struct MergeTypeTests {
    /// A quiet machine with one free top-order Movable block of DMA32 taken off its list: its
    /// two pageblocks, lower and upper, are for the test to free.
    func takenTopBlock() throws -> (m: Machine, zone: Int, head: Int, upper: Int) {
        var m = try quietMachine()
        let z = m.nodes[0].zoneIndices[ZoneType.dma32.rawValue]
        try #require(m.geometry.maxOrder == m.geometry.pageblockOrder + 1, "two pageblocks per largest block")
        let headGot = m.zones[z].freeArea[m.zones[z].listIndex(order: m.geometry.maxOrder, mt: .movable)].first
        let head = try #require(headGot)
        m.removeFromFreeList(head, zone: z)
        return (m, z, head, head + m.geometry.pageblockOrder.pagesCount)
    }

    @Test("__free_one_page gives the buddy's pageblock the freed block's type, so expand() puts each half on its own list")
    func mergeMatchesBuddyType() throws {
        let taken = try takenTopBlock()
        var m = taken.m
        let (z, head, upper) = (taken.zone, taken.head, taken.upper)
        let top = m.geometry.maxOrder, pbOrder = m.geometry.pageblockOrder
        // Two free pageblocks of one top-order block: the upper one Unmovable, the lower Movable.
        m.pageblockMT[m.pageblockIndex(upper)] = UInt8(MigrateType.unmovable.rawValue)
        m.pages.reset(upper, to: .free)
        m.freeOnePage(upper, order: pbOrder, mt: .unmovable, zone: z)
        m.pages.reset(head, to: .free)
        m.freeOnePage(head, order: pbOrder, mt: .movable, zone: z)
        // They merge (both types are mergeable) and the Unmovable pageblock becomes Movable.
        #expect(m.pages.has(head, .buddy) && m.pages.order(head) == top && m.pages.listMT(head) == .movable)
        #expect(m.effectiveMT(upper) == .movable)
        try m.checkInvariants()
        // __rmqueue_smallest() of one pageblock: the upper half goes back on its pageblock's list.
        m.removeFromFreeList(head, zone: z)
        m.expand(head, low: pbOrder, high: top, mt: .movable, zone: z)
        #expect(m.pages.listMT(upper) == m.effectiveMT(upper))
    }

    @Test("an isolated pageblock and a Movable one never merge, and keep their types")
    func isolateDoesNotMerge() throws {
        let taken = try takenTopBlock()
        var m = taken.m
        let (z, head, upper) = (taken.zone, taken.head, taken.upper)
        let pbOrder = m.geometry.pageblockOrder
        m.pageblockIsolated[m.pageblockIndex(upper)] = true
        m.zones[z].nrIsolatePageblock += 1
        m.pages.reset(upper, to: .free)
        m.freeOnePage(upper, order: pbOrder, mt: .isolate, zone: z)
        m.pages.reset(head, to: .free)
        m.freeOnePage(head, order: pbOrder, mt: .movable, zone: z)
        #expect(m.pages.order(head) == pbOrder && m.pages.listMT(head) == .movable)
        #expect(m.pages.order(upper) == pbOrder && m.pages.listMT(upper) == .isolate)
        #expect(m.pageblockMT[m.pageblockIndex(upper)] == UInt8(MigrateType.movable.rawValue))
        try m.checkInvariants()
    }

    /// The sweep case that broke: seed 5, heavy, two nodes, block 3. A Reclaimable page freed
    /// next to a free Unmovable pageblock merged into an order-4 block on the Reclaimable list;
    /// at step 1003 a Reclaimable allocation split it and put the Unmovable pageblock's half on
    /// the Reclaimable list.
    @Test("offlining block 3 of the tiny heavy machine, seed 5, keeps every free block on its pageblock's list")
    func seededSweepCase() throws {
        var m = try Machine(config: .tiny(seed: 5, workload: .heavy, nodes: 2), warmupTicks: 20)
        try #require(m.blocks[3].state == .online)
        try m.startOffline([BlockID(3)])
        try runChecked(&m, maxSteps: 50_000)
    }
}
