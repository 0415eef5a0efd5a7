import Testing
@testable import MemEngine

@Suite("Memory hot-remove: offline_pages and online_pages")
struct HotRemoveTests {
    @Test("a ZONE_MOVABLE block goes offline under a heavy workload", arguments: [UInt64(1), 2, 3])
    func successUnderLoad(seed: UInt64) throws {
        // One node: on two nodes of 24 MiB at 90% use the other node, where the targets must
        // come from, can be full, and this model's reclaim does not aim at a node.
        var m = try Machine(config: .small(seed: seed, workload: .heavy, nodes: 1))
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        let used = m.blockSummary(block)
        #expect(used.count(.anon) + used.count(.file) > 100, "the block holds user pages to migrate")
        let zone = try #require(m.zoneIndex(m.pfnRange(of: block).lowerBound))
        let present = m.zones[zone].present
        try m.startOffline([block])
        let result = try runChecked(&m)
        #expect(result.outcome == .offlined)
        #expect(m.blocks[block.raw].state == .offline)
        #expect(m.zones[zone].present == present - m.geometry.pagesPerBlock)
        #expect(m.blockSummary(block).count(.offline) == m.geometry.pagesPerBlock)
        #expect(m.operation?.migrated ?? 0 > 0)
        // pgmigrate_success counts every migrate_pages() call: hot-remove's, and direct
        // compaction's when a THP's target had to be compacted for.
        #expect(m.vmstat.pgmigrateSuccess == (m.operation?.migrated ?? 0) + m.vmstat.compactMigrated)
        #expect(m.zones[zone].nrIsolatePageblock == 0)
        // Only reclaim's swap-outs under writeback stay isolated.
        #expect(m.nodes.reduce(0) { $0 + $1.nrIsolatedAnon } == m.inFlightIO.filter { $0.kind == .swapOut }.count)
        #expect(m.nodes.allSatisfy { $0.nrIsolatedFile == 0 })
    }

    @Test("with the workload stopped, every page's content survives migration exactly once")
    func contentSurvives() throws {
        var m = try Machine(config: .small(seed: 7, workload: .light))
        m.workloadEnabled = false
        let before = contentTokens(m)
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        try m.startOffline([block])
        #expect(try runChecked(&m).outcome == .offlined)
        #expect(contentKept(before: before, after: contentTokens(m)))
    }

    @Test("EBUSY when a reserved (bootmem) page is in the block")
    func reserved() throws {
        var m = try Machine(config: .small(seed: 1))
        // memblock allocates top-down: node 1's memmap sits at the top of the node, in ZONE_MOVABLE.
        let top = try #require(m.blocks.last { $0.node.raw == 1 }?.id)
        #expect(m.blockSummary(top).zone == .movable)
        #expect(m.blockSummary(top).count(.reserved) > 0)
        let verdict = m.offlineVerdict(top)
        #expect(verdict.blockers.first?.reason == "reserved page")
        try m.startOffline([top])
        let result = try runChecked(&m)
        #expect(result == HotplugResult(outcome: .failed, errno: "EBUSY", reason: "failure to isolate range"))
        #expect(m.blocks[top.raw].state == .online)
        #expect(m.operation?.messages.last == "debug: memory offlining [mem \(hex10(m.geometry.physAddress(m.pfnRange(of: top).lowerBound)))-\(hex10(m.geometry.physAddress(m.pfnRange(of: top).upperBound) - 1))] failed due to failure to isolate range")
        #expect(m.zones.allSatisfy { $0.nrIsolatePageblock == 0 })
    }

