import Foundation
import MemEngine
import Testing
@testable import memtop

/// Issue 15: memtop's trace of an offline against the kernel's own function trace (ftrace in the
/// qemu guest of scripts/kernel-check), block by block, on every saved run.
@Suite("KernelTrace: memtop's offline trace against the kernel's ftrace")
struct KernelTraceTests {
    @Test("every saved attempt has a complete function trace to compare with")
    func tracesAreThere() {
        #expect(!KernelTrace.attempts.isEmpty, "no saved run with ftrace_calls under \(KernelRuns.roots)")
        for a in KernelTrace.attempts {
            #expect(a.complete, "\(a.testDescription): the trace lost entries (ftrace_complete false)")
            #expect(a.calls.first == "memory_subsys_offline", "\(a.testDescription): \(KernelTrace.runs(a.calls))")
        }
    }

    @Test("the functions both have are called in the same order, on every block the kernel offlined or refused",
          arguments: KernelTrace.attempts)
    func functionOrder(_ a: KernelTrace.Attempt) throws {
        let sim = try KernelTrace.simulated(a)
        let compared = KernelTrace.compared(a)
        let kernel = KernelTrace.kernelCalls(a).filter(compared.contains)
        let memtop = sim.calls.filter(compared.contains)
        #expect(sim.outcome == a.outcome && sim.errno == a.errno,
                "kernel \(a.outcome) \(a.errno ?? ""), memtop \(sim.outcome) \(sim.errno ?? "")")
        #expect(kernel == memtop, "\(KernelTrace.firstDifference(kernel, memtop) ?? "")\n kernel: \(KernelTrace.runs(kernel))\n memtop: \(KernelTrace.runs(memtop))")
        // Nothing memtop models is silently dropped: every function it called is either
        // compared or named as inlined in the guest's build or as not in memtop's model.
        let inlined = Set(a.untraceable.map { KernelTrace.renamedIn61[$0] ?? $0 })
        for fn in Set(sim.calls) where KernelTrace.modelled.contains(fn) {
            #expect(compared.contains(fn) || inlined.contains(fn), "\(fn): neither traced in the guest nor listed as inlined")
        }
        for fn in Set(a.calls) where !compared.contains(fn) {
            #expect(KernelTrace.notModelled[fn] != nil, "the guest traced \(fn), which the comparison neither compares nor lists")
        }
    }

    @Test("migrate_pages: the number of calls, the pages per call and the failures agree with mm_migrate_pages",
          arguments: KernelTrace.attempts.filter { !$0.migrateCalls.isEmpty })
    func migrateCalls(_ a: KernelTrace.Attempt) throws {
        let sim = try KernelTrace.simulated(a)
        let k = KernelTrace.kernelMigrateCalls(a), s = sim.migrateCalls
        #expect(abs(k.count - s.count) <= max(1, k.count / 20),
                "kernel \(k.count) migrate_pages calls, memtop \(s.count)")
        let differing = zip(k, s).enumerated().filter { _, c in
            abs(c.0.succeeded - c.1.succeeded) > max(16, c.0.succeeded / 10)
                || (c.0.failed == 0) != (c.1.failed == 0) || abs(c.0.failed - c.1.failed) > max(2, c.0.failed / 10)
        }
        let first = differing.prefix(4).map { "call \($0.offset + 1) kernel \($0.element.0), memtop \($0.element.1)" }
        #expect(differing.isEmpty, "\(differing.count) calls differ (pages moved/failed), the first: \(first.joined(separator: "; "))")
        let kernelFailed = k.map(\.failed).reduce(0, +), memtopFailed = s.map(\.failed).reduce(0, +)
        #expect(abs(kernelFailed - memtopFailed) <= max(2, kernelFailed / 10),
                "pgmigrate_fail: kernel \(kernelFailed), memtop \(memtopFailed)")
    }

    @Test("THP: the huge pages each migrate_pages call moved whole and split agree with mm_migrate_pages",
          arguments: KernelTrace.attempts.filter { $0.migrateCalls.contains { $0.thpSucceeded + $0.thpSplit > 0 } })
    func thpCounts(_ a: KernelTrace.Attempt) throws {
        let sim = try KernelTrace.simulated(a)
        let kernel = a.migrateCalls.map(\.thpSucceeded).reduce(0, +)
        let split = a.migrateCalls.map(\.thpSplit).reduce(0, +)
        let memtop = sim.migrateCalls.map(\.thpSucceeded).reduce(0, +)
        let memtopSplit = sim.migrateCalls.map(\.thpSplit).reduce(0, +)
        #expect(abs(kernel - memtop) <= max(1, kernel / 10), "THP migrated whole: kernel \(kernel), memtop \(memtop)")
        #expect(abs(split - memtopSplit) <= 1, "THP split: kernel \(split), memtop \(memtopSplit)")
        // Neither compacted: the kernel's vmstat shows compact_stall 0 on every saved attempt.
        #expect(sim.compactStalls == 0, "memtop compacted \(sim.compactStalls) times; the kernel never did")
    }

    /// One attempt of each kind the command runs the same way (not signalled).
    static let commandSamples: [KernelTrace.Attempt] = {
        var seen: Set<String> = []
        return KernelTrace.attempts.filter { a in
            !a.signalled && seen.insert("\(a.outcome) \(a.errno ?? "") \(a.migrateCalls.isEmpty)").inserted
        }
    }()

    @Test("memtop offline BLOCK --from CAPTURE --json prints the functions the comparison compares",
          .enabled(if: LiveFixtures.binary != nil), arguments: commandSamples)
    func commandPrintsTheSameFunctions(_ a: KernelTrace.Attempt) throws {
        let binary = try #require(LiveFixtures.binary)
        let result = try LiveFixtures.run(binary, ["offline", String(a.block), "--from", a.capture, "--json"])
        #expect(result.status == (a.outcome == "offlined" ? 0 : 1), "\(result.err)")
        let printed = result.out.split(separator: "\n").compactMap { line -> String? in
            guard let data = String(line).data(using: .utf8),
                  let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return (o["fn"] as? String).map { KernelTrace.renamedIn61[$0] ?? $0 }
        }
        let compared = KernelTrace.compared(a)
        let sim = try KernelTrace.simulated(a)
        #expect(!printed.filter(compared.contains).isEmpty || a.errno == "EINVAL")
        #expect(printed.filter(compared.contains) == sim.calls.filter(compared.contains))
        #expect(printed.filter(compared.contains) == a.calls.filter(compared.contains))
    }

    @Test("the comparison, block by block: figures for the README")
    func report() throws {
        var matched = 0
        var lines: [String] = []
        for a in KernelTrace.attempts {
            let sim = try KernelTrace.simulated(a)
            let compared = KernelTrace.compared(a)
            let same = KernelTrace.kernelCalls(a).filter(compared.contains) == sim.calls.filter(compared.contains)
            matched += same ? 1 : 0
            lines.append("\(a.testDescription): kernel \(a.outcome) \(a.errno ?? "-"), memtop \(sim.outcome) \(sim.errno ?? "-"); "
                         + "function order \(same ? "matches" : "DIFFERS"); migrate_pages calls \(KernelTrace.kernelMigrateCalls(a).count)/\(sim.migrateCalls.count) (kernel \(a.migrateCalls.count))"
                         + (sim.signalledAfterCalls.map { ", signal after call \($0)" } ?? "")
                         + "; THP whole/split kernel \(a.migrateCalls.map(\.thpSucceeded).reduce(0, +))/\(a.migrateCalls.map(\.thpSplit).reduce(0, +))"
                         + ", memtop \(sim.migrateCalls.map(\.thpSucceeded).reduce(0, +))/\(sim.migrateCalls.map(\.thpSplit).reduce(0, +))"
                         + "; first call moved kernel \(a.migrateCalls.first?.succeeded ?? 0), memtop \(sim.migrateCalls.first?.succeeded ?? 0)")
        }
        let first = try #require(KernelTrace.attempts.first)
        print("KernelTrace (\(first.kernelRelease)): function order matched on \(matched) of \(KernelTrace.attempts.count) blocks")
        print("  compared: \(KernelTrace.compared(first).sorted().joined(separator: ", "))")
        print("  inlined in the guest, in memtop's trace but not comparable: \(KernelTrace.inlinedInGuest(first).joined(separator: ", "))")
        print("  traced in the guest, not modelled by memtop: "
              + KernelTrace.notModelled.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: "; "))
        for l in lines { print("  " + l) }
        #expect(matched == KernelTrace.attempts.count)
    }
}
