import ArgumentParser

/// `memtop sim`: the interactive map on a simulated machine (the default command), or, with
/// `--dump-screen`, the same app run headless on an in-memory screen.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "The interactive map on a simulated machine (the default command).")

    @OptionGroup var machine: MachineOptions

    @Option(help: "Keys to feed, in DESIGN.md's notation: plain characters, <Enter>, <Esc>, <Up>, <F1>, <tick:N>, <click:X,Y>, <Resize:COLSxROWS>…")
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

    func run() throws {
        let environment = ProcessEnvironment()
        let machine = try self.machine.bootMachine()
        let app = MemtopApp(machine: machine, machineLabel: MemtopApp.label(for: machine.config))
        if dumpScreen {
            let events = try KeyNotation.parse(keys ?? "")
            let screenSize = try size.map { text throws(SizeParseError) in try Size.parse(text) } ?? .headlessDefault
            let caps = TerminalCapabilities.headless(
                noColor: TerminalCapabilities.noColorRequested(environment["NO_COLOR"]))
            let run = runHeadless(app, events: events, size: screenSize, caps: caps)
            let lines = ansi ? run.screen.ansiLines(caps: caps) : run.screen.lines
            FileHandleOutput.standardOutput.write(lines.joined(separator: "\n") + "\n")
            return
        }
        let terminal = try Terminal(environment: environment)
        defer { terminal.close() }
        let outcome = runInteractive(app, on: terminal)
        terminal.close()
        if case .signalled(let signal) = outcome {
            throw ExitCode(128 + signal)
        }
    }
}
