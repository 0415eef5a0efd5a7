import MemEngine

/// A guided lesson: a named sequence of steps, each of which sets up the machine, points at
/// something and says two to five lines about it, then waits for the student.
///
/// Lessons are data: one file a lesson under Lessons/Catalog, listed in `Lesson.all`. A teacher
/// adds one by writing a file like the others and one line in the catalog.
struct Lesson: Sendable {
    /// The lesson's number in the course (gaps are lessons still to come).
    var number: Int
    /// The name `memtop lesson NAME` takes (lower case, dashes).
    var name: String
    /// The one-line title the list shows.
    var title: String
    var steps: [LessonStep]
}

/// One step of a lesson. Everything is optional: a step that sets nothing keeps the machine, the
/// cursor and the operation as the previous step (and the student) left them.
struct LessonStep: Sendable {
    /// MACHINE options as on the command line (`--seed 3 --workload idle --without FIX`): the
    /// machine is booted afresh from them. nil keeps the machine of the previous step.
    var machine: String? = nil
    /// The workload on or off after booting (off keeps what the student sees still).
    var workload: Bool? = nil
    var mode: ColourMode? = nil
    var cursor: LessonCursor? = nil
    /// Situations made on purpose before the operation starts (a swap-in in flight, a pin).
    var staging: [LessonStaging] = []
    /// An operation to start on the block under the cursor; it starts paused.
    var operation: LessonOperation? = nil
    /// How far to run the operation before the student takes over.
    var run: LessonRunTo? = nil
    /// What happens after `run` (a process exits while its page is migrated).
    var after: [LessonStaging] = []
    /// The lesson text: two to five lines.
    var text: [String]
}

/// Where a step puts the cursor.
enum LessonCursor: Sendable {
    /// The first block of a zone (on a node, with a page of a kind, that would go offline or
    /// not by `offlineVerdict`, when given: so a lesson keeps its point when boot changes).
    /// Zoomed in on a block chosen for a kind of page, the cursor is on the first such page.
    case firstBlock(ZoneType, node: Int? = nil, containing: PageKind? = nil, offlinable: Bool? = nil, zoom: Bool = false)
    /// The last block of the machine.
    case lastBlock(zoom: Bool = false)
    /// The first page of a kind in the block under the cursor (zoomed in).
    case firstPage(PageKind)
    /// The head of the first large folio (a THP) in the first online, offlinable block of a
    /// zone, zoomed in.
    case firstLargeFolio(ZoneType, node: Int? = nil)
    /// The page being migrated.
    case migrationSource
    /// The whole machine.
    case overview
}

/// The operation a step starts on the block under the cursor.
enum LessonOperation: Sendable {
    case offline
    /// Every online block of the cursor's node, lowest first (the `X` key): a node hot-remove.
    case offlineNode
    case online(OnlineType)
}

/// Where the operation stops before the student takes over.
enum LessonRunTo: Sendable {
    /// Until this phase is the current one (or the operation ends).
    case phase(HotplugPhase)
    /// Until the next step is this stage (`migrate_folio_unmap()` or `migrate_folio_move()`)
    /// of some folio.
    case migrationStage(MigrationInFlight.Stage)
    /// Until the next step is this stage of a folio of this kind (mapped, for anon; a large
    /// folio, a THP, when `large`).
    case migration(of: PageKind, at: MigrationInFlight.Stage, large: Bool = false)
    /// Until a folio of this kind (mapped, for anon; large when `large`) has just been unmapped.
    case unmapped(PageKind, large: Bool = false)
    /// To its end, a signal sent if it stalls.
    case end
    /// This many micro-steps.
    case steps(Int)
}

/// A situation made on purpose, through the engine's public scenario calls.
enum LessonStaging: Sendable {
    /// The first mapped anon page of the cursor's block is caught between a swap-in's read and
    /// its fault for `ticks` ticks (`do_swap_page()`): in the swap cache, on the LRU, unmapped.
    case swapInWindow(ticks: Int)
    /// The process whose page is being migrated exits now.
    case exitMigratingOwner
    /// The first anon page of the cursor's block gets an extra reference (`pin_user_pages()`).
    case pinFirstAnonPage
}

extension Lesson {
    /// The lessons, in teaching order.
    static let all: [Lesson] = [
        .zones, .pageblocks, .perCPULists, .migrateAnonPage, .thpMovedWhole, .slabBusy, .fixes2007,
        .onlining, .nodeHotRemove,
    ]

    /// The lesson called `name`, by name or by its number.
    static func named(_ name: String) -> Lesson? {
        if let n = Int(name) { return all.first { $0.number == n } }
        return all.first { $0.name == name.lowercased() }
    }
}
