import MemEngine

/// What the map of a simulated machine computed per block, kept while the block is unchanged,
/// so that a frame costs what is on screen and what changed since the last one, not the whole
/// machine (issue 12: a 1 TiB machine at interactive speed).
///
/// Every entry carries the block's key when it was computed: the engine's change count of the
/// block's pages and pageblocks (`Machine.changeCount`) and the block's state. An entry whose key
/// still matches is exactly what a fresh computation gives, so a frame drawn without the cache
/// (or with a stale one) looks the same; `MemtopApp.prepareFrame()` fills it before each frame.
struct MapCache {
    /// A block's change count and state: equal keys, equal pages, pageblocks and state.
    struct Key: Equatable {
        var changes: UInt32
        var state: BlockState
    }

    /// The zones of a block's pageblocks (bits by `ZoneType.rawValue`) and its first page's zone.
    struct Zones: Equatable {
        var mask: UInt8
        var first: ZoneType?
    }

    private var zones: [(key: Key, zones: Zones)?] = []
    /// Tiles of the colour mode and half cells per block they were drawn for.
    private var tileShape: (mode: ColourMode, segments: Int)?
    private var tiles: [(key: Key, segments: [Int])?] = []
    private var verdicts: [(key: Key, verdict: VerdictSummary.Verdict)?] = []
    /// The verdict colours of the whole map and the keys of every block when they were last
    /// known right: rebuilt only when a verdict class or a block's state changed, not when the
    /// workload merely touched a block (a 1 TiB map has 8,192 blocks to count and sort).
    private var colouring: (keys: [Key], hasMovableZone: Bool, colouring: VerdictColouring)?
    private var layout: (blocks: [BlockView], width: Int, height: Int, layout: OverviewLayout)?
    /// Blocks whose verdict is missing or out of date after the last `refresh`: the verdict
    /// colours judge what is on screen at once and the rest a slice a frame, so that a 1 TiB
    /// machine (8,192 what-if offlines, seconds of CPU) never freezes the screen.
    private(set) var pendingVerdicts = 0
    /// Where the next frame's slice of off-screen verdicts starts (each block gets its turn).
    private var verdictScan = 0
    /// Pages a frame judges: 4 GiB, the whole default machine in one frame, 32 blocks of
    /// 128 MiB of a big one (about 12 ms at 0.36 ms a what-if offline of such a block,
    /// measured on a 1 TiB machine: all 8,192 blocks in about 13 s at 20 frames a second).
    static let verdictPagesPerFrame = 1 << 20

    static func key(_ m: Machine, _ index: Int) -> Key {
        Key(changes: m.changeCount(BlockID(index)), state: m.blocks[index].state)
    }

    // MARK: blocks

    static func zones(_ m: Machine, _ index: Int) -> Zones {
        let range = m.pfnRange(of: BlockID(index))
        var mask: UInt8 = 0
        for pb in stride(from: range.lowerBound.raw, to: range.upperBound.raw, by: m.geometry.pagesPerPageblock) {
            if let z = m.zoneType(PFN(pb)) { mask |= 1 << z.rawValue }
        }
        return Zones(mask: mask, first: m.zoneType(range.lowerBound))
    }

    /// Every block as the map draws it (`SimulatedMemory.blockViews`).
    func blockViews(_ m: Machine) -> [BlockView] {
        var previousZone: ZoneType?
        return m.blocks.indices.map { i in
            let block = m.blocks[i]
            let z = zones[safe: i].flatMap { $0 }.flatMap { $0.key == Self.key(m, i) ? $0.zones : nil } ?? Self.zones(m, i)
            let lowest = z.mask == 0 ? nil : ZoneType(rawValue: z.mask.trailingZeroBitCount)
            // An offline block has no zone any more; it stays drawn among its neighbours.
            let zone = z.first ?? lowest ?? previousZone
            previousZone = zone
            // An imported machine shows its blocks' real ids and pfns (`AddressMap`).
            return BlockView(id: BlockID(m.addresses.block(block.id.raw)), node: block.node, zone: zone,
                             zoneMask: z.mask, state: block.state,
                             pfns: m.addresses.viewRange(m.pfnRange(of: block.id)))
        }
    }

    /// The overview's layout for `blocks` in a map `width` x `height` inside its border.
    func overviewLayout(blocks: [BlockView], width: Int, height: Int) -> OverviewLayout {
        if let layout, layout.width == width, layout.height == height, layout.blocks == blocks { return layout.layout }
        return OverviewLayout(blocks: blocks, width: width, height: height)
    }

    // MARK: colours

    /// Block `index`'s overview tile in `mode` (not the verdict mode, whose tiles are verdicts).
    func tile(_ m: Machine, blocks: [BlockView], index: Int, mode: ColourMode, segments: Int) -> BlockTile {
        if let shape = tileShape, shape.mode == mode, shape.segments == segments,
           let entry = tiles[safe: index] ?? nil, entry.key == Self.key(m, index) {
            return BlockTile(block: blocks[index], segments: entry.segments)
        }
        return mode.tile(SimulatedMemory(machine: m), block: blocks[index], segmentsPerBlock: segments)
    }

    /// Block `index`'s what-if offline verdict class.
    func verdict(_ m: Machine, index: Int) -> VerdictSummary.Verdict {
        if let entry = verdicts[safe: index] ?? nil, entry.key == Self.key(m, index) { return entry.verdict }
        return SimInspector(machine: m).verdict(ofBlock: index)
    }

