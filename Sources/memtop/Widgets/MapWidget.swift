import MemEngine

/// The map: every memory block of the machine (overview), or every page of one block (zoomed),
/// coloured by the current colour mode, with the cursor and the migration in flight marked.
struct MapWidget {
    var source: MemoryMapSource
    var blocks: [BlockView]
    var mode: ColourMode
    var zoom: Zoom
    var cursorBlock: Int
    var cursorPFN: PFN
    /// The folio being migrated and its target, if any.
    var marks: MigrationMarks?
    /// "node1 Normal" for a pfn: where a migration target lives.
    var place: (PFN) -> String?
    var focused: Bool
    /// The verdict colour mode's block verdicts (needed in that mode only).
    var verdicts: VerdictColouring? = nil
    /// The overview's layout when the caller has it already (it is the same for every frame
    /// of a machine whose blocks keep their zones).
    var overviewLayout: OverviewLayout? = nil
    /// The tile of block `index` with this many half cells, when the caller keeps them
    /// (`MapCache`); else computed from `source`.
    var tile: ((_ index: Int, _ segmentsPerBlock: Int) -> BlockTile)? = nil

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let title = zoom == .overview ? "map: whole machine" : "map: \(blocks[cursorBlock].id), every page"
        let inside = buffer.drawBorder(area, title: title, style: focused ? .plain.bold() : .plain, caps: caps)
        guard !inside.isEmpty else { return }
        if zoom == .overview { renderOverview(into: &buffer, inside, caps: caps) } else { renderBlock(into: &buffer, inside, caps: caps) }
    }

    // MARK: the whole machine

    func renderOverview(into buffer: inout Buffer, _ inside: Rect, caps: TerminalCapabilities) {
        let layout = overviewLayout ?? OverviewLayout(blocks: blocks, width: inside.width, height: inside.height)
        let geometry = source.geometry
        // The header explains the id styles with samples drawn in those very styles.
        var hx = buffer.set("\(blocks.count) blocks of \(ByteText.size(geometry.blockBytes)).  ids:", x: inside.x, y: inside.y,
                            style: .plain.dim(), clip: inside)
        // Each sample is shown whole, in its short name if the long one does not fit, or not at
        // all: "migration ta" explains nothing.
        let samples: [(String, String, Style)] = [
            ("cursor", "cursor", idStyle(state: .online, cursor: true, target: false, caps: caps)),
            ("going-offline", "going-off", idStyle(state: .goingOffline, cursor: false, target: false, caps: caps)),
            ("offline", "offline", idStyle(state: .offline, cursor: false, target: false, caps: caps)),
            ("migration target", "target", idStyle(state: .online, cursor: false, target: true, caps: caps)),
        ]
        for (long, short, style) in samples {
            guard let name = [long, short].first(where: { hx + 1 + $0.count <= inside.x + inside.width }) else { break }
            hx = buffer.set(" ", x: hx, y: inside.y, clip: inside)
            hx = buffer.set(name, x: hx, y: inside.y, style: style, clip: inside)
        }
        let visible = layout.visibleRows(height: inside.height)
        // Only the blocks on screen are computed: a frame costs what it shows.
        let shown = layout.shown(height: inside.height, cursor: cursorBlock)
        let first = shown.rows.lowerBound
        let segmentsPerBlock = layout.segmentsPerBlock
        func tile(_ i: Int) -> BlockTile {
            if mode == .verdict, let verdicts { return verdicts.tile(blocks, index: i, segmentsPerBlock: segmentsPerBlock) }
            return self.tile?(i, segmentsPerBlock) ?? mode.tile(source, block: blocks[i], segmentsPerBlock: segmentsPerBlock)
        }
        let states = mode.states
        let markBlocks = marks.map { m in (source: source.geometry.block(of: m.source).raw,
                                           target: m.target.map { source.geometry.block(of: $0).raw }) }
        func y(ofRow row: Int) -> Int? {
            let line = row - first
            guard line >= 0, line < visible else { return nil }
            return inside.y + 1 + layout.rowLines * line
        }
        var labelled = Set<Int>()
        for label in layout.labels {
            labelled.insert(label.row)
            guard let top = y(ofRow: label.row) else { continue }
            buffer.set(label.node.description, x: inside.x, y: top, style: .plain.bold(), clip: inside)
            buffer.set(label.zone, x: inside.x, y: top + 1, clip: Rect(x: inside.x, y: top + 1, width: OverviewLayout.labelWidth - 1, height: 1))
        }
        // Tiles show an id's last three digits; past 999 blocks a row that starts no group
        // names its first block in full, so that "97" reads as memory3097.
        if blocks.count > 1000 {
            var previousRow = -1
            for i in shown.blocks where layout.positions[i].row != previousRow {
                previousRow = layout.positions[i].row
                guard !labelled.contains(previousRow), blocks[i].id.raw + layout.tilesPerRow > 1000,
                      let top = y(ofRow: previousRow) else { continue }
                buffer.set("\(blocks[i].id.raw)", x: inside.x, y: top, style: .plain.dim(),
                           clip: Rect(x: inside.x, y: top, width: OverviewLayout.labelWidth - 1, height: 1))
            }
        }
        for i in shown.blocks {
            let position = layout.positions[i]
            guard let top = y(ofRow: position.row) else { continue }
            let tile = tile(i)
            let x = inside.x + OverviewLayout.labelWidth + position.column * layout.tileWidth
            let id = String(tile.block.id.raw % 1000)
            let idText = String(repeating: " ", count: max(0, layout.tileCells - id.count)) + id
            buffer.set(idText, x: x, y: top, style: idStyle(state: tile.block.state, cursor: i == cursorBlock, target: markBlocks?.target == i, caps: caps), clip: inside)
            // Cells left to right, then the next line of the tile: pfn order.
            for c in 0..<layout.tileCells * layout.tileLines {
                var cell = pairCell(top: states[tile.segments[2 * c]].swatch,
                                    bottom: states[tile.segments[2 * c + 1]].swatch, caps: caps)
                let segment = tile.block.pfns
                let lower = segment.lowerBound.raw + 2 * c * segment.pageCount / layout.segmentsPerBlock
                let upper = segment.lowerBound.raw + (2 * c + 2) * segment.pageCount / layout.segmentsPerBlock
                if let m = marks, markBlocks != nil {
                    if let t = m.target, (lower..<upper).contains(t.raw) {
                        cell = MarkGlyph.target.cell(caps: caps)
                    } else if (lower..<upper).contains(m.source.raw) {
                        cell = MarkGlyph.source.cell(caps: caps)
                    }
                }
                buffer[x: x + c % layout.tileCells, y: top + 1 + c / layout.tileCells] = cell
            }
        }
        if layout.rows > visible {
            // On the bottom border, so that it never covers a tile.
            let more = " rows \(first + 1)-\(min(layout.rows, first + visible)) of \(layout.rows) "
            buffer.set(more, x: inside.right - more.count - 1, y: inside.bottom, style: .plain.dim())
        }
    }

    private func idStyle(state: BlockState, cursor: Bool, target: Bool, caps: TerminalCapabilities) -> Style {
        var style = Style.plain
        switch state {
        case .online: break
        case .goingOffline:
            style = caps.usesColor ? Style(fg: .black, bg: .yellow, attributes: .bold) : Style(attributes: [.bold, .underline])
        case .offline:
            style = caps.usesColor ? Style(fg: .indexed(244)) : Style(attributes: .dim)
        }
        if target {
            style = caps.usesColor ? Style(fg: .brightMagenta, attributes: [.bold, .underline]) : Style(attributes: [.bold, .underline])
        }
        if cursor {
            style = caps.usesColor ? Style(fg: .black, bg: .brightCyan, attributes: .bold) : Style(attributes: [.reverse, .bold])
        }
        return style
    }

    // MARK: one block

    func renderBlock(into buffer: inout Buffer, _ inside: Rect, caps: TerminalCapabilities) {
        let block = blocks[cursorBlock]
        let zoomLayout = ZoomLayout(geometry: source.geometry, width: inside.width, height: inside.height - 2,
                                    endPFN: blocks.last?.pfns.upperBound ?? PFN(0))
        let where_ = block.multizone ? block.spannedZones.map(\.description).joined(separator: "+")
                                     : block.zone.map(\.description) ?? "no zone"
        let header = "\(block.id) pfn \(block.pfns.lowerBound)-\(block.pfns.upperBound) \(block.node) \(where_) \(block.state.rawValue); "
            + "\(zoomLayout.pagesPerRow) pages a row"
        buffer.set(header, x: inside.x, y: inside.y, style: .plain.bold(), clip: inside)
        let visible = max(1, inside.height - 2)
        let cursorRow = (cursorPFN.raw - block.pfns.lowerBound.raw) / zoomLayout.pagesPerRow
        let first = OverviewLayout.firstRow(cursorRow: cursorRow, visibleRows: visible)
        buffer.set(secondLine(zoomLayout, first: first, visible: visible), x: inside.x, y: inside.y + 1,
                   style: marks == nil ? .plain.dim() : .plain.bold(), clip: inside)
        let states = mode.states
        func state(_ pfn: Int, _ page: PageView) -> Int {
            guard mode == .verdict, let verdicts else { return mode.state(of: page) }
            return verdicts.state(of: PFN(pfn), page: page, block: cursorBlock)
        }
        let gap = Cell(caps.utf8 ? "│" : "|", style: .plain.dim())
        let perCell = zoomLayout.pagesPerCell
        for row in first..<min(zoomLayout.rows, first + visible) {
            let y = inside.y + 2 + row - first
            let rowStart = block.pfns.lowerBound.raw + row * zoomLayout.pagesPerRow
            var labelStyle = rowStart % zoomLayout.pagesPerPageblock == 0 ? Style.plain : .plain.dim()
            if row == cursorRow { labelStyle = labelStyle.reversed() }
            buffer.set(PFN(rowStart).description, x: inside.x, y: y, style: labelStyle, clip: inside)
            let x0 = inside.x + zoomLayout.labelWidth
            for offset in stride(from: 0, to: zoomLayout.pagesPerRow, by: perCell) {
                let p = rowStart + offset
                guard p < block.pfns.upperBound.raw else { break }
                let x = x0 + zoomLayout.column(ofOffsetInRow: offset)
                if offset > 0 && offset % zoomLayout.pagesPerPageblock == 0 { buffer[x: x - 1, y: y] = gap }
                let top = source.page(PFN(p))
                let bottom = perCell == 1 ? top : (p + 1 < block.pfns.upperBound.raw ? source.page(PFN(p + 1)) : nil)
                let topState = state(p, top)
                let bottomSwatch = bottom.map { states[perCell == 1 ? topState : state(p + 1, $0)].swatch } ?? .empty
                var cell = pairCell(top: states[topState].swatch, bottom: bottomSwatch, caps: caps)
                let covered = p..<(p + perCell)
                if let m = marks {
                    if let t = m.target, covered.overlaps(m.folio(at: t)) { cell = MarkGlyph.target.cell(caps: caps) }
                    if covered.overlaps(m.folio(at: m.source)) { cell = MarkGlyph.source.cell(caps: caps) }
                }
                if covered.contains(cursorPFN.raw) {
                    let under = cursorPFN.raw == p ? topState : bottom.map { state(p + 1, $0) } ?? topState
                    cell = MarkGlyph.cursor(states[under].swatch, caps: caps)
                }
                buffer[x: x, y: y] = cell
                // A wide page repeats its colour; the cursor and the marks stay one glyph.
                if zoomLayout.cellWidth == 2 {
                    buffer[x: x + 1, y: y] = pairCell(top: states[topState].swatch, bottom: bottomSwatch, caps: caps)
                }
            }
        }
    }

    /// The line under the header: the migration in flight, or where the rows are.
    private func secondLine(_ zoomLayout: ZoomLayout, first: Int, visible: Int) -> String {
        if let m = marks {
            var s = "migrating pfn \(m.source)" + (m.pages > 1 ? " (a \(m.pages)-page folio)" : "")
            if let t = m.target {
                s += " -> \(t)"
                let targetBlock = source.geometry.block(of: t)
                s += " (\(targetBlock)\(place(t).map { " " + $0 } ?? ""))"
            } else {
                s += ": looking for a target"
            }
            return s + "   S source, T target"
        }
        if zoomLayout.rows > visible {
            return "rows \(first + 1)-\(min(zoomLayout.rows, first + visible)) of \(zoomLayout.rows): PgUp/PgDn scroll"
        }
        if zoomLayout.cellWidth == 2 { return "two cells a page; pageblocks of \(zoomLayout.pagesPerPageblock) pages" }
        if zoomLayout.pagesPerCell == 1 { return "a cell: one page; pageblocks of \(zoomLayout.pagesPerPageblock) pages" }
        return "a cell: even pfn on top, the next below; pageblocks of \(zoomLayout.pagesPerPageblock) pages"
    }
}

