import Testing
@testable import MemEngine

@Suite("Reclaim: kswapd, swap and page cache as a real machine has them")
struct ReclaimTests {
    @Test("the light workload swaps anon pages out and back in on its own", arguments: [WorkloadLevel.light, .heavy])
    func swapsOnItsOwn(level: WorkloadLevel) throws {
        // THP swap-out is not modelled: order-0 anon pages are what kswapd swaps.
        var c = MachineConfig(workload: level)
        c.thp = .never
        var m = try Machine(config: c, warmupTicks: 0)
        // Light acts once per 20 ticks (heavy once per 5): 60000 ticks are 3000 actions.
        for _ in 0..<60_000 { m.step() }
        #expect(m.vmstat.pswpout > 0, "kswapd swapped nothing out")
        #expect(m.vmstat.pswpin > 0, "nothing was swapped back in")
        try m.checkInvariants()
    }

    @Test("a swap-out goes through the swap cache and writeback before the page is freed")
    func swapOutStages() throws {
        var c = MachineConfig()
        c.thp = .never
        var m = try Machine(config: c, warmupTicks: 0)
        var seen = false
        for _ in 0..<60_000 where !seen {
            m.step()
            for io in m.inFlightIO where io.kind == .swapOut {
                let p = Int(io.pfn)
                #expect(m.pages.has(p, .swapcache) && m.pages.has(p, .writeback))
                #expect(!m.pages.has(p, .lru) && m.pages.mapcount[p] == 0)
                seen = true
            }
        }
        #expect(seen)
    }

    @Test("page cache fills free memory: every zone stays near its watermarks", arguments: [WorkloadLevel.light, .heavy])
    func zonesNearWatermarks(level: WorkloadLevel) throws {
        var m = try Machine(config: MachineConfig(workload: level), warmupTicks: 0)
        var samples = Array(repeating: [Int](), count: m.zones.count)
        for t in 1...4000 {
            m.step()
            if t % 100 == 0 { for z in m.zones.indices { samples[z].append(m.zones[z].freePages) } }
        }
        for (i, z) in m.zones.enumerated() where z.managed > 0 && z.type != .dma {
            let w = z.watermarks
            let median = samples[i].sorted()[samples[i].count / 2]
            // The watermark is checked for the one page asked for; `rmqueue_bulk()` then
            // refills a per-cpu list with a whole batch, so free may end up to batch - 1 below.
            let floor = w.min - (z.pcp.map(\.batch).max() ?? 1) + 1
            #expect(samples[i].allSatisfy { $0 >= floor }, "node\(z.node.raw) \(z.name) fell below min \(w.min) less a pcp batch: lowest \(samples[i].min() ?? 0)")
            // Near: within a tenth of the zone above its high watermark, most of the time (a
            // zone the allocator reaches last refills only when the ones above it run low).
            // Heavy's exits free a process's whole memory at once; a zone takes a while to refill.
            let slack = level == .heavy ? z.managed / 6 : z.managed / 10
            #expect(median <= w.high + slack,
                    "node\(z.node.raw) \(z.name): median free \(median), high \(w.high), managed \(z.managed)")
        }
    }
}
