/// The one-shot report of `memtop inspect`: zones, memory blocks, page kinds per block and a
/// what-if offline verdict per block. Live mode fills it from /proc and /sys; the simulator
/// fills the same shape from its model.
///
/// Its JSON is the contract of DESIGN.md ("Command line"): one object with `kernel`,
/// `block_size_bytes`, `zones`, `blocks`; values that are unknown are written as null, never
/// left out.
struct InspectReport: Codable, Equatable, Sendable {
    /// Kernel release ("6.18.44-fc-v595"), or a label for a simulated machine.
    var kernel: String?
    var blockSizeBytes: UInt64?
    var zones: [Zone]
    var blocks: [Block]
    /// One line per source that could not be read, and why ("/proc/kpageflags: Permission denied").
    var unavailable: [String] = []

    struct Zone: Codable, Equatable, Sendable {
        var node: Int
        var name: String
        var startPfn: UInt64?
        var spanned: UInt64
        var present: UInt64
        var managed: UInt64
        /// Free pages: buddyinfo's sum over orders of count << order (zoneinfo's "pages free"
        /// when buddyinfo is unavailable).
        var freePages: UInt64
        /// lowmem_reserve[] (zoneinfo's `protection:`): per highest zone index of an allocation,
        /// lowest first, the pages it must leave free here above the watermark. One entry per
        /// zone type (DMA, DMA32, Normal, Movable; the kernel's zoneinfo adds Device); nil when
        /// unknown.
        var protection: [UInt64]? = nil

        enum CodingKeys: String, CodingKey {
            case node, name, spanned, present, managed, protection
            case startPfn = "start_pfn"
            case freePages = "free_pages"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(node, forKey: .node)
            try c.encode(name, forKey: .name)
            try c.encode(startPfn, forKey: .startPfn)
            try c.encode(spanned, forKey: .spanned)
            try c.encode(present, forKey: .present)
            try c.encode(managed, forKey: .managed)
            try c.encode(freePages, forKey: .freePages)
            try c.encode(protection, forKey: .protection)
        }
    }

    /// Pages of a block by kind; every pfn of the block is counted once.
    struct PageCounts: Codable, Equatable, Sendable {
        var free: UInt64 = 0
        var lruAnon: UInt64 = 0
        var lruFile: UInt64 = 0
        var slab: UInt64 = 0
        var pagetable: UInt64 = 0
        var reserved: UInt64 = 0
        /// Pages without flags: kernel allocations /proc does not name, or per-cpu free pages.
        var kernel: UInt64 = 0
        var other: UInt64 = 0
        var offline: UInt64 = 0
        /// Present but never initialised (deferred struct page init); see `LivePageKind.uninit`.
        var uninit: UInt64 = 0
        /// Free pages on per-cpu lists (not in `free`, not in the zone's free_pages); nil in
        /// live mode, where the kernel shows them as free.
        var pcp: UInt64?

        enum CodingKeys: String, CodingKey {
            case free, pcp, slab, pagetable, reserved, kernel, other, offline, uninit
            case lruAnon = "lru_anon"
            case lruFile = "lru_file"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(free, forKey: .free)
            try c.encode(pcp, forKey: .pcp)
            try c.encode(lruAnon, forKey: .lruAnon)
            try c.encode(lruFile, forKey: .lruFile)
            try c.encode(slab, forKey: .slab)
            try c.encode(pagetable, forKey: .pagetable)
            try c.encode(reserved, forKey: .reserved)
            try c.encode(kernel, forKey: .kernel)
            try c.encode(other, forKey: .other)
            try c.encode(offline, forKey: .offline)
            try c.encode(uninit, forKey: .uninit)
        }

        init() {}

        subscript(kind: LivePageKind) -> UInt64 {
            get {
                switch kind {
                case .free: return free
                case .lruAnon: return lruAnon
                case .lruFile: return lruFile
                case .slab: return slab
                case .pagetable: return pagetable
                case .reserved: return reserved
                case .kernel: return kernel
                case .other: return other
                case .offline: return offline
                case .uninit: return uninit
                }
            }
            set {
                switch kind {
                case .free: free = newValue
                case .lruAnon: lruAnon = newValue
                case .lruFile: lruFile = newValue
                case .slab: slab = newValue
                case .pagetable: pagetable = newValue
                case .reserved: reserved = newValue
                case .kernel: kernel = newValue
                case .other: other = newValue
                case .offline: offline = newValue
                case .uninit: uninit = newValue
                }
            }
        }

