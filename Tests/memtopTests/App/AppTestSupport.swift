import MemEngine
import Testing
@testable import memtop

/// One booted default machine shared by the app tests (boot takes a fraction of a second);
/// every test gets its own copy, since the machine is a value.
enum AppFixture {
    static let machine: Machine = {
        do { return try Machine(config: MachineConfig(), warmupTicks: 200) } catch { fatalError("boot: \(error)") }
    }()

    static func app(size: Size = .headlessDefault) -> MemtopApp {
        var app = MemtopApp(machine: machine, machineLabel: MemtopApp.label(for: machine.config))
        _ = app.update(.resize(size))
        return app
    }

    static let colour = TerminalCapabilities(utf8: true, colors: 256)
    static let mono = TerminalCapabilities(utf8: false, colors: 0)

    /// Feeds keys in the --keys notation.
    static func press(_ app: inout some TerminalApp, _ keys: String) -> [Effect] {
        var effects: [Effect] = []
        for event in (try? KeyNotation.parse(keys)) ?? [] {
            switch event {
            case .key(let key): effects += app.update(.key(key))
            case .tick(let n): for _ in 0..<n { effects += app.update(.tick) }
            case .resize(let size): effects += app.update(.resize(size))
            }
        }
        return effects
    }

    static func screen(_ app: MemtopApp, caps: TerminalCapabilities = colour) -> String {
        renderFrame(app, size: app.screen, caps: caps).lines.joined(separator: "\n")
    }
}
