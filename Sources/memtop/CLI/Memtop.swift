import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `memtop` command: a terminal map of physical memory and a model of memory hot-remove.
///
/// Bad input exits with status 2 and one clear line on stderr (DESIGN.md, "Command line");
/// ArgumentParser's own usage status (64) is mapped to that contract here, in one place.
@main
struct Memtop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memtop",
        abstract: "See how Linux manages physical memory, and step memory hot-remove.",
        discussion: """
            With no subcommand memtop opens the interactive map on a simulated machine.
            Keys inside the map: ? or F1 for help, q to quit.
            """,
        version: "0.1.0",
        subcommands: [SimCommand.self, OfflineCommand.self, OnlineCommand.self,
                      LiveCommand.self, InspectCommand.self, CaptureCommand.self, ScenariosCommand.self],
        defaultSubcommand: SimCommand.self
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help / --version: ArgumentParser's text on stdout.
                print(fullMessage(for: error))
            } else if !(error is ExitCode) {
                var text = message(for: error)
                if text.hasPrefix("Error: ") { text.removeFirst(7) }
                if !text.isEmpty {
                    FileHandleOutput.standardError.write("memtop: " + text + "\n")
                }
            }
            Glibc.exit(code == .success ? 0 : (error is ExitCode ? code.rawValue : 2))
        }
    }
}

/// Minimal unbuffered writes to stdout/stderr without Foundation's FileHandle.
enum FileHandleOutput {
    case standardOutput, standardError

    func write(_ text: String) {
        let fd: Int32 = self == .standardOutput ? 1 : 2
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf -> Int in
                guard let base = buf.baseAddress else { return -1 }
                return Glibc.write(fd, base + offset, buf.count - offset)
            }
            if n <= 0 { break }
            offset += n
        }
    }
}
