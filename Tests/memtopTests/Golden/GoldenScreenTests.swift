import Foundation
import MemEngine
import Testing
@testable import memtop

/// Whole screens at seed 1 and 120x40, compared with the text files in Screens/ beside this one.
/// `MEMTOP_RECORD_GOLDEN=1 swift test --filter Golden` rewrites them; review them like code.
@Suite("Golden screens")
struct AppGoldenScreenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Screens")
    static let recording = ProcessInfo.processInfo.environment["MEMTOP_RECORD_GOLDEN"] == "1"

    static func check(_ name: String, keys: String, caps: TerminalCapabilities = AppFixture.colour,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let machine = try Machine(config: MachineConfig(), warmupTicks: nil)
        let app = MemtopApp(machine: machine, machineLabel: MemtopApp.label(for: machine.config))
        let run = runHeadless(app, events: try KeyNotation.parse(keys), size: .headlessDefault, caps: caps)
        let text = run.screen.lines.joined(separator: "\n") + "\n"
        let file = directory.appendingPathComponent(name + ".txt")
        if recording {
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "screen \(name) differs; MEMTOP_RECORD_GOLDEN=1 re-records it", sourceLocation: sourceLocation)
    }

    @Test("the whole machine at start") func overview() throws { try Self.check("overview", keys: "") }
    @Test("one block, every page, kind colours") func zoomed() throws { try Self.check("zoomed-kind", keys: "cccc<Enter>") }
    @Test("mid-migration, isolation colours, zoomed") func migrating() throws { try Self.check("migrating", keys: "cc<Enter>o<Space><tick:160>") }
    @Test("after the offline, overview") func offlined() throws { try Self.check("offlined", keys: "+++++o<Space><tick:100>") }
    @Test("cancelled with Esc: EINTR") func cancelled() throws { try Self.check("cancelled", keys: "+++++o<Space><tick:4><Esc><tick:100>") }
    @Test("help") func help() throws { try Self.check("help", keys: "?") }
    @Test("no colour, ASCII, migratetype, mid-offline") func mono() throws {
        try Self.check("mono-ascii", keys: "c<Enter>o<Space><tick:120>", caps: AppFixture.mono)
    }
}
