import ArgumentParser

/// `memtop inspect` (placeholder until its issue lands).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect")

    func run() throws {
        throw ValidationError("'inspect' is not built yet")
    }
}
