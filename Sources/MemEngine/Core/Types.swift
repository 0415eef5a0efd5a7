/// A page frame number: physical address >> PAGE_SHIFT. Ranges of pfns are half-open.
public struct PFN: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public static func < (a: PFN, b: PFN) -> Bool { a.raw < b.raw }
    public static func + (a: PFN, n: Int) -> PFN { PFN(a.raw + n) }
    public static func - (a: PFN, b: PFN) -> Int { a.raw - b.raw }
    /// The kernel's `%#lx` rendering of a pfn.
    public var description: String { "0x" + String(raw, radix: 16) }
    public init(from decoder: Decoder) throws { raw = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(raw)
    }
}

/// A buddy order: a free block of order n holds 2^n pages.
public struct Order: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public var pages: Int { 1 << raw }
    public static func < (a: Order, b: Order) -> Bool { a.raw < b.raw }
    public var description: String { String(raw) }
}

/// A memory block id, as in /sys/devices/system/memory/memoryN: start pfn / pages per block.
public struct BlockID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public static func < (a: BlockID, b: BlockID) -> Bool { a.raw < b.raw }
    public var description: String { "memory\(raw)" }
    public init(from decoder: Decoder) throws { raw = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(raw)
    }
}

/// A cpu number.
public struct CPU: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public static func < (a: CPU, b: CPU) -> Bool { a.raw < b.raw }
    public var description: String { "cpu\(raw)" }
}

/// A NUMA node number.
public struct NodeID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public static func < (a: NodeID, b: NodeID) -> Bool { a.raw < b.raw }
    public var description: String { "node\(raw)" }
}

/// Zone types of x86_64, in the kernel's order (`enum zone_type`).
public enum ZoneType: Int, Codable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case dma = 0, dma32, normal, movable
    public static func < (a: ZoneType, b: ZoneType) -> Bool { a.rawValue < b.rawValue }
    /// The name /proc/zoneinfo prints.
    public var description: String {
        switch self {
        case .dma: "DMA"
        case .dma32: "DMA32"
        case .normal: "Normal"
        case .movable: "Movable"
        }
    }
}

/// Pageblock migratetypes (`enum migratetype`, include/linux/mmzone.h).
public enum MigrateType: Int, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case unmovable = 0, movable, reclaimable, highAtomic, cma, isolate

    /// MIGRATE_PCPTYPES: the types with their own per-cpu lists.
    public static let pcpTypes: [MigrateType] = [.unmovable, .movable, .reclaimable]
    public static let count = 6

    /// The name /proc/pagetypeinfo prints.
    public var description: String {
        switch self {
        case .unmovable: "Unmovable"
        case .movable: "Movable"
        case .reclaimable: "Reclaimable"
        case .highAtomic: "HighAtomic"
        case .cma: "CMA"
        case .isolate: "Isolate"
        }
    }

    /// Fallback order when a type's own lists are empty (`fallbacks[]`, mm/page_alloc.c).
    /// Isolate, HighAtomic and CMA are never fallen back to.
    public var fallbacks: [MigrateType] {
        switch self {
        case .unmovable: [.reclaimable, .movable]
        case .movable: [.reclaimable, .unmovable]
        case .reclaimable: [.unmovable, .movable]
        default: []
        }
    }
}

