import MemEngine

/// One block of the overview: the block and the state each of its half cells shows.
struct BlockTile: Hashable, Sendable {
    var block: BlockView
    /// State indices (into the colour mode's `states`), one per half cell, in pfn order.
    var segments: [Int]
}

/// Where the overview puts its blocks: groups by node and zone, each group starting on a new
/// row of tiles, a tile being the block id above its cells. Tiles grow (3 to 8 cells) while
/// every block still fits the map's height, so that a big screen shows blocks in more detail.
struct OverviewLayout: Hashable, Sendable {
    static let minimumTileCells = 3
    /// Twice this is 16 half cells: live mode keeps 16 censuses a block (`LiveMemory.chunksPerBlock`).
    static let maximumTileCells = 8
    static let labelWidth = 9

    /// Cells of a tile's bar; each cell is two half cells, so a block is drawn in 2x this.
    var tileCells: Int
    /// Lines of cells under a tile's id (1 to 4): tall screens draw blocks in more detail.
    var tileLines = 1
    var tileWidth: Int { tileCells + 1 }
    /// Screen lines of a tile row: the ids, then the cells.
    var rowLines: Int { 1 + tileLines }
    var segmentsPerBlock: Int { 2 * tileCells * tileLines }

    struct Position: Hashable, Sendable {
        /// The tile row (each is two screen lines: ids, then cells).
        var row: Int
        var column: Int
    }

    struct GroupLabel: Hashable, Sendable {
        var row: Int
        var node: NodeID
        var zone: String
    }

    var positions: [Position]
    var labels: [GroupLabel]
    var rows: Int
    var tilesPerRow: Int

    /// The layout for a map `width` columns wide and `height` rows high inside its border
    /// (a header line, then the tile rows): the biggest tiles (most cells, then the widest) with
    /// which every block fits, the smallest when none does.
    init(blocks: [BlockView], width: Int, height: Int = 0) {
        self.init(blocks: blocks, width: width, tileCells: Self.minimumTileCells)
        guard rows * rowLines + 1 <= height else { return }
        var best = self
        for cells in Self.minimumTileCells...Self.maximumTileCells {
            let wider = OverviewLayout(blocks: blocks, width: width, tileCells: cells)
            for lines in 1...4 {
                var candidate = wider
                candidate.tileLines = lines
                guard candidate.rows * candidate.rowLines + 1 <= height else { break }
                if cells * lines >= best.tileCells * best.tileLines { best = candidate }
            }
        }
        self = best
    }

    init(blocks: [BlockView], width: Int, tileCells: Int) {
        self.tileCells = tileCells
        tilesPerRow = max(1, (width - Self.labelWidth) / (tileCells + 1))
        positions = []
        labels = []
        var row = -1, column = 0
        var group: (NodeID, ZoneType?, Bool)?
        for block in blocks {
            let key = (block.node, block.zone, block.multizone)
            let newGroup = group.map { $0 != key } ?? true
            if newGroup || column == tilesPerRow {
                row += 1
                column = 0
                if newGroup {
                    // Eight columns: "multizone" would show as "multizon".
                    labels.append(GroupLabel(row: row, node: block.node,
                                             zone: block.multizone ? "2+ zones" : block.zone?.description ?? "none"))
                }
                group = key
            }
            positions.append(Position(row: row, column: column))
            column += 1
        }
        rows = row + 1
    }

    /// The block index whose tile is nearest to `index`'s, `delta` tile rows away, or nil.
    func vertical(from index: Int, delta: Int) -> Int? {
        guard positions.indices.contains(index) else { return nil }
        let here = positions[index]
        let target = here.row + delta
        let candidates = positions.indices.filter { positions[$0].row == target }
        return candidates.min { abs(positions[$0].column - here.column) < abs(positions[$1].column - here.column) }
    }

    /// The first tile row shown when `visibleRows` rows fit and `cursorRow` must be visible.
    static func firstRow(cursorRow: Int, visibleRows: Int) -> Int {
        guard visibleRows > 0 else { return 0 }
        return (cursorRow / visibleRows) * visibleRows
    }

    /// Tile rows that fit in a map `height` lines high inside its border (the header line first).
    func visibleRows(height: Int) -> Int { max(1, (height - 1) / rowLines) }

    /// The tile rows on screen with the cursor on block `cursor`, and the blocks drawn in them
    /// (consecutive: blocks are laid out in order), so that only those are computed.
    func shown(height: Int, cursor: Int) -> (rows: Range<Int>, blocks: Range<Int>) {
        let visible = visibleRows(height: height)
        let first = positions.indices.contains(cursor) ? Self.firstRow(cursorRow: positions[cursor].row, visibleRows: visible) : 0
        let rows = first..<(first + visible)
        guard let lower = positions.firstIndex(where: { rows.contains($0.row) }),
              let upper = positions.lastIndex(where: { rows.contains($0.row) }) else { return (rows, 0..<0) }
        return (rows, lower..<(upper + 1))
    }
}

extension ColourMode {
    /// The overview's tiles: every block split into `segmentsPerBlock` equal pfn ranges, each
    /// showing a winning state if any of its pages has one, else its most common state.
    ///
    /// Ranges of more than 512 pages are sampled at an even stride (x86_64's 32768-page blocks).
    func tiles(_ source: MemoryMapSource, blocks: [BlockView], segmentsPerBlock: Int) -> [BlockTile] {
        blocks.map { tile(source, block: $0, segmentsPerBlock: segmentsPerBlock) }
    }

    /// One block's tile (see `tiles`).
    func tile(_ source: MemoryMapSource, block: BlockView, segmentsPerBlock: Int) -> BlockTile {
        let states = self.states
        let winners = states.indices.filter { states[$0].wins }.sorted { states[$0].swatch.rank > states[$1].swatch.rank }
        let start = block.pfns.lowerBound.raw, count = block.pfns.pageCount
        let segments = (0..<segmentsPerBlock).map { i -> Int in
            let lower = start + i * count / segmentsPerBlock
            let upper = start + (i + 1) * count / segmentsPerBlock
            let census = source.census(PFN(lower)..<PFN(upper), stride: max(1, (upper - lower) / 512))
            let histogram = self.histogram(census)
            if let winner = winners.first(where: { histogram[$0] > 0 }) { return winner }
            return histogram.indices.max { histogram[$0] < histogram[$1] } ?? states.count - 1
        }
        return BlockTile(block: block, segments: segments)
    }
}

extension OverviewLayout {
    /// The block index the cursor moves to from `index` for a movement key, among `count` blocks.
    func moved(_ action: Action, from index: Int, count: Int) -> Int {
        switch action {
        case .moveLeft: max(0, index - 1)
        case .moveRight: min(count - 1, index + 1)
        case .moveUp: vertical(from: index, delta: -1) ?? index
        case .moveDown: vertical(from: index, delta: 1) ?? index
        case .pageUp: max(0, index - tilesPerRow * 4)
        case .pageDown: min(count - 1, index + tilesPerRow * 4)
        case .home: 0
        case .end: count - 1
        default: index
        }
    }
}
