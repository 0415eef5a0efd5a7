extension Lesson {
    /// Lesson 4: migrating one anon page: unmap to a migration entry, copy, remap.
    static let migrateAnonPage = Lesson(number: 4, name: "migrate-anon-page", title: "Migrating one anon page: unmap, copy, remap", steps: [
        LessonStep(machine: "--seed 1", workload: false, mode: .kind, cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true),
                   operation: .offline, run: .phase(.migrate), text: [
            "An offline of a ZONE_MOVABLE block, paused at do_migrate_range: the block is isolated,",
            "and every page still in use must move out. Blue pages are anon: process memory,",
            "reached through the processes' page tables. Press > to follow the first anon page.",
        ]),
        LessonStep(run: .migration(of: .anon, at: .unmap), text: [
            "The file pages before it have moved; now an anon page (S) is up. alloc_migration_target()",
            "found a free page outside the block, on the other node when there is one (Backspace",
            "zooms out: its block is marked). The spotlight shows both, and the PTE of the process",
            "that maps the page. Press n once: try_to_migrate() unmaps it.",
        ]),
        LessonStep(run: .migrationStage(.copy), text: [
            "The PTE now holds a migration entry instead of the pfn: a process touching the page",
            "waits in the fault handler until migration ends. mapcount went to 0. Nobody can write",
            "the page now, so it can be copied. Press n: folio_copy().",
        ]),
        LessonStep(run: .migrationStage(.remap), text: [
            "The content is in the new page. Press n: remove_migration_ptes() replaces each",
            "migration entry with a PTE pointing at the new pfn, and mapcount moves to the new page.",
        ]),
        LessonStep(run: .migrationStage(.freeSource), text: [
            "The process maps the new page; it never saw a thing. Press n: folio_put() frees the",
            "source into the isolated block, where it stays free. m moves one whole page in one",
            "key, M runs to the next one, N ends the phase: try them, then > for the last step.",
        ]),
        LessonStep(run: .end, text: [
            "All pages moved, test_pages_isolated() found every page free and isolated, and",
            "__offline_isolated_pages() took them off the buddy lists: the block is offline.",
            "The hot-plug panel counts the pages migrated. q leaves the lesson.",
        ]),
    ])
}
