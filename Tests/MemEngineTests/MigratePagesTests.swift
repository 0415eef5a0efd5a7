import Testing
@testable import MemEngine

/// A 128 MiB machine of the teaching geometry (8 MiB blocks of 2048 pages, so a block needs
/// several batches; THP order 6) with the workload stopped, every event recorded.
private func teachingMachine(thp: THPMode, seed: UInt64 = 1) throws -> Machine {
    var config = MachineConfig(memoryBytes: 128 << 20, seed: seed)
    config.thp = thp
    var m = try Machine(config: config)
    m.workloadEnabled = false
    m.eventFilter = .all
    _ = m.drainEvents()
    return m
}

/// Runs the operation to its end, checking invariants after every step; returns every event.
private func runCollecting(_ m: inout Machine, each: (inout Machine) -> Void = { _ in }) throws -> [Event] {
    var events: [Event] = []
    var n = 0
    while let op = m.operation, !op.isFinished {
        each(&m)
        m.step()
        try m.checkInvariants()
        events += m.drainEvents()
        n += 1
        if op.stall != nil && !op.signalPending { m.cancelOperation() }
        if n > 2_000_000 { throw InvariantViolation(message: "operation did not end", pfn: nil) }
    }
    return events
}

/// The anonymous page of the block with the most pages under it in the block: one to pin or lock.
private func anonPage(_ m: Machine, in block: BlockID) throws -> PFN {
    try #require(pfns(m, block).first { m.kind($0) == .anon && m.flags($0).contains(.lru) && m.pages.folioOrder($0.raw) == 0 })
}

