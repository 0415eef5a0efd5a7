import ArgumentParser

/// `memtop capture` (placeholder until its issue lands).
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "capture")

    func run() throws {
        throw ValidationError("'capture' is not built yet")
    }
}
