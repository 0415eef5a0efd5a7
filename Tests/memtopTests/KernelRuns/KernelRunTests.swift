import Foundation
import MemEngine
import Testing
@testable import memtop

/// The saved real-kernel runs (scripts/kernel-check, /work/wt/KERNEL-RUNS.md): every block of a
/// qemu guest offlined for real, with the machine captured just before each attempt.
enum KernelRuns {
    static let fixtures = LiveFixtures.repoRoot.appendingPathComponent("Tests/Fixtures/kernel-runs").path

    /// One attempted block of one run.
    struct Attempt: CustomTestStringConvertible, Sendable {
        var run: String
        var block: Int
        var capture: String
        var outcome: String
        var errno: String?
        var pgmigrateSuccess: Int
        var signalled: Bool

        var offlined: Bool { outcome == "offlined" }
        var testDescription: String { "\(run)/memory\(block)" }
    }

    /// Every run under the fixtures and under $MEMTOP_KERNEL_RUNS.
    static var roots: [String] {
        [fixtures] + (ProcessInfo.processInfo.environment["MEMTOP_KERNEL_RUNS"].map { [$0] } ?? [])
    }

    /// Block directories of the runs that could not be read: a partial run fails the suite.
    nonisolated(unsafe) static var unreadable: [String] = []

    static let attempts: [Attempt] = {
        var found: [Attempt] = []
        let fm = FileManager.default
        for root in roots {
            for run in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() {
                let blocks = root + "/" + run + "/blocks"
                for name in ((try? fm.contentsOfDirectory(atPath: blocks)) ?? []).sorted() {
                    let dir = blocks + "/" + name
                    guard let data = fm.contents(atPath: dir + "/result.json"),
                          let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                          let block = json["block"] as? Int, let outcome = json["outcome"] as? String,
                          fm.fileExists(atPath: dir + "/capture/proc/zoneinfo") else {
                        unreadable.append(dir)
                        continue
                    }
                    found.append(Attempt(run: run, block: block, capture: dir + "/capture", outcome: outcome,
                                         errno: json["errno"] as? String,
                                         pgmigrateSuccess: json["pgmigrate_success"] as? Int ?? 0,
                                         signalled: json["signalled"] as? Bool ?? false))
                }
            }
        }
        return found
    }()

    /// Attempts whose outcome depends on time, which a capture cannot show: the harness's
    /// signal came (here after 1 s, `interrupted-1g` runs with `mt.timeout=1` on purpose) while
    /// migration was still running and after it had moved (nearly) the whole block. Given time,
    /// the kernel would have offlined them; memtop, which has no clock for the real machine,
    /// says "would offline". They count as agreeing only while the kernel was signalled and had
    /// migrated at least 99% of what memtop says must move; they are reported apart.
    static let interruptedByTheTimeout: Set<String> = [
        "interrupted-1g/memory4", "interrupted-1g/memory5", "interrupted-1g/memory6",
    ]
}

@Suite("KernelRun: memtop agrees with saved real-kernel runs")
struct KernelRunTests {
    @Test("saved runs are there to check against")
    func runsExist() {
        #expect(!KernelRuns.attempts.isEmpty, "no saved run under \(KernelRuns.roots)")
        #expect(KernelRuns.unreadable.isEmpty, "partial or unreadable saved runs: \(KernelRuns.unreadable)")
    }

