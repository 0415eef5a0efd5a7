/// A broken invariant: what, and where (pfn, order, list).
public struct InvariantViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var pfn: Int?
    public var description: String {
        pfn.map { "pfn \(PFN($0)): \(message)" } ?? message
    }
}

extension Machine {
    /// Checks everything the model promises, naming the first broken thing:
    /// every pfn is in exactly one place; buddy blocks are aligned, inside their zone and on
    /// the list their head says; zone counters equal a recount; no page of an isolated
    /// pageblock waits on a per-cpu list; LRU sizes match the flags; every content token is
    /// held exactly once (one page per PTE, file offset and slab slot, none lost or doubled).
    public func checkInvariants() throws(InvariantViolation) {
        let n = pages.count
        var marks = PlaceMarks(count: n)
        func mark(_ p: Int, _ what: @autoclosure () -> String) throws(InvariantViolation) {
            try marks.mark(p, what())
        }

        // Buddy lists.
        for (zi, zone) in zones.enumerated() {
            var free = 0
            for order in 0...zone.maxOrder {
                for mt in MigrateType.allCases {
                    let list = zone.freeArea[zone.listIndex(order: order, mt: mt)]
                    let elems = list.elements(in: pages)
                    guard elems.count == list.count else {
                        throw InvariantViolation(message: "\(zone.name) free_area[\(order)][\(mt)] count \(list.count) but \(elems.count) linked", pfn: nil)
                    }
                    for head in elems {
                        let what = "node\(zone.node.raw) \(zone.name) free_area[\(order)][\(mt)]"
                        guard head & (order.pagesCount - 1) == 0 else {
                            throw InvariantViolation(message: "\(what): head not aligned to order \(order)", pfn: head)
                        }
                        guard pages.has(head, .buddy), pages.order(head) == order, pages.listMT(head) == mt else {
                            throw InvariantViolation(message: "\(what): head flags/order/list disagree (order \(pages.order(head)), list \(pages.listMT(head)))", pfn: head)
                        }
                        for q in head..<(head + order.pagesCount) {
                            try mark(q, what)
                            guard pages.kindOf(q) == .free, zoneIndex(of: q) == zi else {
                                throw InvariantViolation(message: "\(what): page in block is \(pages.kindOf(q)) / zone \(zoneIndex(of: q).map(String.init) ?? "none")", pfn: q)
                            }
                        }
                        if config.has(.isolateFreedPagesASAP) {
                            // Every pageblock of the block, also of one larger than a pageblock
                            // (the kernel keeps them alike when it merges).
                            for pb in stride(from: head, to: head + order.pagesCount, by: geometry.pagesPerPageblock) {
                                let expect = effectiveMT(pb)
                                guard expect == mt else {
                                    throw InvariantViolation(message: "\(what): free block on the \(mt) list in a \(expect) pageblock", pfn: pb)
                                }
                            }
                        }
                        if mt != .isolate { free += order.pagesCount }
                    }
                }
            }
            guard free == zone.freePages else {
                throw InvariantViolation(message: "node\(zone.node.raw) \(zone.name) NR_FREE_PAGES \(zone.freePages) but recount \(free)", pfn: nil)
            }
            // Per-cpu lists.
            for (cpu, pcp) in zone.pcp.enumerated() {
                var count = 0
                for (li, list) in pcp.lists.enumerated() {
                    for p in list.elements(in: pages) {
                        let what = "node\(zone.node.raw) \(zone.name) cpu\(cpu) pcp list \(MigrateType(rawValue: li) ?? .movable)"
                        try mark(p, what)
                        guard pages.kindOf(p) == .pcp, zoneIndex(of: p) == zi else {
                            throw InvariantViolation(message: "\(what): page is \(pages.kindOf(p))", pfn: p)
                        }
                        if config.has(.isolateFreedPagesASAP) && isIsolated(p) {
                            throw InvariantViolation(message: "\(what): page of an isolated pageblock on a per-cpu list", pfn: p)
                        }
                        count += 1
                    }
                }
                guard count == pcp.count else {
                    throw InvariantViolation(message: "node\(zone.node.raw) \(zone.name) cpu\(cpu) pcp count \(pcp.count) but \(count) listed", pfn: nil)
                }
            }
        }

        // Content: every PTE, page-cache slot and slab slot holds one page whose token matches.
        for proc in processes {
            try checkPageTable(proc)
            for (i, pte) in proc.ptes.enumerated() {
                if let p = pte.presentPFN ?? pte.migrationPFN {
                    try mark(p, "pid \(proc.pid) pte \(i)")
                    try expectToken(p, kind: .anon, owner: proc.pid, index: i)
                } else if let slot = pte.swapSlot {
                    guard slot < swapSlots.count, let s = swapSlots[slot], s.pid == UInt32(proc.pid), s.index == UInt32(i) else {
                        throw InvariantViolation(message: "pid \(proc.pid) pte \(i): swap slot \(slot) holds other content", pfn: nil)
                    }
                }
            }
            for (i, pt) in proc.pageTables.enumerated() {
                try mark(Int(pt), "pid \(proc.pid) page table \(i)")
                try expectToken(Int(pt), kind: .pageTable, owner: proc.pid, index: i)
            }
        }
        for f in files {
            for (i, raw) in f.pages.enumerated() where raw != PageArrays.none {
                try mark(Int(raw), "file \(f.id) offset \(i)")
                try expectToken(Int(raw), kind: .file, owner: f.id, index: i)
            }
        }
        for (i, raw) in slabPages.enumerated() {
            try mark(Int(raw), "slab slot \(i)")
            try expectToken(Int(raw), kind: .slab, owner: Int(OwnerSpace.slabCache), index: i)
        }
        // Pages whose owner let go while I/O or migration still holds them.
        for io in inFlightIO where marks.seen[Int(io.pfn)] == 0 && pages.kindOf(Int(io.pfn)) == .anon {
            try mark(Int(io.pfn), "page under I/O (\(io.kind))")
        }
        if let op = operation, !op.isFinished {
            try checkMigrationLists(op, marks: &marks)
        }

        // Everything else: reserved, holes, offline, LRU batches.
        var lru = Array(repeating: Array(repeating: 0, count: LRUList.allCases.count), count: nodes.count)
        for p in 0..<n {
            let kind = pages.kindOf(p)
            if pages.has(p, .lru) && kind != .garbage {
                guard kind == .anon || kind == .file else {
                    throw InvariantViolation(message: "\(kind) page has PG_lru", pfn: p)
                }
                lru[nodeIndex(of: p)][lruList(of: p).rawValue] += pages.folioPages(p)
            }
            if pages.folioOrder(p) != 0 { try checkFolioPage(p) }
            if marks.seen[p] == 1 { continue }
            switch kind {
            case .reserved, .hole, .offline, .garbage, .kernel:
                marks.seen[p] = 1
            case .free where !pages.has(p, .buddy):
                throw InvariantViolation(message: "free page on no free list (a lost page)", pfn: p)
            default:
                throw InvariantViolation(message: "\(kind) page held by nobody (owner \(pages.owner[p]), index \(pages.index[p]))", pfn: p)
            }
        }
        for (ni, node) in nodes.enumerated() {
            for l in LRUList.allCases where node.lruSize[l.rawValue] != lru[ni][l.rawValue] {
                throw InvariantViolation(message: "node\(ni) \(l) size \(node.lruSize[l.rawValue]) but \(lru[ni][l.rawValue]) pages have the flags", pfn: nil)
            }
        }
        // LRU batches hold content pages not yet on the LRU.
        for (cpu, batch) in lruAddBatch.enumerated() {
            for raw in batch where pages.has(Int(raw), .lru) || !pages.kindOf(Int(raw)).hasContent {
                throw InvariantViolation(message: "cpu\(cpu) LRU batch holds a page that is \(pages.kindOf(Int(raw))) / on the LRU", pfn: Int(raw))
            }
        }
        // Isolation counters: offline blocks keep their isolated pageblocks uncounted, except
        // the block being onlined once online_pages() has counted them back in.
        var onlining: Int?
        if let op = operation, !op.isFinished, case .online = op.kind,
           [.onlineRange, .onlineUnisolate, .finishOnline].contains(op.phase) {
            onlining = op.block?.raw
        }
        for (zi, zone) in zones.enumerated() {
            var isolated = 0
            for pb in pageblockZone.indices where pageblockZone[pb] == UInt8(zi) && pageblockIsolated[pb] {
                let b = (pb << geometry.pageblockOrder) / geometry.pagesPerBlock
                if blocks[b].state != .offline || b == onlining { isolated += 1 }
            }
            guard isolated == zone.nrIsolatePageblock else {
                throw InvariantViolation(message: "node\(zone.node.raw) \(zone.name) nr_isolate_pageblock \(zone.nrIsolatePageblock) but \(isolated) isolated", pfn: nil)
            }
        }
    }

