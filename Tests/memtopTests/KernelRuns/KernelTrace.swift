import Foundation
import MemEngine
import Testing
@testable import memtop

/// The function trace of one real offline attempt (scripts/kernel-check, issue 15) and
/// memtop's simulated offline of the same captured block, set side by side.
enum KernelTrace {
    /// One `mm_migrate_pages` event, or one `migrate_pages()` call of the engine.
    struct MigrateCall: Equatable, Sendable, CustomStringConvertible {
        var succeeded = 0
        var failed = 0
        var thpSucceeded = 0
        var thpSplit = 0
        var description: String { "\(succeeded)/\(failed) thp \(thpSucceeded)/\(thpSplit)" }
    }

    /// One attempt (`KernelRuns.Attempt`) with the kernel's trace of it.
    struct Attempt: CustomTestStringConvertible, Sendable {
        var kernel: KernelRuns.Attempt
        /// The traced function names in call order (`ftrace_calls`).
        var calls: [String]
        var complete: Bool
        var migrateCalls: [MigrateCall]
        /// What `available_filter_functions` offered, and what it did not (inlined) in this build.
        var traced: Set<String>
        var untraceable: [String]
        var kernelRelease: String

        var block: Int { kernel.block }
        var capture: String { kernel.capture }
        var outcome: String { kernel.outcome }
        var errno: String? { kernel.errno }
        var signalled: Bool { kernel.signalled }
        var testDescription: String { kernel.testDescription }
    }

