/// One /proc/kpageflags entry: the flags of one pfn.
///
/// Bit numbers from include/uapi/linux/kernel-page-flags.h (stable, 0...26) and
/// include/linux/kernel-page-flags.h (kernel hacking aids, 32...41, "subject to change");
/// fs/proc/page.c `stable_page_flags()` fills them.
struct KPageFlags: OptionSet, Hashable, Sendable {
    let rawValue: UInt64

    init(rawValue: UInt64) { self.rawValue = rawValue }
    private init(bit: UInt64) { rawValue = 1 << bit }

    static let locked = KPageFlags(bit: 0)
    static let error = KPageFlags(bit: 1)
    static let referenced = KPageFlags(bit: 2)
    static let uptodate = KPageFlags(bit: 3)
    static let dirty = KPageFlags(bit: 4)
    static let lru = KPageFlags(bit: 5)
    static let active = KPageFlags(bit: 6)
    static let slab = KPageFlags(bit: 7)
    static let writeback = KPageFlags(bit: 8)
    static let reclaim = KPageFlags(bit: 9)
    /// Free in the buddy allocator. Set on the first page of a free block, and (since
    /// `is_free_buddy_page()` is consulted) on every other page of it too.
    static let buddy = KPageFlags(bit: 10)
    static let mmap = KPageFlags(bit: 11)
    static let anon = KPageFlags(bit: 12)
    static let swapcache = KPageFlags(bit: 13)
    static let swapbacked = KPageFlags(bit: 14)
    static let compoundHead = KPageFlags(bit: 15)
    static let compoundTail = KPageFlags(bit: 16)
    /// hugetlbfs page.
    static let huge = KPageFlags(bit: 17)
    static let unevictable = KPageFlags(bit: 18)
    static let hwpoison = KPageFlags(bit: 19)
    /// No struct page for this pfn (`pfn_to_online_page()` returned NULL: a hole or offline).
    static let noPage = KPageFlags(bit: 20)
    static let ksm = KPageFlags(bit: 21)
    static let thp = KPageFlags(bit: 22)
    /// PageOffline(): handed back by a balloon / virtio-mem driver.
    static let offline = KPageFlags(bit: 23)
    static let zeroPage = KPageFlags(bit: 24)
    static let idle = KPageFlags(bit: 25)
    static let pgtable = KPageFlags(bit: 26)
    static let reserved = KPageFlags(bit: 32)
    static let mlocked = KPageFlags(bit: 33)
    /// PG_owner_2 in recent kernels, PG_mappedtodisk before.
    static let mappedToDisk = KPageFlags(bit: 34)
    static let `private` = KPageFlags(bit: 35)
    static let private2 = KPageFlags(bit: 36)
    static let ownerPrivate = KPageFlags(bit: 37)
    static let arch = KPageFlags(bit: 38)
    static let uncached = KPageFlags(bit: 39)
    static let softDirty = KPageFlags(bit: 40)
    static let arch2 = KPageFlags(bit: 41)
}
