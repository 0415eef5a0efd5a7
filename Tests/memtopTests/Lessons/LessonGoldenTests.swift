import Foundation
import Testing
@testable import memtop

/// One step of each lesson as a whole screen (120x40, colour), in Golden/Screens/lesson-*.txt.
/// `MEMTOP_RECORD_GOLDEN=1 swift test --filter Golden` rewrites them; review them like code.
@Suite("Golden screens of lessons")
struct LessonGoldenTests {
    /// The step shown for each lesson (0-based): the one that shows its point best.
    static let shown: [String: Int] = [
        "zones": 1, "pageblocks": 3, "per-cpu-lists": 1, "migrate-anon-page": 3,
        "thp-moved-whole": 2,
        "slab-ebusy": 2, "fixes-2007": 0, "onlining": 2,
    ]

    @Test("one step of each lesson", arguments: Lesson.all.map(\.name))
    func step(name: String) throws {
        let app = try LessonTests.open(name, at: Self.shown[name] ?? 0)
        let text = renderFrame(app, size: .headlessDefault, caps: AppFixture.colour).lines.joined(separator: "\n") + "\n"
        let file = AppGoldenScreenTests.directory.appendingPathComponent("lesson-\(name).txt")
        if AppGoldenScreenTests.recording {
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "screen lesson-\(name) differs; MEMTOP_RECORD_GOLDEN=1 re-records it")
    }
}
