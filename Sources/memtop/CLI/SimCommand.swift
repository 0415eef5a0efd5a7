import ArgumentParser

/// `memtop sim` (placeholder until its issue lands).
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sim")

    func run() throws {
        throw ValidationError("'sim' is not built yet")
    }
}