/// The two ends of the migration in flight: the source folio's head, its target's, and how many
/// pages the folio has (a THP moves whole: every page of it is marked).
struct MigrationMarks: Equatable {
    var source: PFN
    var target: PFN?
    var pages: Int

    /// The pfns of the folio whose head is `head`.
    func folio(at head: PFN) -> Range<Int> { head.raw..<(head.raw + pages) }
}

/// The marks drawn over the map's colours: the cursor and the two ends of a migration.
enum MarkGlyph {
    case source, target

    func cell(caps: TerminalCapabilities) -> Cell {
        let glyph: Character = self == .source ? "S" : "T"
        if caps.usesColor {
            return Cell(glyph, style: Style(fg: .black, bg: self == .source ? .brightYellow : .brightMagenta, attributes: .bold))
        }
        return Cell(glyph, style: Style(attributes: [.bold, .reverse, .underline]))
    }

    /// The cursor: a diamond on the colour of the page under it.
    static func cursor(_ under: Swatch, caps: TerminalCapabilities) -> Cell {
        let glyph: Character = caps.utf8 ? "◆" : "+"
        if caps.usesColor {
            return Cell(glyph, style: Style(fg: .brightWhite, bg: under.color, attributes: .bold))
        }
        return Cell(glyph, style: Style(attributes: [.bold, .reverse]))
    }
}

/// Sizes as people write them.
enum ByteText {
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 40, bytes % (1 << 40) == 0 { return "\(bytes >> 40) TiB" }
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20 { return "\(bytes >> 20) MiB" }
        return "\(bytes >> 10) KiB"
    }
}
