import Foundation
import Testing
@testable import memtop

/// The named scenarios as a user runs them: `memtop scenarios`, then the command each lists.
@Suite("memtop scenarios and --scenario")
struct ScenarioTests {
    func memtop(_ args: [String]) throws -> Subprocess {
        try Subprocess.run(try MemtopBinary.path(), args)
    }

    func summary(_ r: Subprocess) throws -> [String: Any] {
        let last = try #require(r.stdout.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    }

    /// What each scenario does with its fix switched off, and with every fix on.
    struct Expected: Sendable {
        var without: (errno: String?, kernelBug: Bool)?
        var withFixes: (result: String, errno: String?)
    }

    static let expected: [String: Expected] = [
        "freed-pages-loop": Expected(without: ("EINTR", false), withFixes: ("offlined", nil)),
        "swapin-unmapped": Expected(without: (nil, true), withFixes: ("offlined", nil)),
        "anon-vma-exit": Expected(without: (nil, true), withFixes: ("offlined", nil)),
        "memmap-hole": Expected(without: ("EINVAL", false), withFixes: ("failed", "EINVAL")),
        "swapcache-writeback": Expected(without: nil, withFixes: ("failed", "EBUSY")),
        "reserved-in-movable": Expected(without: nil, withFixes: ("failed", "EBUSY")),
        "node-hot-remove": Expected(without: nil, withFixes: ("offlined", nil)),
    ]

    @Test("scenarios --json: an array of {name, description, fix, args}, one per bug and limit")
    func list() throws {
        let r = try memtop(["scenarios", "--json"])
        #expect(r.status == 0)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(Set(items.compactMap { $0["name"] as? String }) == Set(Self.expected.keys))
        let fixes = items.compactMap { $0["fix"] as? String }
        #expect(Set(fixes) == ["isolate-freed-pages-asap", "swapin-unmapped-skip", "anon-vma-hold", "memmap-roundup"])
        for item in items {
            #expect(item["description"] is String && item["args"] is [String])
            #expect(item.keys.contains("fix"))
        }
        let text = try memtop(["scenarios"])
        #expect(text.status == 0 && text.stdout.contains("memtop sim --scenario node-hot-remove   (then X, Space)"))
        #expect(text.stdout.contains("memtop sim --scenario swapin-unmapped --without swapin-unmapped-skip   (then o, Space)"))
    }

    @Test("each scenario: its bug or limit happens with its seed; with every fix on it ends as the kernel would",
          arguments: Array(expected.keys).sorted())
    func scenario(name: String) throws {
        let items = try #require(try JSONSerialization.jsonObject(with: Data(try memtop(["scenarios", "--json"]).stdout.utf8)) as? [[String: Any]])
        let item = try #require(items.first { $0["name"] as? String == name })
        let args = try #require(item["args"] as? [String])
        let want = try #require(Self.expected[name])
        let fixed = try summary(try memtop(["offline"] + args + ["--json"]))
        #expect(fixed["result"] as? String == want.withFixes.result, "\(name) with every fix on")
        #expect(fixed["errno"] as? String == want.withFixes.errno)
        #expect(fixed["kernel_bug"] as? Bool == false)
        if let fix = item["fix"] as? String, let bug = want.without {
            let broken = try summary(try memtop(["offline"] + args + ["--without", fix, "--json"]))
            #expect(broken["result"] as? String == "failed", "\(name) without \(fix)")
            #expect(broken["errno"] as? String == bug.errno)
            #expect(broken["kernel_bug"] as? Bool == bug.kernelBug)
            // A kernel bug has no reason string in the kernel: its BUG line is the oops.
            if bug.kernelBug {
                #expect(broken["reason"] is NSNull)
                #expect((broken["oops"] as? String)?.hasPrefix("BUG: ") == true, "\(name): oops \(String(describing: broken["oops"]))")
            } else {
                #expect(broken["oops"] is NSNull)
            }
        }
        if name == "swapcache-writeback" {
            let trace = try memtop(["offline"] + args)
            #expect(trace.stdout.contains("has_unmovable_pages"))
            #expect(trace.stdout.contains("unmovable page (anon, flags writeback|swapcache"))
        }
        // --scenario NAME gives the same run.
        let named = try summary(try memtop(["offline", "--scenario", name, "--json"]))
        #expect(named["result"] as? String == fixed["result"] as? String)
        #expect(named["ticks"] as? Int == fixed["ticks"] as? Int)
    }

    @Test("swapin-unmapped without its fix: the 2007 panic in try_to_unmap(), an oops at KERN_ALERT, exit 1")
    func swapinPanic() throws {
        let r = try memtop(["offline", "--scenario", "swapin-unmapped", "--without", "swapin-unmapped-skip"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("dmesg: alert: BUG: kernel NULL pointer dereference in try_to_unmap()"))
        #expect(r.stdout.contains("not yet mapped (swap-in in flight)"))
        #expect(r.stdout.contains("the real kernel would have crashed here"))
        // The task writing 'state' died in the oops: offline_pages() never printed its reason.
        #expect(!r.stdout.contains("failed due to"))
        // With the fix the same folio skips the unmap and moves in the same pass.
        let fixed = try memtop(["offline", "--scenario", "swapin-unmapped"])
        #expect(fixed.status == 0)
        #expect(fixed.stdout.contains("swap-cache folio not yet mapped (swap-in in flight): no rmap, nothing to unmap"))
        #expect(fixed.stdout.contains("result: offlined memory\(try Scenario.named("swapin-unmapped").args[0])"))
    }

    @Test("the node hot-remove's last block clears N_MEMORY and stops kswapd and kcompactd")
    func nodeEvents() throws {
        let r = try memtop(["offline", "--scenario", "node-hot-remove"])
        #expect(r.status == 0)
        for text in ["node_states_clear_node: node1 leaves N_MEMORY", "kswapd_stop", "kcompactd_stop", "build_all_zonelists", "update_pgdat_span"] {
            #expect(r.stdout.contains(text), "\(text)")
        }
    }

    @Test("the map opens with the cursor on the scenario's block")
    func simCursor() throws {
        let r = try memtop(["sim", "--scenario", "reserved-in-movable", "--keys", "<tick:1>", "--dump-screen", "--size", "160x48"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("memory127"))
    }

    @Test("bad input exits 2 with one memtop: line", arguments: [
        ["offline", "--scenario", "no-such-thing"],
        ["offline", "--node", "7"],
        ["offline", "1", "--movable-node", "--kernelcore", "0"],
    ])
    func badInput(args: [String]) throws {
        let r = try memtop(args)
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("memtop: ") == true, "\(r.stderr)")
    }
}
