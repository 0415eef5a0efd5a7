import ArgumentParser

/// `memtop live`: the map of this machine's real memory, read-only, or of a saved copy.
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "The interactive map of this machine's real memory (read-only), or of a saved copy.")

    @Option(help: "Read a saved copy (written by 'memtop capture') instead of this machine.")
    var from: String?

    @Option(parsing: .unconditional, help: "Seconds between refreshes of the real machine (default 2).")
    var interval: Double = 2

    @OptionGroup var screen: ScreenOptions

    func validate() throws {
        guard interval.isFinite, interval > 0, interval <= 86400 else {
            throw ValidationError("--interval must be a positive number of seconds (at most 86400), not \(interval)")
        }
    }

    func run() throws {
        var source = LiveSource.machine
        try LiveError.exitingOnFailure {
            if let from { source = try LiveSource.savedCopy(at: from) }
        }
        let app = LiveApp(source: source, interval: .milliseconds(Int((interval * 1000).rounded(.up))))
        try screen.run(consume app)
    }
}
