import ArgumentParser
import Foundation

/// `memtop inspect`: a one-shot report of a machine's zones and memory blocks, with page kinds
/// and a what-if offline verdict per block (DESIGN.md, "Command line").
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Report zones, memory blocks, page kinds and what-if offline verdicts.",
        discussion: """
            Reads this machine's /proc and /sys (root is needed for page flags), or a saved copy \
            with --from. Nothing is ever written to /proc or /sys. The report starts with a \
            summary: how many online blocks would offline, and what keeps the others busy.
            """)

    @Option(name: .customLong("from"), help: "Read a saved copy (as written by 'memtop capture DIR').")
    var from: String?

    @Flag(help: "Print one JSON object instead of the text report.")
    var json = false

    @Flag(help: "Report the simulated machine (after boot and its workload) instead of a real one.")
    var sim = false

    @OptionGroup(title: "Simulated machine (with --sim)")
    var machine: MachineOptions

    func validate() throws {
        if sim && from != nil { throw ValidationError("--sim and --from are two different machines: give one") }
    }

    func run() throws {
        if sim {
            let report = SimInspector(machine: try machine.bootMachine()).report()
            return try print(report, json: json, limits: [])
        }
        try LiveError.exitingOnFailure {
            let source = try from.map(LiveSource.savedCopy(at:)) ?? .machine
            let report = try LiveInspector(source: source).report()
            try print(report, json: json, limits: LiveInspector.limits)
        }
    }

    /// Writes the report to stdout; what could not be read also goes to stderr, one line each.
    func print(_ report: InspectReport, json: Bool, limits: [String]) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(report)
            FileHandleOutput.standardOutput.write(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            FileHandleOutput.standardOutput.write(report.renderText(limits: limits))
        }
        for line in report.unavailable {
            FileHandleOutput.standardError.line("unavailable: \(line)")
        }
    }
}
