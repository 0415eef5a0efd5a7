import MemEngine

/// A page that keeps its block from going offline, as the `b` key and the inspector list it.
struct BlockingPage: Hashable, Sendable {
    var pfn: PFN
    /// The verdict's words for it: "unmovable page (slab)", "memory holes".
    var reason: String
}

extension BlockingPage {
    /// A blocker of the inspect report (live mode).
    init(_ blocker: InspectReport.Blocker) {
        self.init(pfn: PFN(Int(clamping: blocker.pfn)), reason: blocker.reason + (blocker.kind.map { " (\($0))" } ?? ""))
    }
}

extension MapNavigating {
    /// `t`: the next panel under the map on a narrow screen.
    mutating func nextTab() {
        guard layout.tabbed != nil else {
            status = "every panel has its own place on this screen; t switches panels below \(ScreenLayout.wideSize)"
            return
        }
        tab = tab.next
    }

    /// Tab / Shift-Tab: the next pane takes the keys; on a narrow screen its panel comes forward.
    mutating func cyclePane(by delta: Int) {
        pane = pane.cycled(by: delta)
        if let shown = PanelTab(showing: pane) { tab = shown }
    }

    /// `b`: zooms onto the next blocking pfn after the cursor, through the blocks in order and
    /// round to the first; says so when no block has one.
    mutating func jumpToNextBlocker() -> [Effect] {
        let blocks = mapBlocks
        guard !blocks.isEmpty else { return [.bell] }
        let after = zoom == .block ? cursorPFN.raw : blocks[cursorBlock].pfns.lowerBound.raw - 1
        for step in 0...blocks.count {
            let index = (cursorBlock + step) % blocks.count
            let pages = blockingPages(ofBlock: index)
            let next = step == 0 ? pages.first { $0.pfn.raw > after } : (step == blocks.count ? pages.first { $0.pfn.raw <= after } : pages.first)
            guard let next else { continue }
            cursorBlock = index
            cursorPFN = next.pfn
            zoom = .block
            pane = .map
            inspectorScroll = 0
            zoomedBlockChanged()
            let count = pages.count
            let nth = (pages.firstIndex(of: next) ?? 0) + 1
            status = "pfn \(next.pfn) in \(blocks[index].id): \(next.reason) (\(nth) of \(count) listed; b for the next)"
            return []
        }
        status = "no blocking pfn: every block read so far would offline, or its verdict is unknown"
        return [.bell]
    }
}

/// The inspector's list of a block's blocking pfns, the one under the cursor marked: the
/// inspector scrolls (Tab to it, then Down), and `b` walks the same list on the map.
enum BlockerList {
    /// The index of the marked line (the blocker under the cursor) in `lines`, if any.
    static func marked(_ lines: [(text: String, style: Style)]) -> Int? {
        lines.firstIndex { $0.text.hasPrefix("▶ pfn") }
    }

    /// `pages` as listed by the verdict, of `total` blocking `unit`s ("pageblock", "page").
    static func lines(_ pages: [BlockingPage], total: Int = 0, unit: String = "pageblock", cursor: PFN?) -> [(text: String, style: Style)] {
        guard !pages.isEmpty else { return [] }
        var lines: [(text: String, style: Style)] = [("blocking pfns (b: next on the map; Tab, Down: scroll here):", .plain.dim())]
        for page in pages {
            let here = page.pfn == cursor
            lines.append(("\(here ? "▶" : " ") pfn \(page.pfn) \(page.reason)", here ? .plain.bold() : .plain))
        }
        if total > pages.count {
            lines.append(("  and \(total - pages.count) more blocking \(unit)\(total - pages.count == 1 ? "" : "s") (the first \(pages.count) are listed)", .plain.dim()))
        }
        return lines
    }
}
