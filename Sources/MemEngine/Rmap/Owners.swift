/// The reverse-map anchor of a process's anonymous pages (`struct anon_vma`).
public struct AnonVMA: Codable, Equatable, Sendable {
    /// References held by the process's VMAs (1 while it lives) and by migrations in flight
    /// (`folio_get_anon_vma()`).
    public internal(set) var refcount: Int
    public internal(set) var freed = false
}

/// A process of the workload: its anonymous memory and page tables.
public struct Process: Codable, Equatable, Sendable {
    public let pid: Int
    public let node: NodeID
    public let cpu: CPU
    public internal(set) var alive = true
    /// The tick it exits at (see Workload/Timing.swift), and the most pages it faults.
    public internal(set) var exitTick = Int.max
    public internal(set) var rssLimit = Int.max
    /// While its exit unmaps the address space a page table at a time: the next PTE to zap
    /// (Workload/ExitMmap.swift). The process has left the workload but its mm still exists.
    public internal(set) var exitCursor: Int?
    /// Virtual page index → PTE, through PMD entries (Rmap/PageTable.swift). The anon_vma has
    /// the same id as the process.
    var ptes: PageTable
    /// Page-table pages (pfns), one per 512 mapped pages in the kernel; here one per 64.
    var pageTables: [UInt32] = []
    public var residentPages: Int { ptes.residentPages }
}

/// A file whose pages are in the page cache (`struct address_space`).
public struct CachedFile: Codable, Equatable, Sendable {
    public let id: Int
    /// Page offset → pfn of the cached page (PageArrays.none when not cached).
    var pages: PageCacheMap
}

/// Owner ids: which table a content page's `owner` word refers to.
enum OwnerSpace {
    /// Slab pages belong to the kernel's slab caches; their index is the position in `slabPages`.
    static let slabCache: UInt32 = 0
}
