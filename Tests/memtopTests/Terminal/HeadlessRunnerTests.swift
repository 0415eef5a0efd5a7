import MemEngine
import Testing
@testable import memtop

/// A tiny app whose state shows on screen, to test the runner apart from any real app.
private struct CounterApp: TerminalApp {
    var minimumSize = Size(cols: 10, rows: 2)
    var count = 0
    var frames = 0
    var running = false
    var lastResize: Size?

    var tickInterval: Duration? { running ? .milliseconds(100) : nil }

    mutating func update(_ message: Message) -> [Effect] {
        switch message {
        case .tick: frames += 1
        case .resize(let size): lastResize = size
        case .key(let key):
            switch KeyTable.standard.action(for: key) {
            case .quit?: return [.quit]
            case .runPause?: running.toggle()
            case .moveUp?: count += 1
            default: return [.bell]
            }
        }
        return []
    }

    func render(into buffer: inout Buffer, caps: TerminalCapabilities) {
        buffer.set("count \(count)", x: 0, y: 0)
        buffer.set("frames \(frames)", x: 0, y: 1)
    }
}

@Suite("Headless runner")
struct TerminalHeadlessRunnerTests {
    let caps = TerminalCapabilities.headless(noColor: false)

    @Test("the app learns the screen size before the first key")
    func initialResize() {
        let run = runHeadless(CounterApp(), events: [], size: Size(cols: 12, rows: 3), caps: caps)
        #expect(run.app.lastResize == Size(cols: 12, rows: 3))
    }

    @Test("keys reach the app through the key table and the final screen is returned")
    func keys() throws {
        let run = runHeadless(CounterApp(), events: try KeyNotation.parse("kk<Up>x"),
                              size: Size(cols: 12, rows: 3), caps: caps)
        #expect(run.screen.lines == ["count 3", "frames 0", ""])
        #expect(!run.quit)
    }

    @Test("<tick:N> passes frames only while the app animates, as in a terminal")
    func ticks() throws {
        let paused = runHeadless(CounterApp(), events: try KeyNotation.parse("<tick:5>"),
                                 size: Size(cols: 12, rows: 2), caps: caps)
        #expect(paused.app.frames == 0)
        let running = runHeadless(CounterApp(), events: try KeyNotation.parse("<Space><tick:5><Space><tick:5>"),
                                  size: Size(cols: 12, rows: 2), caps: caps)
        #expect(running.app.frames == 5)
    }

    @Test("q stops feeding keys; later keys are not seen")
    func quit() throws {
        let run = runHeadless(CounterApp(), events: try KeyNotation.parse("kqkk"),
                              size: Size(cols: 12, rows: 2), caps: caps)
        #expect(run.quit)
        #expect(run.app.count == 1)
    }

    @Test("below the app's minimum size the too-small screen is drawn; a resize tells the app")
    func tooSmall() throws {
        let run = runHeadless(CounterApp(), events: try KeyNotation.parse("k<Resize:9x5>"),
                              size: Size(cols: 12, rows: 2), caps: caps)
        #expect(run.app.lastResize == Size(cols: 9, rows: 5))
        #expect(run.screen.size == Size(cols: 9, rows: 5))
        #expect(run.screen.lines == ["Terminal", "too small", "9x5, need", "  10x2", " enlarge"])
        let roomy = runHeadless(CounterApp(), events: [], size: Size(cols: 30, rows: 1), caps: caps)
        #expect(roomy.screen.lines == ["      Terminal too small"])
    }

    @Test("the memory map runs headless: keys move, space animates, ? opens help")
    func memoryApp() throws {
        let size = Size(cols: 120, rows: 40)
        let machine = try Machine(config: MachineConfig(), warmupTicks: 50)
        let app = MemtopApp(machine: machine, machineLabel: "test")
        let run = runHeadless(app, events: try KeyNotation.parse("l<Space><tick:3>"), size: size, caps: caps)
        #expect(run.app.cursorBlock == app.cursorBlock + 1)
        #expect(run.app.machine.tick == machine.tick + 3 * run.app.stepsPerFrame)
        #expect(run.screen.lines.joined(separator: "\n").contains("running"))
        let help = runHeadless(run.app, events: [.key(.char("?"))], size: size, caps: caps)
            .screen.lines.joined(separator: "\n")
        #expect(help.contains("help: keys"))
        #expect(help.contains("zoom out, or cancel"))
    }
}
