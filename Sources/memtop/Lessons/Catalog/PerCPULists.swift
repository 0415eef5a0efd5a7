extension Lesson {
    /// Lesson 3: per-cpu lists and why they are drained.
    static let perCPULists = Lesson(number: 3, name: "per-cpu-lists", title: "Per-cpu lists and why they are drained", steps: [
        LessonStep(machine: "--seed 1", workload: true, mode: .kind, cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), text: [
            "Each cpu keeps a small list of free pages per zone (the per-cpu pages, cyan p): freeing",
            "and allocating one page touches no lock. The zone panel's 'pcp' line shows how many pages",
            "each cpu holds, and high/batch: above high, a batch goes back to the buddy lists.",
        ]),
        LessonStep(operation: .offline, run: .phase(.pcpDisable), text: [
            "The offline is at zone_pcp_disable. A free page on a per-cpu list is invisible to",
            "isolation: it is not on the buddy lists, so it would never move to the Isolate list,",
            "and a page freed during the offline could go straight back out. Press n to set high 0",
            "and drain one cpu, n again for the next; watch the pcp counts fall to 0.",
        ]),
        LessonStep(run: .phase(.isolate), text: [
            "All per-cpu lists of the zone are empty and stay so (high 0, batch 1): every page freed",
            "from now on goes straight to the buddy lists, where isolation catches it.",
            "lru_cache_disable did the same for the LRU add batches: a page waiting in a batch is",
            "not on the LRU, so it could not be taken off it for migration.",
        ]),
        LessonStep(machine: "--seed 1 --workload idle --without isolate-freed-pages-asap", workload: false,
                   cursor: .firstBlock(.movable, node: 0, offlinable: true, zoom: true), operation: .offline, run: .end, text: [
            "The same offline with the 2007 fix isolate-freed-pages-asap switched off: the per-cpu",
            "lists stay on. A migrated page, freed to the per-cpu list as Movable, came back as the",
            "next migration target inside the block: an endless loop (see the result and the log).",
            "This is why the lists are drained and disabled first.",
        ]),
    ])
}
