/// kswapd's state: whether each node's kswapd is awake, and where its scan of each zone is.
struct ReclaimState: Codable, Equatable, Sendable {
    /// Per zone: the next pfn the scan looks at (a clock hand over the zone's span).
    var hand: [Int] = []
    /// Per node: kswapd was woken (a zone fell below its low watermark) and is not yet balanced.
    var awake: [Bool] = []
    /// Per node: pages reclaimed and swapped out since kswapd woke, for its summary event.
    var reclaimed: [Int] = []
    var swappedOut: [Int] = []
    /// Per node: `pgdat->kswapd_highest_zoneidx`, the highest zone the allocations that found
    /// one of its zones below the low watermark may use (nil: none since kswapd last slept).
    var highestZone: [ZoneType?] = []
}

/// What kswapd does in one tick at most, per node.
private let kswapdScanPerTick = 512
private let kswapdReclaimPerTick = 48
/// `vm.swappiness` 60 against file's 140: the share of anon candidates reclaim takes (per mille).
private let anonReclaimPermille = 300

extension Machine {
    /// kswapd (`kswapd()` → `balance_pgdat()`): a node's kswapd wakes when one of its zones
    /// falls below the low watermark, reclaims in every zone that is below its high watermark,
    /// and sleeps when they all reach it. Clean page cache is dropped, dirty page cache written
    /// back, and anon pages swapped out (swap cache, writeback, then freed).
    ///
    /// The marks are checked as `zone_watermark_ok_safe(zone, 0, mark, highest_zoneidx)` does:
    /// above the zone's lowmem reserve for the highest zone its wakers may use (ZONE_MOVABLE
    /// for user pages, as at kswapd's first run when nobody said). A zone whose reserve leaves
    /// no room for that (ZONE_DMA beside gigabytes above it) holds no pages those allocations
    /// could take, so kswapd leaves it out; the kernel's `pgdat_balanced()`, content with one
    /// balanced zone, never waits for it either.
    mutating func reclaimIfNeeded(params: WorkloadParams) {
        if reclaim.awake.count != nodes.count {
            reclaim.awake = Array(repeating: false, count: nodes.count)
            reclaim.reclaimed = Array(repeating: 0, count: nodes.count)
            reclaim.swappedOut = Array(repeating: 0, count: nodes.count)
        }
        if reclaim.highestZone.count != nodes.count { reclaim.highestZone = Array(repeating: nil, count: nodes.count) }
        if reclaim.hand.count != zones.count { reclaim.hand = zones.map(\.startPFN.raw) }
        // Pages already on their way out (swap-out writeback) count towards the goal, as
        // kswapd counts the folios it queued for writeback instead of reclaiming more.
        var writeback = Array(repeating: 0, count: zones.count)
        for io in inFlightIO where io.kind == .swapOut {
            if let z = zoneIndex(of: Int(io.pfn)) { writeback[z] += 1 }
        }
        for n in nodes.indices where nodes[n].kswapdRunning && nodes[n].hasMemory {
            let highest = reclaim.highestZone[n] ?? .movable
            func reserve(_ z: Int) -> Int { zones[z].lowmemReserve[highest.rawValue] }
            let zs = nodes[n].zoneIndices.filter { zones[$0].managed > zones[$0].watermarks.high + reserve($0) }
            func balanced(_ z: Int) -> Bool { zones[z].freePages + writeback[z] >= zones[z].watermarks.high + reserve(z) }
            if !reclaim.awake[n] {
                guard let low = zs.first(where: { zones[$0].freePages < zones[$0].watermarks.low + reserve($0) }) else { continue }
                reclaim.awake[n] = true
                reclaim.highestZone[n] = highest
                emit(.workload, "wakeup_kswapd", detail: EventDetail("node\(n) \(zones[low].name): free \(zones[low].freePages) < low \(zones[low].watermarks.low)"
                     + (reserve(low) > 0 ? " + lowmem reserve \(reserve(low)) (\(highest) allocations)" : "")))
            }
            var budget = kswapdReclaimPerTick
            for z in zs where !balanced(z) && budget > 0 {
                let got = shrinkZone(z, node: n, want: min(budget, zones[z].watermarks.high + reserve(z) - zones[z].freePages - writeback[z]))
                budget -= got
            }
            if zs.allSatisfy(balanced) {
                reclaim.awake[n] = false
                reclaim.highestZone[n] = nil
                emit(.workload, "kswapd", detail: "node\(n) balanced at the high watermarks: \(reclaim.reclaimed[n]) pages reclaimed, \(reclaim.swappedOut[n]) swapped out")
                reclaim.reclaimed[n] = 0
                reclaim.swappedOut[n] = 0
            }
        }
    }

    /// `wakeup_kswapd()`'s record of who wants the node balanced: an allocation that found one
    /// of its zones below the low watermark raises `kswapd_highest_zoneidx` to the highest zone
    /// it may use; kswapd, woken, balances for that.
    @inline(__always) mutating func noteKswapdWaker(node n: Int, highestZone: ZoneType) {
        guard n < reclaim.highestZone.count else { return }
        if let h = reclaim.highestZone[n], h >= highestZone { return }
        reclaim.highestZone[n] = highestZone
    }

