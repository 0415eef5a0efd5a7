import Foundation
import Testing
@testable import memtop

/// Issue 14, findings 1 and 6: the signal flags exist once in every build, and the command line
/// keeps its one-line rule whatever the user types.
@Suite("Command line and build hardening")
struct CommandLineHardeningTests {
    static func run(_ arguments: [String]) throws -> BoundedRun {
        try BoundedRun.run(try MemtopBinary.path(), arguments, deadline: .seconds(60))
    }

    @Test("a value with a newline or control characters is escaped: still one memtop: line",
          arguments: [["--memory", "1\nG"], ["--workload", "x\u{1b}[31mred"], ["--size", "1\r0x5", "--dump-screen"],
                      ["inspect", "--from", "/nonexistent/a\nb"], ["--keys", "<bad\n>", "--dump-screen"]])
    func escapedValues(arguments: [String]) throws {
        let run = try Self.run(arguments)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("memtop: ") && run.stderr.filter { $0 == "\n" }.count == 1, "\(run.stderr.debugDescription)")
        #expect(!run.stderr.contains("\u{1b}") && !run.stderr.contains("\r"))
    }

    @Test("--keys accepts a value that starts with '-' (the slower key)")
    func keysStartingWithDash() throws {
        let run = try Self.run(["--dump-screen", "--size", "100x30", "--keys", "-q"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty && run.stdout.contains("map: whole machine"))
    }

    @Test("a negative --seed gets a clear message, not 'Missing value'")
    func negativeSeed() throws {
        let run = try Self.run(["--seed", "-1", "--dump-screen"])
        #expect(run.status == 2)
        #expect(run.stderr == "memtop: --seed '-1' is not a whole number from 0 to 18446744073709551615\n")
    }

    @Test("a negative number for any numeric option gets its range, not 'Missing value'",
          arguments: [
            (["--nodes", "-1", "--dump-screen"], "memtop: --nodes must be 1 ... 64\n"),
            (["--cpus", "-3", "--dump-screen"], "memtop: --cpus must be 1 ... 256\n"),
            (["--warmup", "-5", "--dump-screen"], "memtop: --warmup must be 0 ... 10000000 ticks\n"),
            (["offline", "--node", "-1"], "memtop: there is no node -1: this machine has nodes 0-1\n"),
            (["offline", "12", "--max-ticks", "-1"], "memtop: --max-ticks must be positive\n"),
            (["live", "--interval", "-1"], "memtop: --interval must be a positive number of seconds (at most 86400), not -1.0\n"),
          ])
    func negativeNumbers(arguments: [String], message: String) throws {
        let run = try Self.run(arguments)
        #expect(run.status == 2)
        #expect(run.stderr == message)
    }

    /// The signal flags were `static` in a header: the optimised binary had two copies, and its
    /// handler set one while the loop read the other (the tmux tests run both builds too).
    @Test("the signal flags are defined once in the debug and the release binary",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nm"), "nm absent"),
          arguments: MemtopBinary.builds)
    func flagsOnce(build: MemtopBinary.Build) throws {
        let binary = try MemtopBinary.path(build)
        let symbols = try Subprocess.run("/usr/bin/nm", [binary]).stdout.split(separator: "\n")
        for name in ["mt_pending_terminate", "mt_pending_suspend"] {
            #expect(symbols.filter { $0.hasSuffix(" " + name) }.count == 1, "\(name) in \(build)")
        }
    }
}
