import MemEngine

/// What a phase of memory hot-plug does, why, and where to read it in the kernel: the text of
/// the phase pane and of the help's "phases" page.
struct PhaseExplanation: Sendable {
    /// The kernel source file to open.
    var file: String
    /// The function to look for in it.
    var function: String
    /// What it does, one or two sentences.
    var what: String
    /// Why offlining needs it.
    var why: String

    static func of(_ phase: HotplugPhase) -> PhaseExplanation {
        switch phase {
        case .changeState:
            return .init(file: "drivers/base/memory.c", function: "memory_block_change_state()",
                         what: "Writing 'offline' to memoryN/state marks the block going-offline and calls offline_pages().",
                         why: "The block's state tells other writers and user space that it is in transition.")
        case .checks:
            return .init(file: "mm/memory_hotplug.c", function: "offline_pages()",
                         what: "Checks the range: pageblock aligned, all System RAM (walk_system_ram_range), one zone.",
                         why: "A hole (EINVAL \"memory holes\") or two zones (\"multizone range\") cannot be offlined as one.")
        case .pcpDisable:
            return .init(file: "mm/page_alloc.c", function: "zone_pcp_disable()",
                         what: "Sets the zone's per-cpu lists to high 0, batch 1 and drains every cpu's list into the buddy lists.",
                         why: "Free pages on a per-cpu list escape isolation; a freed source page must reach the Isolate list at once.")
        case .lruCacheDisable:
            return .init(file: "mm/swap.c", function: "lru_cache_disable()",
                         what: "Drains each cpu's LRU add batch onto the LRU and makes new pages skip the batches.",
                         why: "A page waiting in a batch is not on the LRU yet, so folio_isolate_lru() could not take it.")
        case .isolate:
            return .init(file: "mm/page_isolation.c", function: "start_isolate_page_range()",
                         what: "Each pageblock becomes MIGRATE_ISOLATE; its free pages move to the Isolate free lists.",
                         why: "The allocator never hands out isolated pages. has_unmovable_pages() refuses slab, page tables or reserved pages: EBUSY.")
        case .notifyGoingOffline:
            return .init(file: "drivers/base/memory.c", function: "memory_notify(MEM_GOING_OFFLINE)",
                         what: "Tells the notifier chain (slab, kasan, drivers) that the range is going away.",
                         why: "A subsystem may refuse (\"notifier failure\") or drop what it holds there.")
        case .migrate:
            return .init(file: "mm/memory_hotplug.c", function: "do_migrate_range() -> migrate_pages() in mm/migrate.c",
                         what: "scan_movable_pages() finds in-use pages; each is taken off the LRU, copied to a page outside the range, remapped.",
                         why: "Only free pages can go offline, so every movable page must move out. A signal here: EINTR \"signal backoff\".")
        case .dissolveHugetlb:
            return .init(file: "mm/hugetlb.c", function: "dissolve_free_hugetlb_folios()",
                         what: "Free huge pages in the range are broken up into ordinary free pages.",
                         why: "A free huge page is not on the buddy lists, so test_pages_isolated() would see it as busy.")
        case .testIsolated:
            return .init(file: "mm/page_isolation.c", function: "test_pages_isolated()",
                         what: "Checks that every page of the range is free in an isolated pageblock.",
                         why: "A page that came back in use (a racing fault, a pin) sends offline_pages() round its loop again.")
        case .offlineIsolated:
            return .init(file: "mm/page_alloc.c", function: "__offline_isolated_pages()",
                         what: "Takes the free pages off the buddy lists; they belong to nobody now.",
                         why: "After this the memory can be removed; present and managed pages drop.")
        case .finishOffline:
            return .init(file: "mm/memory_hotplug.c", function: "offline_pages() end, memory_notify(MEM_OFFLINE)",
                         what: "Shrinks the zone span, recomputes watermarks and pcp sizes, re-enables pcp and LRU caches.",
                         why: "The zone must stop counting memory it no longer has; the block reads 'offline'.")
        case .undoIsolate:
            return .init(file: "mm/page_isolation.c", function: "undo_isolate_page_range()",
                         what: "Gives each pageblock back its migratetype and the free pages back to their lists.",
                         why: "A failed offline must leave the machine as it found it (MEM_CANCEL_OFFLINE follows).")
        case .onlineChecks:
            return .init(file: "mm/memory_hotplug.c", function: "online_pages()",
                         what: "Onlining starts: the zone is chosen from valid_zones (online, online_kernel, online_movable).",
                         why: "ZONE_MOVABLE keeps the block offlinable later; a kernel zone lets slab use it.")
        case .moveToZone:
            return .init(file: "mm/memory_hotplug.c", function: "move_pfn_range_to_zone()",
                         what: "Links the pages to the zone, grows its span, and marks the pageblocks isolated.",
                         why: "Isolated, the pages cannot be allocated before they are all set up.")
        case .onlineRange:
            return .init(file: "mm/memory_hotplug.c", function: "online_pages_range() -> generic_online_page()",
                         what: "Frees the pages to the buddy allocator in MAX_PAGE_ORDER chunks.",
                         why: "Free pages become usable; present and managed go up.")
        case .onlineUnisolate:
            return .init(file: "mm/page_isolation.c", function: "undo_isolate_page_range()",
                         what: "Lifts the isolation of the new pageblocks.",
                         why: "From now on the allocator may hand them out.")
        case .finishOnline:
            return .init(file: "drivers/base/memory.c", function: "memory_notify(MEM_ONLINE)",
                         what: "The block reads 'online'; watermarks and pcp sizes are recomputed.",
                         why: "Subsystems may now use the memory.")
        }
    }
}

