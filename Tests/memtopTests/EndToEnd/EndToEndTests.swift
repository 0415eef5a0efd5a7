import Foundation
import Testing
@testable import memtop

/// The real binary in a real terminal (tmux): it draws, keys change the screen, resizes redraw,
/// and every way out gives the terminal back as it was.
@Suite("End to end: memtop in tmux", .serialized, .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct EndToEndTests {
    /// A pane that runs memtop, then reports its exit status and the terminal modes, then
    /// waits. SIGINT and SIGQUIT are trapped in the shell (and so reset to default in memtop) so
    /// that the shell outlives a Ctrl-C or Ctrl-\ and can report.
    static func start(_ arguments: String = "", cols: Int = 100, rows: Int = 30,
                      build: MemtopBinary.Build = .debug) throws -> Tmux {
        let binary = try MemtopBinary.path(build)
        // tmux hands the command to sh -c, so the inner script's '$' are escaped for that shell.
        let script = "trap : INT QUIT; '\(binary)' \(arguments); echo memtop-exit=\\$?; "
            + "echo modes: \\$(stty -a); echo end-of-report; exec sleep 600"
        return try Tmux(command: "env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR= sh -c \"\(script)\"",
                        cols: cols, rows: rows)
    }

    /// The `stty -a` words of the report, e.g. "icanon" or "-echo".
    static func modes(in pane: String) -> Set<String> {
        let line = pane.split(separator: "\n").first { $0.hasPrefix("modes:") } ?? ""
        return Set(line.split(separator: " ").map(String.init))
    }

    /// Checks that memtop exited with `status` and left the terminal as the shell wants it.
    static func expectRestored(_ tmux: Tmux, status: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let pane = try tmux.waitFor("end-of-report", joined: true)
        #expect(pane.contains("memtop-exit=\(status)"), sourceLocation: sourceLocation)
        let modes = modes(in: pane)
        #expect(modes.contains("echo") && modes.contains("icanon") && modes.contains("isig"),
                "terminal modes after exit: \(modes.sorted())", sourceLocation: sourceLocation)
        #expect(try tmux.paneValue("alternate_on") == "0", "still on the alternate screen",
                sourceLocation: sourceLocation)
        #expect(!pane.contains("map: whole machine"), "memtop's screen left behind", sourceLocation: sourceLocation)
    }

    /// The map is drawn: the title bar and the paused state.
    static let ready = "paused"

    @Test("starts on the whole machine, in colour with half blocks, paused")
    func starts() throws {
        let tmux = try Self.start(cols: 120, rows: 40)
        defer { tmux.kill() }
        let pane = try tmux.waitFor("map: whole machine")
        #expect(pane.contains(Self.ready))
        #expect(pane.contains("Movable"))
        let coloured = try tmux.capture(escapes: true)
        #expect(coloured.contains("▀"))
        #expect(coloured.contains("\u{1b}["), "no SGR sequences in the pane")
    }

    /// The sizes the main journeys run at: the usual default terminal (tabbed panels) and a wide one.
    static let sizes = [(80, 24), (120, 40)]

    @Test("move to a ZONE_MOVABLE block, o offlines it: the panel shows the result, the block is offline", arguments: sizes)
    func offline(cols: Int, rows: Int) throws {
        let tmux = try Self.start(cols: cols, rows: rows)
        defer { tmux.kill() }
        try tmux.waitFor("map: whole machine")
        // The cursor starts on memory49, the first block wholly in ZONE_MOVABLE; l moves to memory50.
        try tmux.sendKeys("l")
        try tmux.waitFor("inspector: memory50")
        try tmux.sendKeys("+", "+", "+", "+", "+", "+", "o", "Space")
        let pane = try tmux.waitFor("result: offlined memory50", timeout: .seconds(8))
        // The wide panel lists every phase; the narrow tab folds those done into one line.
        #expect(pane.contains(cols < 120 ? "phases done" : "✓ __offline_isolated_pages"))
        // On the narrow screen the hot-plug tab came forward with o; t brings the inspector back.
        if cols < 120 { try tmux.sendKeys("t") }
        try tmux.waitFor("memory50 offline")
    }

    @Test("Esc during an offline sends a signal: EINTR, signal backoff, rolled back")
    func cancel() throws {
        let tmux = try Self.start(cols: 120, rows: 40)
        defer { tmux.kill() }
        try tmux.waitFor("map: whole machine")
        try tmux.sendKeys("o", "Space")
        try tmux.waitFor("▶ do_migrate_range", timeout: .seconds(8))
        try tmux.sendKeys("Escape")
        try tmux.waitFor("signal pending")
        // The kernel sees the signal at the top of its migration loop: speed up to get there.
        try tmux.sendKeys("+", "+", "+", "+", "+", "+")
        let pane = try tmux.waitFor("EINTR", timeout: .seconds(8))
        try tmux.waitFor("signal backoff")
        #expect(pane.contains("offline_pages"))
        try tmux.waitFor("why it failed")
        // Moving on brings the inspector back.
        try tmux.sendKeys("l", "h")
        try tmux.waitFor("memory49 online")
    }

    @Test("--scenario swapin-unmapped --without swapin-unmapped-skip: o and Space end in the 2007 panic, shown as a kernel crash")
    func swapinPanic() throws {
        // The scenario's block (re-found whenever the engine moves it).
        let block = "memory" + (try Scenario.named("swapin-unmapped").args[0])
        let tmux = try Self.start("sim --scenario swapin-unmapped --without swapin-unmapped-skip", cols: 120, rows: 40)
        defer { tmux.kill() }
        try tmux.waitFor("inspector: \(block)")
        try tmux.sendKeys("o", "Space")
        try tmux.waitFor("kernel crash", timeout: .seconds(20), joined: true)
        let pane = try tmux.waitFor("dmesg: alert: BUG", joined: true)
        #expect(pane.contains("try_to_unmap()"))
        #expect(pane.contains("\(block) online") || pane.contains("why it failed"))
    }

    @Test("--scenario node-hot-remove: X offlines every block of node 1; the last one ends it")
    func nodeHotRemove() throws {
        let tmux = try Self.start("sim --scenario node-hot-remove", cols: 120, rows: 40)
        defer { tmux.kill() }
        try tmux.waitFor("inspector: memory")
        try tmux.sendKeys("+", "+", "+", "+", "+", "+", "+", "X", "Space")
        let pane = try tmux.waitFor("result: offlined memory127", timeout: .seconds(60))
        #expect(pane.contains("zone: node1 Movable"))
        #expect(pane.contains("span 0x0+0"))
    }

    @Test("zoom in shows every page; c cycles colours; ? opens help and a key closes it", arguments: sizes)
    func keys(cols: Int, rows: Int) throws {
        let tmux = try Self.start(cols: cols, rows: rows)
        defer { tmux.kill() }
        try tmux.waitFor("map: whole machine")
        try tmux.sendKeys("Enter")
        try tmux.waitFor("map: memory49, every page")
        try tmux.waitFor("pages a row")
        try tmux.sendKeys("c")
        try tmux.waitFor("colours: migratetype")
        try tmux.sendKeys("?")
        try tmux.waitFor("help: keys")
        try tmux.sendKeys("Escape")
        try tmux.waitUntil("help to close") { !$0.contains("help: keys") }
    }

    @Test("a resize during the animation redraws; at 80x24 the tabbed layout; below it the too-small screen; back again the map")
    func resize() throws {
        let tmux = try Self.start(cols: 120, rows: 40)
        defer { tmux.kill() }
        try tmux.waitFor("map: whole machine")
        try tmux.sendKeys("o", "Space")
        try tmux.waitFor("running")
        try tmux.resize(cols: 110, rows: 34)
        try tmux.waitUntil("a 110-column redraw") { pane in
            pane.split(separator: "\n").first { $0.contains("┐") }.map { $0.count == 110 } ?? false
        }
        try tmux.resize(cols: 80, rows: 24)
        try tmux.waitFor("t: inspector log zone hot-plug")
        try tmux.resize(cols: 60, rows: 20)
        let small = try tmux.waitFor("Terminal too small")
        #expect(small.contains("60x20, need 80x24"))
        try tmux.resize(cols: 120, rows: 40)
        try tmux.waitFor("map: whole machine")
    }

    /// The signal tests run on both builds: the optimised binary once ignored every signal
    /// (its handler set one copy of a `static` flag and the loop read another).
    @Test("q quits with status 0, Ctrl-C (SIGINT) with 130, Ctrl-\\ (SIGQUIT) with 131; all restore the terminal",
          arguments: MemtopBinary.builds, [("q", 0), ("C-c", 130), ("C-\\", 131)])
    func quitKeys(build: MemtopBinary.Build, key: (String, Int)) throws {
        let (key, status) = key
        let tmux = try Self.start(build: build)
        defer { tmux.kill() }
        try tmux.waitFor(Self.ready)
        try tmux.sendKeys(key)
        try Self.expectRestored(tmux, status: status)
    }

    @Test("SIGTERM exits 143, SIGHUP 129, SIGQUIT 131; each restores the terminal",
          arguments: MemtopBinary.builds, [SIGTERM, SIGHUP, SIGQUIT])
    func killSignals(build: MemtopBinary.Build, signal: Int32) throws {
        let tmux = try Self.start(build: build)
        defer { tmux.kill() }
        try tmux.waitFor(Self.ready)
        let shell = try tmux.paneValue("pane_pid")
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let memtop = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        #expect(Foundation.kill(memtop, signal) == 0)
        try Self.expectRestored(tmux, status: 128 + Int(signal))
    }

    @Test("Ctrl-Z suspends to the shell with the terminal restored; fg redraws",
          arguments: MemtopBinary.builds)
    func suspend(build: MemtopBinary.Build) throws {
        let binary = try MemtopBinary.path(build)
        let tmux = try Tmux(command: "env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='prompt$ ' bash --norc --noprofile -i",
                            cols: 100, rows: 30)
        defer { tmux.kill() }
        try tmux.waitFor("prompt$")
        try tmux.sendKeys("'\(binary)'", "Enter")
        try tmux.waitFor(Self.ready)
        try tmux.sendKeys("l")
        try tmux.waitFor("inspector: memory50")
        try tmux.sendKeys("C-z")
        try tmux.waitFor("Stopped")
        try tmux.sendKeys("echo modes: $(stty -a)", "Enter")
        let pane = try tmux.waitUntil("the modes", joined: true) { $0.contains("modes: speed") }
        let modes = Self.modes(in: pane.split(separator: "\n").filter { $0.hasPrefix("modes: speed") }
            .map(String.init).joined())
        #expect(modes.contains("echo") && modes.contains("icanon"), "modes while suspended: \(modes.sorted())")
        try tmux.sendKeys("fg", "Enter")
        try tmux.waitFor("inspector: memory50")
        try tmux.sendKeys("q")
        try tmux.waitUntil("the shell prompt after quitting") { $0.hasSuffix("prompt$\n") || $0.contains("prompt$ \n") || $0.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("prompt$") }
    }
}

