import Foundation
import Testing
@testable import memtop

/// `memtop live` as a user runs it: in tmux on the capture (move, zoom, simulate an offline to
/// its result, quit with the terminal restored), headless on a capture and on this machine's
/// /proc, and the clear errors.
@Suite("End to end: memtop live", .serialized)
struct LiveEndToEndTests {
    static let capture = LiveFixtures.firecracker

    @Test("in tmux on the capture: verdict colours, move, zoom, o runs the simulated offline to a result, q back, q quits restored",
          .enabled(if: Tmux.isAvailable, "tmux is not installed"),
          .enabled(if: LiveFixtures.hasCapture, "capture absent: ../shared/captures/firecracker-6.18-idle"),
          arguments: EndToEndTests.sizes)
    func tmux(cols: Int, rows: Int) throws {
        let tmux = try EndToEndTests.start("live --from '\(Self.capture)'", cols: cols, rows: rows)
        defer { tmux.kill() }
        let first = try tmux.waitFor("colours: offline verdict", timeout: .seconds(30))
        #expect(first.contains("would offline"))
        if cols >= 120 { #expect(first.contains("saved copy of 6.18.44-fc-v595, read-only")) }
        try tmux.sendKeys("Right", "Right")
        try tmux.waitFor("inspector: memory2 (what-if offline)")
        try tmux.sendKeys("Enter")
        try tmux.waitFor("map: memory2, every page")
        try tmux.sendKeys("Escape", "o")
        if cols >= 120 { try tmux.waitFor("SIMULATION of offlining live") }
        try tmux.waitFor("result: offlined", timeout: .seconds(20))
        try tmux.sendKeys("q")
        try tmux.waitFor("back to the live view")
        try tmux.sendKeys("q")
        try EndToEndTests.expectRestored(tmux, status: 0)
    }

    @Test("headless on the capture: the binary prints the golden screen",
          .enabled(if: LiveFixtures.hasCapture, "capture absent: ../shared/captures/firecracker-6.18-idle"))
    func headlessCapture() throws {
        let keys = "<Down><Down><Right><Right><Right><Right><Right><Right><Right><Right>"
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        let result = try Subprocess.run(try MemtopBinary.path(),
                                        ["live", "--from", Self.capture, "--keys", keys, "--dump-screen", "--size", "120x40"],
                                        environment: environment)
        #expect(result.status == 0)
        let golden = try String(contentsOf: LiveGoldenTests.directory.appendingPathComponent("live-overview.txt"), encoding: .utf8)
        #expect(result.stdout == golden)
    }

    @Test("headless on this machine's /proc: draws, whatever the values; unavailable parts are listed, not fatal")
    func headlessMachine() throws {
        let result = try Subprocess.run(try MemtopBinary.path(), ["live", "--keys", "<Enter>q", "--dump-screen"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("live: this machine,"))
        #expect(result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().count == 40)
        if LiveFixtures.hasKPageFlags {
            #expect(result.stdout.contains("kpageflags"))
        } else {
            #expect(result.stdout.contains("unavailable"))
        }
    }

    @Test("errors: no terminal, a bad --interval, an unreadable --from: exit 2 with one clear line")
    func errors() throws {
        let binary = try MemtopBinary.path()
        let noTTY = try Subprocess.run(binary, ["live", "--from", "/nonexistent-memtop-copy"])
        #expect(noTTY.status == 2)
        #expect(noTTY.stderr.contains("/nonexistent-memtop-copy"))
        for bad in ["0", "-1", "nan", "soon"] {
            let result = try Subprocess.run(binary, ["live", "--interval", bad])
            #expect(result.status == 2, "--interval \(bad)")
            #expect(result.stderr.contains("--interval") || result.stderr.contains("interval"), "--interval \(bad): \(result.stderr)")
        }
        if LiveFixtures.hasCapture {
            let terminal = try Subprocess.run(binary, ["live", "--from", Self.capture])
            #expect(terminal.status == 2)
            #expect(terminal.stderr.contains("needs a terminal"))
        }
        let dumpOnly = try Subprocess.run(binary, ["live", "--keys", "q"])
        #expect(dumpOnly.status == 2)
        #expect(dumpOnly.stderr.contains("need --dump-screen"))
    }
}
