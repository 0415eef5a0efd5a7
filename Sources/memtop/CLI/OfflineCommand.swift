import ArgumentParser

/// `memtop offline` (placeholder until its issue lands).
struct OfflineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "offline")

    func run() throws {
        throw ValidationError("'offline' is not built yet")
    }
}
