import Testing
@testable import MemEngine

/// The workload's process exits unmap a page table (512 PTEs) a tick, as `exit_mmap()` zaps a
/// PMD's range at a time, instead of freeing gigabytes in one tick.
@Suite("Process exit in slices")
struct ExitMmapTests {
    /// The alive process that maps the most pages.
    func largestProcess(_ m: Machine) throws -> Int {
        try #require(m.alivePIDs.max { m.processes[$0].ptes.count < m.processes[$1].ptes.count })
    }

    @Test("a large process's exit frees its memory a page table a tick, in address order, and then its page tables and anon_vma")
    func largeExitIsSliced() throws {
        var config = MachineConfig()
        config.thp = .never
        var m = try Machine(config: config)
        let pid = try largestProcess(m)
        let n = m.processes[pid].ptes.count
        #expect(n > 4 * exitZapPTEsPerTick, "the default machine's processes hold thousands of pages")
        let freeBefore = m.zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        m.processes[pid].exitTick = m.tick + 1
        try stepChecked(&m, steps: 1)
        #expect(!m.alivePIDs.contains(pid), "it leaves the workload at once")
        #expect(m.processes[pid].alive, "its mm lives until the last PTE is gone")
        #expect(m.processes[pid].exitCursor == exitZapPTEsPerTick)
        #expect(m.processes[pid].ptes[..<exitZapPTEsPerTick].allSatisfy { $0.isNone })
        #expect(!m.processes[pid].ptes[exitZapPTEsPerTick...].allSatisfy { $0.isNone }, "the rest is still mapped")
        var ticks = 1
        while m.processes[pid].alive {
            let cursor = m.processes[pid].exitCursor ?? 0
            try stepChecked(&m, steps: 1)
            ticks += 1
            if let next = m.processes[pid].exitCursor {
                #expect(next > cursor && next - cursor <= exitZapPTEsPerTick, "a bounded slice, in address order")
            }
            if ticks > n { break }
        }
        #expect(ticks == (n + exitZapPTEsPerTick - 1) / exitZapPTEsPerTick)
        #expect(!m.processes[pid].alive && m.processes[pid].exitCursor == nil)
        #expect(m.processes[pid].ptes.isEmpty && m.processes[pid].pageTables.isEmpty)
        #expect(m.anonVMAs[pid].freed)
        #expect(!m.exitingPIDs.contains(pid))
        let freeAfter = m.zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        #expect(freeAfter > freeBefore + n / 2, "its memory came back")
    }

    @Test("the same seed gives the same machine when large processes exit in slices")
    func slicedExitIsDeterministic() throws {
        func run() throws -> Machine {
            var m = try Machine(config: .small(seed: 3, thp: .never))
            for pid in m.alivePIDs { m.processes[pid].exitTick = m.tick + 1 + pid }
            try stepChecked(&m, steps: 300)
            return m
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(a.exitingPIDs.isEmpty)
    }

    @Test("invariants hold after every step while every process exits in slices during an offline", arguments: 1...12)
    func exitsDuringOfflineSweep(seed: Int) throws {
        var m = try Machine(config: .small(seed: UInt64(seed), thp: seed % 2 == 0 ? .always : .never))
        let block = try #require(m.blocks.map(\.id).first { m.blockSummary($0).zone == .movable && m.offlineVerdict($0).offlinable })
        try m.startOffline([block])
        for (i, pid) in m.alivePIDs.enumerated() { m.processes[pid].exitTick = m.tick + 1 + 3 * i }
        let result = try runChecked(&m)
        #expect(result.outcome == .offlined)
        try stepChecked(&m, steps: 200)
        #expect(m.exitingPIDs.isEmpty)
    }

    /// The kernel's exit does not wait for migration: on meeting an isolated folio the rest of
    /// the exit happens at once, and migration finds the process gone.
    @Test("an exit that meets a folio under migration ends at once; the offline and the exit both finish", arguments: [THPMode.never, .always])
    func exitDuringMigration(thp: THPMode) throws {
        var m = try Machine(config: .small(seed: 2, thp: thp))
        // The offlinable block holding most pages of the largest process that has any there.
        func pagesPerBlock(_ pid: Int) -> [Int: Int] {
            var perBlock: [Int: Int] = [:]
            for pte in m.processes[pid].ptes {
                if let p = pte.presentPFN { perBlock[p / m.geometry.pagesPerBlock, default: 0] += 1 }
            }
            return perBlock.filter { m.offlineVerdict(BlockID($0.key)).offlinable }
        }
        let pid = try #require(m.alivePIDs.sorted { m.processes[$0].ptes.count > m.processes[$1].ptes.count }
            .first { !pagesPerBlock($0).isEmpty })
        let perBlock = pagesPerBlock(pid)
        let block = BlockID(try #require(perBlock.max { ($0.value, $1.key) < ($1.value, $0.key) }).key)
        try m.startOffline([block])
        // Run until a folio of the process is isolated for migration, then let it exit.
        var steps = 0
        while !(0..<m.pageCount).contains(where: { m.pages.kindOf($0) == .anon && Int(m.pages.owner[$0]) == pid
                                                   && m.pages.has($0, .isolated) }) {
            m.step()
            try m.checkInvariants()
            steps += 1
            try #require(steps < 10_000 && m.operation?.isFinished == false)
        }
        m.processes[pid].exitTick = m.tick + 1
        let result = try runChecked(&m)
        #expect(result.outcome == .offlined)
        try stepChecked(&m, steps: m.processes[pid].ptes.count / exitZapPTEsPerTick + 2)
        #expect(!m.processes[pid].alive && m.exitingPIDs.isEmpty)
    }
}