    @Test("EBUSY for slab pages in ZONE_NORMAL")
    func slabInNormal() throws {
        var m = try Machine(config: .small(seed: 4, nodes: 1))
        let block = try #require(m.blocks.map(\.id).first { b in
            m.blockSummary(b).zone == .normal && m.offlineVerdict(b).blockers.contains { $0.kind == .slab }
        })
        try m.startOffline([block])
        let result = try runChecked(&m)
        #expect(result.errno == "EBUSY")
        #expect(result.reason == "failure to isolate range")
        let dump = m.operation?.messages.joined(separator: "\n") ?? ""
        #expect(dump.contains("warn: flags: ") && dump.contains("slab"))
        #expect(dump.contains("warn: page dumped because: unmovable page"))
        // Pageblocks isolated before the slab page was found were put back.
        for pfn in stride(from: m.pfnRange(of: block).lowerBound.raw, to: m.pfnRange(of: block).upperBound.raw, by: m.geometry.pagesPerPageblock) {
            #expect(!m.isPageblockIsolated(PFN(pfn)))
        }
    }

    @Test("EINVAL from memory_block_offline for a block that spans two zones (valid_zones none)")
    func multizone() throws {
        var m = try Machine(config: .small(seed: 1))
        #expect(m.validZones(BlockID(0)).isEmpty)
        try m.startOffline([BlockID(0)])
        let result = try runChecked(&m)
        #expect(result == HotplugResult(outcome: .failed, errno: "EINVAL", reason: nil))
        let events = m.drainEvents()
        #expect(events.contains { $0.fn == "memory_block_offline" })
        #expect(!events.contains { $0.fn == "offline_pages" })
        #expect(m.operation?.messages.isEmpty == true)
    }

    @Test("EINVAL for a block with a hole")
    func holes() throws {
        var m = try Machine(config: .small(seed: 1, memory: (47 << 20) + (512 << 10)))
        let last = BlockID(m.blocks.count - 1)
        try m.startOffline([last])
        let result = try runChecked(&m)
        #expect(result == HotplugResult(outcome: .failed, errno: "EINVAL", reason: "memory holes"))
        #expect(m.blocks[last.raw].state == .online)
    }

    @Test("a signal right after isolation rolls everything back")
    func cancelAfterIsolation() throws {
        var m = try Machine(config: .small(seed: 3, workload: .heavy))
        m.workloadEnabled = false
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        let range = m.pfnRange(of: block)
        let mts = stride(from: range.lowerBound.raw, to: range.upperBound.raw, by: m.geometry.pagesPerPageblock).map { m.migratetype(PFN($0)) }
        let kinds = (range.lowerBound.raw..<range.upperBound.raw).map { m.pageInfo(PFN($0)) }
        let free = m.zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        try m.startOffline([block])
        while m.operation?.phase != .migrate { m.step(); try m.checkInvariants() }
        #expect(m.isPageblockIsolated(range.lowerBound))
        m.cancelOperation()
        let result = try runChecked(&m)
        #expect(result == HotplugResult(outcome: .failed, errno: "EINTR", reason: "signal backoff"))
        let mtsAfter = stride(from: range.lowerBound.raw, to: range.upperBound.raw, by: m.geometry.pagesPerPageblock).map { m.migratetype(PFN($0)) }
        #expect(mtsAfter == mts)
        #expect(m.zones.allSatisfy { $0.nrIsolatePageblock == 0 && $0.pcpDisabled == 0 })
        #expect(m.lruCacheDisabled == 0)
        #expect(m.blocks[block.raw].state == .online)
        #expect(m.zones.reduce(0) { $0 + $1.freePages + $1.pcpPages } == free)
        // Every page holds what it held: no content moved, none lost.
        for (i, p) in (range.lowerBound.raw..<range.upperBound.raw).enumerated() where kinds[i].kind.hasContent {
            let now = m.pageInfo(PFN(p))
            #expect(now.kind == kinds[i].kind && now.owner == kinds[i].owner, "pfn \(PFN(p))")
        }
    }

    @Test("a signal in the middle of migration backs off with EINTR; moved pages stay moved")
    func cancelDuringMigration() throws {
        var m = try Machine(config: .small(seed: 5, workload: .light))
        m.workloadEnabled = false
        let before = contentTokens(m)
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        try m.startOffline([block])
        while (m.operation?.migrated ?? 0) < 20 { m.step(); try m.checkInvariants() }
        m.cancelOperation()
        let result = try runChecked(&m)
        #expect(result.errno == "EINTR")
        #expect(contentKept(before: before, after: contentTokens(m)))
        #expect(m.zones.allSatisfy { $0.nrIsolatePageblock == 0 })
        // Only reclaim's swap-outs under writeback stay isolated.
        #expect(m.nodes.reduce(0) { $0 + $1.nrIsolatedAnon } == m.inFlightIO.filter { $0.kind == .swapOut }.count)
        #expect(m.nodes.allSatisfy { $0.nrIsolatedFile == 0 })
    }

    @Test("a pinned page makes no progress: the engine says why and a signal ends it")
    func pinned() throws {
        // 20000 ticks of the light workload (1000 actions) fill the movable zone with anon.
        var m = try Machine(config: .small(seed: 2, workload: .light), warmupTicks: 20_000)
        m.workloadEnabled = false
        // The first offlinable movable block with an order-0 anon page on the LRU (THPs fill
        // most anonymous memory).
        let isVictim = { (p: Int) in m.kind(PFN(p)) == .anon && m.flags(PFN(p)).contains(.lru) && m.pages.folioOrder(p) == 0 }
        let block = try #require(offlinableBlocks(m, zone: .movable).first { b in
            let r = m.pfnRange(of: b)
            return (r.lowerBound.raw..<r.upperBound.raw).contains(where: isVictim)
        })
        let range = m.pfnRange(of: block)
        let victim = try #require((range.lowerBound.raw..<range.upperBound.raw).first(where: isVictim))
        m.pin(PFN(victim))
        try m.startOffline([block])
        var steps = 0
        while m.operation?.stall == nil && m.operation?.isFinished == false && steps < 200_000 { m.step(); steps += 1 }
        let stall = try #require(m.operation?.stall)
        #expect(stall.contains(PFN(victim).description))
        #expect(stall.contains("pinned"))
        #expect(m.operation?.retries ?? 0 > 0)
        m.cancelOperation()
        let result = try runChecked(&m)
        #expect(result.errno == "EINTR")
        #expect(m.vmstat.pgmigrateFail > 0)
    }

    @Test("offline then online: the block is back, counters restored, memory usable", arguments: [OnlineType.online, .movable, .kernel])
    func offlineThenOnline(type: OnlineType) throws {
        var m = try Machine(config: .small(seed: 6, nodes: 1))
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        let zonesBefore = m.zones.map { ($0.present, $0.managed) }
        try m.startOffline([block])
        #expect(try runChecked(&m).outcome == .offlined)
        // default_zone_for_pfn(): Movable while ZONE_MOVABLE's span still covers the block.
        let movableZone = m.nodes[0].zoneIndices[ZoneType.movable.rawValue]
        let stillSpanned = m.zones[movableZone].contains(m.pfnRange(of: block).lowerBound)
        #expect(m.validZones(block) == (stillSpanned ? [.movable, .normal] : [.normal, .movable]))
        m.clearOperation()
        m.workloadEnabled = false  // so that the onlined block is still all free when checked
        try m.startOnline([block], as: type)
        let result = try runChecked(&m)
        #expect(result.outcome == .online)
        #expect(m.blocks[block.raw].state == .online)
        let expectZone: ZoneType = type == .kernel || (type == .online && !stillSpanned) ? .normal : .movable
        #expect(m.blockSummary(block).zone == expectZone)
        #expect(m.blockSummary(block).count(.free) == m.geometry.pagesPerBlock)
        if expectZone == .movable {
            #expect(m.zones.map { ($0.present, $0.managed) }.elementsEqual(zonesBefore, by: ==))
        }
        #expect(m.offlineVerdict(block).offlinable)
        m.workloadEnabled = true
        try stepChecked(&m, steps: 300)
    }

    @Test("known limit: a swap-cache page off the LRU blocks isolation in a kernel zone, and makes ZONE_MOVABLE wait")
    func swapcacheOffLRU() throws {
        // ZONE_NORMAL: has_unmovable_pages() sees a page that is neither free nor on the LRU.
        var normal = try Machine(config: .small(seed: 22, nodes: 1, thp: .never))
        normal.workloadEnabled = false
        let nb = try #require(normal.blocks.map(\.id).first { b in
            normal.blockSummary(b).zone == .normal && normal.offlineVerdict(b).offlinable
                && pfns(normal, b).contains { normal.kind($0) == .anon && normal.flags($0).contains(.lru) }
        })
        let np = try #require(pfns(normal, nb).first { normal.kind($0) == .anon && normal.flags($0).contains(.lru) })
        let swappingN = normal.startSwapOut(np, ticks: 100_000)
        #expect(swappingN)
        #expect(normal.offlineVerdict(nb).blockers.first?.pfn == np)
        try normal.startOffline([nb])
        #expect(try runChecked(&normal) == HotplugResult(outcome: .failed, errno: "EBUSY", reason: "failure to isolate range"))

        // ZONE_MOVABLE: isolation passes, the loop waits until writeback ends and frees the page.
        var movable = try Machine(config: .small(seed: 22, nodes: 1, thp: .never), warmupTicks: 20_000)
        movable.workloadEnabled = false
        let anonOnLRU = { (p: PFN) in movable.kind(p) == .anon && movable.flags(p).contains(.lru) }
        let mb = try #require(offlinableBlocks(movable, zone: .movable).first { pfns(movable, $0).contains(where: anonOnLRU) })
        let mp = try #require(pfns(movable, mb).first(where: anonOnLRU))
        let swappingM = movable.startSwapOut(mp, ticks: 3000)
        #expect(swappingM)
        try movable.startOffline([mb])
        let result = try runChecked(&movable, cancelOnStall: false)
        #expect(result.outcome == .offlined)
        #expect(movable.operation?.ticks ?? 0 >= 3000, "it waited for the writeback")
    }

    @Test("bad requests are refused before anything starts")
    func refusals() throws {
        var m = try Machine(config: .small(seed: 1))
        #expect(throws: HotplugError.noSuchBlock(999)) { try m.startOffline([BlockID(999)]) }
        #expect(throws: HotplugError.alreadyOnline(BlockID(3))) { try m.startOnline([BlockID(3)]) }
    }

    @Test("several blocks go offline one after the other")
    func sequence() throws {
        var m = try Machine(config: .small(seed: 8, workload: .idle))
        let blocks = Array(offlinableBlocks(m, zone: .movable).prefix(2))
        #expect(blocks.count == 2)
        try m.startOffline(blocks)
        #expect(try runChecked(&m).outcome == .offlined)
        #expect(m.operation?.done == blocks)
        #expect(blocks.allSatisfy { m.blocks[$0.raw].state == .offline })
    }
}

