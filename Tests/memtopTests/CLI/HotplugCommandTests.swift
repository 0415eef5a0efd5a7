import Foundation
import Testing

/// The headless commands as a user runs them: exit status, trace and JSON Lines contract.
@Suite("memtop offline / online / inspect --sim")
struct HotplugCommandTests {
    func memtop(_ args: String...) throws -> Subprocess {
        try Subprocess.run(try MemtopBinary.path(), args)
    }

    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test("offline of a ZONE_MOVABLE block: trace with kernel names, summary, exit 0")
    func offlineSucceeds() throws {
        let r = try memtop("offline", "49")
        #expect(r.status == 0, "\(r.stderr)")
        for fn in ["memory_block_change_state", "zone_pcp_disable", "start_isolate_page_range", "set_migratetype_isolate",
                   "scan_movable_pages", "folio_isolate_lru", "alloc_migration_target", "try_to_migrate", "folio_copy",
                   "remove_migration_ptes", "test_pages_isolated", "__offline_isolated_pages", "MEM_OFFLINE"] {
            #expect(r.stdout.contains(fn), "trace names \(fn)")
        }
        #expect(r.stdout.contains("result: offlined memory49"))
        #expect(r.stdout.contains("dmesg: debug: Offlined Pages 2048"))
    }

    @Test("--drop-caches frees the clean page cache first: the same block has fewer pages to move, and still goes offline")
    func dropCaches() throws {
        // memory120, a ZONE_MOVABLE block of node 1 that holds page cache beside anon memory.
        let asBooted = try #require(try jsonLines(try memtop("offline", "120", "--json").stdout).last)
        let r = try memtop("offline", "120", "--json", "--drop-caches")
        #expect(r.status == 0, "\(r.stderr)")
        let dropped = try #require(try jsonLines(r.stdout).last)
        #expect(dropped["result"] as? String == "offlined")
        let before = try #require(asBooted["migrated"] as? Int), after = try #require(dropped["migrated"] as? Int)
        #expect(after < before / 2, "migrated \(after) pages after drop_caches, \(before) without")
    }

    @Test("--json: one object per event, then the summary DESIGN.md promises")
    func json() throws {
        let r = try memtop("offline", "60", "--json")
        #expect(r.status == 0)
        let lines = try jsonLines(r.stdout)
        #expect(lines.count > 100)
        for event in lines.dropLast() {
            #expect(event["tick"] is Int && event["fn"] is String && event.keys.contains("block"))
        }
        let summary = try #require(lines.last)
        #expect(summary["result"] as? String == "offlined")
        #expect(summary["errno"] is NSNull)
        #expect(summary["reason"] is NSNull)
        #expect(summary["block"] as? Int == 60)
        #expect(summary["isolated_pageblocks"] as? Int == 32)
        for key in ["migrated", "failed_migrations", "retries", "ticks"] {
            #expect(summary[key] is Int, "summary has \(key)")
        }
        #expect(lines.contains { $0["fn"] as? String == "folio_copy" && $0["pfn"] is Int && $0["to_pfn"] is Int })
    }

    @Test("failures exit 1 with errno and the kernel's reason where it has one", arguments: [
        ("0", "EINVAL", nil),  // memory_block_offline(): no zone, no message
        ("127", "EBUSY", "failure to isolate range"),  // node 1's memmap, in ZONE_MOVABLE
    ] as [(String, String, String?)])
    func failures(block: String, errno: String, reason: String?) throws {
        let r = try memtop("offline", block, "--json")
        #expect(r.status == 1)
        let summary = try #require(try jsonLines(r.stdout).last)
        #expect(summary["result"] as? String == "failed")
        #expect(summary["errno"] as? String == errno)
        if let reason {
            #expect(summary["reason"] as? String == reason)
            let text = try memtop("offline", block)
            #expect(text.stdout.contains("dmesg: debug: memory offlining [mem "))
            #expect(text.stdout.contains("failed due to \(reason)"))
        } else {
            #expect(summary["reason"] is NSNull)
            let text = try memtop("offline", block)
            #expect(text.stdout.contains("memory_block_offline"))
            #expect(!text.stdout.contains("failed due to"))
        }
    }

    @Test("a tick limit is a signal: EINTR, signal backoff, rolled back")
    func maxTicks() throws {
        let r = try memtop("offline", "60", "--max-ticks", "60", "--json")
        #expect(r.status == 1)
        let lines = try jsonLines(r.stdout)
        let summary = try #require(lines.last)
        #expect(summary["errno"] as? String == "EINTR")
        #expect(summary["reason"] as? String == "signal backoff")
        #expect(lines.contains { $0["fn"] as? String == "undo_isolate_page_range" })
    }

    @Test("without isolate-freed-pages-asap the endless loop is reported, not a hang")
    func endlessLoop() throws {
        // Order-0 pages: a large folio's source is freed straight to the buddy lists.
        let r = try memtop("offline", "60", "--workload", "idle", "--thp", "never", "--without", "isolate-freed-pages-asap")
        #expect(r.status == 1)
        #expect(r.stdout.contains("endless loop"))
        let fixed = try memtop("offline", "60", "--workload", "idle", "--thp", "never")
        #expect(fixed.status == 0)
    }