    /// Whether the machine has a populated ZONE_MOVABLE, as `VerdictSummary(report)` asks.
    static func hasMovableZone(_ m: Machine) -> Bool {
        m.zones.contains { $0.name == "Movable" && $0.present > 0 }
    }

    /// The verdict colours of every block (the zoomed block's blocking pfns are the caller's).
    func verdictColouring(_ m: Machine, blocks: [BlockView]) -> VerdictColouring {
        let movable = Self.hasMovableZone(m)
        if let cached = colouring, cached.hasMovableZone == movable, cached.keys.count == m.blocks.count,
           pendingVerdicts > 0 || m.blocks.indices.allSatisfy({ cached.keys[$0] == Self.key(m, $0) }) {
            // While verdicts are pending, the last refresh's colours are the map's (the rest
            // come in the next frames).
            return cached.colouring
        }
        let verdicts = m.blocks.indices.map { verdict(m, index: $0) }
        return VerdictColouring(blocks: blocks, verdicts: verdicts, hasMovableZone: movable)
    }

    // MARK: filling

    /// Brings the entries a frame of the map needs up to date: every block's zones (and, in the
    /// verdict mode, verdict), the layout, and the tiles of the blocks on screen. Only blocks
    /// whose key changed are computed again.
    mutating func refresh(_ m: Machine, mode: ColourMode, zoom: Zoom, mapInside: Rect, cursorBlock: Int) {
        let count = m.blocks.count
        if zones.count != count {
            zones = Array(repeating: nil, count: count)
            tiles = Array(repeating: nil, count: count)
            verdicts = Array(repeating: nil, count: count)
            colouring = nil
        }
        var keys: [Key] = []
        keys.reserveCapacity(count)
        for i in 0..<count {
            let key = Self.key(m, i)
            keys.append(key)
            if zones[i]?.key != key { zones[i] = (key, Self.zones(m, i)) }
        }
        var overview: (blocks: [BlockView], layout: OverviewLayout)?
        if zoom == .overview {
            let blocks = blockViews(m)
            let o = overviewLayout(blocks: blocks, width: mapInside.width, height: mapInside.height)
            layout = (blocks, mapInside.width, mapInside.height, o)
            overview = (blocks, o)
        }
        if mode == .verdict {
            let onScreen = overview?.layout.shown(height: mapInside.height, cursor: cursorBlock).blocks ?? cursorBlock..<(cursorBlock + 1)
            refreshVerdicts(m, keys: keys, onScreen: onScreen)
        } else {
            pendingVerdicts = 0
        }
        guard let (blocks, overview) = overview, mode != .verdict else { return }
        let segments = overview.segmentsPerBlock
        if tileShape.map({ $0.mode != mode || $0.segments != segments }) ?? true {
            tiles = Array(repeating: nil, count: count)
            tileShape = (mode, segments)
        }
        let source = SimulatedMemory(machine: m)
        for i in overview.shown(height: mapInside.height, cursor: cursorBlock).blocks where tiles[i]?.key != keys[i] {
            tiles[i] = (keys[i], mode.tile(source, block: blocks[i], segmentsPerBlock: segments).segments)
        }
    }

    /// The verdicts of the verdict colours: the blocks on screen whose key moved are judged
    /// now, then the other out-of-date ones from where the last frame stopped, until
    /// `verdictPagesPerFrame` pages have been judged; the rest wait for the next frames
    /// (`pendingVerdicts`), a block judged before keeping its last verdict meanwhile.
    private mutating func refreshVerdicts(_ m: Machine, keys: [Key], onScreen: Range<Int>) {
        let count = keys.count
        let inspector = SimInspector(machine: m)
        let pagesPerBlock = m.geometry.pagesPerBlock
        // The colours depend on the verdict classes and the blocks' states only.
        var coloursChanged = colouring == nil
        func judge(_ i: Int) {
            let verdict = inspector.verdict(ofBlock: i)
            if verdicts[i]?.verdict != verdict || verdicts[i]?.key.state != keys[i].state { coloursChanged = true }
            verdicts[i] = (keys[i], verdict)
        }
        // The blocks on screen first, then the rest from where the last frame stopped; at
        // least one block a frame, however big the blocks.
        var budget = Self.verdictPagesPerFrame
        var pending = 0
        let onScreen = onScreen.clamped(to: 0..<count)
        let scan = verdictScan
        let order = Array(onScreen) + (0..<count).lazy.map { (scan + $0) % count }.filter { !onScreen.contains($0) }
        for i in order where verdicts[i]?.key != keys[i] {
            if budget > 0 {
                judge(i)
                budget -= pagesPerBlock
                if !onScreen.contains(i) { verdictScan = (i + 1) % count }
            } else {
                // Out of date but judged before: its old colour stays until its turn, unless its
                // state moved (an offline block is drawn offline); never judged (nil, which no
                // state equals): "unknown" until then.
                if verdicts[i]?.key.state != keys[i].state { coloursChanged = true }
                pending += 1
            }
        }
        let movable = Self.hasMovableZone(m)
        if coloursChanged || pending != pendingVerdicts || colouring?.hasMovableZone != movable {
            var c = VerdictColouring(blocks: blockViews(m), verdicts: verdicts.map { $0?.verdict }, hasMovableZone: movable)
            c.pending = pending
            colouring = (keys, movable, c)
        } else {
            colouring?.keys = keys
        }
        pendingVerdicts = pending
    }
}
