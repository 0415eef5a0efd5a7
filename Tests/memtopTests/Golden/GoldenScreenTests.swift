import Foundation
import MemEngine
import Testing
@testable import memtop

/// The golden files in Screens/ beside this one: a screen's text, compared line for line.
/// `MEMTOP_RECORD_GOLDEN=1 swift test --filter Golden` rewrites them; review them like code.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Screens")
    static let recording = ProcessInfo.processInfo.environment["MEMTOP_RECORD_GOLDEN"] == "1"

    /// The sizes every responsive screen is recorded at: the default terminal, the old
    /// minimum, a large and a very large one (120x40, the headless default, is the plain name).
    static let sizes = [Size(cols: 80, rows: 24), Size(cols: 100, rows: 30), Size(cols: 160, rows: 50), Size(cols: 250, rows: 70)]

    /// "overview" at 120x40, "overview-80x24" at other sizes.
    static func name(_ base: String, _ size: Size) -> String {
        size == .headlessDefault ? base : "\(base)-\(size)"
    }

    static func check(_ name: String, _ screen: Buffer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = screen.lines.joined(separator: "\n") + "\n"
        let file = directory.appendingPathComponent(name + ".txt")
        if recording {
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "screen \(name) differs; MEMTOP_RECORD_GOLDEN=1 re-records it", sourceLocation: sourceLocation)
    }
}

/// Whole screens of the default simulated machine at seed 1, 120x40 unless named with a size.
@Suite("Golden screens")
struct AppGoldenScreenTests {
    static var directory: URL { GoldenFile.directory }
    static var recording: Bool { GoldenFile.recording }

    static func check(_ name: String, keys: String, size: Size = .headlessDefault, caps: TerminalCapabilities = AppFixture.colour,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let machine = try Machine(config: MachineConfig(), warmupTicks: nil)
        let app = MemtopApp(machine: machine, machineLabel: MemtopApp.label(for: machine.config))
        let run = runHeadless(app, events: try KeyNotation.parse(keys), size: size, caps: caps)
        try GoldenFile.check(GoldenFile.name(name, size), run.screen, sourceLocation: sourceLocation)
    }

    @Test("the whole machine at start") func overview() throws { try Self.check("overview", keys: "") }
    @Test("one block, every page, kind colours") func zoomed() throws { try Self.check("zoomed-kind", keys: "cccc<Enter>") }
    // memory49's offline takes about 600 ticks (most of its anon memory moves as whole THPs):
    // 40 frames of 10 steps are in the middle of do_migrate_range().
    @Test("mid-migration, isolation colours, zoomed") func migrating() throws { try Self.check("migrating", keys: "cc<Enter>o<Space><tick:25>") }
    @Test("after the offline, overview") func offlined() throws { try Self.check("offlined", keys: "+++++o<Space><tick:100>") }
    @Test("cancelled with Esc: EINTR") func cancelled() throws { try Self.check("cancelled", keys: "+o<Space><tick:4><Esc><tick:100>") }
    @Test("help") func help() throws { try Self.check("help", keys: "?") }
    @Test("no colour, ASCII, migratetype, mid-offline") func mono() throws {
        try Self.check("mono-ascii", keys: "c<Enter>o<Space><tick:25>", caps: AppFixture.mono)
    }
    @Test("verdict colours: the overview, then the first blocking pfn zoomed") func verdict() throws {
        try Self.check("verdict", keys: "ccccc")
        try Self.check("verdict-blocker", keys: "cccccb")
    }

    @Test("every size: overview, zoomed page kinds, mid-migration, help", arguments: GoldenFile.sizes)
    func sized(size: Size) throws {
        try Self.check("overview", keys: "", size: size)
        try Self.check("zoomed-kind", keys: "cccc<Enter>", size: size)
        try Self.check("migrating", keys: "cc<Enter>o<Space><tick:25>", size: size)
        try Self.check("help", keys: "?", size: size)
    }
}
