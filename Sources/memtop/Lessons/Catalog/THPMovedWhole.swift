extension Lesson {
    /// Lesson 5: a transparent huge page migrated as one folio: isolated whole, one target of its
    /// order, one PMD migration entry, the whole folio copied and remapped, freed as one buddy
    /// block; and what happens when no target of that order can be found (it is split).
    static let thpMovedWhole = Lesson(number: 5, name: "thp-moved-whole", title: "A THP folio moved whole", steps: [
        LessonStep(machine: "--seed 1 --workload idle", workload: false, mode: .kind, cursor: .firstLargeFolio(.movable, node: 0), text: [
            "The cursor is on the head of a transparent huge page: ONE folio of a pageblock's pages",
            "(order 6 here, 64 pages; order 9, 2 MiB, on x86_64), mapped by one PMD. Its refcount and",
            "mapcount live on the head (Tab: the inspector says 'THP head'). Press > to offline it.",
        ]),
        LessonStep(operation: .offline, run: .migration(of: .anon, at: .unmap, large: true), text: [
            "The THP came off the LRU as one folio (nr_isolated_anon +64) and migrate_pages() has",
            "reached it (the spotlight follows it). Press n: alloc_migration_target() asks for a",
            "folio of the SAME order outside the block, then try_to_migrate() unmaps it whole.",
        ]),
        LessonStep(run: .unmapped(.anon, large: true), text: [
            "A free order-6 block was found (its pages are T; Backspace zooms out to its block).",
            "The PMD that mapped all 64 pages now holds a single migration entry: the process",
            "would wait on the whole huge page. One TLB flush covers the batch.",
        ]),
        LessonStep(run: .migration(of: .anon, at: .move, large: true), text: [
            "Next: migrate_folio_move(). Press n: folio_copy() copies all 64 pages, then",
            "remove_migration_ptes() maps the new folio with one PMD again, and the source goes",
            "back to the buddy allocator as one order-6 free block in the isolated pageblock.",
        ]),
        LessonStep(run: .end, text: [
            "The hot-plug panel counts THPs moved whole and split. A THP is split (the log says",
            "split_folio_to_list, vmstat thp_migration_split) when no free block of its order is",
            "found outside the range, even after direct compaction (compaction_suitable() skips",
            "a zone near its low watermark); its pages then move one by one. q leaves.",
        ]),
    ])
}
