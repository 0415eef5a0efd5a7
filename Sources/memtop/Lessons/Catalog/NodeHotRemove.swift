extension Lesson {
    /// Lesson 9: a node hot-remove, with and without the movable_node boot option.
    static let nodeHotRemove = Lesson(number: 9, name: "node-hot-remove", title: "Removing a whole NUMA node", steps: [
        LessonStep(machine: "--seed 1 --movable-node", workload: false, mode: .zone, cursor: .firstBlock(.movable, node: 1), text: [
            "Booted with movable_node: node1 is all ZONE_MOVABLE, and memblock kept its boot",
            "allocations (memmap, per-cpu areas) on node0. So every block of node1 can move its",
            "pages away. X offlines every block of the cursor's node, lowest first; > does it.",
        ]),
        LessonStep(operation: .offlineNode, run: .end, text: [
            "Every block of node1 went offline. The last one emptied the node: offline_pages() called",
            "node_states_clear_node() (N_MEMORY cleared), kswapd_stop(), kcompactd_stop() and",
            "build_all_zonelists(): allocations now fall back to node0. Scroll the log (Tab) to see.",
        ]),
        LessonStep(machine: "--seed 1", workload: false, mode: .kind, cursor: .firstBlock(.movable, node: 1), text: [
            "The same machine without movable_node: movablecore=25% gives node1 a ZONE_MOVABLE too,",
            "but memblock allocates top-down, so node1's own memmap sits in its last block",
            "(reserved, white R). > tries the node hot-remove again.",
        ]),
        LessonStep(operation: .offlineNode, run: .end, text: [
            "The Normal blocks of node1 hold slab and page tables, and the last block its memmap:",
            "the first block that cannot be isolated stops the node's removal with EBUSY, and the",
            "node keeps its memory. Hot-removable nodes are booted with movable_node.",
        ]),
    ])
}
