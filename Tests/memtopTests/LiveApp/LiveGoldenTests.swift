import Foundation
import Testing
@testable import memtop

/// `memtop live --from <capture> --keys ... --dump-screen --size 120x40`, compared with the
/// golden files next to the other screens. `MEMTOP_RECORD_GOLDEN=1` re-records them.
@Suite("Live golden screens", .enabled(if: LiveFixtures.hasCapture, "capture absent: ../shared/captures/firecracker-6.18-idle"))
struct LiveGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Golden").appendingPathComponent("Screens")

    @Test("a Normal block of the capture: verdict with blocking pfns; then zoomed with the LRU colours")
    func capture() throws {
        let app = LiveAppTests.loaded
        for (name, keys) in [("live-overview", "<Down><Down><Right><Right><Right><Right><Right><Right><Right><Right>"),
                             ("live-zoomed-lru", "<Down><Down><Right><Right><Right><Right><Right><Right><Right><Right>cccc<Enter><Down><Right>")] {
            let run = runHeadless(app, events: try KeyNotation.parse(keys), size: .headlessDefault, caps: AppFixture.colour)
            let text = run.screen.lines.joined(separator: "\n") + "\n"
            let file = Self.directory.appendingPathComponent(name + ".txt")
            if AppGoldenScreenTests.recording {
                try text.write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(text == expected, "screen \(name) differs; MEMTOP_RECORD_GOLDEN=1 re-records it")
        }
    }
}
