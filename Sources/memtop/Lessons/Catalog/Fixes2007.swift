extension Lesson {
    /// Lesson 7: each of the four 2007 bugs, with its fix off and then on.
    static let fixes2007 = Lesson(number: 7, name: "fixes-2007", title: "The four 2007 bugs, each fix off then on", steps: [
        LessonStep(machine: "--seed 1 --workload idle --without isolate-freed-pages-asap", workload: false, mode: .kind,
                   cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), operation: .offline, run: .end, text: [
            "Without isolate-freed-pages-asap (the title bar says so in red): migrated source pages",
            "are freed to the per-cpu list as Movable and come back as targets inside the block.",
            "The same content goes round and round; memtop notices and backs off (EINTR).",
        ]),
        LessonStep(machine: "--seed 1 --workload idle", workload: false, mode: .kind,
                   cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), operation: .offline, run: .end, text: [
            "The same block with the fix: zone_pcp_disable() and isolation make freed pages land",
            "on the Isolate list. The block goes offline.",
        ]),
        LessonStep(machine: "--seed 1 --workload idle --thp never --without swapin-unmapped-skip", workload: false, mode: .kind,
                   cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), staging: [.swapInWindow(ticks: 20000)],
                   operation: .offline, run: .end, text: [
            "Without swapin-unmapped-skip: an anon page in the swap cache and on the LRU, read in",
            "but not yet mapped (a swap-in in flight), is unmapped anyway. In 2007 that was a panic",
            "in try_to_unmap(): the page had no anon_vma yet.",
        ]),
        LessonStep(machine: "--seed 1 --workload idle --thp never", workload: false, mode: .kind,
                   cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), staging: [.swapInWindow(ticks: 20000)],
                   operation: .offline, run: .end, text: [
            "With the fix, as in 6.x, that folio has no rmap yet: migrate_folio_unmap() skips the",
            "unmap and it moves in the same pass (the log says so). The block goes offline.",
        ]),
        LessonStep(machine: "--seed 1 --without anon-vma-hold", workload: false, mode: .kind,
                   cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), operation: .offline,
                   run: .migration(of: .anon, at: .move), after: [.exitMigratingOwner], text: [
            "Without anon-vma-hold: the page is unmapped (a migration entry), its move is next, and",
            "its process exits, freeing its anon_vma. Press n: remove_migration_ptes() walks the",
            "freed anon_vma: a use-after-free (BUG in the log). n once more rolls back.",
        ]),
        LessonStep(machine: "--seed 1", workload: false, mode: .kind,
                   cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), operation: .offline,
                   run: .migration(of: .anon, at: .move), after: [.exitMigratingOwner], text: [
            "With the fix, the unmap took a reference on the anon_vma (folio_get_anon_vma()), so",
            "the exit cannot free it. Press n: the move finds the process gone and frees the new",
            "page. N, then more N, finish the offline.",
        ]),
        LessonStep(machine: "--seed 1 --memory 1020M --without memmap-roundup", workload: false, mode: .kind,
                   cursor: .lastBlock(zoom: true), operation: .offline, run: .end, text: [
            "Without memmap-roundup: memory ends 4 MiB into the last block, and the struct pages of",
            "that hole were never initialised: garbage flags (magenta ?) that a 2007 kernel took for",
            "an LRU page. 6.x counts the block's System RAM first (walk_system_ram_range), so the",
            "offline stops before any page is looked at: EINVAL, \"memory holes\".",
        ]),
        LessonStep(machine: "--seed 1 --memory 1020M", workload: false, mode: .kind,
                   cursor: .lastBlock(zoom: true), operation: .offline, run: .end, text: [
            "With the fix the hole's struct pages are initialised (no more garbage in the map), and",
            "6.x refuses the block up front all the same: EINVAL, \"memory holes\".",
        ]),
    ])
}