/// What holds a page frame. One byte per page.
public enum PageKind: UInt8, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// No RAM behind this pfn (a hole), or a pfn past the end of memory in its block.
    case hole = 0
    /// Free in the buddy allocator (the head carries PG_buddy and the order; tails follow it).
    case free
    /// Free, on a per-cpu list (order 0).
    case pcp
    /// Anonymous memory of a process.
    case anon
    /// Page cache of a file.
    case file
    /// Slab allocator page (kernel objects; unmovable or reclaimable).
    case slab
    /// A process's page table page.
    case pageTable
    /// Reserved at boot (memblock/bootmem: kernel image, memmap, firmware).
    case reserved
    /// Taken offline by memory hot-remove.
    case offline
    /// Uninitialised memmap: garbage flags (only without the memmap-roundup fix).
    case garbage
    /// An imported kernel page whose owner /proc does not show (it read no flags: vmalloc,
    /// stacks, driver memory, a page in transit). Referenced, on no list, never migrated:
    /// unmovable outside ZONE_MOVABLE, and in ZONE_MOVABLE a page migration never empties.
    case kernel

    public var description: String {
        switch self {
        case .hole: "hole"
        case .free: "free"
        case .pcp: "per-cpu"
        case .anon: "anon"
        case .file: "file"
        case .slab: "slab"
        case .pageTable: "page table"
        case .reserved: "reserved"
        case .offline: "offline"
        case .garbage: "garbage"
        case .kernel: "unknown kernel page"
        }
    }

    /// Whether content lives in the page (it has an owner and a content token).
    public var hasContent: Bool {
        switch self {
        case .anon, .file, .slab, .pageTable: true
        default: false
        }
    }
}

/// Page flags (a subset of `enum pageflags`), one bit each.
public struct PageFlags: OptionSet, Hashable, Codable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let lru = PageFlags(rawValue: 1 << 0)
    public static let active = PageFlags(rawValue: 1 << 1)
    public static let unevictable = PageFlags(rawValue: 1 << 2)
    public static let dirty = PageFlags(rawValue: 1 << 3)
    public static let writeback = PageFlags(rawValue: 1 << 4)
    public static let locked = PageFlags(rawValue: 1 << 5)
    public static let reserved = PageFlags(rawValue: 1 << 6)
    public static let slab = PageFlags(rawValue: 1 << 7)
    public static let swapcache = PageFlags(rawValue: 1 << 8)
    public static let mappedToDisk = PageFlags(rawValue: 1 << 9)
    /// Taken off the LRU by `folio_isolate_lru()` (migration) or by reclaim.
    public static let isolated = PageFlags(rawValue: 1 << 10)
    public static let buddy = PageFlags(rawValue: 1 << 11)
    public static let offline = PageFlags(rawValue: 1 << 12)
    /// PG_swapbacked: anon (and shmem) pages, which go on the anon LRU lists.
    public static let swapBacked = PageFlags(rawValue: 1 << 13)
    public static let referenced = PageFlags(rawValue: 1 << 14)
    public static let hwPoison = PageFlags(rawValue: 1 << 15)

    static let names: [(PageFlags, String)] = [
        (.locked, "locked"), (.referenced, "referenced"), (.dirty, "dirty"), (.lru, "lru"),
        (.active, "active"), (.slab, "slab"), (.writeback, "writeback"), (.buddy, "buddy"),
        (.swapcache, "swapcache"), (.swapBacked, "swapbacked"), (.unevictable, "unevictable"),
        (.reserved, "reserved"), (.mappedToDisk, "mappedtodisk"), (.isolated, "isolated"),
        (.offline, "offline"), (.hwPoison, "hwpoison"),
    ]

    /// The flag names, as `dump_page()` prints them.
    public var names: [String] { Self.names.filter { contains($0.0) }.map(\.1) }
}

/// The LRU lists of a lruvec (`enum lru_list`).
public enum LRUList: Int, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case inactiveAnon = 0, activeAnon, inactiveFile, activeFile, unevictable
    public var description: String {
        switch self {
        case .inactiveAnon: "inactive_anon"
        case .activeAnon: "active_anon"
        case .inactiveFile: "inactive_file"
        case .activeFile: "active_file"
        case .unevictable: "unevictable"
        }
    }
}

/// The fixes of the 2007 hot-remove series, each of which can be switched off to show its bug.
public enum Fix: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case isolateFreedPagesASAP = "isolate-freed-pages-asap"
    case swapinUnmappedSkip = "swapin-unmapped-skip"
    case anonVMAHold = "anon-vma-hold"
    case memmapRoundup = "memmap-roundup"
    public var description: String { rawValue }
}
