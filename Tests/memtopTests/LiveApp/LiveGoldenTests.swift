import Foundation
import Testing
@testable import memtop

/// `memtop live --from <capture> --keys ... --dump-screen --size 120x40`, compared with the
/// golden files next to the other screens. `MEMTOP_RECORD_GOLDEN=1` re-records them.
@Suite("Live golden screens", .enabled(if: LiveFixtures.hasCapture, "capture absent: ../shared/captures/firecracker-6.18-idle"))
struct LiveGoldenTests {
    static var directory: URL { GoldenFile.directory }

    /// To block 40, a Normal block with blockers.
    static let toNormal = "<Down><Down><Right><Right><Right><Right><Right><Right><Right><Right>"

    static func check(_ name: String, keys: String, size: Size = .headlessDefault, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = runHeadless(LiveAppTests.loaded, events: try KeyNotation.parse(keys), size: size, caps: AppFixture.colour)
        try GoldenFile.check(GoldenFile.name(name, size), run.screen, sourceLocation: sourceLocation)
    }

    @Test("a Normal block of the capture: verdict with blocking pfns; then zoomed with the LRU colours; b on the next blocker")
    func capture() throws {
        try Self.check("live-overview", keys: Self.toNormal)
        try Self.check("live-zoomed-lru", keys: Self.toNormal + "cccc<Enter><Down><Right>")
        try Self.check("live-blocker", keys: Self.toNormal + "b")
    }

    @Test("every size: the verdict overview", arguments: GoldenFile.sizes)
    func sized(size: Size) throws {
        try Self.check("live-overview", keys: Self.toNormal, size: size)
    }
}
