import Foundation
import Testing
@testable import memtop

/// `inspect` and `capture` on this machine (root in CI), as nobody, and on saved copies.
@Suite("Live inspect and capture", .serialized)
struct LiveCommandTests {
    @Test("inspect reads this machine", .enabled(if: LiveFixtures.hasKPageFlags, "needs root and /proc/kpageflags"))
    func inspectThisMachine() throws {
        let report = try LiveInspector(source: .machine).report()
        #expect(report.kernel != nil)
        #expect(!report.zones.isEmpty)
        let blockSize = try #require(report.blockSizeBytes)
        let blockPages = blockSize / UInt64(sysconf(Int32(_SC_PAGESIZE)))
        #expect(!report.blocks.isEmpty)
        for block in report.blocks where block.pages != nil {
            #expect(block.pages?.total == blockPages, "every pfn of block \(block.id) counted once")
            #expect(block.blockers.count <= 8)
            if block.state == "online" { #expect(block.offlinable != nil) }
        }
        let text = report.renderText(limits: LiveInspector.limits)
        #expect(text.contains("What /proc cannot show"))
    }

    @Test("the binary prints one JSON object", .enabled(if: LiveFixtures.binary != nil && LiveFixtures.hasCapture))
    func binaryJSON() throws {
        let binary = try #require(LiveFixtures.binary)
        let result = try LiveFixtures.run(binary, ["inspect", "--from", LiveFixtures.firecracker, "--json"])
        #expect(result.status == 0)
        #expect(result.out.split(separator: "\n").count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        for key in ["kernel", "block_size_bytes", "zones", "blocks"] { #expect(object[key] != nil, "key \(key)") }
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        let first = try #require(blocks.first)
        for key in ["id", "state", "zone", "node", "start_pfn", "pages", "offlinable", "blockers"] {
            #expect(first[key] != nil, "block key \(key)")
        }
        let pages = try #require(first["pages"] as? [String: Any])
        for key in ["free", "lru_anon", "lru_file", "slab", "pagetable", "reserved", "other", "offline"] {
            #expect(pages[key] != nil, "pages key \(key)")
        }
        let decoded = try JSONDecoder().decode(InspectReport.self, from: Data(result.out.utf8))
        let direct = try LiveInspector(source: LiveSource(root: LiveFixtures.firecracker)).report()
        #expect(decoded == direct)
    }

    @Test("an unreadable --from is one line and exit 2", .enabled(if: LiveFixtures.binary != nil))
    func badFromDirectory() throws {
        let binary = try #require(LiveFixtures.binary)
        let result = try LiveFixtures.run(binary, ["inspect", "--from", "/nonexistent/capture"])
        #expect(result.status == 2)
        #expect(result.err == "memtop: cannot read --from directory /nonexistent/capture: No such file or directory\n")
        #expect(result.out.isEmpty)
    }

    @Test("as nobody, inspect degrades and says what is missing",
          .enabled(if: LiveFixtures.isRoot && LiveFixtures.binary != nil
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func inspectAsNobody() throws {
        let binary = try #require(LiveFixtures.binary)
        let result = try LiveFixtures.run("/usr/bin/setpriv",
            ["--reuid=nobody", "--regid=nogroup", "--clear-groups", binary, "inspect", "--json"])
        if result.status == 126 || result.err.contains("Permission denied") && result.out.isEmpty {
            // The build folder is not reachable by nobody: nothing to learn here.
            return
        }
        #expect(result.status == 0)
        #expect(result.err.contains("memtop: unavailable: /proc/kpageflags"))
        let report = try JSONDecoder().decode(InspectReport.self, from: Data(result.out.utf8))
        #expect(!report.zones.isEmpty)
        #expect(report.blocks.allSatisfy { $0.offlinable == nil && $0.pages == nil })
    }

    @Test("capture of a capture reads back the same report", .enabled(if: LiveFixtures.hasCapture))
    func captureRoundTrip() throws {
        let dir = try LiveFixtures.temporaryDirectory("copy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = LiveSource(root: LiveFixtures.firecracker)
        let outcome = try LiveCapture(source: source, destination: dir).run()
        #expect(outcome.skipped.isEmpty)
        let original = try LiveInspector(source: source).report()
        let copy = try LiveInspector(source: LiveSource(root: dir)).report()
        #expect(copy == original)
    }

    @Test("capture of this machine can be inspected", .enabled(if: LiveFixtures.hasKPageFlags))
    func captureThisMachine() throws {
        let dir = try LiveFixtures.temporaryDirectory("machine")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = try LiveCapture(source: .machine, destination: dir).run()
        #expect(outcome.skipped.isEmpty)
        #expect(outcome.written.contains("proc/kpageflags.xz") || outcome.written.contains("proc/kpageflags"))
        let report = try LiveInspector(source: LiveSource(root: dir)).report()
        #expect(report.unavailable.isEmpty)
        #expect(!report.blocks.isEmpty && report.blocks.allSatisfy { $0.pages != nil })
    }

    @Test func captureRefusesProcAndSys() {
        #expect(throws: LiveError.self) { try LiveCapture(source: .machine, destination: "/proc/memtop").run() }
        #expect(throws: LiveError.self) { try LiveCapture(source: .machine, destination: "/sys/../sys/x").run() }
    }
}
