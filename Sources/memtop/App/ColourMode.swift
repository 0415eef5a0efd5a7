import MemEngine

/// What the map's colours mean (the c key cycles through them).
enum ColourMode: Int, CaseIterable, Hashable, Sendable {
    case zone, migratetype, isolation, lru, kind
    /// Each block by its what-if offline verdict, busy blocks by reason (`VerdictColouring`).
    case verdict

    var title: String {
        switch self {
        case .zone: "zone"
        case .migratetype: "migratetype"
        case .isolation: "isolation"
        case .lru: "LRU state"
        case .kind: "page kind"
        case .verdict: "offline verdict"
        }
    }

    var next: ColourMode { ColourMode(rawValue: (rawValue + 1) % ColourMode.allCases.count) ?? .zone }

    /// The states of this mode, in legend order: their index is what `state(of:)` returns.
    var states: [MapState] { MapState.table[rawValue] }

    /// The index into `states` of the state `page` shows in this mode.
    func state(of page: PageView) -> Int {
        // Pages that are gone or were never there read the same in every mode.
        switch page.kind {
        case .offline: return states.count - 2
        case .hole: return states.count - 1
        default: break
        }
        switch self {
        case .zone:
            return page.zone?.rawValue ?? (states.count - 1)
        case .migratetype:
            return page.migratetype?.rawValue ?? 6
        case .isolation:
            if page.offLRUForMigration { return 3 }
            guard page.isolated else { return 0 }
            return page.kind == .free || page.kind == .pcp ? 1 : 2
        case .lru:
            if let lru = page.lru { return lru.rawValue }
            return page.kind == .free || page.kind == .pcp ? 6 : 5
        case .verdict:
            // A page alone says nothing of its block's verdict: the map asks `VerdictColouring`.
            return VerdictColouring.unknown
        case .kind:
            switch page.kind {
            case .free: return 0
            case .pcp: return 1
            case .anon: return page.swapcache ? 3 : 2
            case .file: return 4
            case .slab: return 5
            case .pageTable: return 6
            case .reserved: return 7
            case .garbage, .kernel: return 8
            default: return states.count - 1
            }
        }
    }
}

extension ColourMode {
    /// Pages per state (indices into `states`) of a census: `state(of:)` applied to every
    /// page counted, without visiting them again.
    func histogram(_ c: PageCensus) -> [Int] {
        var h = [Int](repeating: 0, count: states.count)
        h[states.count - 2] = c.count(.offline)
        h[states.count - 1] = c.count(.hole)
        let free = c.count(.free) + c.count(.pcp)
        switch self {
        case .zone:
            for z in ZoneType.allCases { h[z.rawValue] = c.zones[z.rawValue] }
            h[states.count - 1] += c.noZone
        case .migratetype:
            for mt in MigrateType.allCases { h[mt.rawValue] = c.migratetypes[mt.rawValue] }
            // Pages whose migratetype the source does not know (live mode) are "unknown".
            h[6] = max(0, c.present - c.migratetypes.reduce(0, +))
        case .isolation:
            h[3] = c.offLRUForMigration
            h[1] = c.isolatedFree
            h[2] = c.isolatedInUse
            h[0] = c.present - h[1] - h[2] - h[3]
        case .lru:
            for l in LRUList.allCases { h[l.rawValue] = c.lru[l.rawValue] }
            h[6] = free
            h[5] = c.present - free - c.lru.reduce(0, +)
        case .verdict:
            h[VerdictColouring.unknown] = c.present
        case .kind:
            h[0] = c.count(.free)
            h[1] = c.count(.pcp)
            h[2] = c.count(.anon) - c.swapcacheAnon
            h[3] = c.swapcacheAnon
            h[4] = c.count(.file)
            h[5] = c.count(.slab)
            h[6] = c.count(.pageTable)
            h[7] = c.count(.reserved)
            h[8] = c.count(.garbage) + c.count(.kernel)
        }
        return h
    }
}

/// One state a colour mode draws: its legend name and how it looks.
struct MapState: Hashable, Sendable {
    var name: String
    var swatch: Swatch
    /// In the overview, where a half cell stands for many pages, a state that `wins` is shown
    /// if any of those pages has it; otherwise the most common state is shown.
    var wins = false

