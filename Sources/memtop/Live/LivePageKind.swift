import MemEngine

/// What holds a page, as far as /proc/kpageflags and /proc/kpagecount tell: the partition used
/// for the per-block counts. Every pfn of a block gets exactly one kind.
enum LivePageKind: String, CaseIterable, Codable, Sendable {
    /// In the buddy allocator (KPF_BUDDY, or an inferred tail of a free block; see
    /// `BuddyTailRule`).
    case free
    /// On an LRU list and swap-backed (anon, shmem): the kernel's anon LRU.
    case lruAnon = "lru_anon"
    /// On an LRU list and not swap-backed: page cache (and lazily-freed anon) on the file LRU.
    case lruFile = "lru_file"
    case slab
    case pagetable
    /// PG_reserved: bootmem, firmware, the kernel image, memory-map holes.
    case reserved
    /// No flag at all (or only COMPOUND_HEAD, with its tails): a kernel allocation that /proc
    /// does not name (vmalloc, stacks, driver memory), or a free page on a per-cpu list.
    case kernel
    /// Anything else: flags that fit no kind above (hwpoisoned pages, odd combinations).
    case other
    /// No online struct page (KPF_NOPAGE: hole or offline section) or PageOffline (balloon).
    case offline
    /// Present but never initialised (deferred struct page init): a whole pageblock that reads
    /// flags 0 and count 0. Not in the buddy allocator yet, so buddyinfo does not count it.
    case uninit

    /// The name shown to people and used as a blocker's kind.
    var label: String {
        switch self {
        case .lruAnon: return "anon (LRU)"
        case .lruFile: return "file (LRU)"
        case .pagetable: return "page table"
        case .kernel: return "no flags"
        case .uninit: return "never initialised"
        default: return rawValue
        }
    }
}

/// How tails of free buddy blocks read in /proc/kpageflags.
///
/// `stable_page_flags()` (fs/proc/page.c) sets KPF_BUDDY on the head page via PageBuddy() and on
/// every other page of a free block via `page_count(page) == 0 && is_free_buddy_page(page)`;
/// current kernels do this and the 6.18 capture shows it; memtop assumes it from 5.0 on (the
/// exact release that started it is not checked). Older kernels marked only the head, so the order of a free block has to be inferred: the rule then extends a
/// KPF_BUDDY head over the following pages that read flags 0 and mapcount 0, up to the largest
/// naturally aligned block of at most 2^MAX_PAGE_ORDER pages starting at the head, and stops at
/// the first page with any flag. That is an upper bound (a flagless kernel allocation right
/// after a free order-0 page would be counted free), which is why it is used only when needed.
enum BuddyTailRule: Sendable, Equatable {
    /// Every page of a free block reads KPF_BUDDY (kernel 5.0 and later).
    case marked
    /// Only the head reads KPF_BUDDY: infer the tails (kernels before 5.0).
    case inferred

    /// The rule for a kernel release string ("6.18.44-fc"); `marked` when it cannot be parsed.
    static func forKernel(_ release: String?) -> BuddyTailRule {
        guard let release, let major = Int(release.prefix(while: { $0.isNumber })) else { return .marked }
        return major >= 5 ? .marked : .inferred
    }
}

/// Turns raw kpageflags/kpagecount entries into kinds and MemEngine `PageFacts`.
struct PageClassifier: Sendable {
    var buddyTails: BuddyTailRule
    /// Pages per pageblock (512 on x86_64): the unit of the "never initialised" test.
    var pageblockPages: UInt64 = 512
    /// MAX_PAGE_ORDER: the largest free block is 2^maxOrder pages.
    var maxOrder = 10
    /// While inferring tails: the end of the free block that started at the last BUDDY head.
    private var inferredFreeEnd: UInt64 = 0
    /// The kind of the compound page whose head was read last, while its tails follow.
    private var compoundHead: LivePageKind?
    /// The pfn after the last one classified: a scan that jumps elsewhere forgets the head.
    private var nextPFN: UInt64 = 0

    init(buddyTails: BuddyTailRule) { self.buddyTails = buddyTails }

    /// Classifies `flags.count` consecutive pfns starting at `start`. `counts` is kpagecount for
    /// the same pfns, or nil when it is unavailable (then mapcounts are taken as 0).
    mutating func classify(start: UInt64, flags: [UInt64], counts: [UInt64]?) -> [LivePageKind] {
        var kinds = [LivePageKind](repeating: .other, count: flags.count)
        if start != nextPFN { compoundHead = nil }
        nextPFN = start + UInt64(flags.count)
        let noCounts = [UInt64](repeating: 0, count: counts == nil ? flags.count : 0)
        let mapcounts = counts ?? noCounts
        var index = 0
        while index < flags.count {
            // Work a pageblock at a time so that a wholly blank pageblock can be recognised.
            let pfn = start + UInt64(index)
            let toBoundary = Int(pageblockPages - pfn % pageblockPages)
            let end = min(flags.count, index + toBoundary)
            var blank = end - index == Int(pageblockPages)
            var i = index
            while blank && i < end {
                blank = flags[i] | mapcounts[i] == 0
                i += 1
            }
            for i in index..<end {
                kinds[i] = kind(pfn: start + UInt64(i), flags: flags[i], count: mapcounts[i],
                                blankPageblock: blank)
            }
            index = end
        }
        return kinds
    }

