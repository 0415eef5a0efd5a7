/// `start_isolate_page_range()` and `undo_isolate_page_range()` as Linux 6.x (since 5.19) runs
/// them: `isolate_single_pageblock()` for the first pageblock, then for the last, then
/// `set_migratetype_isolate()` for each pageblock between; a failure undoes what this call
/// isolated, itself. The order shows in the function trace and decides how many pageblocks
/// are isolated (and unisolated) before an unmovable page is met (issue 15: checked against
/// the ftrace of a Debian 6.1 guest).
extension Machine {
    /// The pageblock `start_isolate_page_range()` isolates at step `cursor` (0, 1, ...): the
    /// first, the last, then the ones between in ascending order.
    func isolationPageblock(step cursor: Int, of range: Range<Int>) -> Int {
        let ppb = geometry.pagesPerPageblock
        let count = range.count / ppb
        switch cursor {
        case 0: return range.lowerBound
        case 1 where count > 1: return range.upperBound - ppb
        default: return range.lowerBound + (cursor - 1) * ppb
        }
    }

    /// Whether step `cursor` is one of the two `isolate_single_pageblock()` calls.
    func isolatesSinglePageblock(step cursor: Int, of range: Range<Int>) -> Bool {
        cursor == 0 || (cursor == 1 && range.count > geometry.pagesPerPageblock)
    }

    /// The last step of the isolation (the pageblock before the last one, or the last).
    func isLastIsolationStep(_ cursor: Int, of range: Range<Int>) -> Bool {
        cursor + 1 >= range.count / geometry.pagesPerPageblock
    }

    /// `unset_migratetype_isolate()` with its trace event.
    mutating func unsetMigratetypeIsolateTraced(pageblockStart pb: Int) {
        guard pageblockIsolated[pageblockIndex(pb)] else { return }
        unsetMigratetypeIsolate(pageblockStart: pb)
        emit(.hotplug, "unset_migratetype_isolate", block: operation?.block?.raw, pfn: pb, order: geometry.pageblockOrder,
             detail: "pageblock Isolate -> \(MigrateType(rawValue: Int(pageblockMT[pageblockIndex(pb)])) ?? .movable)")
    }

    /// `undo_isolate_page_range()`: every isolated pageblock of `range` back to its migratetype.
    /// Returns how many were isolated.
    @discardableResult
    mutating func undoIsolatePageRange(_ range: Range<Int>) -> Int {
        let isolated = stride(from: range.lowerBound, to: range.upperBound, by: geometry.pagesPerPageblock)
            .filter { pageblockIsolated[pageblockIndex($0)] }
        emit(.hotplug, "undo_isolate_page_range", block: operation?.block?.raw, pfn: range.lowerBound, toPFN: range.upperBound,
             detail: "\(isolated.count) pageblocks back to their migratetype")
        for pb in isolated { unsetMigratetypeIsolateTraced(pageblockStart: pb) }
        return isolated.count
    }

    /// What `start_isolate_page_range()` undoes itself when step `cursor` failed: nothing
    /// after the first pageblock; the first after the last; after one between,
    /// `undo_isolate_page_range()` from the first up to it, then the last.
    mutating func undoFailedIsolation(failedStep cursor: Int, of range: Range<Int>) {
        switch cursor {
        case 0: break
        case 1: unsetMigratetypeIsolateTraced(pageblockStart: range.lowerBound)
        default:
            let failed = isolationPageblock(step: cursor, of: range)
            undoIsolatePageRange(range.lowerBound..<failed)
            unsetMigratetypeIsolateTraced(pageblockStart: range.upperBound - geometry.pagesPerPageblock)
        }
    }
}
