import ArgumentParser

/// `memtop lesson [NAME]`: the guided lessons, listed without a name, opened with one.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Guided lessons on the simulated machine (list them without NAME).",
        discussion: "Inside a lesson: > next step, < back, q leaves; every map key works as usual.")

    @Argument(help: "The lesson's name or number (memtop lesson lists them).")
    var name: String?

    @OptionGroup var screen: ScreenOptions

    func validate() throws {
        if let name, Lesson.named(name) == nil {
            throw ValidationError("no lesson '\(name)'; the lessons are: "
                                  + Lesson.all.map { "\($0.number) \($0.name)" }.joined(separator: ", "))
        }
    }

    func run() throws {
        let machine = try MachineOptions.parse([]).bootMachine()
        let label = MemtopApp.label(for: machine.config)
        var app = LessonApp(map: MemtopApp(machine: consume machine, machineLabel: label))
        // Started from the command line, q from a lesson goes to the list and q there quits.
        app.listQuits = true
        if let name, let lesson = Lesson.named(name) {
            app.open(lesson)
        } else {
            app.listSelection = 0
        }
        try screen.run(consume app)
    }
}
