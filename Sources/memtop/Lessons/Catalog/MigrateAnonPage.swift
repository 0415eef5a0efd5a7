extension Lesson {
    /// Lesson 4: migrating one anon page in a 6.3+ batch: the batch unmapped (a migration entry),
    /// one TLB flush, then the move: copy, remap, free the source.
    static let migrateAnonPage = Lesson(number: 4, name: "migrate-anon-page", title: "Migrating one anon page: unmap, copy, remap", steps: [
        // 4 KiB anon pages (a THP's migration entry is a PMD's: lesson thp-moved-whole).
        LessonStep(machine: "--seed 1 --thp never", workload: false, mode: .kind, cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true),
                   operation: .offline, run: .phase(.migrate), text: [
            "An offline of a ZONE_MOVABLE block, paused at do_migrate_range: the block is isolated,",
            "and every page still in use must move out. Blue pages are anon: process memory,",
            "reached through the processes' page tables. Press > to follow the first anon page.",
        ]),
        LessonStep(run: .migration(of: .anon, at: .unmap), text: [
            "migrate_pages() takes the isolated folios in batches. Since Linux 6.3 it unmaps every",
            "folio of a batch first, then moves each one. Next to unmap: an anon page (S), its PTE",
            "in the spotlight. Press n: migrate_folio_unmap() gets a target, then unmaps it.",
        ]),
        LessonStep(run: .unmapped(.anon), text: [
            "The target is outside the block (Backspace zooms out: its block is marked). The PTE",
            "holds a migration entry now: a process touching the page waits in the fault handler.",
            "mapcount went to 0. The rest of the batch is unmapped, then ONE TLB flush for all.",
        ]),
        LessonStep(run: .migration(of: .anon, at: .move), text: [
            "Batch unmapped, TLB flushed once; the moves go in the same order. Press n:",
            "migrate_folio_move() copies the page, points the PTE at the new pfn and frees the",
            "source into the isolated block. m moves a whole page, M runs to the next, N ends the phase.",
        ]),
        LessonStep(run: .end, text: [
            "All pages moved, test_pages_isolated() found every page free and isolated, and",
            "__offline_isolated_pages() took them off the buddy lists: the block is offline.",
            "The hot-plug panel counts the pages migrated. q leaves the lesson.",
        ]),
    ])
}
