/// A page table entry of the model, as a process's view of one virtual page.
///
/// Encoded in one word: a present pfn, a migration entry (the page is being migrated), a swap
/// entry (the content is in a swap slot), or none.
public struct PTE: Codable, Equatable, Sendable {
    var raw: UInt32

    static let none = PTE(raw: .max)
    static let migrationBit: UInt32 = 1 << 30
    static let swapBit: UInt32 = 1 << 31

    static func present(_ pfn: Int) -> PTE { PTE(raw: UInt32(pfn)) }
    static func migration(_ pfn: Int) -> PTE { PTE(raw: UInt32(pfn) | migrationBit) }
    static func swap(_ slot: Int) -> PTE { PTE(raw: UInt32(slot) | swapBit) }

    var isNone: Bool { raw == .max }
    var presentPFN: Int? { !isNone && raw & (Self.swapBit | Self.migrationBit) == 0 ? Int(raw) : nil }
    var migrationPFN: Int? { !isNone && raw & Self.swapBit == 0 && raw & Self.migrationBit != 0 ? Int(raw & ~Self.migrationBit) : nil }
    var swapSlot: Int? { !isNone && raw & Self.swapBit != 0 ? Int(raw & ~Self.swapBit) : nil }
}

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
    /// Virtual page index → PTE. The anon_vma has the same id as the process.
    var ptes: [PTE] = []
    /// Page-table pages (pfns), one per 512 mapped pages in the kernel; here one per 64.
    var pageTables: [UInt32] = []
    public var residentPages: Int { ptes.reduce(0) { $0 + ($1.presentPFN != nil ? 1 : 0) } }
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
