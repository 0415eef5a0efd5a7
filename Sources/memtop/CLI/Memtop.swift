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
            With no subcommand memtop opens the interactive map on a simulated machine \
            ('memtop sim'). Keys inside the map: ? or F1 for help, q to quit; the map works \
            from 80x24 up.

            MACHINE options, for sim, offline, online and inspect --sim (details: 'memtop sim \
            --help'): --memory SIZE, --nodes N, --cpus N, --block-size SIZE, --kernelcore \
            SIZE|N%, --movablecore SIZE|N%, --seed N, --workload idle|light|heavy, --without FIX.

            Scenarios: each fix of the 2007 hot-remove series can be switched off to show the \
            bug it fixed, e.g. 'memtop --without memmap-roundup' or 'memtop offline 49 --without \
            anon-vma-hold'. FIX is isolate-freed-pages-asap (a migrated page comes back as the \
            next target: an endless loop), swapin-unmapped-skip (unmapping a page whose swap-in \
            is in flight), anon-vma-hold (a use-after-free of the anon_vma after an exit) or \
            memmap-roundup (garbage struct pages in a section's hole).

            A real machine: 'memtop live' (the map, read-only) and 'memtop inspect' (which \
            blocks would offline, and what stops the rest).
            """,
        version: "0.1.0",
        subcommands: [SimCommand.self, OfflineCommand.self, OnlineCommand.self,
                      LiveCommand.self, InspectCommand.self, CaptureCommand.self, LessonCommand.self, ScenariosCommand.self],
        defaultSubcommand: SimCommand.self
    )

    static func main() {
        let names = configuration.subcommands.map { $0.configuration.commandName ?? "" }
        if let suggestion = CommandSuggestion.message(for: Array(CommandLine.arguments.dropFirst()), names: names) {
            FileHandleOutput.standardError.write("memtop: " + suggestion + "\n")
            Glibc.exit(2)
        }
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
                    // One line, whatever the user typed into a value.
                    FileHandleOutput.standardError.line(text)
                }
            }
            Glibc.exit(code == .success ? 0 : (error is ExitCode ? code.rawValue : 2))
        }
    }
}
