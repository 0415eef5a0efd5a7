extension Machine {
    /// `build_all_zonelists()`: for each node, its own zones from the highest down, then the
    /// other nodes' by distance; nodes without memory (not in N_MEMORY) are left out.
    mutating func buildAllZonelists() {
        zonelists = nodes.indices.map { n in
            nodeOrder(preferred: n).flatMap { nodes[$0].zoneIndices.reversed() }
        }
    }

    /// The zonelist of a preferred node.
    @inline(__always) func zonelist(_ node: Int) -> [Int] {
        node < zonelists.count ? zonelists[node] : []
    }
}
