extension Lesson {
    /// Lesson 2: pageblocks, migratetypes and isolation.
    static let pageblocks = Lesson(number: 2, name: "pageblocks", title: "Pageblocks, migratetypes and isolation", steps: [
        LessonStep(machine: "--seed 1", workload: false, mode: .migratetype,
                   cursor: .firstBlock(.normal, node: 0, containing: .slab, offlinable: false, zoom: true), text: [
            "Every page of a ZONE_NORMAL block, coloured by its pageblock's migratetype. A pageblock",
            "(64 pages here, 512 on x86_64) is the unit the allocator sorts by mobility: Unmovable,",
            "Movable, Reclaimable. It keeps unmovable pages together so that the other blocks stay",
            "easy to empty. │ marks the pageblock boundaries.",
        ]),
        LessonStep(cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), text: [
            "A ZONE_MOVABLE block: every pageblock is Movable. To take it offline the kernel first",
            "isolates it: start_isolate_page_range() makes each pageblock MIGRATE_ISOLATE, so the",
            "allocator will hand out none of its free pages while they are emptied.",
        ]),
        LessonStep(operation: .offline, run: .phase(.isolate), text: [
            "o was pressed: the offline is prepared and paused before isolation. Press n to isolate",
            "one pageblock at a time (white I) and watch the phase panel count 1/32, 2/32 ...",
            "N runs the whole phase. The phase pane says which kernel function you are in.",
        ]),
        LessonStep(run: .phase(.notifyGoingOffline), text: [
            "Every pageblock is Isolate now. Free pages moved to the Isolate free lists (see the",
            "'Iso' row of the zone panel): the buddy allocator never takes pages from there.",
            "Pages still in use must now be migrated out: lesson 4.",
        ]),
        LessonStep(mode: .isolation, text: [
            "The isolation colours: '~' isolated and free (done), 'X' isolated but in use (to",
            "migrate). c cycles the colour modes; ? then Tab shows what each mode means.",
            "Esc would cancel the offline now: undo_isolate_page_range() gives every pageblock",
            "its migratetype back.",
        ]),
    ])
}