    /// Every attempt with a function trace, under the fixtures and $MEMTOP_KERNEL_RUNS.
    static let attempts: [Attempt] = KernelRuns.attempts.compactMap { k in
        func json(_ path: String) -> [String: Any]? {
            FileManager.default.contents(atPath: path).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
        let dir = (k.capture as NSString).deletingLastPathComponent
        let runDir = ((dir as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        guard let r = json(dir + "/result.json"), let calls = r["ftrace_calls"] as? [String],
              let scenario = json(runDir + "/scenario.json") else { return nil }
        let migrate = (r["migrate_pages_calls"] as? [[String: Any]] ?? []).map {
            MigrateCall(succeeded: $0["succeeded"] as? Int ?? 0, failed: $0["failed"] as? Int ?? 0,
                        thpSucceeded: $0["thp_succeeded"] as? Int ?? 0, thpSplit: $0["thp_split"] as? Int ?? 0)
        }
        return Attempt(kernel: k, calls: calls, complete: r["ftrace_complete"] as? Bool ?? false, migrateCalls: migrate,
                       traced: Set(scenario["traced_functions"] as? [String] ?? []),
                       untraceable: scenario["untraceable_functions"] as? [String] ?? [],
                       kernelRelease: scenario["kernel_release"] as? String ?? "?")
    }

    // MARK: the functions compared

    /// The names memtop's offline trace gives kernel functions, mapped to the guest's names:
    /// 6.1 calls `dissolve_free_hugetlb_folios()` by its older name.
    static let renamedIn61: [String: String] = ["dissolve_free_hugetlb_folios": "dissolve_free_huge_pages"]

    /// Every function memtop's offline trace names as a call, under the 6.1 name. A function of
    /// this list that the guest could trace is compared, call for call, in order.
    static let modelled: Set<String> = [
        "memory_block_offline", "offline_pages", "zone_pcp_disable", "lru_cache_disable", "start_isolate_page_range",
        "isolate_single_pageblock", "set_migratetype_isolate", "unset_migratetype_isolate", "undo_isolate_page_range",
        "memory_notify", "do_migrate_range", "migrate_pages", "dissolve_free_huge_pages", "test_pages_isolated",
        "__offline_isolated_pages", "lru_cache_enable", "zone_pcp_enable", "adjust_managed_page_count",
        "remove_pfn_range_from_zone", "scan_movable_pages", "has_unmovable_pages", "shrink_zone_span",
    ]

    /// Functions the guest traced that memtop does not model as calls, and why.
    static let notModelled: [String: String] = [
        "memory_subsys_offline": "the sysfs write's entry (memtop starts at memory_block_change_state)",
        "mem_hotplug_begin": "the hot-plug lock (memtop runs one operation at a time)",
        "mem_hotplug_done": "the hot-plug lock (memtop runs one operation at a time)",
    ]

    /// The functions compared for an attempt: modelled by memtop and traceable in the guest.
    static func compared(_ a: Attempt) -> Set<String> { modelled.intersection(a.traced) }

    /// memtop's functions the guest could not trace (inlined in its build), listed, not compared.
    static func inlinedInGuest(_ a: Attempt) -> [String] {
        a.untraceable.filter { modelled.contains(renamedIn61[$0] ?? $0) }.sorted()
    }

    // MARK: memtop's side

    /// memtop's simulated offline of an attempt's captured block.
    struct Simulated {
        /// The hot-plug functions called, in order, under their 6.1 names.
        var calls: [String]
        var migrateCalls: [MigrateCall]
        var outcome: String
        var errno: String?
        /// Where the harness's signal was put (the kernel's migrate_pages calls before it).
        var signalledAfterCalls: Int?
        /// Direct compactions memtop ran (vmstat compact_stall) during the offline.
        var compactStalls = 0
    }

    /// Runs `memtop offline BLOCK --from CAPTURE` in process (the same import and engine run as
    /// the command; `OfflineTraceCommandTests` checks the command prints the same functions).
    ///
    /// The harness's signal is an input, not something memtop predicts: the engine has no clock
    /// of the guest (TCG, a shared CPU), so a signalled attempt gets its signal once the engine
    /// has begun as many `migrate_pages()` calls as the kernel made before it, and the kernel's
    /// rule (signal_pending() only at the top of the loop) decides the rest.
    static func simulate(_ a: Attempt, maxTicks: Int = 20_000_000) throws -> Simulated {
        let capture = try CaptureImport.load(block: a.block, from: LiveSource.savedCopy(at: a.capture))
        if let refused = capture.refusal {
            return Simulated(calls: [CapturedOffline.refusingFunction(refused)], migrateCalls: [], outcome: "failed",
                             errno: refused.errno, signalledAfterCalls: nil)
        }
        var m = capture.machine
        m.eventFilter = [.hotplug]
        try m.startOffline([capture.block])
        var calls: [String] = []
        var migrate: [MigrateCall] = []
        var callStart: VMStat?
        func closeCall(_ now: VMStat) {
            guard let s = callStart else { return }
            migrate.append(MigrateCall(succeeded: now.pgmigrateSuccess - s.pgmigrateSuccess,
                                       failed: now.pgmigrateFail - s.pgmigrateFail,
                                       thpSucceeded: now.thpMigrationSuccess - s.thpMigrationSuccess,
                                       thpSplit: now.thpMigrationSplit - s.thpMigrationSplit))
            callStart = nil
        }
        let signalAfter = a.signalled ? min(a.migrateCalls.count, repeatedPassesCompared) : nil
        let start = m.tick
        while m.operation?.isFinished == false {
            if m.operation?.signalPending == false {
                let begun = migrate.count + (callStart == nil ? 0 : 1)
                if let n = signalAfter, begun >= n {
                    m.cancelOperation()
                } else if m.tick - start >= maxTicks || (signalAfter == nil && m.operation?.stall != nil) {
                    m.cancelOperation()
                }
            }
            let before = m.vmstat
            m.step()
            for e in m.drainEvents() where e.fn != "printk" {
                if e.fn == "migrate_pages" {
                    closeCall(before)
                    callStart = before
                }
                calls.append(renamedIn61[e.fn] ?? e.fn)
            }
            if callStart != nil, m.operation?.phase != .migrate || m.operation?.isFinished == true {
                closeCall(m.vmstat)
            }
        }
        closeCall(m.vmstat)
        let result = m.operation?.result
        return Simulated(calls: calls, migrateCalls: migrate, outcome: result?.outcome.rawValue ?? "?",
                         errno: result?.errno, signalledAfterCalls: signalAfter, compactStalls: m.vmstat.compactStall)
    }

    /// Simulations already run, by capture directory: several tests look at each.
    private final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var runs: [String: Simulated] = [:]
    }
    private static let cache = Cache()

    static func simulated(_ a: Attempt) throws -> Simulated {
        cache.lock.lock()
        let known = cache.runs[a.capture]
        cache.lock.unlock()
        if let known { return known }
        let sim = try simulate(a)
        cache.lock.lock()
        cache.runs[a.capture] = sim
        cache.lock.unlock()
        return sim
    }

    // MARK: the comparison

    /// A signalled attempt whose migrate_pages calls kept failing (starved-1g: thousands, until
    /// the harness's 20 s alarm) is compared over its first passes only: how many times the
    /// kernel repeated the same failing pass measures the time to the signal, not the model.
    static let repeatedPassesCompared = 40

    /// The kernel's calls as compared: a signalled attempt's passes of the offline loop
    /// (`do_migrate_range`, `migrate_pages`) beyond `repeatedPassesCompared` left out, the
    /// rest (isolation before, the undo after) kept.
    static func kernelCalls(_ a: Attempt) -> [String] {
        guard a.signalled else { return a.calls }
        var passes = 0
        var kept = false
        return a.calls.filter { fn in
            switch fn {
            case "do_migrate_range":
                passes += 1
                kept = passes <= repeatedPassesCompared
                return kept
            case "migrate_pages": return kept
            default: return true
            }
        }
    }

    /// The kernel's mm_migrate_pages events as compared (see `kernelCalls`).
    static func kernelMigrateCalls(_ a: Attempt) -> [MigrateCall] {
        a.signalled ? Array(a.migrateCalls.prefix(repeatedPassesCompared)) : a.migrateCalls
    }

    /// Runs of one function, for messages: "set_migratetype_isolate x63".
    static func runs(_ calls: [String]) -> String {
        var out: [(String, Int)] = []
        for c in calls {
            if let last = out.last, last.0 == c { out[out.count - 1].1 += 1 } else { out.append((c, 1)) }
        }
        let text = out.map { $0.1 == 1 ? $0.0 : "\($0.0) x\($0.1)" }
        return text.count > 40 ? (text.prefix(30) + ["..."] + text.suffix(8)).joined(separator: ", ")
                               : text.joined(separator: ", ")
    }

    /// The first index where two sequences differ, with a window of each around it.
    static func firstDifference(_ k: [String], _ s: [String]) -> String? {
        guard k != s else { return nil }
        let i = zip(k, s).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(k.count, s.count)
        let lo = max(0, i - 3)
        return "differ at call \(i): kernel [\(k[lo..<min(k.count, i + 4)].joined(separator: ", "))], "
            + "memtop [\(s[lo..<min(s.count, i + 4)].joined(separator: ", "))] (kernel \(k.count) calls, memtop \(s.count))"
    }
}
