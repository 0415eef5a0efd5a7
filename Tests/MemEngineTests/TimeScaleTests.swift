import Testing
@testable import MemEngine

/// Issue 9's measurements: with the workload on a microsecond clock, an offline of a busy block
/// sees what a real machine sees. At least 95% of the anonymous pages isolated from the block
/// end with `remove_migration_ptes()`, and at most 2% are freed from under migration.
@Suite("Time scale: an offline under the workload migrates, it does not wait for exits")
struct TimeScaleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var config: MachineConfig
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        var out: [Case] = []
        for thp in THPMode.allCases {
            var d = MachineConfig()
            d.thp = thp
            out.append(Case(name: "default machine, light, thp \(thp)", config: d))
            d.workload = .heavy
            out.append(Case(name: "default machine, heavy, thp \(thp)", config: d))
            for w in [WorkloadLevel.light, .heavy] {
                var c = MachineConfig(geometry: .x86_64, memoryBytes: 2 << 30, movablecore: .percent(50), seed: 5, workload: w)
                c.thp = thp
                out.append(Case(name: "2 GiB x86_64 seed 5, \(w), thp \(thp)", config: c))
            }
        }
        return out
    }()

    @Test("at least 95% of isolated anon pages are remapped, at most 2% freed from under us", arguments: cases)
    func measured(_ c: Case) throws {
        var m = try Machine(config: c.config)
        m.eventFilter = [.hotplug, .workload]
        _ = m.drainEvents()
        // The busiest offlinable block of ZONE_MOVABLE: the most anonymous pages.
        let busiest = try #require(offlinableBlocks(m, zone: .movable).max { a, b in
            pfns(m, a).count { m.kind($0) == .anon } < pfns(m, b).count { m.kind($0) == .anon }
        })
        try m.startOffline([busiest])
        var exits = 0
        m.runOperation(cancelOnStall: false, eachStep: { events in
            exits += events.filter { $0.fn == "do_exit" }.count
        })
        let op = try #require(m.operation)
        #expect(op.result?.outcome == .offlined)
        let blockPages = c.config.geometry.pagesPerBlock
        #expect(op.anonPagesIsolated * 8 > blockPages, "a busy block: over an eighth of its \(blockPages) pages anonymous")
        #expect(op.anonPagesRemapped * 100 >= op.anonPagesIsolated * 95,
                "\(op.anonPagesRemapped) of \(op.anonPagesIsolated) remapped")
        #expect(op.pagesFreedUnderUs * 100 <= op.anonPagesIsolated * 2,
                "\(op.pagesFreedUnderUs) of \(op.anonPagesIsolated) freed from under us")
        try m.checkInvariants()
        // The workload did not stop: over a long offline, tasks still exit and fault.
        if op.ticks > 50_000 {
            #expect(exits > 0, "\(op.ticks) ticks and no exit")
        }
    }
}
