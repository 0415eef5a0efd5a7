import MemEngine

/// How one block's pages are laid out when zoomed in: two consecutive pages a cell (the even
/// pfn in the top half), whole pageblocks a row where they fit, a gap column between pageblocks.
struct ZoomLayout: Hashable, Sendable {
    /// Columns of the pfn label left of each row ("0x1e000 ").
    var labelWidth: Int
    var pagesPerRow: Int
    var pagesPerPageblock: Int
    var rows: Int

    /// A layout for `width` columns on a machine whose pfns end at `endPFN`.
    init(geometry: Geometry, width: Int, endPFN: PFN) {
        labelWidth = max(8, String(endPFN.raw, radix: 16).count + 3)
        pagesPerPageblock = geometry.pagesPerPageblock
        // As many whole pageblocks as fit, each 1/2 cell a page plus a gap; at least 64 pages.
        let room = max(32, width - labelWidth)
        var perRow = 64
        if pagesPerPageblock <= 128 {
            let pageblocks = max(1, min(4, room / (pagesPerPageblock / 2 + 1)))
            perRow = pagesPerPageblock * pageblocks
        } else {
            perRow = room >= 64 ? 128 : 64
        }
        pagesPerRow = min(perRow, geometry.pagesPerBlock)
        rows = (geometry.pagesPerBlock + pagesPerRow - 1) / pagesPerRow
    }

    /// Cells a row takes, gaps included.
    var rowCells: Int {
        pagesPerRow / 2 + max(0, pagesPerRow / pagesPerPageblock - 1)
    }

    /// The column (from the cells' left edge) of the cell holding page `offset` of a row.
    func column(ofOffsetInRow offset: Int) -> Int {
        offset / 2 + (pagesPerPageblock < pagesPerRow ? offset / pagesPerPageblock : 0)
    }

    /// The page offset in a row of the top page at `column`, or nil for a gap column.
    func offset(atColumn column: Int) -> Int? {
        guard column >= 0 else { return nil }
        if pagesPerPageblock >= pagesPerRow {
            let offset = column * 2
            return offset < pagesPerRow ? offset : nil
        }
        let span = pagesPerPageblock / 2 + 1
        let pageblock = column / span, within = column % span
        guard within < pagesPerPageblock / 2 else { return nil }
        let offset = pageblock * pagesPerPageblock + within * 2
        return offset < pagesPerRow ? offset : nil
    }
}