    init(_ name: String, _ color: Color, _ glyph: Character, _ attributes: Attributes = [],
         rank: Int = 0, wins: Bool = false) {
        self.name = name
        self.swatch = Swatch(color: color, glyph: glyph, attributes: attributes, rank: rank)
        self.wins = wins
    }

    /// Pages taken offline by hot-remove: the same in every mode, second to last.
    static let offline = MapState("offline", .indexed(60), "_", .dim, rank: 1)
    /// No RAM behind the pfn: last in every mode.
    static let hole = MapState("hole", .default, " ")

    /// Per mode, in `ColourMode` order. Glyphs are distinct within a mode, and from the S and T
    /// marks of a migration, so the map reads without colour; ranks put what a student must not miss on top in a shared cell.
    static let table: [[MapState]] = [
        // zone: indices are ZoneType raw values.
        [MapState("DMA", .indexed(45), "d"), MapState("DMA32", .indexed(33), "D"),
         MapState("Normal", .indexed(70), "n"), MapState("Movable", .indexed(178), "m"),
         offline, hole],
        // migratetype: indices are MigrateType raw values, then "unknown".
        [MapState("Unmovable", .indexed(160), "U", rank: 3), MapState("Movable", .indexed(70), "M"),
         MapState("Reclaimable", .indexed(178), "R", rank: 2), MapState("HighAtomic", .indexed(129), "H", rank: 2),
         MapState("CMA", .indexed(33), "C", rank: 2),
         MapState("Isolate", .brightWhite, "I", [.reverse, .bold], rank: 5, wins: true),
         MapState("unknown", .indexed(244), "?"), offline, hole],
        // isolation
        [MapState("not isolated", .indexed(238), "."),
         MapState("isolated, free (done)", .indexed(51), "~", rank: 2, wins: true),
         MapState("isolated, in use (to migrate)", .indexed(196), "X", [.bold], rank: 4, wins: true),
         MapState("off the LRU, migrating", .brightWhite, "@", [.reverse, .bold], rank: 5, wins: true),
         offline, hole],
        // LRU: indices are LRUList raw values, then not on an LRU.
        [MapState("inactive anon", .indexed(26), "a"), MapState("active anon", .indexed(39), "A", rank: 1),
         MapState("inactive file", .indexed(136), "f"), MapState("active file", .indexed(220), "F", rank: 1),
         MapState("unevictable", .indexed(196), "u", [.bold], rank: 3),
         MapState("in use, not on an LRU", .indexed(244), "#", rank: 2),
         MapState("free", .indexed(236), "."), offline, hole],
        // page kind
        [MapState("free", .indexed(236), "."), MapState("per-cpu", .indexed(51), "p", rank: 1),
         MapState("anon", .indexed(33), "a"), MapState("swapcache", .indexed(129), "s", rank: 1),
         MapState("file", .indexed(178), "f"), MapState("slab", .indexed(196), "k", [.bold], rank: 3),
         MapState("page table", .indexed(208), "t", [.bold], rank: 3),
         MapState("reserved", .brightWhite, "R", [.reverse], rank: 4),
         MapState("garbage memmap", .indexed(201), "?", [.bold, .reverse], rank: 5),
         offline, hole],
        // offline verdict: indices are `VerdictColouring`'s; busy slots are named per machine.
        [MapState("would offline", .indexed(34), "o"), MapState("would offline, not yet verified", .indexed(30), "v"),
         MapState("busy", .indexed(196), "1", [.bold], rank: 2), MapState("busy", .indexed(208), "2", [.bold], rank: 2),
         MapState("busy", .indexed(201), "3", [.bold], rank: 2), MapState("busy", .indexed(129), "4", [.bold], rank: 2),
         MapState("busy", .indexed(166), "5", [.bold], rank: 2), MapState("busy", .indexed(124), "6", [.bold], rank: 2),
         MapState("busy: other reasons", .indexed(88), "+", [.bold], rank: 2),
         MapState("blocking pfn (b: next)", .brightWhite, "!", [.reverse, .bold], rank: 5, wins: true),
         MapState("not online", .indexed(244), "-"), MapState("unknown", .indexed(240), "?"),
         offline, hole],
    ]
}
