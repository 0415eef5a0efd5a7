import Foundation
import MemEngine
import Testing
@testable import memtop

/// A copy of the fuzz corpus (8 blocks of the firecracker capture) changed by `change`, for one
/// test; `remove()` deletes it.
struct ChangedCopy {
    let root: String

    init(_ change: (String) throws -> Void) throws {
        let base = try #require(FuzzCorpus.base)
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("memtop-hardening-\(getpid())-\(UInt64.random(in: 0...UInt64.max))").path
        try SavedCopyMutator.link(base, into: root)
        try change(root)
        self.root = root
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Replaces the file at `relative` (a new inode: the shared base is untouched).
    static func write(_ text: String, to relative: String, in root: String) throws {
        let path = root + "/" + relative
        try? FileManager.default.removeItem(atPath: path)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// `memtop inspect --from` and `memtop live --from --dump-screen` on the copy.
    func runBoth(deadline: Duration = .seconds(30)) throws -> [BoundedRun] {
        let binary = try MemtopBinary.path()
        return try [["inspect", "--from", root], ["live", "--from", root, "--dump-screen", "--keys", "<Right><Enter>"]]
            .map { try BoundedRun.run(binary, $0, deadline: deadline) }
    }
}

/// Issue 14, finding 3: each value that once trapped (exit 132) on a saved copy is now a clear
/// error or an "unknown" shown. Run through the binary, so that a trap is a failed expectation.
@Suite("Saved copies are untrusted: no trap on the values that once trapped",
       .enabled(if: FuzzCorpus.base != nil, "capture or xz absent"))
struct UntrustedCopyTests {
    static func expectContract(_ runs: [BoundedRun], sourceLocation: SourceLocation = #_sourceLocation) {
        for run in runs {
            #expect(run.problems(memoryLimit: 400 << 20).isEmpty,
                    "\(run.problems(memoryLimit: 400 << 20)); stderr: \(run.stderr.prefix(400))",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("a block past the end of kpageflags: not captured, not a trap",
          arguments: ["empty", "8 bytes", "extra memory200", "block size 80000000"])
    func blockPastTheEnd(variant: String) throws {
        let copy = try ChangedCopy { root in
            let memory = "sys/devices/system/memory"
            switch variant {
            case "empty": try ChangedCopy.write("", to: "proc/kpageflags", in: root)
            case "8 bytes": try ChangedCopy.write("\0\0\0\0\0\0\0\0", to: "proc/kpageflags", in: root)
            case "extra memory200":
                try FileManager.default.createDirectory(atPath: root + "/\(memory)/memory200", withIntermediateDirectories: true)
                try ChangedCopy.write("online\n", to: "\(memory)/memory200/state", in: root)
            default: try ChangedCopy.write("80000000\n", to: "\(memory)/block_size_bytes", in: root)
            }
        }
        defer { copy.remove() }
        let runs = try copy.runBoth()
        Self.expectContract(runs)
        if variant == "extra memory200" {
            #expect(runs[0].stdout.contains("not captured: kpageflags ends before pfn 6553600"))
        }
    }

    @Test("a short kpageflags.xz: the blocks it does not reach are not captured")
    func shortCompressed() throws {
        let copy = try ChangedCopy { root in
            let base = try #require(FuzzCorpus.base)
            let compressed = try Data(contentsOf: URL(fileURLWithPath: base + "/xz/kpageflags.xz"))
            try FileManager.default.removeItem(atPath: root + "/proc/kpageflags")
            try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: root + "/proc/kpageflags.xz"))
        }
        defer { copy.remove() }
        let runs = try copy.runBoth()
        Self.expectContract(runs)
        #expect(runs[0].stderr.contains("kpageflags.xz: xz -dc failed"))
    }

    @Test("a block id of 2^63-1 is ignored and said so, not an overflow")
    func hugeBlockID() throws {
        let copy = try ChangedCopy { root in
            let dir = "sys/devices/system/memory/memory9223372036854775807"
            try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
            try ChangedCopy.write("online\n", to: dir + "/state", in: root)
        }
        defer { copy.remove() }
        let runs = try copy.runBoth()
        Self.expectContract(runs)
        #expect(runs[0].stderr.contains("memory9223372036854775807: ignored: beyond the largest physical address"))
    }

    @Test("an iomem range near 2^64 is read, not an overflow")
    func iomemNearTop() throws {
        let ram = try SystemRAM.parse("fffffffffffff001-fffffffffffffffe : System RAM\n00001000-00001fff : System RAM\n",
                                      pageSize: 4096)
        #expect(ram.ranges.first == 1..<2)
        let copy = try ChangedCopy { root in
            try ChangedCopy.write("fffffffffffff001-fffffffffffffffe : System RAM\n", to: "proc/iomem", in: root)
        }
        defer { copy.remove() }
        Self.expectContract(try copy.runBoth())
    }

    @Test("huge vmstat counters, a zone start_pfn of 2^63, a pagetypeinfo row with extra counts: the zone panel draws")
    func hugeZoneNumbers() throws {
        let copy = try ChangedCopy { root in
            let vmstat = try LiveFixtures.text("proc/vmstat")
                .replacingOccurrences(of: "nr_isolated_anon 0", with: "nr_isolated_anon 18446744073709551615")
                .replacingOccurrences(of: "nr_isolated_file 0", with: "nr_isolated_file 18446744073709551615")
            try ChangedCopy.write(vmstat, to: "proc/vmstat", in: root)
            var zoneinfo = try LiveFixtures.text("proc/zoneinfo")
            if let range = zoneinfo.range(of: "start_pfn:           1\n") {
                zoneinfo.replaceSubrange(range, with: "start_pfn:           9223372036854775808\n")
            }
            try ChangedCopy.write(zoneinfo, to: "proc/zoneinfo", in: root)
            let pagetypes = try LiveFixtures.text("proc/pagetypeinfo").split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.contains("type") && $0.contains("Movable") ? $0 + " 1 2 3 4" : String($0) }
            try ChangedCopy.write(pagetypes.joined(separator: "\n"), to: "proc/pagetypeinfo", in: root)
        }
        defer { copy.remove() }
        let binary = try MemtopBinary.path()
        for keys in ["", "<Down><Down><Down>", "<End>"] {
            let run = try BoundedRun.run(binary, ["live", "--from", copy.root, "--dump-screen", "--keys", keys],
                                         deadline: .seconds(30))
            Self.expectContract([run])
            #expect(run.status == 0)
        }
    }

    /// Found by the fuzz suite (seeds 9000 on): per-cpu counts summed past 2^64, and a second
    /// pageblock header wider than the rows read before it.
    @Test("absurd per-cpu counts saturate; a pagetypeinfo header wider than its rows reads as unknown")
    func fuzzFindings() throws {
        var zoneinfo = try LiveFixtures.text("proc/zoneinfo")
        zoneinfo = zoneinfo.replacingOccurrences(of: "count: ", with: "count: 18446744073709551615 ")
        let zones = try ZoneInfoParser.parse(zoneinfo)
        #expect(zones.contains { $0.pcpCount == UInt64.max })
        let pagetypes = try LiveFixtures.text("proc/pagetypeinfo") + "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate  Extra\n"
        let info = try PageTypeInfoParser.parse(pagetypes)
        #expect(info.blockCount(node: 0, zone: "Normal", type: "Extra") == nil)
    }
}

