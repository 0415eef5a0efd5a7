// The app's own sources (the `memtop` link beside this file points at ../Sources/memtop), built
// here as a library without their `@main`, so that the frame benchmarks render exactly what the
// terminal shows: the same app value, keys and `renderFrame` into an offscreen `Buffer`, as the
// headless runner and the golden-screen tests do.
import Glibc
import MemEngine

/// One simulated machine on the map, ready to render frames at a screen size.
public struct FrameBench {
    /// The colour modes by their `--mode` name, in the order the c key cycles.
    public static let modeNames = ["zone", "migratetype", "isolation", "lru", "kind", "verdict"]

    var app: LessonApp
    public let size: (cols: Int, rows: Int)
    var step = 0

    /// Boots the machine of the `memtop sim` options `machineArguments` (`--memory 64G`,
    /// `--block-size 128M`, ...) and opens the map on it in colour mode `mode`, zoomed into the
    /// cursor's block when `zoom`.
    public init(machineArguments: [String], cols: Int = 200, rows: Int = 60, mode: String = "zone", zoom: Bool = false) throws {
        guard let modeIndex = Self.modeNames.firstIndex(of: mode) else { throw FrameBenchError("unknown mode \(mode)") }
        let machine = try Self.bootMachine(machineArguments)
        self.init(machine: machine, cols: cols, rows: rows, modeIndex: modeIndex, zoom: zoom)
    }

    /// Boots the machine of the `memtop sim` options `machineArguments`, as `memtop` does.
    public static func bootMachine(_ machineArguments: [String]) throws -> Machine {
        try MachineOptions.parse(machineArguments).bootMachine()
    }

    /// The map on an already booted `machine` (benchmarks share one boot between modes).
    public init(machine: Machine, cols: Int = 200, rows: Int = 60, mode: String, zoom: Bool = false) throws {
        guard let modeIndex = Self.modeNames.firstIndex(of: mode) else { throw FrameBenchError("unknown mode \(mode)") }
        self.init(machine: machine, cols: cols, rows: rows, modeIndex: modeIndex, zoom: zoom)
    }

    private init(machine: Machine, cols: Int, rows: Int, modeIndex: Int, zoom: Bool) {
        size = (cols, rows)
        app = LessonApp(map: MemtopApp(machine: machine, machineLabel: MemtopApp.label(for: machine.config)))
        _ = app.update(.resize(Size(cols: cols, rows: rows)))
        for _ in 0..<modeIndex { _ = app.update(.key(.char("c"))) }
        if zoom { _ = app.update(.key(.enter)) }
    }

    /// Pages of the machine.
    public var pageCount: Int { app.map.machine.pageCount }
    public var blockCount: Int { app.map.machine.blocks.count }

    /// One frame after a cursor key (right, then left, and so on), as in the terminal: the key's update, then the whole screen rendered.
    /// Returns a checksum of the screen so that the work cannot be optimised away.
    public mutating func keyFrame() -> Int {
        _ = app.update(.key(step % 2 == 0 ? .right : .left))
        step += 1
        return render()
    }

    /// One animation frame: the engine's steps of a frame (workload, offline), then the screen.
    public mutating func tickFrame() -> Int {
        _ = app.update(.tick)
        return render()
    }

    /// Presses `keys` in the `--keys` notation (`o`, `<Space>`): starts an offline, runs.
    public mutating func press(_ keys: String) throws {
        for event in try KeyNotation.parse(keys) {
            if case .key(let key) = event { _ = app.update(.key(key)) }
        }
    }

    /// The whole screen, rendered once, as the terminal loop renders it: the app prepares the
    /// frame (its caches), then draws it.
    public mutating func render() -> Int {
        app.prepareFrame()
        let screen = renderFrame(app, size: Size(cols: size.cols, rows: size.rows), caps: TerminalCapabilities(utf8: true, colors: 256))
        return screen[x: size.cols / 2, y: size.rows / 2].hashValue
    }

    /// The screen's text, for a look at what is measured.
    public func screenText() -> String {
        renderFrame(app, size: Size(cols: size.cols, rows: size.rows), caps: TerminalCapabilities(utf8: true, colors: 256))
            .lines.joined(separator: "\n")
    }

    /// The title and status of the map, for the profile's log.
    public var operationState: String {
        guard let op = app.map.machine.operation else { return "no operation" }
        return "\(op.phase) finished \(op.isFinished)"
    }
}

public struct FrameBenchError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// CPU time this process has used, in nanoseconds (`CLOCK_PROCESS_CPUTIME_ID`).
public func processCPUNanoseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}
