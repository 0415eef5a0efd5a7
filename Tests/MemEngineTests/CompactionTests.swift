import Testing
@testable import MemEngine

/// A 128 MiB teaching machine, workload stopped, in which no free block of the THP order is
/// left: every such block keeps one page-cache page on the LRU at its start, the rest of it
/// free (so free memory is plentiful, but fragmented).
private func fragmentedMachine(seed: UInt64 = 1) throws -> Machine {
    var config = MachineConfig(memoryBytes: 128 << 20, seed: seed)
    config.thp = .never
    var m = try Machine(config: config)
    m.workloadEnabled = false
    m.eventFilter = .all
    fragmentTHPOrderBlocks(&m, onLRU: true)
    try m.checkInvariants()
    _ = m.drainEvents()
    return m
}

private var thpGFP: GFP {
    var gfp = GFP.migrationTarget
    gfp.mayReclaim = false
    return gfp
}

@Suite("Direct compaction (mm/compaction.c) for a large folio's migration target")
struct CompactionTests {
    @Test("compact_zone moves order-0 LRU pages toward the zone's end until a free block of the order exists; content is kept")
    func compactionMakesABlock() throws {
        var m = try fragmentedMachine()
        let order = m.thpOrder
        let plain = m.allocPages(order: order, gfp: thpGFP, preferredNode: 0, cpu: 0)
        #expect(plain == nil, "no free block of the THP order is left")
        let before = contentTokens(m)
        let compacted = m.allocPagesDirectCompact(order: order, gfp: thpGFP, preferredNode: 0, priority: .async, cpu: 0)
        let got = try #require(compacted)
        #expect(got.pfn % order.pagesCount == 0)
        m.freePages(got.pfn, order: order, cpu: 0)
        try m.checkInvariants()
        #expect(contentTokens(m) == before, "every page-cache page is still in its file, once")
        #expect(m.vmstat.compactStall == 1 && m.vmstat.compactSuccess == 1 && m.vmstat.compactMigrated > 0)
        #expect(m.vmstat.pgmigrateSuccess == m.vmstat.compactMigrated)
        let events = m.drainEvents()
        let begin = try #require(events.firstIndex { $0.fn == "compact_zone" })
        let migrations = events.indices.filter { events[$0].fn == "mm_compaction_migratepages" }
        let end = try #require(events.lastIndex { $0.fn == "compact_zone" })
        #expect(events[end].detail?.contains("COMPACT_SUCCESS") == true)
        #expect(!migrations.isEmpty && migrations.allSatisfy { $0 > begin && $0 < end })
        let file = m.files.count - 1
        #expect(m.files[file].pages.allSatisfy { $0 == PageArrays.none || m.pages.kindOf(Int($0)) == .file })
    }

    @Test("compaction leaves the range being offlined alone: its isolated pageblocks are neither source nor target")
    func rangeUntouched() throws {
        var m = try fragmentedMachine(seed: 5)
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        try m.startOffline([block])
        for _ in 0..<10_000 where m.operation?.phase != .migrate { m.step() }
        #expect(m.operation?.phase == .migrate)
        let range = m.blockRange(block)
        let snapshot = { (m: Machine) in range.map { "\(m.pages.kind[$0]) \(m.pages.flags[$0]) \(m.pages.owner[$0]) \(m.pages.index[$0])" } }
        let before = snapshot(m)
        let rc = m.tryToCompactPages(order: m.thpOrder, gfp: thpGFP, preferredNode: 0, priority: .syncLight, cpu: 0)
        #expect(rc != .skipped, "compaction ran")
        #expect(m.vmstat.compactMigrated > 0)
        #expect(snapshot(m) == before, "no page of the isolated range changed")
        m.cancelOperation()
        for _ in 0..<100_000 where m.operation?.isFinished == false { m.step() }
        try m.checkInvariants()
    }

    @Test("compaction_suitable: with free memory under the low watermark plus 2<<order, compaction is skipped")
    func skippedWhenShortOfMemory() throws {
        var m = try fragmentedMachine(seed: 3)
        let order = m.thpOrder
        var gfp = GFP.highUserMovable
        gfp.mayReclaim = false
        let f = m.addFile(pages: 200_000)
        var i = 0
        while i < 200_000, let (p, _) = m.allocPages(order: 0, gfp: gfp, preferredNode: 0, cpu: 0) {
            m.fill(p, kind: .file, owner: UInt32(f), index: UInt32(i), flags: .mappedToDisk)
            m.files[f].pages[i] = UInt32(p)
            m.lruAdd(p)
            i += 1
        }
        for z in m.zones.indices { for c in m.zones[z].pcp.indices { _ = m.drainPages(zone: z, cpu: c) } }
        _ = m.drainEvents()
        let rc = m.tryToCompactPages(order: order, gfp: thpGFP, preferredNode: 0, priority: .async, cpu: 0)
        #expect(rc == .skipped)
        #expect(m.vmstat.compactMigrated == 0)
        #expect(m.drainEvents().contains { $0.fn == "compaction_suitable" && $0.detail?.contains("COMPACT_SKIPPED") == true })
        try m.checkInvariants()
    }

    @Test("a failed MIGRATE_SYNC_LIGHT compaction defers the next ones (defer_compaction), a success resets that")
    func deferral() throws {
        var m = try fragmentedMachine(seed: 2)
        m.prepareCompactionState()
        let z = try #require(m.zones.indices.first { m.zones[$0].type == .movable && m.zones[$0].managed > 0 })
        m.deferCompaction(zone: z, order: m.thpOrder)
        let first = m.compactionDeferred(zone: z, order: m.thpOrder)
        let second = m.compactionDeferred(zone: z, order: m.thpOrder)
        let lower = m.compactionDeferred(zone: z, order: m.thpOrder - 1)
        #expect(first, "deferred once after one failure")
        #expect(!second, "then tried again")
        #expect(!lower, "a lower order than the one that failed is not deferred")
        m.compactionDeferReset(zone: z, order: m.thpOrder, allocSuccess: true)
        #expect(m.compaction.zones[z].deferShift == 0)
    }

    @Test("same machine, same compaction: the same events and the same state")
    func deterministic() throws {
        let m = try fragmentedMachine(seed: 4)
        var a = m, b = m
        let ga = a.allocPagesDirectCompact(order: m.thpOrder, gfp: thpGFP, preferredNode: 0, priority: .syncLight, cpu: 0)
        let gb = b.allocPagesDirectCompact(order: m.thpOrder, gfp: thpGFP, preferredNode: 0, priority: .syncLight, cpu: 0)
        #expect(ga?.pfn == gb?.pfn)
        #expect(a.drainEvents() == b.drainEvents())
        #expect(a == b)
    }
}