    @Test("the what-if verdict and its errno class agree with the kernel on every attempted block")
    func verdictsAgree() throws {
        var agreed = 0
        var errnoAgreed = 0
        var timedOut = 0
        for attempt in KernelRuns.attempts {
            let report = try LiveInspector(source: LiveSource.savedCopy(at: attempt.capture)).report()
            let block = try #require(report.blocks.first { $0.id == attempt.block }, "\(attempt.testDescription)")
            if KernelRuns.interruptedByTheTimeout.contains(attempt.testDescription) {
                let toMove = block.pagesToMigrate ?? 0
                #expect(attempt.signalled && attempt.errno == "EINTR" && toMove > 0
                        && attempt.pgmigrateSuccess * 100 >= toMove * 99,
                        "\(attempt.testDescription) is listed as interrupted by the timeout, but the kernel migrated \(attempt.pgmigrateSuccess) of \(toMove)")
                #expect(block.offlinable == true, "\(attempt.testDescription): \(InspectReport.verdict(block))")
                timedOut += 1
                continue
            }
            let verdictOK = block.offlinable == attempt.offlined
            let errnoOK = block.errno == (attempt.offlined ? nil : attempt.errno)
            #expect(verdictOK, "\(attempt.testDescription): kernel \(attempt.outcome) \(attempt.errno ?? ""), memtop \(InspectReport.verdict(block))")
            #expect(errnoOK, "\(attempt.testDescription): kernel errno \(attempt.errno ?? "none"), memtop \(block.errno ?? "none")")
            agreed += verdictOK ? 1 : 0
            errnoAgreed += errnoOK ? 1 : 0
        }
        let total = KernelRuns.attempts.count - timedOut
        print("KernelRun: verdict agreement \(agreed)/\(total), errno agreement \(errnoAgreed)/\(total), "
              + "\(timedOut) more interrupted by the harness's timeout after migrating the block (memtop: would offline)")
    }

    @Test("under 1% of in-use pages are unclassified ('other') in every capture")
    func censusClassifiesInUsePages() throws {
        for attempt in KernelRuns.attempts {
            let report = try LiveInspector(source: LiveSource.savedCopy(at: attempt.capture)).report()
            var other: UInt64 = 0
            var inUse: UInt64 = 0
            for pages in report.blocks.compactMap(\.pages) {
                other += pages.other
                inUse += pages.total - pages.free - pages.offline - pages.uninit
            }
            #expect(inUse > 0 && Double(other) < 0.01 * Double(inUse),
                    "\(attempt.testDescription): \(other) of \(inUse) in-use pages are 'other'")
        }
    }

    @Test("memtop offline BLOCK --from: offlines where the kernel did, within 10% of its pgmigrate_success, and fails where it failed",
          arguments: KernelRuns.attempts)
    func simulatedOfflineAgrees(_ attempt: KernelRuns.Attempt) throws {
        let capture = try CaptureImport.load(block: attempt.block, from: LiveSource.savedCopy(at: attempt.capture))
        if let refused = capture.refusal {
            #expect(!attempt.offlined, "memtop refuses with \(refused.errno ?? "?") \(refused.reason ?? "")")
            #expect(attempt.errno == "EINVAL")
            return
        }
        var m = capture.machine
        m.eventFilter = []
        try m.startOffline([capture.block])
        m.runOperation(maxTicks: 2_000_000)
        let result = try #require(m.operation?.result)
        let migrated = m.vmstat.pgmigrateSuccess
        let simOfflined = result.outcome == .offlined
        if KernelRuns.interruptedByTheTimeout.contains(attempt.testDescription) {
            // The kernel would have finished given time: memtop offlines, having moved as much.
            #expect(simOfflined)
            #expect(abs(migrated - attempt.pgmigrateSuccess) <= max(1, attempt.pgmigrateSuccess / 10),
                    "memtop migrated \(migrated), the kernel \(attempt.pgmigrateSuccess) before the signal")
            return
        }
        #expect(simOfflined == attempt.offlined,
                "kernel \(attempt.outcome) \(attempt.errno ?? ""); memtop \(result.outcome.rawValue) \(result.errno ?? "") \(result.reason ?? "")")
        if attempt.offlined {
            #expect(abs(migrated - attempt.pgmigrateSuccess) <= max(1, attempt.pgmigrateSuccess / 10),
                    "memtop migrated \(migrated), the kernel \(attempt.pgmigrateSuccess)")
        }
    }

    @Test("memtop offline BLOCK --from --json: every event names the real block, the range is the real one, exit 0 or 1 as the kernel",
          .enabled(if: LiveFixtures.binary != nil))
    func cliTraceUsesRealIDs() throws {
        let binary = try #require(LiveFixtures.binary)
        // A block that is not the first of its run, so that renumbering would show.
        let attempt = try #require(KernelRuns.attempts.filter { $0.block >= 3 && $0.pgmigrateSuccess > 0 }.first)
        // --from takes the saved run itself: the block's capture is found in it.
        let run = URL(fileURLWithPath: attempt.capture).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let result = try LiveFixtures.run(binary, ["offline", "memory\(attempt.block)", "--from", run, "--json"])
        #expect(result.status == (attempt.offlined ? 0 : 1), "\(attempt.testDescription): \(result.err)")
        let lines = result.out.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let events = lines.filter { $0["summary"] == nil }
        #expect(!events.isEmpty && events.allSatisfy { ($0["block"] as? Int) == attempt.block })
        let start = attempt.block * 32768
        let offline = try #require(events.first { ($0["fn"] as? String) == "offline_pages" })
        #expect(offline["pfn"] as? Int == start && offline["to_pfn"] as? Int == start + 32768)
        let summary = try #require(lines.last)
        #expect(summary["block"] as? Int == attempt.block && summary["blocks"] as? [Int] == [attempt.block])
    }

    @Test("memtop offline --from with a partial capture: one memtop: line, exit 2",
          .enabled(if: LiveFixtures.binary != nil && !KernelRuns.attempts.isEmpty))
    func partialCaptureIsBadInput() throws {
        let binary = try #require(LiveFixtures.binary)
        let attempt = try #require(KernelRuns.attempts.first)
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("memtop-partial-\(getpid())").path
        try? fm.removeItem(atPath: dir)
        try fm.copyItem(atPath: attempt.capture, toPath: dir)
        defer { try? fm.removeItem(atPath: dir) }
        for missing in ["proc/kpageflags.xz", "proc/zoneinfo"] {
            let partial = dir + "-" + missing.replacingOccurrences(of: "/", with: "_")
            try? fm.removeItem(atPath: partial)
            try fm.copyItem(atPath: dir, toPath: partial)
            defer { try? fm.removeItem(atPath: partial) }
            try fm.removeItem(atPath: partial + "/" + missing)
            let result = try LiveFixtures.run(binary, ["offline", String(attempt.block), "--from", partial])
            #expect(result.status == 2, "without \(missing): exit \(result.status)")
            let lines = result.err.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("memtop: ") == true, "without \(missing): \(result.err)")
        }
        let nothing = try LiveFixtures.run(binary, ["offline", "1", "--from", dir + "-does-not-exist"])
        #expect(nothing.status == 2 && nothing.err.hasPrefix("memtop: "))
    }
}
