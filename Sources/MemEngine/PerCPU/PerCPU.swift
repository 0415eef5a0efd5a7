extension Machine {
    /// Takes an order-0 page from this cpu's list, refilling it in a batch from the buddy
    /// allocator when empty (`rmqueue_pcplist()` and `rmqueue_bulk()`).
    mutating func rmqueuePCP(zone z: Int, cpu: Int, mt: MigrateType) -> Int? {
        let li = mt.rawValue
        if zones[z].pcp[cpu].lists[li].isEmpty {
            let batch = max(1, zones[z].pcp[cpu].batch)
            var got = 0
            for _ in 0..<batch {
                guard let p = rmqueue(zone: z, order: 0, mt: mt) else { break }
                pages.setKind(p, .pcp)
                pages.setFlags(p, 0)
                pages.setOrderMT(p, order: 0, mt: mt)
                zones[z].pcp[cpu].lists[li].pushBack(p, in: &pages)
                zones[z].pcp[cpu].count += 1
                got += 1
            }
            if got > 0 {
                emit(.allocator, "rmqueue_bulk", detail: "\(zones[z].name) cpu\(cpu) +\(got) \(mt)")
            }
        }
        guard let p = zones[z].pcp[cpu].lists[li].first else { return nil }
        zones[z].pcp[cpu].lists[li].remove(p, in: &pages)
        zones[z].pcp[cpu].count -= 1
        pages.clearOrderMT(p)
        return p
    }

    /// Frees an order-0 page (`free_unref_page()`, mm/page_alloc.c). Hot pages go to the front
    /// of this cpu's list. A page of an isolated pageblock bypasses the per-cpu lists and goes
    /// straight to the buddy's Isolate list: the fix "isolate freed pages ASAP" of 2007.
    mutating func freeUnrefPage(_ p: Int, cpu: Int) {
        guard let z = zoneIndex(of: p) else { return }
        var mt = effectiveMT(p)
        if mt == .isolate {
            if config.has(.isolateFreedPagesASAP) {
                freeOnePage(p, order: 0, mt: .isolate, zone: z)
                return
            }
            // The 2007 bug: the free path does not look at isolation; the page keeps the
            // type its block had and goes on the per-cpu list, ready to be handed out again.
            mt = MigrateType(rawValue: Int(pageblockMT[pageblockIndex(p)])) ?? .movable
        }
        if mt.rawValue >= MigrateType.pcpTypes.count { mt = .movable }
        pages.reset(p, to: .pcp)
        pages.setOrderMT(p, order: 0, mt: mt)
        zones[z].pcp[cpu].lists[mt.rawValue].pushFront(p, in: &pages)
        zones[z].pcp[cpu].count += 1
        let pcp = zones[z].pcp[cpu]
        if pcp.count >= pcp.high {
            let toFree = pcp.high == 0 ? pcp.count : min(pcp.count, max(pcp.batch, pcp.count - pcp.high + pcp.batch))
            freePCPPagesBulk(zone: z, cpu: cpu, count: toFree)
        }
    }

    /// Returns `count` pages from a cpu's lists to the buddy allocator, cold end first, round
    /// robin over the lists (`free_pcppages_bulk()`).
    mutating func freePCPPagesBulk(zone z: Int, cpu: Int, count: Int) {
        var left = count, li = 0, idle = 0
        while left > 0 && idle < MigrateType.pcpTypes.count {
            if let p = zones[z].pcp[cpu].lists[li].last {
                zones[z].pcp[cpu].lists[li].remove(p, in: &pages)
                zones[z].pcp[cpu].count -= 1
                let saved = pages.listMT(p)
                pages.reset(p, to: .free)
                // Since Linux 6.x the block's current type decides the list (so a page of an
                // isolated block lands on the Isolate list); the 2007 code trusted the type
                // saved when the page was freed.
                let mt = config.has(.isolateFreedPagesASAP) ? effectiveMT(p) : saved
                freeOnePage(p, order: 0, mt: mt, zone: z)
                left -= 1
                idle = 0
            } else {
                idle += 1
            }
            li = (li + 1) % MigrateType.pcpTypes.count
        }
        emit(.allocator, "free_pcppages_bulk", detail: "\(zones[z].name) cpu\(cpu) -\(count - left)")
    }

    /// Empties one cpu's lists of one zone (`drain_pages_zone()`).
    mutating func drainPages(zone z: Int, cpu: Int) -> Int {
        let n = zones[z].pcp[cpu].count
        if n > 0 { freePCPPagesBulk(zone: z, cpu: cpu, count: n) }
        return n
    }

    /// Recomputes a zone's pcp high and batch from its size (`zone_set_pageset_high_and_batch()`):
    /// batch from `zone_batchsize()`, high from the low watermark split over the node's cpus.
    mutating func setPageset(zone z: Int) {
        var batch = min(zones[z].managed >> 10, (1 << 20) / geometry.pageSize) / 4
        if batch < 1 { batch = 1 }
        batch = (batch + batch / 2).roundedDownToPowerOfTwo - 1
        if batch < 1 { batch = 1 }
        let cpusOnNode = max(1, nodes[zones[z].node.raw].cpus.count)
        let high = max(zones[z].watermarks.low / cpusOnNode, batch * 4)
        for c in zones[z].pcp.indices {
            zones[z].pcp[c].batch = zones[z].pcpDisabled > 0 ? 1 : batch
            zones[z].pcp[c].high = zones[z].pcpDisabled > 0 ? 0 : high
        }
    }

    /// `zone_pcp_disable()`: high 0 and batch 1 on every cpu, then drain them all, so that no
    /// page of the zone waits on a per-cpu list while it is being offlined.
    mutating func zonePCPDisable(zone z: Int) {
        zones[z].pcpDisabled += 1
        setPageset(zone: z)
    }

    /// `zone_pcp_enable()`.
    mutating func zonePCPEnable(zone z: Int) {
        zones[z].pcpDisabled = max(0, zones[z].pcpDisabled - 1)
        setPageset(zone: z)
    }
}

extension Int {
    var roundedDownToPowerOfTwo: Int { self <= 0 ? 0 : 1 << (Int.bitWidth - 1 - leadingZeroBitCount) }
}