        var total: UInt64 { LivePageKind.allCases.reduce(pcp ?? 0) { $0 + self[$1] } }
    }

    /// A pfn that stops the block from going offline, with the kernel's reason string.
    struct Blocker: Codable, Equatable, Sendable {
        var pfn: UInt64
        /// "reserved page", "unmovable page" (has_unmovable_pages), "memory holes",
        /// "multizone range" (offline_pages range checks).
        var reason: String
        /// What the page is ("slab", "no flags", ...), when known.
        var kind: String?
    }

    struct Block: Codable, Equatable, Sendable {
        static let maxBlockers = 8

        var id: Int
        var state: String?
        /// The zone the block's pfns are in; "multizone" when they fall in several; nil when not
        /// known (offline block, zoneinfo unavailable).
        var zone: String?
        var node: Int?
        var startPfn: UInt64
        /// sysfs valid_zones as written.
        var validZones: [String]?
        var pages: PageCounts?
        /// true: would offline; false: EBUSY/EINVAL with `blockers`; nil: cannot tell (offline
        /// already, or page flags unreadable).
        var offlinable: Bool?
        /// At most `maxBlockers`, lowest pfn first.
        var blockers: [Blocker]
        /// All blocking pages, of which `blockers` lists the first few.
        var blockerCount: UInt64
        /// Why `offlinable` is nil, or what else limits the verdict.
        var note: String?
        /// The errno class the kernel's offline would end with when `offlinable` is false:
        /// "EINVAL" (refused before any page is looked at: `valid_zones` "none", holes, several
        /// zones), "EBUSY" (isolation fails on an unmovable or reserved page) or "EINTR"
        /// (migration cannot finish and only the signal ends it); nil otherwise.
        var errno: String? = nil
        /// Why the block would not offline, in one phrase ("unmovable page", "reserved page",
        /// "memory holes", "multizone range", "not enough free memory to migrate N pages");
        /// nil when it would, or when it cannot be told.
        var reason: String? = nil
        /// In-use movable pages of the block that migration would have to move.
        var pagesToMigrate: UInt64? = nil
        /// Free pages outside the block that could receive them: above the min watermark and the
        /// lowmem reserve, in the zones and nodes `alloc_migration_target()` may use.
        var freeForMigration: UInt64? = nil

        enum CodingKeys: String, CodingKey {
            case id, state, zone, node, pages, offlinable, blockers, note, errno, reason
            case startPfn = "start_pfn"
            case validZones = "valid_zones"
            case blockerCount = "blocker_count"
            case pagesToMigrate = "pages_to_migrate"
            case freeForMigration = "free_for_migration"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(state, forKey: .state)
            try c.encode(zone, forKey: .zone)
            try c.encode(node, forKey: .node)
            try c.encode(startPfn, forKey: .startPfn)
            try c.encode(validZones, forKey: .validZones)
            try c.encode(pages, forKey: .pages)
            try c.encode(offlinable, forKey: .offlinable)
            try c.encode(blockers, forKey: .blockers)
            try c.encode(blockerCount, forKey: .blockerCount)
            try c.encode(note, forKey: .note)
            try c.encode(errno, forKey: .errno)
            try c.encode(reason, forKey: .reason)
            try c.encode(pagesToMigrate, forKey: .pagesToMigrate)
            try c.encode(freeForMigration, forKey: .freeForMigration)
        }
    }

    enum CodingKeys: String, CodingKey {
        case kernel, zones, blocks, unavailable
        case blockSizeBytes = "block_size_bytes"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(blockSizeBytes, forKey: .blockSizeBytes)
        try c.encode(zones, forKey: .zones)
        try c.encode(blocks, forKey: .blocks)
        try c.encode(unavailable, forKey: .unavailable)
        var extra = encoder.container(keyedBy: SummaryKey.self)
        try extra.encode(VerdictSummary(self), forKey: .summary)
    }

    /// The verdict summary is derived, so it is written but never read back.
    enum SummaryKey: String, CodingKey { case summary }
}
