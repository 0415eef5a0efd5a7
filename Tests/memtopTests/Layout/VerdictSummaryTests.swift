import Foundation
import MemEngine
import Testing
@testable import memtop

/// The answer to "which blocks can I hot-remove?" on the real capture: the summary of
/// `inspect` (text and JSON), the live title and the verdict colours agree with the per-block
/// verdicts they are counted from.
@Suite("Verdict summary and colours", .serialized, .enabled(if: LiveFixtures.hasCapture, "capture absent: ../shared/captures/firecracker-6.18-idle"))
struct VerdictSummaryTests {
    static var report: InspectReport { get throws { try LiveInspector(source: LiveSource(root: LiveFixtures.firecracker)).report() } }

    @Test("the summary counts every online block once, busy blocks by their first blocker, and says there is no ZONE_MOVABLE")
    func summary() throws {
        let report = try Self.report
        let summary = VerdictSummary(report)
        let online = report.blocks.filter { $0.state == "online" }
        #expect(summary.onlineBlocks == online.count)
        #expect(summary.wouldOffline + summary.notVerified + summary.busy + summary.unknown == online.count)
        #expect(summary.busy == online.filter { $0.offlinable == false }.count)
        #expect(summary.wouldOffline + summary.notVerified == online.filter { $0.offlinable == true }.count)
        #expect(summary.notVerified == online.filter { $0.offlinable == true && ($0.pages?.uninit ?? 0) > 0 }.count)
        #expect(summary.busyByReason.map(\.blocks).reduce(0, +) == summary.busy)
        #expect(summary.busyByReason.map(\.blocks) == summary.busyByReason.map(\.blocks).sorted(by: >))
        // Block 0 holds the first page's hole: offline_pages() refuses it before looking at pages.
        #expect(summary.busyByReason.contains { $0.reason == "memory holes" })
        #expect(!summary.hasMovableZone)
        #expect(summary.text.hasPrefix("\(summary.wouldOffline) of \(online.count) online blocks would offline"))
        #expect(summary.text.contains("\(summary.busy) busy: "))
        #expect(summary.text.hasSuffix(VerdictSummary.noMovableAdvice))
        let text = report.renderText()
        #expect(text.contains("Summary: " + summary.text))
    }

    @Test("inspect --json carries the summary beside the blocks")
    func json() throws {
        let report = try Self.report
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        let expected = VerdictSummary(report)
        #expect(summary["text"] as? String == expected.text)
        #expect(summary["would_offline"] as? Int == expected.wouldOffline)
        #expect(summary["online_blocks"] as? Int == expected.onlineBlocks)
        #expect(summary["busy"] as? Int == expected.busy)
        #expect(summary["has_movable_zone"] as? Bool == false)
        let reasons = try #require(summary["busy_by_reason"] as? [[String: Any]])
        #expect(reasons.count == expected.busyByReason.count)
        #expect(reasons.first?["reason"] as? String == expected.busyByReason.first?.reason)
    }

    @Test("a reason the code does not know is shown as the verdict gives it, counts written as N")
    func genericReasons() {
        var block = InspectReport.Block(id: 7, state: "online", zone: "Normal", node: 0, startPfn: 0, validZones: nil, pages: nil,
                                        offlinable: false, blockers: [.init(pfn: 1, reason: "not enough free memory to migrate 312 pages", kind: nil)],
                                        blockerCount: 1, note: nil)
        #expect(VerdictSummary.verdict(of: block) == .busy("not enough free memory to migrate N pages"))
        block.blockers = [.init(pfn: 1, reason: "unmovable page", kind: "unknown kernel page")]
        #expect(VerdictSummary.verdict(of: block) == .busy("unknown kernel page"))
        block.offlinable = true
        block.pages = InspectReport.PageCounts()
        block.pages?.uninit = 100
        #expect(VerdictSummary.verdict(of: block) == .notVerified)
        #expect(InspectReport.verdict(block).contains("not yet verified"))
    }

