import Testing
@testable import MemEngine

@Suite("Reclaim: kswapd, swap and page cache as a real machine has them")
struct ReclaimTests {
    @Test("the light workload swaps anon pages out and back in on its own", arguments: [WorkloadLevel.light, .heavy])
    func swapsOnItsOwn(level: WorkloadLevel) throws {
        var m = try Machine(config: MachineConfig(workload: level), warmupTicks: 0)
        for _ in 0..<6000 { m.step() }
        #expect(m.vmstat.pswpout > 0, "kswapd swapped nothing out")
        #expect(m.vmstat.pswpin > 0, "nothing was swapped back in")
        try m.checkInvariants()
    }

    @Test("a swap-out goes through the swap cache and writeback before the page is freed")
    func swapOutStages() throws {
        var m = try Machine(config: MachineConfig(), warmupTicks: 0)
        var seen = false
        for _ in 0..<6000 where !seen {
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
            #expect(samples[i].allSatisfy { $0 >= w.min }, "node\(z.node.raw) \(z.name) fell below min")
            // Near: within a tenth of the zone above its high watermark, most of the time (a
            // zone the allocator reaches last refills only when the ones above it run low).
            // Heavy's exits free a process's whole memory at once; a zone takes a while to refill.
            let slack = level == .heavy ? z.managed / 6 : z.managed / 10
            #expect(median <= w.high + slack,
                    "node\(z.node.raw) \(z.name): median free \(median), high \(w.high), managed \(z.managed)")
        }
    }
}
