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
        var app = MemtopApp(machine: machine, machineLabel: MemtopApp.label(for: machine.config))
        if let name = self.machine.scenario, let block = try targetBlocks([], node: nil, scenario: name, on: machine).last {
            app.placeCursor(on: block, scenario: name, key: try Scenario.named(name).mapKey)
        }
        // The map runs inside the lesson app, so that L opens the lessons from it.
        try screen.run(LessonApp(map: app))
    }
}
