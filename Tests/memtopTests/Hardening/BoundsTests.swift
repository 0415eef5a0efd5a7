import Foundation
import MemEngine
import Testing
@testable import memtop

/// Issue 14, findings 4 and 5: no hang on a FIFO, no helper left behind, and memory and time
/// that stay bounded whatever a saved copy or a `--keys` script holds.
@Suite("Bounded: no hang, no runaway memory or time", .enabled(if: FuzzCorpus.base != nil, "capture or xz absent"))
struct BoundsTests {
    @Test("a FIFO in place of a page array or its .xz: a clear error, at once, no xz left behind",
          arguments: ["proc/kpageflags", "proc/kpagecount", "proc/kpageflags.xz", "proc/kpagecount.xz"])
    func fifo(file: String) throws {
        let copy = try ChangedCopy { root in
            let plain = file.hasSuffix(".xz") ? String(file.dropLast(3)) : file
            try FileManager.default.removeItem(atPath: root + "/" + plain)
            #expect(mkfifo(root + "/" + file, 0o644) == 0)
        }
        defer { copy.remove() }
        let runs = try copy.runBoth(deadline: .seconds(20))
        for run in runs {
            #expect(!run.hung && !run.leftChildren && (run.status == 0 || run.status == 2),
                    "\(run.problems(memoryLimit: 400 << 20)); stderr: \(run.stderr.prefix(300))")
        }
        #expect(runs[0].stderr.contains("not a regular file"))
    }

    @Test("memtop killed with SIGKILL while xz streams: xz dies with it",
          .enabled(if: LiveFixtures.hasCapture))
    func xzDiesWithMemtop() throws {
        let binary = try MemtopBinary.path()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("memtop-kill-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let pid = try Subprocess.spawn(binary, ["inspect", "--from", LiveFixtures.firecracker],
                                       stdout: out, stderr: "/dev/null", ownGroup: true)
        // Wait until memtop has started an xz (its child), then kill memtop alone.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(20))
        var children = ""
        while clock.now < deadline && children.isEmpty {
            children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
            usleep(5000)
        }
        #expect(!children.isEmpty, "memtop started no xz")
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        var alive = true
        let end = clock.now.advanced(by: .seconds(5))
        while alive && clock.now < end {
            alive = kill(-pid, 0) == 0
            usleep(20_000)
        }
        kill(-pid, SIGKILL)
        #expect(!alive, "an xz outlived memtop")
    }

    @Test("an xz that delivers nothing is stopped at the timeout")
    func xzTimeout() throws {
        let copy = try ChangedCopy { root in
            let base = try #require(FuzzCorpus.base)
            try FileManager.default.removeItem(atPath: root + "/proc/kpageflags")
            try FileManager.default.copyItem(atPath: base + "/xz/kpageflags.xz", toPath: root + "/proc/kpageflags.xz")
            let script = root + "/stalled-xz"
            try Data("#!/bin/sh\nexec sleep 60\n".utf8).write(to: URL(fileURLWithPath: script))
            chmod(script, 0o755)
        }
        defer { copy.remove() }
        let clock = ContinuousClock()
        let start = clock.now
        var reader = try PageArrayReader("proc/kpageflags", in: LiveSource(root: copy.root),
                                         xz: copy.root + "/stalled-xz", timeout: .milliseconds(500))
        let error = #expect(throws: LiveError.self) { _ = try reader.read(0..<512) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("delivered nothing"))
        #expect(clock.now - start < .seconds(10))
    }

    @Test("random flags on every page: the scanner's cache stays at its fixed size")
    func scannerCacheBounded() throws {
        let copy = try ChangedCopy { root in
            var random = SeededRandom(seed: 14)
            let pages = FuzzCorpus.blocks * FuzzCorpus.pagesPerBlock
            let values = (0..<pages).map { _ in random.next().littleEndian }
            try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: root + "/proc/kpageflags.new")) }
            try FileManager.default.removeItem(atPath: root + "/proc/kpageflags")
            try FileManager.default.moveItem(atPath: root + "/proc/kpageflags.new", toPath: root + "/proc/kpageflags")
        }
        defer { copy.remove() }
        var scanner = try BlockScanner(source: LiveSource(root: copy.root), buddyTails: .forKernel("6.18"))
        for block in 0..<UInt64(FuzzCorpus.blocks) {
            let pfns = block * UInt64(FuzzCorpus.pagesPerBlock)..<(block + 1) * UInt64(FuzzCorpus.pagesPerBlock)
            _ = try scanner.scan(pfns, inMovableZone: block % 2 == 0)
            #expect(scanner.cachedVerdicts <= BlockScanner.verdictCacheLimit)
        }
        let run = try BoundedRun.run(try MemtopBinary.path(), ["inspect", "--from", copy.root], deadline: .seconds(60))
        #expect(run.status == 0 && run.maxResidentBytes < 200 << 20, "peak \(run.maxResidentBytes >> 20) MiB")
    }
}

