/// The simulated machine: physical memory, zones, allocator, LRU, processes and the hot-remove
/// operation in flight. A value: a copy is a snapshot, and the same seed and inputs give the
/// same events and the same state.
public struct Machine: Codable, Equatable, Sendable {
    public let config: MachineConfig
    public var geometry: Geometry { config.geometry }

    var pages: PageArrays
    /// Per pageblock: the migratetype (`get_pageblock_migratetype()` without isolation).
    var pageblockMT: [UInt8]
    /// Per pageblock: PB_migrate_isolate (a bit of its own since Linux 6.16, so that undoing
    /// isolation restores the migratetype the block had).
    var pageblockIsolated: [Bool]
    /// Per pageblock: index into `zones` (the zone its pages are linked to), or 255.
    var pageblockZone: [UInt8]

    public internal(set) var zones: [Zone]
    public internal(set) var nodes: [Node]
    public internal(set) var blocks: [MemoryBlock]

    /// Per cpu: pages waiting in the LRU add batch (`cpu_fbatches.lru_add`).
    var lruAddBatch: [[UInt32]]
    /// `lru_cache_disable()` nesting count: while > 0, new LRU pages skip the batches.
    public internal(set) var lruCacheDisabled = 0

    var processes: [Process] = []
    var anonVMAs: [AnonVMA] = []
    var alivePIDs: [Int] = []
    /// Processes whose exit is unmapping their memory, oldest first (Workload/ExitMmap.swift).
    var exitingPIDs: [Int] = []
    var files: [CachedFile] = []
    /// Slab pages, in no particular order; a slab page's `index` is its position here.
    var slabPages: [UInt32] = []
    /// Swap slots: the content token held by each slot, or nil when the slot is free.
    var swapSlots: [SwapSlot?] = []
    var freeSwapSlots: [Int] = []
    /// Pages under I/O started by the workload: writeback, swap-out and swap-in completions.
    var inFlightIO: [PendingIO] = []

    public internal(set) var tick = 0
    var rng: SeededRandom
    public var workloadEnabled = true
    public var eventFilter: EventFilter = [.hotplug, .workload]
    public internal(set) var events: [Event] = []
    /// Oldest events are dropped past this many (the UI's log and the trace drain them).
    public var eventLimit = 4096

    public internal(set) var vmstat = VMStat()
    /// Per node: the zones an allocation preferring it walks (`build_all_zonelists()`).
    var zonelists: [[Int]] = []
    /// kswapd: which nodes' kswapd is awake and where each zone's scan stands.
    var reclaim = ReclaimState()
    /// Set while direct reclaim runs, so that it does not recurse into itself.
    var inDirectReclaim = false

    /// The hot-remove or hot-add operation in flight, if any.
    public internal(set) var operation: HotplugOperation?
    /// The real block ids and pfns of an imported machine: events carry those.
    public internal(set) var addresses = AddressMap()
    /// memory-notifier-error-inject: the error a memory notifier returns for each action
    /// (debugfs notifier-error-inject/memory/actions/<ACTION>/error); empty on a normal machine.
    public var notifierErrorInject: [MemoryNotifyAction: NotifierErrno] = [:]
    /// Whether reclaim may swap anon pages out (false for an imported machine without swap).
    public internal(set) var swapEnabled = true
    /// The folio lists of the migration in flight: in the machine's own storage, so that no
    /// copy of the operation value can share (and on append, copy) them.
    var migrateLists = MigrateLists()
    /// Direct compaction's scanners, skip hints and deferral, per zone.
    var compaction = CompactionStore()

    public var pageCount: Int { pages.count }
}

/// The content a swap slot holds: whose page and which one.
struct SwapSlot: Codable, Equatable, Sendable {
    var pid: UInt32
    var index: UInt32
}

/// I/O the workload started that completes some ticks later.
struct PendingIO: Codable, Equatable, Sendable {
    enum Kind: UInt8, Codable, Sendable { case writeback, swapOut, swapIn, swapInMap }
    var kind: Kind
    var pfn: UInt32
    var due: Int
}

/// Counters of /proc/vmstat that the model keeps.
public struct VMStat: Codable, Equatable, Sendable {
    public internal(set) var pgmigrateSuccess = 0
    public internal(set) var pgmigrateFail = 0
    public internal(set) var pswpin = 0
    public internal(set) var pswpout = 0
    public internal(set) var pgfault = 0
    public internal(set) var allocFailures = 0
    public internal(set) var directReclaimed = 0
    public internal(set) var thpFaultAlloc = 0
    public internal(set) var thpFaultFallback = 0
    public internal(set) var thpSplitPage = 0
    public internal(set) var thpMigrationSuccess = 0
    public internal(set) var thpMigrationSplit = 0
    /// compact_stall, compact_fail, compact_success: direct compactions, and whether the
    /// allocation then failed or succeeded.
    public internal(set) var compactStall = 0
    public internal(set) var compactFail = 0
    public internal(set) var compactSuccess = 0
    /// compact_migrate_scanned, compact_free_scanned, compact_isolated.
    public internal(set) var compactMigrateScanned = 0
    public internal(set) var compactFreeScanned = 0
    public internal(set) var compactIsolated = 0
    /// Pages migrate_pages(MR_COMPACTION) moved (they count in pgmigrate_success too).
    public internal(set) var compactMigrated = 0
}

extension Machine {
    /// Records an event if its class is switched on.
    mutating func emit(_ cls: EventFilter, _ fn: String, block: Int? = nil, pfn: Int? = nil, toPFN: Int? = nil,
                       order: Int? = nil, detail: consuming EventDetail? = nil) {
        guard eventFilter.contains(cls) else { return }
        if addresses.isIdentity {
            // A booted machine: every number is already the real one (the common case, and
            // an offline records five events a page).
            events.append(Event(tick: tick, fn: fn, block: block, pfn: pfn, toPFN: toPFN, order: order,
                                recordedDetail: detail))
        } else {
            let a = addresses
            let to = toPFN.map { Event.toPFNEndsRange(fn) ? a.pfnEnd($0) : a.pfn($0) }
            events.append(Event(tick: tick, fn: fn, block: block.map(a.block), pfn: pfn.map(a.pfn), toPFN: to,
                                order: order, recordedDetail: detail))
        }
        // Trimmed in large steps, so that the shifting costs little per event.
        if events.count >= 2 * eventLimit {
            events.removeFirst(events.count - eventLimit)
        }
    }

    /// Hands the recorded events to the caller and forgets them.
    public mutating func drainEvents() -> [Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    // MARK: pfn lookups

    @inline(__always) func pageblockIndex(_ p: Int) -> Int { p >> geometry.pageblockOrder }

    /// The zone index a pfn is linked to (`page_zone()`), or nil for holes and offline blocks
    /// without a zone.
    @inline(__always) func zoneIndex(of p: Int) -> Int? {
        let z = pageblockZone[pageblockIndex(p)]
        return z == 255 ? nil : Int(z)
    }

    /// `get_pageblock_migratetype()`: Isolate while the block is isolated.
    @inline(__always) func effectiveMT(_ p: Int) -> MigrateType {
        let pb = pageblockIndex(p)
        return pageblockIsolated[pb] ? .isolate : (MigrateType(rawValue: Int(pageblockMT[pb])) ?? .movable)
    }

    @inline(__always) func isIsolated(_ p: Int) -> Bool { pageblockIsolated[pageblockIndex(p)] }

    func blockRange(_ b: BlockID) -> Range<Int> {
        let s = b.raw * geometry.pagesPerBlock
        return s..<min(s + geometry.pagesPerBlock, pages.count)
    }
}