    @Test("live mode opens on the verdict colours: the title summarises, each block has its verdict's colour, the legend names the reasons")
    func liveColours() throws {
        let app = LiveAppTests.loaded
        #expect(app.mode == .verdict)
        let colouring = app.verdictColouring
        let report = try Self.report
        #expect(colouring.summary == VerdictSummary(report))
        for (i, view) in app.memory.blockViews.enumerated() {
            guard let block = app.memory.reports[i] else { continue }
            let state = colouring.blockStates[i]
            switch VerdictSummary.verdict(of: block) {
            case .wouldOffline: #expect(state == VerdictColouring.wouldOffline, "\(view.id)")
            case .notVerified: #expect(state == VerdictColouring.notVerified, "\(view.id)")
            case .busy(let reason):
                #expect(VerdictColouring.busySlots.contains(state) || state == VerdictColouring.busyOther, "\(view.id)")
                if state != VerdictColouring.busyOther { #expect(colouring.names[state]?.contains(reason) == true, "\(view.id)") }
            case .unknown: #expect(state == VerdictColouring.unknown)
            case .notOnline: break
            }
        }
        let screen = LiveAppTests.screen(app)
        #expect(screen.contains(colouring.summary.short))
        #expect(screen.contains("colours: offline verdict"))
        #expect(screen.contains("busy: memory holes"))
        #expect(app.log.contains { $0.text.contains(colouring.summary.text) })
    }

    @Test("b jumps to the next blocking pfn, zoomed, and on through the blocks; the zoomed map marks it")
    func nextBlocker() throws {
        var app = LiveAppTests.loaded
        _ = AppFixture.press(&app, "b")
        #expect(app.zoom == .block)
        let first = app.cursorPFN
        let index = app.cursorBlock
        #expect(app.blockingPages(ofBlock: index).contains { $0.pfn == first })
        #expect(app.verdictColouring.blockingPFNs.contains(first))
        var seen: Set<PFN> = [first]
        for _ in 0..<5 {
            _ = AppFixture.press(&app, "b")
            #expect(app.blockingPages(ofBlock: app.cursorBlock).contains { $0.pfn == app.cursorPFN })
            seen.insert(app.cursorPFN)
        }
        #expect(seen.count > 1, "b moves on")
        #expect(app.status?.contains("b for the next") == true)
        // The inspector lists the block's blockers and keeps the one under the cursor in view.
        #expect(LiveAppTests.screen(app).contains("▶ pfn \(app.cursorPFN)"))
    }
}

/// The same in the simulator: a busy block's blocker is one b away, and verdict colours exist there too.
@Suite("Verdict colours in the simulator")
struct SimVerdictTests {
    @Test("b from the overview zooms onto a blocking pfn that has_unmovable_pages() names")
    func nextBlocker() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "b")
        #expect(app.zoom == .block)
        let verdict = app.machine.offlineVerdict(app.cursorBlockID)
        #expect(!verdict.offlinable)
        #expect(verdict.blockers.contains { $0.pfn == app.cursorPFN } || verdict.blockers.isEmpty)
        if !verdict.blockers.isEmpty { #expect(AppFixture.screen(app).contains("▶ pfn \(app.cursorPFN)")) }
    }

    @Test("the verdict mode colours a would-offline Movable block and a busy block differently, with a legend")
    func colours() {
        var app = AppFixture.app()
        _ = AppFixture.press(&app, "ccccc")
        #expect(app.mode == .verdict)
        let colouring = app.verdictColouring(app.source.blockViews)
        let movable = app.cursorBlock
        #expect(app.machine.offlineVerdict(BlockID(movable)).offlinable)
        #expect(colouring.blockStates[movable] == VerdictColouring.wouldOffline)
        let busy = app.machine.blocks.indices.first { !app.machine.offlineVerdict(BlockID($0)).offlinable }
        #expect(busy.map { colouring.blockStates[$0] != VerdictColouring.wouldOffline } == true)
        let screen = AppFixture.screen(app)
        #expect(screen.contains("would offline") && screen.contains("busy: "))
    }
}
