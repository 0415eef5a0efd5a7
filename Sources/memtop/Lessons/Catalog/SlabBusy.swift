extension Lesson {
    /// Lesson 6: why a slab page in ZONE_NORMAL makes offlining fail with EBUSY.
    static let slabBusy = Lesson(number: 6, name: "slab-ebusy", title: "Why slab in ZONE_NORMAL makes offlining fail: EBUSY", steps: [
        LessonStep(machine: "--seed 1", workload: false, mode: .kind,
                   cursor: .firstBlock(.normal, node: 0, containing: .slab, offlinable: false, zoom: true), text: [
            "A ZONE_NORMAL block with slab pages (bold red k): kernel objects (dentries, inodes,",
            "kmalloc memory) that the kernel reaches by their address. They cannot be migrated:",
            "nothing knows every pointer to them. Press > to try to offline this block.",
        ]),
        LessonStep(operation: .offline, run: .phase(.isolate), text: [
            "The offline has drained the caches and is at start_isolate_page_range. Press n to",
            "isolate pageblocks one by one: has_unmovable_pages() checks each one first.",
        ]),
        LessonStep(run: .end, text: [
            "has_unmovable_pages() found a slab page in a kernel zone: the range cannot be",
            "isolated. Isolation of the earlier pageblocks is undone, and the write to 'state'",
            "fails with EBUSY, \"failure to isolate range\" (see the log and the dmesg line).",
        ]),
        LessonStep(cursor: .firstBlock(.movable, node: 0, offlinable: true), text: [
            "ZONE_MOVABLE exists for this: no slab and no page tables are ever placed there, so its",
            "blocks can always be emptied. That is why hot-removable memory is onlined movable.",
        ]),
    ])
}
