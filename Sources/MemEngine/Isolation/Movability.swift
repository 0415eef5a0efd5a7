/// What `has_unmovable_pages()` can see of one page: the facts its checks read.
///
/// Both the simulator and live mode (which reads /proc/kpageflags) describe a page this way, so
/// one function judges both. Kernel: `has_unmovable_pages()`, mm/page_isolation.c.
public struct PageFacts: Equatable, Sendable {
    public var reserved = false
    /// On an LRU list (PG_lru).
    public var lru = false
    /// A non-LRU movable page (`__PageMovable`: zsmalloc, balloon, z3fold).
    public var movable = false
    /// Free in the buddy allocator (PG_buddy); `buddyOrder` is its order.
    public var buddy = false
    public var buddyOrder = 0
    /// `page_ref_count(page) == 0`: free, on a per-cpu list, or a compound tail.
    public var refcountZero = false
    public var hwPoison = false
    /// PageOffline(): given back by a driver (balloon, virtio-mem) or already offline.
    public var offline = false
    /// A piece of a compound page (head or tail; a transparent huge page, a compound slab or
    /// driver allocation). `lru` and `movable` then describe its head.
    public var compound = false
    /// A hugetlbfs page (`PageHuge`).
    public var hugetlb = false
    /// Content the model keeps for the message: slab, page table, ...
    public var kindName: String = "page"

    public init() {}
}

/// Why a page keeps its pageblock from being isolated.
public enum UnmovableReason: String, Codable, Sendable, Equatable {
    /// Bootmem allocations and memory holes are PG_reserved.
    case reserved = "reserved page"
    /// A page that is neither free, on the LRU, nor movable, outside ZONE_MOVABLE.
    case unmovable = "unmovable page"
}

public enum Movability {
    /// Judges one page as `has_unmovable_pages()` does for memory offlining
    /// (`flags & MEMORY_OFFLINE`). Returns nil when the page does not block isolation.
    ///
    /// Kernel: `has_unmovable_pages()`, mm/page_isolation.c: reserved pages block anywhere;
    /// in ZONE_MOVABLE everything else is assumed movable; elsewhere hugetlb pages pass
    /// (`hugepage_migration_supported()`, true for x86_64's 2 MiB pages), a compound page passes
    /// when its head is on the LRU or movable (before the refcount test, so a slab tail with
    /// refcount 0 blocks), free pages (refcount 0), hwpoisoned and PageOffline pages, LRU and
    /// `__PageMovable` pages pass; the rest blocks.
    public static func unmovableReason(_ page: PageFacts, inMovableZone: Bool) -> UnmovableReason? {
        if page.reserved { return .reserved }
        if inMovableZone { return nil }
        if page.hugetlb { return nil }
        if page.compound { return page.lru || page.movable ? nil : .unmovable }
        if page.refcountZero || page.buddy { return nil }
        if page.hwPoison || page.offline { return nil }
        if page.movable || page.lru { return nil }
        return .unmovable
    }
}
