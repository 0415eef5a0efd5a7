import Foundation
import Testing
@testable import memtop

/// `memtop lesson` from the command line: the real binary, headless, and in tmux.
@Suite("Lessons from the command line")
struct LessonCommandTests {
    static func run(_ arguments: [String]) throws -> Subprocess {
        try Subprocess.run(try MemtopBinary.path(), arguments)
    }

    /// Every lesson, walked to its last step with `>` alone, headless.
    @Test("each lesson runs end to end headless", arguments: Lesson.all.map(\.name))
    func endToEnd(name: String) throws {
        let lesson = try #require(Lesson.named(name))
        let keys = String(repeating: ">", count: lesson.steps.count - 1)
        let result = try Self.run(["lesson", name, "--keys", keys, "--dump-screen"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("lesson \(lesson.number) \(name): step \(lesson.steps.count)/\(lesson.steps.count)"))
        #expect(!result.stdout.contains("could not be set up"))
    }

    @Test("memtop lesson lists them; an unknown name is one memtop: line listing them, exit 2")
    func listAndUnknown() throws {
        let list = try Self.run(["lesson", "--keys", "", "--dump-screen"])
        #expect(list.status == 0)
        for lesson in Lesson.all { #expect(list.stdout.contains(lesson.title)) }
        let bad = try Self.run(["lesson", "nosuch"])
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty)
        let lines = bad.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(bad.stderr.hasPrefix("memtop: no lesson 'nosuch'"))
        for lesson in Lesson.all { #expect(bad.stderr.contains(lesson.name)) }
    }
}

/// Lesson 4 walked by a student in a real terminal, keys only.
@Suite("End to end: a lesson in tmux", .serialized, .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct LessonEndToEndTests {
    @Test("lesson 4 with keys only: > to the anon page, n unmaps, > to its move, n moves it, > to the end, q, q")
    func lessonFour() throws {
        let tmux = try EndToEndTests.start("lesson migrate-anon-page", cols: 120, rows: 40)
        defer { tmux.kill() }
        try tmux.waitFor("lesson 4 migrate-anon-page: step 1/5")
        try tmux.sendKeys(">")
        try tmux.waitFor("step 2/5")
        try tmux.waitFor("next n: migrate_folio_unmap")
        try tmux.sendKeys("n")
        let unmapped = try tmux.waitFor("-> migration entry")
        #expect(unmapped.contains("[x] unmap [>] flush"))
        try tmux.sendKeys(">", ">")
        try tmux.waitFor("step 4/5")
        try tmux.waitFor("next n: migrate_folio_move")
        try tmux.sendKeys("n")
        let moved = try tmux.waitFor("[x] remap [x] free")
        #expect(moved.range(of: #"pte 0x[0-9a-f]+ -> migration entry -> 0x[0-9a-f]+"#, options: .regularExpression) != nil)
        try tmux.sendKeys(">")
        try tmux.waitFor("step 5/5")
        try tmux.waitFor("result: offlined memory49", timeout: .seconds(20))
        try tmux.sendKeys("q")
        try tmux.waitFor("lessons (Enter opens, q closes)")
        try tmux.sendKeys("q")
        try EndToEndTests.expectRestored(tmux, status: 0)
    }
}
