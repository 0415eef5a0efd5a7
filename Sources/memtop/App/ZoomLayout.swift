import MemEngine

/// How one block's pages are laid out when zoomed in: one page a cell when the whole block
/// then fits the map's height, else two (the even pfn in the top half); whole pageblocks a row
/// where they fit, a gap column between pageblocks.
struct ZoomLayout: Hashable, Sendable {
    /// Columns of the pfn label left of each row ("0x1e000 ").
    var labelWidth: Int
    var pagesPerRow: Int
    var pagesPerPageblock: Int
    /// 1 (a full cell a page) or 2 (half cells).
    var pagesPerCell: Int
    /// Columns a cell takes: 2 on big screens where a whole block still fits at that width.
    var cellWidth = 1
    var rows: Int

    /// A layout for a map `width` columns wide with `height` rows for pages (0: unknown, two
    /// pages a cell) on a machine whose pfns end at `endPFN`.
    init(geometry: Geometry, width: Int, height: Int = 0, endPFN: PFN) {
        let label = max(8, String(endPFN.raw, radix: 16).count + 3)
        let pageblock = geometry.pagesPerPageblock
        labelWidth = label
        pagesPerPageblock = pageblock
        let room = max(32, width - label)
        let block = geometry.pagesPerBlock
        func fits(perCell: Int) -> Int {
            // As many whole pageblocks as fit (at most 4), each with a gap; or, for pageblocks
            // wider than the room, the widest power of two of pages that fits, 64 or more.
            let pageblocks = min(4, room / (pageblock / perCell + 1))
            if pageblocks >= 1 { return min(block, pageblock * pageblocks) }
            var perRow = 32 * perCell
            while perRow * 2 / perCell <= room && perRow * 2 < pageblock { perRow *= 2 }
            return min(block, perRow)
        }
        let single = fits(perCell: 1)
        if height > 0, single >= 64, (block + single - 1) / single <= height {
            pagesPerCell = 1
            pagesPerRow = single
            // Wider pages while the block still fits: whole pageblocks of two columns a page.
            let wide = min(4, room / (2 * pageblock + 1)) * pageblock
            if wide >= 64, (block + wide - 1) / wide <= height {
                cellWidth = 2
                pagesPerRow = min(block, wide)
            }
        } else {
            pagesPerCell = 2
            pagesPerRow = fits(perCell: 2)
        }
        rows = (block + pagesPerRow - 1) / pagesPerRow
    }

    /// Cells a row takes, gaps included.
    var rowCells: Int {
        pagesPerRow / pagesPerCell * cellWidth + max(0, pagesPerRow / pagesPerPageblock - 1)
    }

    /// The column (from the cells' left edge) of the cell holding page `offset` of a row.
    func column(ofOffsetInRow offset: Int) -> Int {
        offset / pagesPerCell * cellWidth + (pagesPerPageblock < pagesPerRow ? offset / pagesPerPageblock : 0)
    }

    /// The page offset in a row of the (top) page at `column`, or nil for a gap column.
    func offset(atColumn column: Int) -> Int? {
        guard column >= 0 else { return nil }
        if pagesPerPageblock >= pagesPerRow {
            let offset = column / cellWidth * pagesPerCell
            return offset < pagesPerRow ? offset : nil
        }
        let span = pagesPerPageblock / pagesPerCell * cellWidth + 1
        let pageblock = column / span, within = column % span
        guard within < pagesPerPageblock / pagesPerCell * cellWidth else { return nil }
        let offset = pageblock * pagesPerPageblock + within / cellWidth * pagesPerCell
        return offset < pagesPerRow ? offset : nil
    }
}