/// The binary without a terminal: headless dumps, and the clear refusal of the interactive map.
@Suite("End to end: memtop without a terminal")
struct EndToEndHeadlessTests {
    static func runMemtop(_ arguments: [String]) throws -> Subprocess {
        try Subprocess.run(try MemtopBinary.path(), arguments)
    }

    @Test("stdin not a tty: exit 2 with a message that points to --dump-screen")
    func notATerminal() throws {
        let result = try Self.runMemtop(["sim"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("the interactive map needs a terminal (stdin and stdout must be a tty)"))
        #expect(result.stderr.contains("--dump-screen"))
        #expect(result.stdout.isEmpty)
    }

    @Test("--dump-screen prints the final screen of the given size and exits 0")
    func dumpScreen() throws {
        let result = try Self.runMemtop(["--keys", "l<Down>", "--dump-screen", "--size", "80x24"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 24)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(result.stdout.contains("map: whole machine"), "80x24 is the smallest screen memtop draws")
        #expect(result.stdout.contains("t: inspector log zone hot-plug"), "with the panels as tabs")
        let small = try Self.runMemtop(["--dump-screen", "--size", "79x24"])
        #expect(small.stdout.contains("Terminal too small"), "79x24 is below the minimum")
        let full = try Self.runMemtop(["--keys", "l<Enter>", "--dump-screen"])
        #expect(full.stdout.contains("map: memory50, every page"))
        #expect(full.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().count == 40)
        let ansi = try Self.runMemtop(["sim", "--dump-screen", "--ansi", "--size", "80x24"])
        #expect(ansi.status == 0)
        #expect(ansi.stdout.contains("\u{1b}[0;"))
    }

    @Test("bad --size and bad --keys exit 2 with the bad text named")
    func badInput() throws {
        let size = try Self.runMemtop(["--dump-screen", "--size", "80by24"])
        #expect(size.status == 2)
        #expect(size.stderr.contains("80by24"))
        let keys = try Self.runMemtop(["--keys", "<Bogus>", "--dump-screen"])
        #expect(keys.status == 2)
        #expect(keys.stderr.contains("<Bogus>"))
    }
}
