/// Where ZONE_MOVABLE starts on each node, as the kernel computes it at boot.
///
/// Kernel: `find_zone_movable_pfns_for_nodes()`, mm/mm_init.c (mm/page_alloc.c before 6.4).
/// kernelcore= and movablecore= count PRESENT pages (memblock.memory, holes left out); the
/// kernel's share is spread evenly over the nodes, memory below the zone ZONE_MOVABLE is taken
/// from (`movable_zone`) counts as kernel memory whatever is asked, and each node's start is
/// rounded up to MAX_ORDER_NR_PAGES, not to a memory block. So ZONE_MOVABLE may start inside a
/// block: that block then spans two zones and cannot go offline.
struct ZoneMovable {
    /// `memblock.memory`: RAM ranges with their node, ascending.
    var ranges: [(node: Int, pfns: Range<Int>)]
    var nodes: Int
    /// `arch_zone_lowest_possible_pfn[movable_zone]`: the lowest pfn ZONE_MOVABLE can be at.
    var usableStartPFN: Int
    /// MAX_ORDER_NR_PAGES.
    var maxOrderNrPages: Int

    /// `zone_movable_pfn[]`: per node, the first pfn of ZONE_MOVABLE, or 0 for none.
    func zoneMovablePFNs(kernelcore: MemoryAmount?, movablecore: MemoryAmount?, movableNode: Bool, pageSize: Int) -> [Int] {
        var zoneMovablePFN = Array(repeating: 0, count: nodes)
        let totalPages = ranges.reduce(0) { $0 + $1.pfns.count }   // early_calculate_totalpages()
        if movableNode {
            // Hotpluggable memory (every node but node 0) is ZONE_MOVABLE from its lowest pfn;
            // kernelcore= and movablecore= are ignored.
            for r in ranges where r.node != 0 {
                let start = r.pfns.lowerBound
                zoneMovablePFN[r.node] = zoneMovablePFN[r.node] == 0 ? start : min(start, zoneMovablePFN[r.node])
            }
            return roundedUp(zoneMovablePFN)
        }
        // kernelcore=nn% / movablecore=nn% are shares of totalpages; sizes are bytes >> PAGE_SHIFT.
        var requiredKernelcore = kernelcore?.pages(of: totalPages, pageSize: pageSize) ?? 0
        var requiredMovablecore = movablecore?.pages(of: totalPages, pageSize: pageSize) ?? 0
        if requiredMovablecore > 0 {
            // At least as much ZONE_MOVABLE as asked for; kernelcore= wins if it asks for more.
            requiredMovablecore = min(totalPages, roundUp(requiredMovablecore))
            requiredKernelcore = max(requiredKernelcore, totalPages - requiredMovablecore)
        }
        // No kernelcore (movablecore=100% leaves none), or all of memory: no ZONE_MOVABLE.
        guard requiredKernelcore > 0, requiredKernelcore < totalPages else { return zoneMovablePFN }

        var usableNodes = Set(ranges.map(\.node)).count
        repeat {
            // Spread kernelcore memory as evenly as possible throughout nodes.
            var kernelcoreNode = requiredKernelcore / usableNodes
            for nid in 0..<nodes {
                if requiredKernelcore < kernelcoreNode { kernelcoreNode = requiredKernelcore / usableNodes }
                var kernelcoreRemaining = kernelcoreNode
                for r in ranges where r.node == nid {
                    var start = max(r.pfns.lowerBound, zoneMovablePFN[nid])
                    let end = r.pfns.upperBound
                    if start >= end { continue }
                    // Memory below movable_zone is only usable for kernelcore.
                    if start < usableStartPFN {
                        let kernelPages = min(end, usableStartPFN) - start
                        kernelcoreRemaining -= min(kernelPages, kernelcoreRemaining)
                        requiredKernelcore -= min(kernelPages, requiredKernelcore)
                        if end <= usableStartPFN {
                            // Pushed to the end so that a second pass does not count it again.
                            zoneMovablePFN[nid] = end
                            continue
                        }
                        start = usableStartPFN
                    }
                    let sizePages = min(end - start, kernelcoreRemaining)
                    zoneMovablePFN[nid] = start + sizePages
                    requiredKernelcore -= min(requiredKernelcore, sizePages)
                    kernelcoreRemaining -= sizePages
                    if kernelcoreRemaining == 0 { break }
                }
            }
            // Kernelcore still wanted: another pass with one node fewer in the count pushes the
            // start further along on the nodes that still have memory.
            usableNodes -= 1
        } while usableNodes > 0 && requiredKernelcore > usableNodes
        return roundedUp(zoneMovablePFN)
    }

    /// `round_up(zone_movable_pfn[nid], MAX_ORDER_NR_PAGES)`; a start at or past the node's end
    /// means no ZONE_MOVABLE on that node.
    private func roundedUp(_ pfns: [Int]) -> [Int] {
        pfns.enumerated().map { nid, pfn in
            let end = ranges.filter { $0.node == nid }.map(\.pfns.upperBound).max() ?? 0
            let rounded = roundUp(pfn)
            return rounded >= end ? 0 : rounded
        }
    }

    private func roundUp(_ pages: Int) -> Int {
        (pages + maxOrderNrPages - 1) / maxOrderNrPages * maxOrderNrPages
    }
}