@Suite("The 2007 fixes, switched off")
struct FixesTests {
    @Test("without isolate-freed-pages-asap migration loops inside the range; with it, the block goes offline")
    func isolateFreedPages() throws {
        for without in [Set<Fix>(), [.isolateFreedPagesASAP]] {
            // The loop is one of order-0 pages: large folios are freed straight to the buddy lists.
            var m = try Machine(config: .small(seed: 11, workload: .idle, without: without, thp: .never))
            let block = try #require(offlinableBlocks(m, zone: .movable).first)
            try m.startOffline([block])
            let result = try runChecked(&m)
            if without.isEmpty {
                #expect(result.outcome == .offlined)
            } else {
                #expect(result.outcome == .failed)
                // Either symptom of the bug: the same content going round inside the range
                // (a target taken from the per-cpu list), or a freed source stuck on that list.
                let stall = try #require(m.operation?.stall)
                #expect(stall.contains("per-cpu list"))
                #expect(stall.contains("isolate-freed-pages-asap"))
            }
        }
    }

    @Test("without swapin-unmapped-skip a swap-in in flight is the 2007 panic in try_to_unmap(); with it, the folio skips the unmap and moves in the same pass")
    func swapinUnmapped() throws {
        for without in [Set<Fix>(), [.swapinUnmappedSkip]] {
            var m = try Machine(config: .small(seed: 12, workload: .light, without: without, thp: .never))
            m.workloadEnabled = false
            func anonOnLRU(_ b: BlockID) -> Int? {
                let range = m.pfnRange(of: b)
                return (range.lowerBound.raw..<range.upperBound.raw).first { m.kind(PFN($0)) == .anon && m.flags(PFN($0)).contains(.lru) }
            }
            let block = try #require(offlinableBlocks(m, zone: .movable).first { anonOnLRU($0) != nil })
            let p = try #require(anonOnLRU(block))
            let entered = m.enterSwapInWindow(PFN(p), ticks: 1_000_000)
            #expect(entered)
            try m.startOffline([block])
            m.eventFilter = .all
            let result = try runChecked(&m)
            let events = m.drainEvents()
            if without.isEmpty {
                #expect(result.outcome == .offlined)
                // No unmap for it, no retry: it moved in the pass that found it.
                #expect(events.contains { $0.fn == "migrate_folio_unmap" && $0.pfn == p && $0.detail?.contains("not yet mapped") == true })
                #expect(!events.contains { $0.fn == "try_to_migrate" && $0.pfn == p })
                let moved = try #require(events.first { $0.fn == "folio_copy" && $0.pfn == p }?.toPFN)
                #expect(m.operation?.retries == 0)
                // The fault that was waiting finds the new folio in the swap cache and maps it.
                let pid = try #require(m.anonOwner(PFN(moved)))
                for _ in 0..<2_000_000 where m.kind(PFN(moved)) == .anon && Int(m.pages.mapcount[moved]) == 0 {
                    for i in m.inFlightIO.indices where m.inFlightIO[i].pfn == UInt32(moved) { m.inFlightIO[i].due = m.tick + 1 }
                    m.step()
                }
                #expect(m.anonOwner(PFN(moved)) == pid)
                #expect(Int(m.pages.mapcount[moved]) == 1)
                try m.checkInvariants()
            } else {
                #expect(result.outcome == .failed)
                #expect(result.kernelBug)
                #expect(result.reason?.contains("try_to_unmap") == true)
                #expect(m.blocks[block.raw].state == .online)
            }
        }
    }