/// Offlines a block one of whose anon pages carries `flag` (its lock, or writeback) until
/// MIGRATE_SYNC has waited `ticks` for it; returns the page, every event and when the wait began.
private func offlineWithHeldFolio(_ flag: PageFlags, releasedAfter ticks: Int) throws -> (Machine, PFN, [Event], Int) {
    var m = try teachingMachine(thp: .never)
    let block = try #require(offlinableBlocks(m, zone: .movable).first)
    let p = try anonPage(m, in: block)
    m.pages.set(p.raw, flag)
    try m.startOffline([block])
    var waitedSince: Int?
    let events = try runCollecting(&m) { m in
        // The holder (I/O in flight) lets go some ticks after migration starts to wait.
        if waitedSince == nil, m.operation?.migratePages?.call == .syncOne, m.operation?.migratePages?.waitingTarget != nil {
            waitedSince = m.tick
        }
        if let t = waitedSince, m.tick >= t + ticks { m.pages.clear(p.raw, flag) }
    }
    return (m, p, events, try #require(waitedSince))
}

@Suite("migrate_pages as since Linux 6.3")
struct MigratePagesTests {
    @Test("a batch holds at most 512 pages, and every folio of it is unmapped before any is moved, with one TLB flush between")
    func batchOrder() throws {
        var m = try teachingMachine(thp: .never)
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        try m.startOffline([block])
        let events = try runCollecting(&m)
        #expect(m.operation?.result?.outcome == .offlined)
        // Split the trace at each batch.
        var batches: [[Event]] = []
        for e in events {
            if e.fn == "migrate_pages_sync", e.detail?.hasPrefix("batch of") == true { batches.append([]) }
            if !batches.isEmpty { batches[batches.count - 1].append(e) }
        }
        #expect(batches.count >= 2, "a block of 2048 pages needs several batches")
        for batch in batches {
            let pages = batch.first?.detail.flatMap { d in d.split(separator: "(").last?.split(separator: " ").first.flatMap { Int($0) } } ?? 0
            #expect(pages <= 512 && pages > 0)
            let unmaps = batch.indices.filter { batch[$0].fn == "alloc_migration_target" }
            let moves = batch.indices.filter { batch[$0].fn == "folio_copy" }
            let flushes = batch.indices.filter { batch[$0].fn == "try_to_unmap_flush" }
            #expect(!moves.isEmpty)
            #expect(flushes.count == 1)
            if let lastUnmap = unmaps.last, let firstMove = moves.first, let flush = flushes.first {
                #expect(lastUnmap < flush && flush < firstMove)
            }
        }
    }

    @Test("a pinned folio fails 3 MIGRATE_ASYNC passes, then 7 MIGRATE_SYNC passes alone, then goes back to the LRU")
    func asyncThenSync() throws {
        var m = try teachingMachine(thp: .never)
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        let p = try anonPage(m, in: block)
        m.pin(p)
        try m.startOffline([block])
        var events: [Event] = []
        while m.operation?.isFinished == false && !events.contains(where: { $0.fn == "putback_movable_pages" }) {
            m.step()
            try m.checkInvariants()
            events += m.drainEvents()
        }
        let tries = events.indices.filter { events[$0].fn == "migrate_folio_move" && events[$0].pfn == p.raw }
        #expect(tries.count == 10, "3 async passes and 7 sync passes")
        let handOver = try #require(events.firstIndex { $0.fn == "migrate_pages_sync" && $0.detail?.contains("one at a time with MIGRATE_SYNC") == true })
        #expect(tries.prefix(3).allSatisfy { $0 < handOver })
        #expect(tries.dropFirst(3).allSatisfy { $0 > handOver })
        // While it is tried alone, no other folio is moved between its tries.
        if let first = tries.dropFirst(3).first, let last = tries.last {
            #expect(!events[first...last].contains { $0.fn == "folio_copy" })
        }
        #expect(m.lruListIfOn(p) != nil, "put back on its LRU list")
        m.unpin(p)
        m.cancelOperation()
        _ = try runCollecting(&m)
    }

    @Test("MIGRATE_SYNC waits for a locked folio and then migrates it; it is not put back")
    func waitsForLockedFolio() throws {
        let (m, p, events, waitedSince) = try offlineWithHeldFolio(.locked, releasedAfter: 300)
        #expect(m.operation?.result?.outcome == .offlined)
        let again = events.filter { $0.fn == "migrate_folio_unmap" && $0.pfn == p.raw && $0.detail?.contains("locked") == true }
        #expect(again.count == 3, "each MIGRATE_ASYNC pass gives up on the lock")
        let wait = try #require(events.firstIndex { $0.fn == "folio_lock" && $0.pfn == p.raw })
        let copy = try #require(events.firstIndex { $0.fn == "folio_copy" && $0.pfn == p.raw })
        #expect(wait < copy)
        #expect(events[copy].tick >= waitedSince + 300, "it moved once the lock was free")
        #expect(!events.contains { $0.fn == "putback_movable_pages" })
        #expect(m.operation?.failedMigrations == 0)
    }

    @Test("MIGRATE_ASYNC fails a folio under writeback with -EBUSY; MIGRATE_SYNC waits for the writeback and migrates it")
    func waitsForWriteback() throws {
        let (m, p, events, waitedSince) = try offlineWithHeldFolio(.writeback, releasedAfter: 200)
        #expect(m.operation?.result?.outcome == .offlined)
        let busy = events.filter { $0.fn == "migrate_folio_unmap" && $0.pfn == p.raw && $0.detail?.contains("-EBUSY") == true }
        #expect(busy.count == 1, "-EBUSY is not retried within the async call")
        let wait = try #require(events.firstIndex { $0.fn == "folio_wait_writeback" && $0.pfn == p.raw })
        let copy = try #require(events.firstIndex { $0.fn == "folio_copy" && $0.pfn == p.raw })
        #expect(wait < copy)
        #expect(events[copy].tick >= waitedSince + 200)
        #expect(m.operation?.failedMigrations == 0)
    }

    @Test("a THP moves whole when a free block of its order exists outside the range")
    func thpMovedWhole() throws {
        // Seed 4: node 1's first ZONE_MOVABLE block (node 0's starts inside a block) has a THP
        // target for each of its large folios.
        var m = try teachingMachine(thp: .always, seed: 4)
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        let heads = pfns(m, block).filter { m.pages.folioOrder($0.raw) == m.thpOrder && !m.pages.isTail($0.raw) }
        #expect(heads.count > 4, "the light workload's anon memory is mostly THP")
        // The inspector's view of a folio: the head holds the counts, a tail names its head.
        let head = heads[0]
        #expect(m.pageInfo(head).folioHead == head && m.pageInfo(head).refcount == 1 && m.pageInfo(head).mapcount == 1)
        let tail = m.pageInfo(head + 5)
        #expect(tail.folioHead == head && tail.folioOrder == m.thpOrder && tail.refcount == 0 && tail.lru == m.pageInfo(head).lru)
        try m.startOffline([block])
        let events = try runCollecting(&m)
        #expect(m.operation?.result?.outcome == .offlined)
        #expect(m.operation?.thpMigrated == heads.count)
        #expect(m.operation?.thpSplit == 0)
        for h in heads {
            let copy = try #require(events.first { $0.fn == "folio_copy" && $0.pfn == h.raw })
            #expect(copy.detail?.contains("\(m.thpOrder.pagesCount) pages") == true)
            let dst = try #require(copy.toPFN)
            #expect(dst % m.thpOrder.pagesCount == 0, "the target is a naturally aligned block")
            #expect(m.pages.folioOrder(dst) == m.thpOrder || m.kind(PFN(dst)) != .anon)
        }
        #expect(events.contains { $0.fn == "try_to_migrate" && $0.detail?.contains("one PMD migration entry") == true })
        // Not every target was free from the start: direct compaction made some, moving
        // order-0 pages toward the zone's end (mm/compaction.c) until a block of the THP's
        // order was free.
        #expect(m.vmstat.compactSuccess > 0 && m.vmstat.compactMigrated > 0)
        let compacted = try #require(events.firstIndex { $0.fn == "compact_zone" && $0.detail?.contains("COMPACT_SUCCESS") == true })
        #expect(events[compacted...].contains { $0.fn == "alloc_migration_target" && $0.detail?.hasPrefix("order-\(m.thpOrder)") == true })
    }

    @Test("a THP is split (split_folio_to_list) and its pages moved one by one when no free block of its order is left")
    func thpSplitWithoutHugeTarget() throws {
        var m = try teachingMachine(thp: .always)
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        let heads = pfns(m, block).filter { m.pages.folioOrder($0.raw) == m.thpOrder && !m.pages.isTail($0.raw) }
        #expect(!heads.isEmpty)
        try m.startOffline([block])
        for _ in 0..<10_000 where m.operation?.phase != .migrate { m.step() }
        #expect(m.operation?.phase == .migrate)
        // No free block of the THP order outside the range, and page cache that neither
        // reclaim nor compaction can move in its place.
        fragmentTHPOrderBlocks(&m, onLRU: false)
        let n = m.thpOrder.pagesCount
        // Direct compaction (the target's __GFP_DIRECT_RECLAIM) would empty a block of movable
        // pages into those fragments, as the kernel's would: a page pinned for DMA in every
        // other block outside the range keeps any block from becoming free, so compaction
        // runs and fails, and only then is the folio split.
        let range = m.blockRange(block)
        for base in stride(from: 0, to: m.pageCount, by: n) where !range.contains(base) {
            let blockPages = base..<(base + n)
            guard !blockPages.contains(where: { m.pages.kindOf($0) == .file && !m.pages.has($0, .lru) }),
                  let p = blockPages.first(where: { m.pages.has($0, .lru) && m.pages.folioOrder($0) == 0 }) else { continue }
            m.pin(PFN(p))
        }
        try m.checkInvariants()
        let events = try runCollecting(&m)
        #expect(m.operation?.result?.outcome == .offlined)
        #expect(events.contains { $0.fn == "try_to_compact_pages" }, "the target's allocation compacted first")
        #expect(m.vmstat.compactStall > 0 && m.vmstat.compactSuccess == 0)
        #expect(m.operation?.thpSplit == heads.count)
        #expect(m.operation?.thpMigrated == 0)
        let split = try #require(events.first { $0.fn == "split_folio_to_list" })
        #expect(split.detail?.contains("split into \(n) pages") == true)
        #expect(events.contains { $0.fn == "migrate_pages_batch" && $0.detail?.contains("split folios") == true })
        #expect(m.vmstat.thpMigrationSplit == heads.count)
    }

    @Test("alloc_migration_target never moves a page of a kernel zone into ZONE_MOVABLE")
    func kernelZoneTargets() throws {
        var m = try Machine(config: .small(seed: 22, nodes: 1, thp: .never))
        m.workloadEnabled = false
        let normal = try #require(m.blocks.map(\.id).first { m.blockSummary($0).zone == .normal })
        let src = pfns(m, normal)[0].raw
        let movable = try #require(m.zones.indices.first { m.zones[$0].type == .movable })
        let movableFree = m.zones[movable].freePages + m.zones[movable].pcpPages
        #expect(movableFree > 0)
        var got: [Int] = []
        while let t = m.allocMigrationTarget(for: src, order: 0, cpu: 0), got.count < 100_000 { got.append(t) }
        #expect(!got.isEmpty)
        #expect(got.allSatisfy { m.zoneType(PFN($0)) != .movable })
        // Targets ran out while ZONE_MOVABLE still had free pages (direct reclaim may even have
        // added some): they were never an option.
        #expect(m.zones[movable].freePages > m.zones[movable].watermarks.low)
        // A Movable source may use ZONE_MOVABLE.
        let movableSrc = m.zones[movable].startPFN.raw
        let tGot = m.allocMigrationTarget(for: movableSrc, order: 0, cpu: 0)
        let t = try #require(tGot)
        #expect(m.zoneType(PFN(t)) == .movable)
    }
}