    @inline(__always)
    func expectToken(_ p: Int, kind: PageKind, owner: Int, index: Int) throws(InvariantViolation) {
        guard pages.kindOf(p) == kind, pages.owner[p] == UInt32(owner), pages.index[p] == UInt32(index) else {
            throw InvariantViolation(message: "expected \(kind) content (owner \(owner), index \(index)) but found \(pages.kindOf(p)) (owner \(pages.owner[p]), index \(pages.index[p]))", pfn: p)
        }
    }
}

/// Which pfns the invariant check has found a place for; a second place is an error.
struct PlaceMarks {
    var seen: [UInt8]
    init(count: Int) { seen = [UInt8](repeating: 0, count: count) }

    @inline(__always)
    mutating func mark(_ p: Int, _ what: @autoclosure () -> String) throws(InvariantViolation) {
        guard p >= 0 && p < seen.count else { throw InvariantViolation(message: "\(what()): pfn out of range", pfn: p) }
        guard seen[p] == 0 else { throw InvariantViolation(message: "\(what()): pfn is in two places", pfn: p) }
        seen[p] = 1
    }
}

extension Machine {
    /// Folios held by `migrate_pages()` (every page of each) and the targets it holds: a
    /// target is no free-list page and no one's content until `remove_migration_ptes()`.
    func checkMigrationLists(_ op: HotplugOperation, marks: inout PlaceMarks) throws(InvariantViolation) {
        for raw in migrateLists.heldSources(op.migratePages) {
            let head = Int(raw)
            guard pages.has(head, .isolated) else {
                throw InvariantViolation(message: "folio on a migration list is not isolated", pfn: head)
            }
            for p in head..<(head + pages.folioPages(head)) where marks.seen[p] == 0 {
                try marks.mark(p, "folio isolated for migration")
            }
        }
        var targets: [(Int, Int)] = []
        if let st = op.migratePages {
            for u in migrateLists.pendingUnmapped(st) + migrateLists.moveAgain {
                targets.append((Int(u.dst), pages.folioPages(Int(u.src))))
            }
            if let t = st.waitingTarget, let src = op.migration?.source.raw {
                targets.append((t, pages.folioPages(src)))
            }
        }
        for (t, nr) in targets {
            for p in t..<(t + nr) { try marks.mark(p, "migration target") }
        }
    }

