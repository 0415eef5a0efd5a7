/// The phases of memory hot-remove and hot-add, each named by the kernel function that does it.
public enum HotplugPhase: String, Codable, Sendable, CaseIterable {
    // offline_pages()
    case changeState = "memory_block_change_state"
    case checks = "offline_pages"
    case pcpDisable = "zone_pcp_disable"
    case lruCacheDisable = "lru_cache_disable"
    case isolate = "start_isolate_page_range"
    case notifyGoingOffline = "memory_notify(MEM_GOING_OFFLINE)"
    case migrate = "do_migrate_range"
    case dissolveHugetlb = "dissolve_free_hugetlb_folios"
    case testIsolated = "test_pages_isolated"
    case offlineIsolated = "__offline_isolated_pages"
    case finishOffline = "memory_notify(MEM_OFFLINE)"
    case undoIsolate = "undo_isolate_page_range"
    // online_pages()
    case onlineChecks = "online_pages"
    case moveToZone = "move_pfn_range_to_zone"
    case onlineRange = "online_pages_range"
    case onlineUnisolate = "online_pages:undo_isolate_page_range"
    case finishOnline = "memory_notify(MEM_ONLINE)"

    /// The kernel function to look up (online_pages() ends with the same undo as a failed offline).
    public var kernelName: String {
        self == .onlineUnisolate ? HotplugPhase.undoIsolate.rawValue : rawValue
    }

    /// The phases of a successful offline, in order (the failure path adds `undoIsolate`).
    public static let offlinePhases: [HotplugPhase] = [
        .changeState, .checks, .pcpDisable, .lruCacheDisable, .isolate, .notifyGoingOffline,
        .migrate, .dissolveHugetlb, .testIsolated, .offlineIsolated, .finishOffline,
    ]
    public static let onlinePhases: [HotplugPhase] = [.onlineChecks, .moveToZone, .onlineRange, .onlineUnisolate, .finishOnline]
}

/// Where `online_pages()` should put a block (the sysfs state strings).
public enum OnlineType: String, Codable, Sendable, CaseIterable {
    /// `online`: the zone the kernel picks by default.
    case online
    /// `online_kernel`: the kernel zone of the range (Normal or DMA32).
    case kernel = "online_kernel"
    /// `online_movable`: ZONE_MOVABLE.
    case movable = "online_movable"
}

/// How an operation ended.
public struct HotplugResult: Codable, Equatable, Sendable {
    public enum Outcome: String, Codable, Sendable { case offlined, failed, online }
    public var outcome: Outcome
    /// "EBUSY", "EINTR", "EINVAL", "ENOMEM", or nil.
    public var errno: String?
    /// The kernel's reason string ("unmovable page", "signal backoff", ...), or a bug report.
    public var reason: String?
    /// The kernel would have crashed here (a 2007 bug with its fix switched off).
    public var kernelBug: Bool = false
}

/// The folio migration last worked on (`migrate_pages()` unmapping or moving one folio): what
/// the map marks as source and target.
public struct MigrationInFlight: Codable, Equatable, Sendable {
    public enum Stage: String, Codable, Sendable {
        case unmap = "migrate_folio_unmap"
        case move = "migrate_folio_move"
    }
    public var source: PFN
    public var target: PFN?
    public var stage: Stage
    /// The folio's order (0 for a single page, the PMD order for a THP).
    public var order = 0
}

/// A memory hot-remove (or hot-add) in flight: which blocks, which phase, the progress made.
public struct HotplugOperation: Codable, Equatable, Sendable {
    public enum Kind: Codable, Equatable, Sendable {
        case offline
        case online(OnlineType)
    }
    public let kind: Kind
    /// Blocks still to do, the current one first.
    public internal(set) var queue: [BlockID]
    public internal(set) var done: [BlockID] = []
    public internal(set) var phase: HotplugPhase
    public internal(set) var startPFN: PFN
    public internal(set) var endPFN: PFN
    /// The cpu that wrote to sysfs: its per-cpu list is where freed pages would go.
    public let cpu: CPU
    var zone: Int?

    // Progress within a phase.
    var cursor: Int = 0
    public internal(set) var isolatedPageblocks = 0
    /// The most pageblocks isolated at once (isolation is undone on failure).
    public internal(set) var maxIsolatedPageblocks = 0
    public internal(set) var scanPFN: PFN
    /// do_migrate_range's first loop: the next pfn to try to isolate, while isolating.
    var isolateCursor: Int?
    /// The `migrate_pages()` call in flight (its lists live in `Machine.migrateLists`).
    public internal(set) var migratePages: MigratePagesState?
    /// The pass of the `migrate_pages_batch()` call running, from 1 (0: none).
    public internal(set) var pass = 0
    public internal(set) var migration: MigrationInFlight?

    // Counters the offline panel shows.
    public internal(set) var pagesIsolated = 0
    public internal(set) var migrated = 0
    public internal(set) var failedMigrations = 0
    public internal(set) var retries = 0
    public internal(set) var scans = 0
    /// Anonymous pages isolated from the range, pages of them whose PTEs
    /// `remove_migration_ptes()` pointed at a new page, and pages freed from under migration
    /// (their process exited first).
    public internal(set) var anonPagesIsolated = 0
    public internal(set) var anonPagesRemapped = 0
    public internal(set) var pagesFreedUnderUs = 0
    /// Large folios moved whole, and large folios split because no target of their order was
    /// free outside the range.
    public internal(set) var thpMigrated = 0
    public internal(set) var thpSplit = 0
    public internal(set) var startTick: Int
    public internal(set) var ticks = 0

    /// A pending signal (the user cancelled, or the headless tick limit ran out).
    public internal(set) var signalPending = false
    /// Why the operation makes no progress, once the engine has noticed it does not.
    public internal(set) var stall: String?
    var roundsWithoutProgress = 0
    /// `migrated` when the current migrate_pages() round began.
    var roundStartMigrated = 0
    var testFailures = 0
    var lastFailureReason: String?
    var lastFailurePFN: Int?
    var warnings = 0
    var pendingFailure: PendingFailure?
    /// Node states an online will set (`node_states_check_changes_online()`).
    var nodeChange: NodeStateChange?
    public internal(set) var result: HotplugResult?
    /// The kernel's messages (dmesg lines), in order.
    public internal(set) var messages: [String] = []

    public var isFinished: Bool { result != nil }
    /// Inlined: `operation?.block` is read for every event of an offline, and a call of the
    /// getter copied the whole operation (480 bytes) first.
    public var block: BlockID? {
        @inline(__always) get { queue.first }
    }
    public var phases: [HotplugPhase] {
        switch kind {
        case .offline: HotplugPhase.offlinePhases
        case .online: HotplugPhase.onlinePhases
        }
    }
}

/// printk levels of the kernel's messages, named as `dmesg -x` prints them.
public enum KernelLogLevel: String, Codable, Sendable {
    /// KERN_ALERT: "BUG: Bad page state" and other crashes.
    case alert
    /// KERN_WARNING: pr_warn() and dump_page().
    case warning = "warn"
    /// KERN_INFO: pr_info().
    case info
    /// KERN_DEBUG: pr_debug(), printed only with dynamic debug on for mm/memory_hotplug.c.
    case debug
}
