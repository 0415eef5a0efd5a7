import Foundation
import Testing
@testable import memtop

/// Issue 14, finding 2: `memtop capture DIR` (often run as root) cannot be turned against its
/// user: it never follows a link inside DIR, refuses before creating anything, replaces an
/// earlier capture only with --force and then leaves no stale file, and never writes into --from.
@Suite("Capture cannot be turned against its user", .serialized,
       .enabled(if: LiveFixtures.hasCapture, "capture absent"))
struct CaptureSafetyTests {
    static let source = LiveSource(root: LiveFixtures.firecracker)

    static func scratch(_ name: String) throws -> String {
        try LiveFixtures.temporaryDirectory("safety-" + name)
    }

    @Test("a link inside DIR is refused (or removed with --force) and its target is unchanged",
          arguments: ["file", "folder"])
    func linkInside(kind: String) throws {
        let top = try Self.scratch(kind)
        defer { try? FileManager.default.removeItem(atPath: top) }
        let victim = top + "/victim"
        let destination = top + "/capture"
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: victim + "/zoneinfo"))
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        if kind == "file" {
            try FileManager.default.createDirectory(atPath: destination + "/proc", withIntermediateDirectories: true)
            #expect(symlink(victim + "/zoneinfo", destination + "/proc/zoneinfo") == 0)
        } else {
            #expect(symlink(victim, destination + "/proc") == 0)
        }
        #expect(throws: LiveError.self) { try LiveCapture(source: Self.source, destination: destination).run() }
        #expect(try String(contentsOfFile: victim + "/zoneinfo", encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim) == ["zoneinfo"])

        let outcome = try LiveCapture(source: Self.source, destination: destination, force: true).run()
        #expect(outcome.skipped.isEmpty)
        #expect(try String(contentsOfFile: victim + "/zoneinfo", encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim) == ["zoneinfo"])
        let written = try FileManager.default.attributesOfItem(atPath: destination + "/proc/zoneinfo")
        #expect(written[.type] as? FileAttributeType == .typeRegular)
    }

    @Test("a link planted while the capture runs makes that one write fail, never follow")
    func linkPlantedLate() throws {
        let top = try Self.scratch("late")
        defer { try? FileManager.default.removeItem(atPath: top) }
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: top + "/victim"))
        let directory = try CaptureDirectory(top + "/capture", force: false, source: Self.source)
        try directory.write(Array("one\n".utf8), to: "proc/a")
        #expect(symlink(top + "/victim", top + "/capture/proc/b") == 0)
        #expect(throws: LiveError.self) { try directory.write(Array("two\n".utf8), to: "proc/b") }
        #expect(symlink(top, top + "/capture/sys") == 0)
        #expect(throws: LiveError.self) { try directory.write(Array("two\n".utf8), to: "sys/victim") }
        #expect(try String(contentsOfFile: top + "/victim", encoding: .utf8) == "precious\n")
    }

    @Test("/proc, /sys and /dev are refused before anything is made, even through a link")
    func systemPathsBeforeCreating() throws {
        let top = try Self.scratch("dev")
        defer { try? FileManager.default.removeItem(atPath: top) }
        #expect(symlink("/dev", top + "/devlink") == 0)
        let name = "memtop-capture-test-\(getpid())"
        #expect(throws: LiveError.self) { try LiveCapture(source: Self.source, destination: top + "/devlink/" + name).run() }
        #expect(!FileManager.default.fileExists(atPath: "/dev/" + name), "capture created a folder in /dev")
        rmdir("/dev/" + name)
        #expect(throws: LiveError.self) { try LiveCapture(source: Self.source, destination: "/proc/memtop").run() }
        #expect(throws: LiveError.self) { try LiveCapture(source: Self.source, destination: "/sys/../sys/x").run() }
    }

    @Test("an earlier capture is kept without --force; with --force no stale file survives")
    func replaceOnlyWithForce() throws {
        let top = try Self.scratch("force")
        defer { try? FileManager.default.removeItem(atPath: top) }
        let destination = top + "/capture"
        _ = try LiveCapture(source: Self.source, destination: destination).run()
        // A stale plain kpageflags would shadow the new .xz.
        try Data(repeating: 0, count: 64).write(to: URL(fileURLWithPath: destination + "/proc/kpageflags"))
        let error = #expect(throws: LiveError.self) { try LiveCapture(source: Self.source, destination: destination).run() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("--force replaces it"))
        #expect(FileManager.default.fileExists(atPath: destination + "/proc/kpageflags"))
        _ = try LiveCapture(source: Self.source, destination: destination, force: true).run()
        #expect(!FileManager.default.fileExists(atPath: destination + "/proc/kpageflags"))
        #expect(try LiveInspector(source: LiveSource(root: destination)).report()
                == LiveInspector(source: Self.source).report())
    }

    @Test("--from equal to DIR is refused and its page arrays are untouched")
    func fromEqualsDestination() throws {
        let top = try Self.scratch("same")
        defer { try? FileManager.default.removeItem(atPath: top) }
        let copy = top + "/copy"
        _ = try LiveCapture(source: Self.source, destination: copy).run()
        let before = try FileManager.default.attributesOfItem(atPath: copy + "/proc/kpageflags.xz")[.size] as? Int
        for destination in [copy, copy + "/", top + "/./copy", copy + "/proc"] {
            #expect(throws: LiveError.self) {
                try LiveCapture(source: LiveSource(root: copy), destination: destination, force: true).run()
            }
        }
        let after = try FileManager.default.attributesOfItem(atPath: copy + "/proc/kpageflags.xz")[.size] as? Int
        #expect(before == after && (after ?? 0) > 0)
    }
}
