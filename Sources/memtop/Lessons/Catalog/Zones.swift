extension Lesson {
    /// Lesson 1: zones, ZONE_MOVABLE and movablecore.
    static let zones = Lesson(number: 1, name: "zones", title: "Zones, ZONE_MOVABLE and movablecore", steps: [
        LessonStep(machine: "--seed 1", workload: false, mode: .zone, cursor: .overview, text: [
            "Physical memory is cut into memory blocks (8 MiB here, a tile each) that can be offlined",
            "one by one. Each node's memory is split into zones (colours): DMA, DMA32, Normal, Movable.",
            "The kernel's own memory (slab, page tables) comes from the kernel zones; page cache and",
            "process memory may go anywhere. > goes on, < back.",
        ]),
        LessonStep(cursor: .firstBlock(.movable, node: 0, offlinable: true), text: [
            "The cursor is on node0's first ZONE_MOVABLE block. movablecore=25% (the default here)",
            "made the top quarter of each node ZONE_MOVABLE at boot. It takes only movable",
            "allocations: pages the kernel can migrate elsewhere. That makes its blocks removable:",
            "the inspector says 'would offline'.",
        ]),
        LessonStep(machine: "--seed 1 --movablecore 50%", workload: false, cursor: .firstBlock(.movable, node: 0, offlinable: true), text: [
            "The same machine booted with movablecore=50%: half of each node is now ZONE_MOVABLE.",
            "More removable memory, but less memory the kernel can use for itself: slab, page",
            "tables and other unmovable memory all crowd into the kernel zones. Tuning movablecore",
            "(or kernelcore) trades one against the other.",
        ]),
        LessonStep(machine: "--seed 1", workload: false, mode: .kind, cursor: .firstBlock(.normal, node: 0, containing: .slab, offlinable: false), text: [
            "Back to 25%, colours by page kind. The cursor is on a ZONE_NORMAL block holding slab",
            "(bold red k): kernel objects that cannot move. Press Enter to see every page, Esc to",
            "come back. Such a block cannot go offline; lesson 6 shows why, step by step.",
        ]),
        LessonStep(machine: "--seed 1", workload: false, mode: .zone, cursor: .firstBlock(.dma32, node: 0), text: [
            "A lower zone keeps a reserve (zone panel: lowmem reserve; zoneinfo: protection:).",
            "User pages, which could use the zones above, leave DMA32 1/256 of their memory, so",
            "the kernel, which cannot use Movable, still finds some here. ZONE_DMA, smaller than",
            "its reserve, stays free, as on every real machine.",
        ]),
    ])
}