/// The kernel's reasons for a failed offline ("memory offlining [mem ...] failed due to ...").
enum FailureExplanation {
    static let all: [(errno: String, reason: String, text: String)] = [
        ("EBUSY", "failure to isolate range",
         "start_isolate_page_range(): has_unmovable_pages() found a page that can never move: a reserved page anywhere, or slab or a page table in a kernel zone. ZONE_MOVABLE holds only movable pages, so this is what it is for."),
        ("EINTR", "signal backoff",
         "a signal was pending at the top of the migration loop (Esc, or Ctrl-C on the writer of 'state'); everything is undone. A page that never moves ends here too, once someone gives up."),
        ("EINVAL", "memory holes",
         "part of the range is not System RAM (walk_system_ram_range counts fewer pages than the block has), so it cannot be offlined as one block."),
        ("EINVAL", "multizone range", "the range spans two zones; a block is offlined from one zone."),
        ("EBUSY", "unmovable page", "scan_movable_pages() met a page it cannot migrate (not -ENOENT, which is the normal end of the scan)."),
        ("", "notifier failure", "a memory notifier refused MEM_GOING_OFFLINE (here the kernel's fault injector, --notifier-error); the isolation is undone and MEM_CANCEL_OFFLINE sent."),
    ]

    /// Why an online failed: online_pages() has no reason string, only the notifier's errno.
    static let online = "a memory notifier refused MEM_GOING_ONLINE (here the kernel's fault injector, --notifier-error): online_pages() sent MEM_CANCEL_ONLINE, remove_pfn_range_from_zone() gave the zone back its span, and the block stays offline."

    /// The explanation of `reason`, if it is one of the kernel's.
    static func text(for reason: String) -> String? {
        all.first { reason.hasPrefix($0.reason) }?.text
    }
}

extension Fix {
    /// What goes wrong with this fix of the 2007 series switched off (the help's "fixes" page).
    var consequence: String {
        switch self {
        case .isolateFreedPagesASAP:
            "a migrated source page is freed onto the per-cpu list as Movable and comes back as the next target inside the range: an endless loop."
        case .swapinUnmappedSkip:
            "a swap-cache page on the LRU but not yet mapped (swap-in in flight) is unmapped anyway: the 2007 panic in try_to_unmap()."
        case .anonVMAHold:
            "migration does not hold the anon_vma; an exit frees it while migration entries point at it: use-after-free."
        case .memmapRoundup:
            "struct pages in the hole at the end of a section stay uninitialised garbage, and offlining misjudges them."
        }
    }
}