    /// `shrink_node()` on one zone's pages: a clock over the zone's span gives referenced and
    /// active pages a second chance (`folio_check_references()`), and reclaims the rest.
    /// Returns the pages reclaimed or on their way out (swap-out frees them when written).
    mutating func shrinkZone(_ z: Int, node n: Int, want: Int) -> Int {
        let start = zones[z].startPFN.raw, end = zones[z].endPFN.raw
        guard end > start else { return 0 }
        var p = reclaim.hand[z]
        if p < start || p >= end { p = start }
        var got = 0
        for _ in 0..<kswapdScanPerTick where got < want {
            if shrinkPage(p) {
                got += 1
            }
            p += 1
            if p >= end { p = start }
        }
        reclaim.hand[z] = p
        reclaim.reclaimed[n] += got
        return got
    }

    /// One page under kswapd's look (`shrink_folio_list()`): returns whether it was reclaimed.
    mutating func shrinkPage(_ p: Int) -> Bool {
        guard pages.has(p, .lru), !pages.has(p, .isolated), !pages.has(p, .unevictable), !pages.has(p, .locked) else {
            return false
        }
        if pages.has(p, .referenced) {
            pages.clear(p, .referenced)
            return false
        }
        if pages.has(p, .active) {
            deactivate(p)
            return false
        }
        switch pages.kindOf(p) {
        case .file:
            if pages.has(p, .dirty) {
                if !pages.has(p, .writeback) { startWriteback(p) }
                return false
            }
            guard isCleanUnusedCache(p) else { return false }
            let f = Int(pages.owner[p]), off = Int(pages.index[p])
            guard f < files.count, off < files[f].pages.count, files[f].pages[off] == UInt32(p) else { return false }
            dropCachedPage(file: f, offset: off, pfn: p, cpu: 0)
            return true
        case .anon:
            guard rng.chance(permille: anonReclaimPermille), swapOutPage(p) else { return false }
            reclaim.swappedOut[nodeIndex(of: p)] += 1
            return true
        default:
            return false
        }
    }

    /// `pageout()` of a dirty page-cache page: writeback starts and completes later.
    mutating func startWriteback(_ p: Int) {
        pages.set(p, .writeback)
        inFlightIO.append(PendingIO(kind: .writeback, pfn: UInt32(p), due: tick + 5 + rng.below(40)))
    }

    /// Page cache fills the memory that processes and the kernel leave free, as on a machine
    /// that has run a while: files are read in order, a readahead window at a time, until no
    /// zone has more free than its high watermark (and its lowmem reserve, which page cache,
    /// allowed up to ZONE_MOVABLE, must leave). Each window is one `alloc_pages()` of its
    /// order, `split_page()` into order-0 page-cache pages, as large reads on a quiet machine
    /// tend to get contiguous memory.
    mutating func fillPageCache() {
        var gfp = GFP.highUserMovable
        gfp.mayReclaim = false
        let saved = eventFilter
        eventFilter = []
        defer { eventFilter = saved }
        let windowOrder = min(readaheadPages.trailingZeroBitCount, geometry.maxOrder)
        let window = windowOrder.pagesCount
        var cpu = 0
        for f in files.indices {
            var off = 0
            while off < files[f].pages.count {
                guard files[f].pages[off] == PageArrays.none else { off += 1; continue }
                if !zones.indices.contains(where: { zones[$0].managed > 0
                    && watermarkOK(zone: $0, order: 0, mark: zones[$0].watermarks.high, highestZone: gfp.highestZone) }) { return }
                cpu = (cpu + 1) % config.cpus
                let node = cpu % config.nodes
                var run = 0
                while run < window && off + run < files[f].pages.count && files[f].pages[off + run] == PageArrays.none {
                    run += 1
                }
                if run == window, let (p, _) = allocPages(order: windowOrder, gfp: gfp, preferredNode: node, cpu: cpu) {
                    cacheWindow(p, count: run, file: f, offset: off)
                } else {
                    for i in 0..<run {
                        guard let (p, _) = allocPages(order: 0, gfp: gfp, preferredNode: node, cpu: cpu) else { return }
                        cachePage(p, file: f, offset: off + i, cpu: cpu)
                    }
                }
                off += run
            }
        }
    }

    /// `count` contiguous new page-cache pages at boot, filled in bulk: the state
    /// `cachePage` page by page and then `lru_add_drain()` leave (file pages on the inactive
    /// file list, one reference each), without the per-page array checks and the batch.
    mutating func cacheWindow(_ p: Int, count: Int, file f: Int, offset: Int) {
        let r = p..<(p + count)
        pages.reset(r, to: .file)
        pages.fillFlags(r, PageFlags([.mappedToDisk, .lru]).rawValue)
        PageArrays.fill(&pages.refcount, r, 1)
        PageArrays.fill(&pages.owner, r, UInt32(f))
        pages.index.withUnsafeMutableBufferPointer { b in
            for q in r { b[q] = UInt32(offset + q - p) }
        }
        files[f].pages.cacheRun(at: offset, pfns: r)
        // An aligned window lies in one zone, so on one node.
        nodes[nodeIndex(of: p)].lruSize[lruList(of: p).rawValue] += count
    }

    /// A newly read page-cache page: filled from disk, in the file, on its way to the LRU.
    mutating func cachePage(_ p: Int, file f: Int, offset: Int, cpu: Int) {
        fill(p, kind: .file, owner: UInt32(f), index: UInt32(offset), flags: .mappedToDisk)
        files[f].pages[offset] = UInt32(p)
        folioAddLRU(p, cpu: cpu)
    }

    /// The files the workload reads: together as many pages as memory, so that
    /// the page cache can take whatever memory processes leave free.
    mutating func createFiles() {
        let total = config.totalPages
        let sizes = [8, 4, 2, 1, 8, 4, 2, 1]
        let sum = sizes.reduce(0, +)
        for s in sizes { _ = addFile(pages: max(16, total * s / sum)) }
    }
}