    /// A page of a large folio agrees with its head: same order, kind and owner, the next
    /// index, and no LRU, isolation, reference or map count of its own on a tail.
    func checkFolioPage(_ p: Int) throws(InvariantViolation) {
        let order = pages.folioOrder(p), head = pages.folioHead(p)
        guard pages.folioOrder(head) == order, pages.kindOf(head) == .anon, pages.kindOf(p) == .anon else {
            throw InvariantViolation(message: "page of an order-\(order) folio is \(pages.kindOf(p)), head \(PFN(head)) is \(pages.kindOf(head)) of order \(pages.folioOrder(head))", pfn: p)
        }
        guard p != head else { return }
        guard pages.owner[p] == pages.owner[head], pages.index[p] == pages.index[head] &+ UInt32(p - head) else {
            throw InvariantViolation(message: "tail of the folio at \(PFN(head)) holds content (owner \(pages.owner[p]), index \(pages.index[p])) that is not the head's next", pfn: p)
        }
        guard !pages.has(p, .lru), !pages.has(p, .isolated), pages.refcount[p] == 0, pages.mapcount[p] == 0 else {
            throw InvariantViolation(message: "tail of the folio at \(PFN(head)) has its own LRU flag, isolation, reference or map count", pfn: p)
        }
    }
}
