import ArgumentParser

/// `memtop sim`: the interactive map on a simulated machine (the default command), or, with
/// `--dump-screen`, the same app run headless on an in-memory screen.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "The interactive map on a simulated machine (the default command).")

    @OptionGroup var machine: MachineOptions

    @OptionGroup var screen: ScreenOptions

    func run() throws {
        let machine = try self.machine.bootMachine()
        let label = MemtopApp.label(for: machine.config)
        let scenario = try self.machine.scenario.flatMap { name in
            try targetBlocks([], node: nil, scenario: name, on: machine).last.map { (name: name, block: $0) }
        }
        // Each value is consumed as it is handed on: the loop must hold the only copy of the
        // machine, or its first step copies every page array.
        var app = MemtopApp(machine: consume machine, machineLabel: label)
        if let scenario {
            app.placeCursor(on: scenario.block, scenario: scenario.name, key: try Scenario.named(scenario.name).mapKey)
        }
        // The map runs inside the lesson app, so that L opens the lessons from it.
        try screen.run(LessonApp(map: consume app))
    }
}