    // Raw masks: this runs once per pfn, hundreds of millions of times on a large machine.
    private static let buddyBit = KPageFlags.buddy.rawValue
    private static let offlineBits = KPageFlags([.noPage, .offline]).rawValue
    private static let reservedBit = KPageFlags.reserved.rawValue
    private static let slabBit = KPageFlags.slab.rawValue
    private static let pgtableBit = KPageFlags.pgtable.rawValue
    private static let lruBit = KPageFlags.lru.rawValue
    private static let swapbackedBit = KPageFlags.swapbacked.rawValue

    private static let headBit = KPageFlags.compoundHead.rawValue
    private static let tailBit = KPageFlags.compoundTail.rawValue
    private static let thpBit = KPageFlags.thp.rawValue
    private static let anonBit = KPageFlags.anon.rawValue
    private static let userBits = KPageFlags([.anon, .swapbacked, .mmap, .uptodate, .swapcache]).rawValue
    private static let kernelBits = KPageFlags([.slab, .pgtable, .reserved, .buddy, .noPage, .offline, .huge]).rawValue

    private mutating func kind(pfn: UInt64, flags raw: UInt64, count: UInt64, blankPageblock: Bool) -> LivePageKind {
        // A compound tail is part of its head's folio: a THP tail reads MMAP|ANON|COMPOUND_TAIL|THP
        // without LRU and with kpagecount 0 (stable_page_flags() copies the tail's own
        // page->flags), yet the kernel migrates it with its head.
        if raw & Self.tailBit != 0 {
            return compoundHead ?? Self.headlessTail(raw)
        }
        let kind = ownKind(pfn: pfn, flags: raw, count: count, blankPageblock: blankPageblock)
        compoundHead = raw & Self.headBit != 0 ? kind : nil
        return kind
    }

    /// A tail whose head was not read (the scan began inside the compound page): a THP is on
    /// the LRU (`stable_page_flags()` sets KPF_THP only when the head is LRU or anon).
    private static func headlessTail(_ raw: UInt64) -> LivePageKind {
        guard raw & thpBit != 0 else { return .other }
        return raw & anonBit != 0 ? .lruAnon : .lruFile
    }

    private mutating func ownKind(pfn: UInt64, flags raw: UInt64, count: UInt64, blankPageblock: Bool) -> LivePageKind {
        if raw & Self.buddyBit != 0 {
            if buddyTails == .inferred {
                let alignment = pfn == 0 ? maxOrder : min(pfn.trailingZeroBitCount, maxOrder)
                inferredFreeEnd = pfn + (UInt64(1) << UInt64(alignment))
            }
            return .free
        }
        if buddyTails == .inferred {
            if raw == 0 && count == 0 && pfn < inferredFreeEnd { return .free }
            inferredFreeEnd = 0
        }
        if raw & Self.offlineBits != 0 { return .offline }
        if raw & Self.reservedBit != 0 { return .reserved }
        if raw & Self.slabBit != 0 { return .slab }
        if raw & Self.pgtableBit != 0 { return .pagetable }
        if raw & Self.lruBit != 0 { return raw & Self.swapbackedBit != 0 ? .lruAnon : .lruFile }
        // Off the LRU for a moment (in a per-cpu LRU add batch, isolated by reclaim): user
        // pages that lru_cache_disable() puts back on the LRU before isolation looks at them.
        if raw & Self.userBits != 0 && raw & Self.kernelBits == 0 {
            return raw & (Self.swapbackedBit | Self.anonBit) != 0 ? .lruAnon : .lruFile
        }
        if raw == 0 && count == 0 && blankPageblock { return .uninit }
        if raw & ~Self.headBit == 0 { return .kernel }
        return .other
    }

    /// What `has_unmovable_pages()` would see of a page with these flags and this kind.
    ///
    /// /proc shows no refcount: free and never-initialised pages are taken as refcount 0
    /// (a zeroed memmap has refcount 0); any other page as referenced. Non-LRU movable pages
    /// (zsmalloc, balloon) are not visible either, so they read as "other" and block. A
    /// compound tail has the kind of its head (see `classify`), and is judged as its head.
    static func facts(flags raw: UInt64, kind: LivePageKind) -> PageFacts {
        let flags = KPageFlags(rawValue: raw)
        var facts = PageFacts()
        facts.reserved = flags.contains(.reserved)
        facts.compound = !flags.isDisjoint(with: [.compoundHead, .compoundTail, .thp])
        facts.hugetlb = flags.contains(.huge)
        // A compound page is judged by its head (has_unmovable_pages() looks at
        // compound_head()): a tail counted as LRU had an LRU head.
        facts.lru = kind == .lruAnon || kind == .lruFile
        facts.buddy = kind == .free
        facts.refcountZero = kind == .free || kind == .uninit
        facts.hwPoison = flags.contains(.hwpoison)
        facts.offline = kind == .offline
        facts.kindName = kind.label
        return facts
    }
}
