import MemEngine

/// What a mouse click on the map lands on: the inverse of `MapWidget`'s drawing.
enum MapHit: Hashable, Sendable {
    case block(Int)
    case page(PFN)

    static func at(x: Int, y: Int, in app: some MapNavigating) -> MapHit? {
        let inside = app.layout.map.inset()
        guard inside.contains(x: x, y: y) else { return nil }
        let blocks = app.mapBlocks
        guard blocks.indices.contains(app.cursorBlock) else { return nil }
        if app.zoom == .overview {
            let layout = OverviewLayout(blocks: blocks, width: inside.width, height: inside.height)
            let visible = max(1, (inside.height - 1) / layout.rowLines)
            let first = OverviewLayout.firstRow(cursorRow: layout.positions[app.cursorBlock].row, visibleRows: visible)
            let line = y - inside.y - 1
            guard line >= 0 else { return nil }
            let row = first + line / layout.rowLines
            let dx = x - inside.x - OverviewLayout.labelWidth
            guard dx >= 0, dx % layout.tileWidth < layout.tileCells else { return nil }
            let column = dx / layout.tileWidth
            return layout.positions.firstIndex(of: OverviewLayout.Position(row: row, column: column)).map(MapHit.block)
        }
        let zoom = app.zoomLayout
        let block = blocks[app.cursorBlock]
        let visible = max(1, inside.height - 2)
        let cursorRow = (app.cursorPFN.raw - block.pfns.lowerBound.raw) / zoom.pagesPerRow
        let first = OverviewLayout.firstRow(cursorRow: cursorRow, visibleRows: visible)
        let row = first + y - inside.y - 2
        guard row >= first, row < zoom.rows, let offset = zoom.offset(atColumn: x - inside.x - zoom.labelWidth) else { return nil }
        let pfn = block.pfns.lowerBound.raw + row * zoom.pagesPerRow + offset
        return pfn < block.pfns.upperBound.raw ? .page(PFN(pfn)) : nil
    }
}