    @Test("without anon-vma-hold an exit during migration frees the anon_vma under it; with it, migration finishes")
    func anonVMAHold() throws {
        for without in [Set<Fix>(), [.anonVMAHold]] {
            var m = try Machine(config: .small(seed: 13, workload: .light, without: without))
            m.workloadEnabled = false
            let block = try #require(offlinableBlocks(m, zone: .movable).first)
            try m.startOffline([block])
            // Run until a batch is unmapped (migration entries in place, the TLB flush next),
            // then exit the owner of the last folio unmapped.
            var victim: Int?
            while victim == nil, m.operation?.isFinished == false {
                m.step()
                try m.checkInvariants()
                if m.operation?.migratePages?.loop == .flush, let mig = m.operation?.migration, let pid = m.anonOwner(mig.source) {
                    victim = pid
                }
            }
            let pid = try #require(victim)
            m.exit(pid: pid)
            try m.checkInvariants()
            let result = try runChecked(&m)
            if without.isEmpty {
                #expect(result.outcome == .offlined)
            } else {
                #expect(result.kernelBug)
                #expect(result.reason?.contains("use-after-free") == true)
            }
        }
    }

    @Test("without memmap-roundup the hole's struct pages are garbage; the 6.x memory-holes check refuses the block either way")
    func memmapRoundup() throws {
        for without in [Set<Fix>(), [.memmapRoundup]] {
            var m = try Machine(config: .small(seed: 14, memory: (47 << 20) + (512 << 10), without: without))
            let last = BlockID(m.blocks.count - 1)
            #expect(m.kind(PFN(m.pageCount - 1)) == (without.isEmpty ? .hole : .garbage))
            try m.startOffline([last])
            let result = try runChecked(&m)
            #expect(result == HotplugResult(outcome: .failed, errno: "EINVAL", reason: "memory holes"))
        }
    }
}

@Suite("Hot-remove sweep")
struct HotRemoveSweep {
    @Test("every outcome keeps the invariants, over seeds, workloads and blocks", arguments: WorkloadLevel.allCases)
    func sweep(workload: WorkloadLevel) throws {
        var outcomes: [String: Int] = [:]
        for seed in UInt64(0)..<24 {
            var m = try Machine(config: .tiny(seed: seed, workload: workload, nodes: 1 + Int(seed % 2)), warmupTicks: 20)
            let b = BlockID(Int(seed * 7) % m.blocks.count)
            guard m.blocks[b.raw].state == .online else { continue }
            try m.startOffline([b])
            let r = try runChecked(&m, maxSteps: 50_000)
            outcomes["\(r.outcome) \(r.errno ?? "-")", default: 0] += 1
            if r.outcome == .offlined {
                m.clearOperation()
                try m.startOnline([b])
                #expect(try runChecked(&m).outcome == .online)
            }
        }
        #expect(outcomes.keys.contains("offlined -"), "some blocks went offline: \(outcomes)")
    }
}
