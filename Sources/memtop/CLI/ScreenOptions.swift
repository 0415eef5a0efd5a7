import ArgumentParser

/// The options every TUI command shares: run on the terminal, or headless with `--dump-screen`
/// (feed `--keys`, print the final screen). One place, so `sim` and `live` behave alike,
/// including the clear exit 2 when there is no terminal.
struct ScreenOptions: ParsableArguments {
    // Unconditional: "-" is a key, so "--keys -q" feeds "-" and "q".
    @Option(parsing: .unconditional, help: "Keys to feed: plain characters are keys; <Enter> <Esc> <Tab> <Space> <Up> <Down> <Left> <Right> <PgUp> <PgDn> <Home> <End> <F1>..<F12> name special keys; <tick:N> lets N frames pass; <click:X,Y>, <Resize:COLSxROWS>.")
    var keys: String?

    @Flag(name: .customLong("dump-screen"),
          help: "Run headless on an in-memory screen, feed --keys, print the final screen and exit.")
    var dumpScreen = false

    @Option(help: "Size of the headless screen, COLSxROWS (default 120x40).")
    var size: String?

    @Flag(help: "With --dump-screen: print colours and attributes as ANSI escape sequences.")
    var ansi = false

    func validate() throws {
        if !dumpScreen && (keys != nil || size != nil || ansi) {
            throw ValidationError("--keys, --size and --ansi need --dump-screen")
        }
    }

    /// Runs `app` headless (printing the final screen) or on the terminal until it quits.
    /// Runs `app`, which is consumed: the loop must hold the only copy of its machine.
    func run<A: TerminalApp>(_ app: consuming A) throws {
        let environment = ProcessEnvironment()
        if dumpScreen {
            let events = try KeyNotation.parse(keys ?? "")
            let screenSize = try size.map { text throws(SizeParseError) in try Size.parse(text) } ?? .headlessDefault
            let caps = TerminalCapabilities.headless(
                noColor: TerminalCapabilities.noColorRequested(environment["NO_COLOR"]))
            let run = runHeadless(consume app, events: events, size: screenSize, caps: caps)
            guard !run.stoppedAtWorkLimit else {
                throw ValidationError("--keys asks for more than \(HeadlessRun<A>.workLimit) frames and engine steps; "
                                      + "use fewer or smaller <tick:N>, or a lower speed")
            }
            let lines = ansi ? run.screen.ansiLines(caps: caps) : run.screen.lines
            FileHandleOutput.standardOutput.write(lines.joined(separator: "\n") + "\n")
            return
        }
        let terminal = try Terminal(environment: environment)
        defer { terminal.close() }
        let outcome = runInteractive(consume app, on: terminal)
        terminal.close()
        if case .signalled(let signal) = outcome {
            throw ExitCode(128 + signal)
        }
    }
}
