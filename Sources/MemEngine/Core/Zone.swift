/// Zone watermarks (`zone->_watermark[]`), in pages.
public struct Watermarks: Codable, Equatable, Sendable {
    public var min = 0, low = 0, high = 0

    public init(min: Int = 0, low: Int = 0, high: Int = 0) {
        self.min = min
        self.low = low
        self.high = high
    }
}

/// One cpu's per-cpu page lists for a zone (`struct per_cpu_pages`): order-0 pages, a list per
/// pcp migratetype, hot end first.
public struct PerCPUPages: Codable, Equatable, Sendable {
    public internal(set) var count = 0
    public internal(set) var high = 0
    public internal(set) var batch = 1
    var lists = Array(repeating: PageList(), count: MigrateType.pcpTypes.count)

    public func count(of mt: MigrateType) -> Int { mt.rawValue < lists.count ? lists[mt.rawValue].count : 0 }
}

/// A zone of one node (`struct zone`): span, counters, buddy free lists and per-cpu lists.
public struct Zone: Codable, Equatable, Sendable {
    public let node: NodeID
    public let type: ZoneType
    /// First pfn of the zone's span; `[startPFN, startPFN + spanned)`.
    public internal(set) var startPFN: PFN
    public internal(set) var spanned: Int
    public internal(set) var present: Int
    public internal(set) var managed: Int
    /// NR_FREE_PAGES: free pages in the buddy allocator, not counting isolated pageblocks'
    /// free pages and not counting pages on per-cpu lists.
    public internal(set) var freePages = 0
    public internal(set) var watermarks = Watermarks()
    /// `lowmem_reserve[]`: for an allocation whose highest allowed zone type is `t`, the pages
    /// this zone keeps free above the watermark (`lowmemReserve[t.rawValue]`); zoneinfo's
    /// `protection:`. Set by `setupPerZoneLowmemReserve()`.
    public internal(set) var lowmemReserve = Array(repeating: 0, count: ZoneType.allCases.count)
    public internal(set) var nrIsolatePageblock = 0
    /// `zone_pcp_disable()` nesting count; while > 0, pcp high is 0 and batch 1.
    public internal(set) var pcpDisabled = 0
    var freeArea: [PageList]
    public internal(set) var pcp: [PerCPUPages]

    init(node: NodeID, type: ZoneType, start: PFN, spanned: Int, maxOrder: Int, cpus: Int) {
        self.node = node
        self.type = type
        self.startPFN = start
        self.spanned = spanned
        self.present = 0
        self.managed = 0
        self.freeArea = Array(repeating: PageList(), count: (maxOrder + 1) * MigrateType.count)
        self.pcp = Array(repeating: PerCPUPages(), count: cpus)
    }

    public var endPFN: PFN { startPFN + spanned }
    public var name: String { type.description }
    public var isPopulated: Bool { present > 0 }
    public func contains(_ pfn: PFN) -> Bool { pfn >= startPFN && pfn < endPFN }

    @inline(__always) func listIndex(order: Int, mt: MigrateType) -> Int { order * MigrateType.count + mt.rawValue }

    /// `free_area[order].free_list[mt]`'s length in blocks.
    public func freeCount(order: Int, mt: MigrateType) -> Int { freeArea[listIndex(order: order, mt: mt)].count }

    /// `free_area[order].nr_free`: free blocks of this order on all lists (what buddyinfo prints).
    public func nrFree(order: Int) -> Int {
        MigrateType.allCases.reduce(0) { $0 + freeCount(order: order, mt: $1) }
    }

    public var maxOrder: Int { freeArea.count / MigrateType.count - 1 }

    /// Pages on all per-cpu lists of this zone.
    public var pcpPages: Int { pcp.reduce(0) { $0 + $1.count } }
}

/// A NUMA node (`pg_data_t`): its pfn range, zones, cpus and LRU counters.
public struct Node: Codable, Equatable, Sendable {
    public let id: NodeID
    public internal(set) var startPFN: PFN
    public internal(set) var endPFN: PFN
    public internal(set) var cpus: [CPU]
    /// Indices into `Machine.zones`, lowest zone type first.
    public internal(set) var zoneIndices: [Int]
    /// LRU list sizes (`lruvec`), by `LRUList.rawValue`.
    public internal(set) var lruSize = Array(repeating: 0, count: LRUList.allCases.count)
    /// NR_ISOLATED_ANON / NR_ISOLATED_FILE: pages taken off the LRU for migration or reclaim.
    public internal(set) var nrIsolatedAnon = 0
    public internal(set) var nrIsolatedFile = 0
    /// N_MEMORY: the node has memory (cleared when its last block goes offline).
    public internal(set) var hasMemory = true
    /// N_NORMAL_MEMORY: the node has memory in a kernel zone (DMA ... Normal).
    public internal(set) var hasNormalMemory = true
    /// kswapd and kcompactd run for nodes with memory (`kswapd_run()`, `kswapd_stop()`).
    public internal(set) var kswapdRunning = true
    public internal(set) var kcompactdRunning = true

    public func lru(_ l: LRUList) -> Int { lruSize[l.rawValue] }
}

/// A memory block's state, as /sys/devices/system/memory/memoryN/state prints it.
public enum BlockState: String, Codable, Sendable {
    case online
    case goingOffline = "going-offline"
    case offline
}

/// A memory block (/sys/devices/system/memory/memoryN).
public struct MemoryBlock: Codable, Equatable, Sendable {
    public let id: BlockID
    public let node: NodeID
    public internal(set) var state: BlockState
    /// Pages with RAM behind them (less than pages per block when the block has a hole).
    public let presentPages: Int
}
