import Testing
@testable import MemEngine

/// `start_isolate_page_range()` as Linux 6.x runs it (and as the ftrace of a Debian 6.1 guest
/// shows it, issue 15): the first pageblock, the last, then the ones between; on failure it
/// undoes its own work, and MEM_GOING_OFFLINE was never sent.
@Suite("Isolation order: first pageblock, last, then the rest")
struct IsolationOrderTests {
    /// The hot-plug events of an offline of `block`, run to its end with invariants checked.
    func offlineEvents(_ m: inout Machine, _ block: BlockID) throws -> (HotplugResult, [Event]) {
        m.eventFilter = [.hotplug]
        _ = m.drainEvents()
        try m.startOffline([block])
        let result = try runChecked(&m)
        return (result, m.drainEvents())
    }

    @Test("a clean offline isolates the first pageblock, the last, then the ones between in order")
    func successOrder() throws {
        var m = try Machine(config: .small(seed: 7, workload: .light))
        m.workloadEnabled = false
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        let range = m.pfnRange(of: block)
        let ppb = m.geometry.pagesPerPageblock
        let (result, events) = try offlineEvents(&m, block)
        #expect(result.outcome == .offlined)
        let isolated = events.filter { $0.fn == "set_migratetype_isolate" }.compactMap(\.pfn)
        let middle = Array(stride(from: range.lowerBound.raw + ppb, to: range.upperBound.raw - ppb, by: ppb))
        #expect(isolated == [range.lowerBound.raw, range.upperBound.raw - ppb] + middle)
        #expect(events.filter { $0.fn == "isolate_single_pageblock" }.compactMap(\.pfn) == Array(isolated.prefix(2)))
        let fns = events.map(\.fn)
        let notify = try #require(fns.firstIndex(of: "memory_notify"))
        #expect(fns.lastIndex(of: "set_migratetype_isolate").map { $0 < notify } == true)
    }

    @Test("EBUSY at isolation: what was isolated is unset by start_isolate_page_range itself, no memory_notify")
    func failureUndoesItsOwnWork() throws {
        var m = try Machine(config: .small(seed: 1))
        // A block with a page that has_unmovable_pages() refuses (slab, a page table, memmap).
        let top = try #require(m.blocks.map(\.id).first { m.offlineVerdict($0).errno == "EBUSY" })
        let range = m.pfnRange(of: top)
        let ppb = m.geometry.pagesPerPageblock
        let (result, events) = try offlineEvents(&m, top)
        #expect(result.errno == "EBUSY")
        let sets = events.filter { $0.fn == "set_migratetype_isolate" }
        let failed = try #require(sets.last)
        #expect(failed.detail == "-EBUSY")
        let isolated = sets.dropLast().compactMap(\.pfn)
        let unset = events.filter { $0.fn == "unset_migratetype_isolate" }.compactMap(\.pfn)
        #expect(Set(unset) == Set(isolated) && unset.count == isolated.count)
        // Between the first and the last, the kernel calls undo_isolate_page_range() for the
        // pageblocks before the failing one, then unsets the last.
        let between = failed.pfn.map { $0 != range.lowerBound.raw && $0 != range.upperBound.raw - ppb } ?? false
        #expect(events.contains { $0.fn == "undo_isolate_page_range" } == between)
        #expect(!events.contains { $0.fn == "memory_notify" })
        for pfn in stride(from: range.lowerBound.raw, to: range.upperBound.raw, by: ppb) {
            #expect(!m.isPageblockIsolated(PFN(pfn)))
        }
    }

    @Test("EINTR after isolation: undo_isolate_page_range unsets every pageblock, then MEM_CANCEL_OFFLINE")
    func signalUndo() throws {
        var m = try Machine(config: .small(seed: 3, workload: .light))
        m.workloadEnabled = false
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        m.eventFilter = [.hotplug]
        try m.startOffline([block])
        while m.operation?.phase != .migrate { m.step() }
        m.cancelOperation()
        _ = m.drainEvents()
        #expect(try runChecked(&m).errno == "EINTR")
        let fns = m.drainEvents().map(\.fn).filter { $0 != "printk" }
        let undo = try #require(fns.firstIndex(of: "undo_isolate_page_range"))
        let pageblocks = m.geometry.pagesPerBlock / m.geometry.pagesPerPageblock
        #expect(Array(fns[(undo + 1)...].prefix(pageblocks + 1))
                == Array(repeating: "unset_migratetype_isolate", count: pageblocks) + ["memory_notify"])
    }
}
