import ArgumentParser

/// `memtop online` (placeholder until its issue lands).
struct OnlineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "online")

    func run() throws {
        throw ValidationError("'online' is not built yet")
    }
}
