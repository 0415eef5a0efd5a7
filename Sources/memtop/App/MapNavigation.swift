import MemEngine

/// What the simulator and live mode share about moving over the map: the cursor, the zoom, the
/// panes, the `/` prompt and the mouse.
///
/// Both apps conform; the `/` prompt, clicks, the wheel and page moves are written once in the
/// extension below, so that the two apps cannot drift apart.
protocol MapNavigating {
    var layout: ScreenLayout { get }
    /// The zoomed map's layout on the current screen.
    var zoomLayout: ZoomLayout { get }
    /// The blocks the map draws, in order; `cursorBlock` indexes them.
    var mapBlocks: [BlockView] { get }
    var zoom: Zoom { get set }
    var cursorBlock: Int { get set }
    var cursorPFN: PFN { get set }
    var pane: Pane { get set }
    /// The panel shown under the map on a narrow screen.
    var tab: PanelTab { get set }
    var inspectorScroll: Int { get set }
    var logScroll: Int { get set }
    var log: [LogLine] { get }
    var status: String? { get set }
    /// The `/` prompt's text while it is open, nil when closed.
    var jumpText: String? { get set }

    /// Enter: show every page of the block under the cursor.
    mutating func zoomIn() -> [Effect]
    /// Called after the cursor moved to another block while zoomed in, so that a source that
    /// reads pages on demand (live mode) can read the new block's.
    mutating func zoomedBlockChanged()
    /// The pages that keep block `index` from going offline, lowest pfn first (the first of
    /// each pageblock, as `has_unmovable_pages()` stops there), or a range check's pfn.
    func blockingPages(ofBlock index: Int) -> [BlockingPage]
}

extension MapNavigating {
    /// Page rows the zoomed map shows at once (below its two header lines).
    var visibleZoomRows: Int { max(1, layout.map.height - 2 - 2) }

    /// Moving keys scroll the log or the inspector when one of them has the focus. Returns
    /// false when the map has it (the caller moves the cursor).
    mutating func scrollPane(_ action: Action) -> Bool {
        switch pane {
        case .log:
            let page = max(1, layout.log.height - 2)
            switch action {
            case .moveUp: logScroll += 1
            case .moveDown: logScroll -= 1
            case .pageUp: logScroll += page
            case .pageDown: logScroll -= page
            case .home: logScroll = log.count
            case .end: logScroll = 0
            default: break
            }
            logScroll = max(0, min(logScroll, max(0, log.count - page)))
            return true
        case .inspector:
            switch action {
            case .moveUp, .pageUp: inspectorScroll = max(0, inspectorScroll - 1)
            case .moveDown, .pageDown: inspectorScroll += 1
            case .home: inspectorScroll = 0
            default: break
            }
            return true
        case .map:
            return false
        }
    }

    // MARK: pages

    /// Moves the cursor over the pages of the zoomed block.
    mutating func movePage(_ action: Action) {
        guard let range = mapBlocks[safe: cursorBlock]?.pfns else { return }
        let perRow = zoomLayout.pagesPerRow
        let perCell = zoomLayout.pagesPerCell
        var p = cursorPFN.raw - range.lowerBound.raw
        let odd = p % 2
        switch action {
        case .moveLeft: p -= perCell
        case .moveRight: p += perCell
        case .moveUp where perCell == 1: p -= perRow
        case .moveDown where perCell == 1: p += perRow
        // Up and down walk the half cells: the odd page is the lower half.
        case .moveUp: p = odd == 1 ? p - 1 : p - perRow + 1
        case .moveDown: p = odd == 0 ? p + 1 : p + perRow - 1
        case .pageUp: p -= perRow * visibleZoomRows
        case .pageDown: p += perRow * visibleZoomRows
        case .home: p = 0
        case .end: p = range.pageCount - 1
        default: break
        }
        p = max(0, min(range.pageCount - 1, p))
        cursorPFN = range.lowerBound + p
        inspectorScroll = 0
    }

    // MARK: the mouse

    /// A click: focuses the pane under it; on the map selects a block or a page, and a click on
    /// the selected block zooms in.
    mutating func click(x: Int, y: Int) -> [Effect] {
        guard let target = layout.pane(atX: x, y: y) else { return [] }
        pane = target
        guard target == .map else { return [] }
        switch MapHit.at(x: x, y: y, in: self) {
        case .block(let index)?:
            if index == cursorBlock && zoom == .overview { return zoomIn() }
            cursorBlock = index
            cursorPFN = mapBlocks[index].pfns.lowerBound
            inspectorScroll = 0
        case .page(let pfn)?:
            cursorPFN = pfn
            inspectorScroll = 0
        case nil:
            break
        }
        return []
    }

    /// The wheel: scrolls the log or the inspector; on the map, up over a block zooms into it,
    /// and zoomed in it pages through the block, or zooms out when the block fits.
    mutating func wheel(x: Int, y: Int, up: Bool) -> [Effect] {
        switch layout.pane(atX: x, y: y) {
        case .log?:
            logScroll = max(0, min(log.count, logScroll + (up ? 3 : -3)))
        case .map?:
            if zoom == .overview {
                if up, case .block(let index)? = MapHit.at(x: x, y: y, in: self) {
                    cursorBlock = index
                    return zoomIn()
                }
            } else if zoomLayout.rows > visibleZoomRows {
                movePage(up ? .pageUp : .pageDown)
            } else if !up {
                zoom = .overview
            }
        case .inspector?:
            inspectorScroll = max(0, inspectorScroll + (up ? -1 : 1))
        case nil:
            break
        }
        return []
    }

    // MARK: the / prompt

    /// A key while the `/` prompt is open: typing, Backspace, Esc cancels, Enter jumps.
    mutating func editJump(_ text: String, key: Key) -> [Effect] {
        switch key {
        case .escape:
            jumpText = nil
            status = "jump cancelled"
        case .enter:
            jumpText = nil
            return jump(to: text)
        case .backspace, .delete:
            jumpText = String(text.dropLast())
        case .char(let c) where text.count < 24:
            jumpText = text + String(c)
        default:
            return [.bell]
        }
        return []
    }

    /// Moves the cursor to what the prompt's text names: a block (the map stays at its zoom),
    /// or a page (zoomed in on its block).
    mutating func jump(to text: String) -> [Effect] {
        let blocks = mapBlocks
        let end = blocks.last?.pfns.upperBound.raw ?? 0
        let blockCount = (blocks.last?.id.raw ?? -1) + 1
        switch JumpTarget.parse(text, pageCount: end, blockCount: blockCount) {
        case .failure(let error):
            status = error.message
            return [.bell]
        case .success(.block(let id)):
            guard let index = blocks.firstIndex(where: { $0.id == id }) else {
                status = "no \(id) here: its pfns are a hole in physical memory"
                return [.bell]
            }
            cursorBlock = index
            cursorPFN = blocks[index].pfns.lowerBound
            status = "\(id): pfn \(blocks[index].pfns.lowerBound)-\(blocks[index].pfns.upperBound)"
        case .success(.pfn(let pfn)):
            guard let index = blocks.firstIndex(where: { $0.pfns.contains(pfn) }) else {
                status = "pfn \(pfn) is in no memory block: a hole in physical memory"
                return [.bell]
            }
            cursorBlock = index
            cursorPFN = pfn
            zoom = .block
            pane = .map
            status = "pfn \(pfn) in \(blocks[index].id)"
        }
        inspectorScroll = 0
        if zoom == .block { zoomedBlockChanged() }
        return []
    }
}
