/// FOLIO_BATCH_SIZE: pages a cpu collects before moving them to the LRU in one go.
let lruBatchSize = 31

extension Machine {
    /// The LRU list a page belongs on, from its flags (`folio_lru_list()`).
    /// Inlined, as the other small lookups that mutating code calls for every page: a call to
    /// a non-mutating method from a mutating one passes a copy of the whole `Machine` (1.2 KB,
    /// a memcpy each time).
    @inline(__always) func lruList(of p: Int) -> LRUList {
        if pages.has(p, .unevictable) { return .unevictable }
        let anon = pages.has(p, .swapBacked)
        let active = pages.has(p, .active)
        switch (anon, active) {
        case (true, false): return .inactiveAnon
        case (true, true): return .activeAnon
        case (false, false): return .inactiveFile
        case (false, true): return .activeFile
        }
    }

    /// The LRU list a page's folio is on, or nil when it is not on one.
    public func lruListIfOn(_ pfn: PFN) -> LRUList? {
        let head = pages.folioHead(pfn.raw)
        return pages.has(head, .lru) ? lruList(of: head) : nil
    }

    /// Whether a page's folio is off the LRU for migration (or reclaim).
    public func folioIsolated(_ pfn: PFN) -> Bool { pages.has(pages.folioHead(pfn.raw), .isolated) }

    @inline(__always) func nodeIndex(of p: Int) -> Int {
        if let z = zoneIndex(of: p) { return zones[z].node.raw }
        let b = p / geometry.pagesPerBlock
        return b < blocks.count ? blocks[b].node.raw : 0
    }

    /// Puts a folio on its LRU list (`lruvec_add_folio()`); the list counts its pages.
    mutating func lruAdd(_ p: Int) {
        pages.set(p, .lru)
        nodes[nodeIndex(of: p)].lruSize[lruList(of: p).rawValue] += pages.folioPages(p)
    }

    /// Takes a page off its LRU list (`lruvec_del_folio()`).
    mutating func lruDel(_ p: Int) {
        guard pages.has(p, .lru) else { return }
        nodes[nodeIndex(of: p)].lruSize[lruList(of: p).rawValue] -= pages.folioPages(p)
        pages.clear(p, .lru)
    }

    /// A new page heads for the LRU through this cpu's batch (`folio_add_lru()`); while the LRU
    /// cache is disabled it goes straight on.
    mutating func folioAddLRU(_ p: Int, cpu: Int) {
        if lruCacheDisabled > 0 {
            lruAdd(p)
            return
        }
        lruAddBatch[cpu].append(UInt32(p))
        pages.refcount[p] &+= 1  // the batch holds a reference
        if lruAddBatch[cpu].count >= lruBatchSize { lruAddDrainCPU(cpu) }
    }

    /// Moves one cpu's batched pages onto the LRU (`lru_add_drain_cpu()`).
    @discardableResult
    mutating func lruAddDrainCPU(_ cpu: Int) -> Int {
        guard !lruAddBatch[cpu].isEmpty else { return 0 }
        // Taken out of the table while it drains, so that emptying it copies nothing.
        var batch: [UInt32] = []
        swap(&batch, &lruAddBatch[cpu])
        for raw in batch {
            let p = Int(raw)
            pages.refcount[p] &-= 1
            lruAdd(p)
        }
        let count = batch.count
        batch.removeAll(keepingCapacity: true)
        lruAddBatch[cpu] = batch
        if eventFilter.contains(.workload) {
            emit(.workload, "lru_add_drain", detail: "cpu\(cpu): \(count) pages to the LRU")
        }
        return count
    }

    /// Forgets a page waiting in a batch (it is being freed before it reached the LRU).
    mutating func removeFromLRUBatch(_ p: Int) -> Bool {
        for c in lruAddBatch.indices {
            if let i = lruAddBatch[c].firstIndex(of: UInt32(p)) {
                lruAddBatch[c].remove(at: i)
                pages.refcount[p] &-= 1
                return true
            }
        }
        return false
    }

    /// `mark_page_accessed()`: a second touch of a referenced inactive page activates it.
    mutating func markAccessed(_ page: Int) {
        let p = pages.folioHead(page)
        guard pages.has(p, .lru), !pages.has(p, .unevictable) else {
            pages.set(p, .referenced)
            return
        }
        if pages.has(p, .referenced) && !pages.has(p, .active) {
            lruDel(p)
            pages.set(p, .active)
            pages.clear(p, .referenced)
            lruAdd(p)
        } else {
            pages.set(p, .referenced)
        }
    }

    /// Moves an active page back to its inactive list (`folio_deactivate()`, as reclaim's aging does).
    mutating func deactivate(_ p: Int) {
        guard pages.has(p, .lru), pages.has(p, .active) else { return }
        lruDel(p)
        pages.clear(p, .active)
        lruAdd(p)
    }

    /// Takes a page off the LRU for migration or reclaim (`folio_isolate_lru()`): it holds a
    /// reference and counts in NR_ISOLATED_ANON/FILE until it is put back or freed.
    mutating func isolateLRU(_ p: Int) -> Bool {
        guard pages.has(p, .lru) else { return false }
        lruDel(p)
        pages.set(p, .isolated)
        pages.refcount[p] &+= 1
        let n = nodeIndex(of: p), nr = pages.folioPages(p)
        if pages.has(p, .swapBacked) { nodes[n].nrIsolatedAnon += nr } else { nodes[n].nrIsolatedFile += nr }
        return true
    }

    /// Ends an isolation without putting the page back on the LRU (it is being freed or moved).
    mutating func unisolate(_ p: Int) {
        guard pages.has(p, .isolated) else { return }
        pages.clear(p, .isolated)
        pages.refcount[p] &-= 1
        let n = nodeIndex(of: p), nr = pages.folioPages(p)
        if pages.has(p, .swapBacked) { nodes[n].nrIsolatedAnon -= nr } else { nodes[n].nrIsolatedFile -= nr }
    }

    /// `folio_putback_lru()`: an isolated page goes back on its list.
    mutating func putbackLRU(_ p: Int) {
        unisolate(p)
        lruAdd(p)
    }

    /// `lru_add_drain_all()`.
    mutating func lruAddDrainAll() {
        for c in lruAddBatch.indices { lruAddDrainCPU(c) }
    }
}
