/// What an allocation asks for (the parts of a gfp mask the model needs).
public struct GFP: Codable, Equatable, Sendable {
    /// The migratetype its pages come from (`gfp_migratetype()`).
    public var mt: MigrateType
    /// The highest zone it may use (`gfp_zone()`).
    public var highestZone: ZoneType
    /// Nodes it may use (nil: all). `alloc_migration_target()` passes a nodemask.
    public var nodemask: NodeMask?
    /// Atomic allocations may dip below the low watermark to min.
    public var atomic = false
    /// __GFP_DIRECT_RECLAIM: the allocator may reclaim before it fails.
    public var mayReclaim = true

    /// GFP_HIGHUSER_MOVABLE: anonymous memory and page cache of user space.
    public static let highUserMovable = GFP(mt: .movable, highestZone: .movable)
    /// GFP_KERNEL: kernel allocations (page tables, unreclaimable slab).
    public static let kernel = GFP(mt: .unmovable, highestZone: .normal)
    /// GFP_KERNEL | __GFP_RECLAIMABLE: reclaimable slab (dentries, inodes).
    public static let kernelReclaimable = GFP(mt: .reclaimable, highestZone: .normal)
    /// GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL: migration targets of memory offlining.
    public static let migrationTarget = GFP(mt: .movable, highestZone: .movable)
}

extension Machine {
    /// The nodes in the order a zonelist visits them: the preferred node first, then by
    /// distance (`build_zonelists()` with node order).
    func nodeOrder(preferred: Int) -> [Int] {
        nodes.indices.filter { nodes[$0].hasMemory }.sorted { a, b in
            let da = abs(a - preferred), db = abs(b - preferred)
            return da != db ? da < db : a < b
        }
    }

    /// `zone_watermark_ok()`: enough free pages left above `mark` and the zone's lowmem reserve
    /// for allocations that may use zones up to `highestZone` (`highest_zoneidx`) after taking
    /// 2^order.
    @inline(__always) func watermarkOK(zone z: Int, order: Int, mark: Int, highestZone: ZoneType) -> Bool {
        zones[z].freePages - order.pagesCount + 1 > mark + zones[z].lowmemReserve[highestZone.rawValue]
    }

    /// Allocates 2^order pages (`__alloc_pages()`): walks the zonelist from the preferred node's
    /// highest allowed zone down, then the other nodes; first at the low watermark, then at min.
    /// Order-0 pages come from the per-cpu lists. Returns the first pfn and its zone.
    mutating func allocPages(order: Int, gfp: GFP, preferredNode: Int, cpu: Int) -> (pfn: Int, zone: Int)? {
        let order0 = order == 0
        for pass in 0..<2 {
            for z in zonelist(preferredNode) where zones[z].type <= gfp.highestZone {
                let n = zones[z].node.raw
                if let mask = gfp.nodemask, !mask[n] { continue }
                do {
                    guard zones[z].managed > 0 else { continue }
                    let mark = pass == 0 && !gfp.atomic ? zones[z].watermarks.low : zones[z].watermarks.min
                    guard watermarkOK(zone: z, order: order, mark: mark, highestZone: gfp.highestZone) else {
                        if pass == 0 { noteKswapdWaker(node: n, highestZone: gfp.highestZone) }
                        continue
                    }
                    let got = order0 && zones[z].pcp[cpu].high > 0
                        ? rmqueuePCP(zone: z, cpu: cpu, mt: gfp.mt)
                        : rmqueue(zone: z, order: order, mt: gfp.mt)
                    if let p = got {
                        if eventFilter.contains(.allocator) {
                            emit(.allocator, "alloc_pages", pfn: p, order: order,
                                 detail: "node\(n) \(zones[z].name) \(gfp.mt)")
                        }
                        return (p, z)
                    }
                }
            }
        }
        if gfp.mayReclaim && !inDirectReclaim {
            // __alloc_pages_slowpath(): reclaim on the allowed nodes, then one more try.
            inDirectReclaim = true
            let freed = directReclaim(nodemask: gfp.nodemask, want: max(32, order.pagesCount * 2))
            inDirectReclaim = false
            if freed > 0, let got = allocPages(order: order, gfp: gfp, preferredNode: preferredNode, cpu: cpu) {
                return got
            }
        }
        vmstat.allocFailures += 1
        return nil
    }

    /// Direct reclaim (`try_to_free_pages()`): drops clean, inactive page cache on the allowed
    /// nodes at once and starts swap-out of anon pages there (which frees them later).
    /// Returns the pages freed now.
    mutating func directReclaim(nodemask: NodeMask?, want: Int) -> Int {
        var freed = 0, probes = want * 16
        while freed < want && probes > 0 && !files.isEmpty {
            probes -= 1
            guard let (f, off, cached) = randomFileSlot(), let p = cached else { continue }
            if let mask = nodemask, !mask[nodeIndex(of: p)] { continue }
            guard isCleanUnusedCache(p) else { continue }
            dropCachedPage(file: f, offset: off, pfn: p, cpu: 0)
            freed += 1
        }
        for _ in 0..<(want / 4) { swapOutSomePage() }
        vmstat.directReclaimed += freed
        if freed > 0 { emit(.workload, "try_to_free_pages", detail: "direct reclaim freed \(freed) page-cache pages") }
        return freed
    }

    /// Frees pages that the caller has already emptied (`__free_pages()`): order 0 through the
    /// per-cpu lists, larger blocks straight to the buddy.
    mutating func freePages(_ p: Int, order: Int, cpu: Int) {
        pages.reset(p..<(p + order.pagesCount), to: .free)
        if order == 0 {
            freeUnrefPage(p, cpu: cpu)
        } else if let z = zoneIndex(of: p) {
            freeOnePage(p, order: order, mt: effectiveMT(p), zone: z)
        }
    }
}
