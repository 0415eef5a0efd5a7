/// Which node states an offline or online changes (`struct memory_notify`'s status_change_nid*).
struct NodeStateChange: Codable, Equatable, Sendable {
    /// The node loses (or gains) N_MEMORY: its last present page goes (or its first comes).
    var memory = false
    /// The node loses (or gains) N_NORMAL_MEMORY: the same for the kernel zones.
    var normal = false
}

extension Machine {
    /// `node_states_check_changes_offline()`: whether taking `pages` pages out of zone `z`
    /// leaves its node without memory in the kernel zones, or without any memory.
    func nodeStatesCheckChangesOffline(pages nr: Int, zone z: Int) -> NodeStateChange {
        let node = nodes[zones[z].node.raw]
        let kernel = node.zoneIndices.filter { zones[$0].type != .movable }.reduce(0) { $0 + zones[$1].present }
        let all = node.zoneIndices.reduce(0) { $0 + zones[$1].present }
        return NodeStateChange(memory: nr >= all, normal: zones[z].type != .movable && nr >= kernel)
    }

    /// `node_states_clear_node()` and, when the node has no memory left, `kswapd_stop()` and
    /// `kcompactd_stop()`: the node leaves N_MEMORY, allocations fall back to other nodes.
    mutating func nodeStatesClearNode(_ n: Int, _ change: NodeStateChange, block: Int) {
        if change.normal {
            nodes[n].hasNormalMemory = false
            emit(.hotplug, "node_states_clear_node", block: block, detail: "node\(n) leaves N_NORMAL_MEMORY")
        }
        guard change.memory else { return }
        nodes[n].hasMemory = false
        emit(.hotplug, "node_states_clear_node", block: block, detail: "node\(n) leaves N_MEMORY")
        nodes[n].kswapdRunning = false
        emit(.hotplug, "kswapd_stop", block: block, detail: "kswapd\(n) stops")
        nodes[n].kcompactdRunning = false
        emit(.hotplug, "kcompactd_stop", block: block, detail: "kcompactd\(n) stops")
        buildAllZonelists()
        emit(.hotplug, "build_all_zonelists", block: block, detail: "node\(n) leaves every zonelist; its cpus allocate from other nodes")
    }

    /// `node_states_check_changes_online()`: what onlining into zone `z` adds to its node.
    func nodeStatesCheckChangesOnline(zone z: Int) -> NodeStateChange {
        let node = nodes[zones[z].node.raw]
        return NodeStateChange(memory: !node.hasMemory, normal: zones[z].type != .movable && !node.hasNormalMemory)
    }

    /// `node_states_set_node()`: the node joins N_NORMAL_MEMORY and N_MEMORY as the online
    /// adds them, and the zonelists take a node that had no memory.
    mutating func nodeStatesSetNode(_ n: Int, _ change: NodeStateChange, block: Int) {
        if change.normal {
            nodes[n].hasNormalMemory = true
            emit(.hotplug, "node_states_set_node", block: block, detail: "node\(n) joins N_NORMAL_MEMORY")
        }
        if change.memory {
            nodes[n].hasMemory = true
            buildAllZonelists()
            emit(.hotplug, "node_states_set_node", block: block, detail: "node\(n) joins N_MEMORY")
        }
    }

    /// `kswapd_run()` and `kcompactd_run()` near the end of every `online_pages()` (a real
    /// kernel's ftrace shows both on each online): they start the node's daemons if they are not
    /// running (a node that had no memory), and return at once otherwise.
    mutating func kswapdRun(_ n: Int, block: Int) {
        emit(.hotplug, "kswapd_run", block: block, detail: nodes[n].kswapdRunning ? "kswapd\(n) already runs" : "kswapd\(n) starts")
        nodes[n].kswapdRunning = true
        emit(.hotplug, "kcompactd_run", block: block, detail: nodes[n].kcompactdRunning ? "kcompactd\(n) already runs" : "kcompactd\(n) starts")
        nodes[n].kcompactdRunning = true
    }

    /// The online blocks of a node, lowest first: what `memtop offline --node N` offlines.
    public func blocks(ofNode n: Int) -> [BlockID] {
        blocks.filter { $0.node.raw == n && $0.state == .online }.map(\.id)
    }
}
