import ArgumentParser
import MemEngine

/// `memtop scenarios`: the named scenarios, what happens in each and the command that shows it.
struct ScenariosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenarios",
        abstract: "List the named scenarios: a machine and a block where a 2007 bug or a known limit happens.")

    @Flag(help: "A JSON array of {name, description, fix, args}.")
    var json = false

    func run() throws {
        if json {
            let items = Scenario.all.map { s in
                JSONValue.object([
                    ("name", .string(s.name)),
                    ("description", .string(s.description)),
                    ("fix", s.fix.map { .string($0.rawValue) } ?? .null),
                    ("args", .array(s.args.map(JSONValue.string))),
                ])
            }
            FileHandleOutput.standardOutput.write(JSONValue.array(items).encoded + "\n")
            return
        }
        var out = ""
        for s in Scenario.all {
            out += "\(s.name)" + (s.fix.map { "  (--without \($0.rawValue))" } ?? "  (a limit of the kernel)") + "\n"
            out += "  " + s.description + "\n"
            out += "  " + s.commandLine + "\n"
            out += "  " + s.simCommandLine + "\n\n"
        }
        FileHandleOutput.standardOutput.write(out)
    }
}
