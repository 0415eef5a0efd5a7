import ArgumentParser

/// `memtop live` (placeholder until its issue lands).
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "live")

    func run() throws {
        throw ValidationError("'live' is not built yet")
    }
}
