extension Lesson {
    /// Lesson 8: onlining a block into a zone.
    static let onlining = Lesson(number: 8, name: "onlining", title: "Onlining a block into a zone", steps: [
        LessonStep(machine: "--seed 1", workload: false, mode: .zone, cursor: .firstBlock(.movable, node: 0, offlinable: true),
                   operation: .offline, run: .end, text: [
            "A ZONE_MOVABLE block has just gone offline (grey _). Its memory is still there, but",
            "no zone manages it. Writing to memoryN/state brings it back, into a zone that",
            "memoryN/valid_zones allows: press O to see the choices, Esc to close them.",
        ]),
        LessonStep(operation: .online(.kernel), run: .phase(.moveToZone), text: [
            "online_kernel: the block goes to the kernel zone (Normal). online_pages() first links",
            "the pages to the zone with move_pfn_range_to_zone(), pageblocks isolated. Press n.",
        ]),
        LessonStep(run: .end, text: [
            "generic_online_page() freed the pages to the buddy allocator in MAX_PAGE_ORDER chunks,",
            "and undo_isolate_page_range() made them allocatable: the block is Normal now. Slab may",
            "land here, and then it can never go offline again (lesson 6).",
        ]),
        LessonStep(machine: "--seed 1", workload: false, mode: .zone, cursor: .firstBlock(.movable, node: 0, offlinable: true),
                   operation: .offline, run: .end, text: [
            "The same block offline again, on a fresh machine. This time press O and choose",
            "online_movable yourself, or press > to see it done.",
        ]),
        LessonStep(operation: .online(.movable), run: .end, text: [
            "online_movable: the block is back in ZONE_MOVABLE, so it holds only movable pages and",
            "stays removable. Memory meant to be hot-removed is onlined movable",
            "(memhp_default_state=online_movable, or udev rules).",
        ]),
    ])
}