@Suite("Bounded: --memory and --keys")
struct CommandBoundsTests {
    @Test("--memory beyond the stated maximum is refused with one clear line, before any boot")
    func memoryMaximum() throws {
        let run = try BoundedRun.run(try MemtopBinary.path(), ["--memory", "2T", "--dump-screen"], deadline: .seconds(20))
        #expect(run.status == 2)
        #expect(run.stderr == "memtop: --memory larger than 1T is not supported\n")
        #expect(run.maxResidentBytes < 200 << 20)
    }

    @Test("--memory whose model needs more than is available is refused, naming both figures")
    func memoryAvailable() throws {
        var config = MachineConfig()
        config.memoryBytes = 256 << 30
        #expect(throws: Never.self) { try MemoryBudget.check(config, available: 8 << 30) }
        let error = #expect(throws: (any Error).self) { try MemoryBudget.check(config, available: 1 << 30) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("--memory 256G needs about 1536M for the model, more than the 1G"))
    }

    @Test("the estimate is not below what a booted machine holds")
    func estimateHonest() throws {
        for config in [MachineConfig(), MachineConfig(geometry: .x86_64, memoryBytes: 4 << 30, workload: .heavy)] {
            let machine = try Machine(config: config)
            #expect(machine.footprintBytes <= config.estimatedFootprintBytes,
                    "\(machine.footprintBytes) B held, \(config.estimatedFootprintBytes) B estimated")
        }
    }

    /// A paused app ignores ticks, an animating one pays for each frame's work.
    private struct SpinApp: TerminalApp {
        var minimumSize = Size(cols: 4, rows: 1)
        var running = false
        var frames = 0
        var tickInterval: Duration? { running ? .milliseconds(10) : nil }
        var workPerFrame: Int { 1000 }
        mutating func update(_ message: Message) -> [Effect] {
            if case .tick = message { frames += 1 }
            if case .key(.char(" ")) = message { running.toggle() }
            return []
        }
        func render(into buffer: inout Buffer, caps: TerminalCapabilities) {}
    }

    @Test("a headless script stops at its work limit; paused ticks cost nothing")
    func headlessWorkLimit() throws {
        let caps = TerminalCapabilities.headless(noColor: true)
        let size = Size(cols: 10, rows: 2)
        let endless = try KeyNotation.parse(" " + String(repeating: "<tick:1000000>", count: 100))
        let run = runHeadless(SpinApp(), events: endless, size: size, caps: caps, workLimit: 50_000)
        #expect(run.stoppedAtWorkLimit)
        #expect(run.app.frames < 50)
        let paused = try KeyNotation.parse(String(repeating: "<tick:1000000>", count: 10_000))
        let clock = ContinuousClock()
        let start = clock.now
        let idle = runHeadless(SpinApp(), events: paused, size: size, caps: caps, workLimit: 50_000)
        #expect(!idle.stoppedAtWorkLimit && idle.app.frames == 0)
        #expect(clock.now - start < .seconds(5))
    }

    @Test("the binary: --keys that ask for hours of engine steps end at once with exit 2")
    func headlessBinary() throws {
        let keys = "<Space>" + String(repeating: "+", count: 12) + String(repeating: "<tick:1000000>", count: 50)
        let run = try BoundedRun.run(try MemtopBinary.path(), ["--dump-screen", "--keys", keys], deadline: .seconds(120))
        #expect(!run.hung)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("memtop: --keys asks for more than"))
    }
}