    @Test("online brings an offlined block back into the zone asked for")
    func online() throws {
        let r = try memtop("online", "60", "--zone", "movable", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try jsonLines(r.stdout)
        #expect(lines.last?["result"] as? String == "online")
        #expect(lines.contains { ($0["detail"] as? String)?.contains("online_movable") == true })
        let kernel = try memtop("online", "60", "--zone", "kernel")
        #expect(kernel.status == 0)
        #expect(kernel.stdout.contains("Normal"))
    }

    @Test("--notifier-error MEM_GOING_ONLINE=ENOMEM: MEM_CANCEL_ONLINE, exit 1 with ENOMEM, the block still offline")
    func onlineVetoed() throws {
        let r = try memtop("online", "60", "--notifier-error", "MEM_GOING_ONLINE=ENOMEM", "--json")
        #expect(r.status == 1, "\(r.stderr)")
        let lines = try jsonLines(r.stdout)
        let summary = try #require(lines.last)
        #expect(summary["result"] as? String == "failed")
        #expect(summary["errno"] as? String == "ENOMEM")
        #expect(summary["reason"] is NSNull)
        let details = lines.compactMap { $0["detail"] as? String }
        #expect(details.contains("info: Injecting error (-12) to MEM_GOING_ONLINE"))
        #expect(details.contains("MEM_CANCEL_ONLINE"))
        #expect(!details.contains("MEM_ONLINE"))
        let text = try memtop("online", "60", "--notifier-error", "MEM_GOING_ONLINE=-12")
        #expect(text.status == 1)
        #expect(text.stdout.contains("dmesg: debug: online_pages [mem 0x1e000000-0x1e7fffff] failed"))
        #expect(text.stdout.contains("result: online of memory60 failed with ENOMEM"))
        // The offline side of the same injector: "notifier failure".
        let off = try memtop("offline", "60", "--notifier-error", "MEM_GOING_OFFLINE=EBUSY")
        #expect(off.status == 1)
        #expect(off.stdout.contains("failed due to notifier failure"))
        // The map: o offlines memory49, O and Enter online it; the notifier refuses.
        let map = try memtop("sim", "--notifier-error", "MEM_GOING_ONLINE=ENOMEM", "--keys", "++++++o<Space><tick:100>O<Enter><Space><tick:50>",
                             "--dump-screen", "--size", "160x48")
        #expect(map.status == 0)
        #expect(map.stdout.contains("ENOMEM: the write of 'state' failed"))
        #expect(map.stdout.contains("memory_notify: MEM_CANCEL_ONLINE"))
        #expect(map.stdout.contains("online of memory49 failed: ENOMEM"))
    }

    @Test("bad input: one clear line on stderr and exit 2", arguments: [
        ["online", "60", "--notifier-error", "MEM_ONLINE=ENOMEM"], ["online", "60", "--notifier-error", "MEM_GOING_ONLINE"],
        ["offline", "999"], ["offline", "x"], ["offline", "60", "--without", "nonsense"],
        ["offline", "60", "--memory", "0"], ["offline", "60", "--kernelcore", "200%"],
        ["offline", "60", "--block-size", "3M"], ["offline", "60", "--workload", "busy"],
        ["online", "60", "--zone", "dma"], ["offline"], ["inspect", "--sim", "--from", "/tmp"],
        ["offline", "60", "59-61"],
    ])
    func badInput(args: [String]) throws {
        let r = try Subprocess.run(try MemtopBinary.path(), args)
        #expect(r.status == 2, "\(args): \(r.stderr)")
        #expect(r.stderr.hasPrefix("memtop: "))
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("backtrace"))
        #expect(r.stdout.isEmpty)
    }

    @Test("inspect --sim --json: the inspect shape, with verdicts from the same rules")
    func inspectSim() throws {
        let r = try memtop("inspect", "--sim", "--json")
        #expect(r.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(report["block_size_bytes"] as? Int == 8 << 20)
        let zones = try #require(report["zones"] as? [[String: Any]])
        #expect(zones.contains { $0["name"] as? String == "Movable" })
        for z in zones {
            for key in ["node", "name", "start_pfn", "spanned", "present", "managed", "free_pages", "protection"] {
                #expect(z.keys.contains(key))
            }
        }
        // lowmem_reserve[] as zoneinfo prints it: node0 DMA32 keeps Normal / 256 from kernel
        // allocations and (Normal + Movable) / 256 from user pages.
        let node0 = zones.filter { $0["node"] as? Int == 0 }
        let managed = { (name: String) in node0.first { $0["name"] as? String == name }?["managed"] as? Int ?? 0 }
        let dma32 = try #require(node0.first { $0["name"] as? String == "DMA32" })
        #expect(dma32["protection"] as? [Int] == [0, 0, managed("Normal") / 256, (managed("Normal") + managed("Movable")) / 256])
        let blocks = try #require(report["blocks"] as? [[String: Any]])
        #expect(blocks.count == 128)
        let b0 = blocks[0], b60 = blocks[60], b127 = blocks[127]
        #expect(b0["offlinable"] as? Bool == false)
        #expect(b0["valid_zones"] as? [String] == ["none"])
        #expect(b60["offlinable"] as? Bool == true)
        #expect(b127["offlinable"] as? Bool == false)
        let blockers = try #require(b127["blockers"] as? [[String: Any]])
        #expect(blockers.first?["reason"] as? String == "reserved page")
        #expect(blockers.count <= 8)
        let pages = try #require(b60["pages"] as? [String: Int])
        for key in ["free", "pcp", "lru_anon", "lru_file", "slab", "pagetable", "reserved", "other", "offline"] {
            #expect(pages[key] != nil)
        }
        #expect(pages.values.reduce(0, +) == 2048)
    }
}
