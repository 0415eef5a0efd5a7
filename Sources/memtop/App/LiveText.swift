import MemEngine

/// Live mode's inspector lines and zone-panel numbers, built from what was read.
enum LiveText {
    typealias Line = (text: String, style: Style)

    /// The block under the cursor: identity, page kinds, flag facts, the what-if verdict with
    /// its blocking pfns, and what /proc cannot show.
    static func block(_ memory: LiveMemory, _ index: Int) -> [Line] {
        let view = memory.blockViews[index]
        let report = memory.reports[index]
        let zone = view.multizone ? "multizone" : view.zone?.description ?? "no zone"
        let valid = report?.validZones?.joined(separator: " ") ?? "?"
        var lines: [Line] = [
            ("\(view.id) \(view.state.rawValue)  \(view.node) \(zone)  pfn \(view.pfns.lowerBound)-\(view.pfns.upperBound)  valid_zones \(valid)", .plain.bold()),
        ]
        if let pages = report?.pages {
            let names: [(LivePageKind, String)] = [(.free, "free"), (.lruAnon, "anon"), (.lruFile, "file"), (.slab, "slab"),
                                                   (.pagetable, "ptbl"), (.reserved, "resv"), (.kernel, "no-flags"), (.other, "other"),
                                                   (.offline, "offline"), (.uninit, "never-initialised")]
            lines.append((names.filter { pages[$0.0] > 0 }.map { "\($0.1) \(pages[$0.0])" }.joined(separator: "  "), .plain))
        }
        if let facts = memory.facts[index] {
            let named: [(String, UInt64)] = [("swapcache", facts.swapcache), ("mlocked", facts.mlocked), ("unevictable", facts.unevictable),
                                             ("THP", facts.thp), ("compound", facts.compound), ("hugetlb", facts.hugetlb),
                                             ("hwpoison", facts.hwpoison), ("dirty", facts.dirty), ("mapped", facts.mapped)]
            let shown = named.filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }
            lines.append(("flags: " + (shown.isEmpty ? "no swapcache, mlocked, THP or hwpoison pages" : shown.joined(separator: "  ")), .plain))
        }
        lines += verdict(report, state: view.state)
        lines.append(("cannot see: refcounts and pins (GUP, DMA): a page that looks movable may still fail to migrate", .plain.dim()))
        return lines
    }

    static func verdict(_ report: InspectReport.Block?, state: BlockState) -> [Line] {
        guard let report else { return [("what-if offline: not read yet", .plain.dim())] }
        guard state == .online else {
            return [("\(state.rawValue): nothing to predict (live mode never onlines)", .plain.dim())]
        }
        switch report.offlinable {
        case true?:
            var lines: [Line] = [("what-if offline: would offline (every pageblock isolates; o simulates it)", Style(fg: .brightGreen))]
            if let note = report.note { lines.append(("  " + note, .plain.dim())) }
            return lines
        case false?:
            // The verdict's errno: EINVAL (range checks), EBUSY (isolation), EINTR (no targets).
            let reason = report.reason ?? report.blockers.first?.reason ?? "unmovable page"
            let errno = report.errno ?? "EBUSY"
            let count = report.blockerCount > 0 ? ", \(report.blockerCount) blocking page\(report.blockerCount == 1 ? "" : "s")" : ""
            var lines: [Line] = [("what-if offline: \(errno) \(reason)\(count)", Style(fg: .brightRed, attributes: .bold))]
            if let room = report.freeForMigration, errno == "EINTR" {
                lines.append(("  \(room) pages free for it outside the block, above the watermarks", .plain))
            }
            return lines + BlockerList.lines(report.blockers.map(BlockingPage.init), total: Int(clamping: report.blockerCount), unit: "page", cursor: nil)
        case nil:
            return [("what-if offline: unknown: \(report.note ?? "page flags unavailable")", .plain.bold())]
        }
    }

    /// The page under the cursor when zoomed in.
    static func page(_ memory: LiveMemory, _ pfn: PFN) -> [Line] {
        guard let index = memory.blockIndex(of: pfn) else { return [("pfn \(pfn): no memory block", .plain)] }
        let block = memory.blockViews[index]
        let place = [block.node.description, memory.zoneType(at: pfn, in: block)?.description].compactMap { $0 }.joined(separator: " ")
        var lines: [Line] = [("pfn \(pfn) in \(block.id), \(place); pageblock \(PFN(pfn.raw & ~(memory.geometry.pagesPerPageblock - 1))) migratetype not exported", .plain.bold())]
        guard let zoomed = memory.zoomed, zoomed.block == index, let page = zoomed.pages[safe: pfn - block.pfns.lowerBound] else {
            lines.append(("page flags unavailable (see the panel on the right)", .plain.dim()))
            return lines
        }
        let lru = LiveMemory.lru(of: page.flags).map(\.description) ?? "none"
        lines.append(("kind \(page.kind.label)  mapcount \(page.mapcount) (kpagecount)  LRU \(lru)", .plain))
        let names = flagNames(page.flags)
        lines.append(("kpageflags " + (names.isEmpty ? "none" : names.joined(separator: " ")), .plain))
        let facts = PageClassifier.facts(flags: page.flags.rawValue, kind: page.kind)
        if let reason = Movability.unmovableReason(facts, inMovableZone: block.zone == .movable && !block.multizone) {
            lines.append(("has_unmovable_pages: blocks isolation (\(reason.rawValue))", Style(fg: .brightRed, attributes: .bold)))
        } else {
            lines.append(("has_unmovable_pages: passes (refcount and pins unknown)", .plain))
        }
        return lines
    }

    static let flagTable: [(KPageFlags, String)] = [
        (.locked, "locked"), (.error, "error"), (.referenced, "referenced"), (.uptodate, "uptodate"), (.dirty, "dirty"),
        (.lru, "lru"), (.active, "active"), (.slab, "slab"), (.writeback, "writeback"), (.reclaim, "reclaim"),
        (.buddy, "buddy"), (.mmap, "mmap"), (.anon, "anon"), (.swapcache, "swapcache"), (.swapbacked, "swapbacked"),
        (.compoundHead, "compound_head"), (.compoundTail, "compound_tail"), (.huge, "huge"), (.unevictable, "unevictable"),
        (.hwpoison, "hwpoison"), (.noPage, "nopage"), (.ksm, "ksm"), (.thp, "thp"), (.offline, "offline"),
        (.zeroPage, "zero_page"), (.idle, "idle"), (.pgtable, "pgtable"), (.reserved, "reserved"), (.mlocked, "mlocked"),
        (.mappedToDisk, "mappedtodisk"), (.private, "private"), (.private2, "private_2"), (.ownerPrivate, "owner_private"),
    ]

    static func flagNames(_ flags: KPageFlags) -> [String] {
        flagTable.filter { flags.contains($0.0) }.map(\.1)
    }

    /// The zone panel's numbers for a zone of the live machine: zoneinfo's counters, buddyinfo's
    /// free pages, pagetypeinfo's free lists and pageblock counts (nil when not readable), the
    /// machine-wide LRU sizes of /proc/vmstat.
    static func zoneStats(_ snapshot: LiveSnapshot, node: Int, zone name: String) -> ZoneStats? {
        guard let zone = snapshot.zones?.first(where: { $0.node == node && $0.name == name }) else { return nil }
        let types = snapshot.pageTypes
        var buddy: [[Int]]?
        if let rows = types?.free.filter({ $0.node == node && $0.zone == name }), let orders = rows.first?.counts.count {
            var table = Array(repeating: Array(repeating: 0, count: MigrateType.count), count: orders)
            for row in rows {
                guard let mt = MigrateType.allCases.first(where: { $0.description == row.migratetype }) else { continue }
                for (order, count) in row.counts.enumerated() where order < orders { table[order][mt.rawValue] = Int(clamping: count.value) }
            }
            buddy = table
        }
        var pageblocks: [Int]?
        if let types {
            pageblocks = MigrateType.allCases.map { Int(clamping: types.blockCount(node: node, zone: name, type: $0.description) ?? 0) }
        }
        let vm = snapshot.vmstat
        func stat(_ key: String) -> Int { Int(clamping: vm?[key] ?? 0) }
        return ZoneStats(
            node: NodeID(node), name: name, startPFN: PFN(Int(clamping: zone.startPFN ?? 0)), spanned: Int(clamping: zone.spanned),
            present: Int(clamping: zone.present), managed: Int(clamping: zone.managed),
            freePages: Int(clamping: snapshot.buddy(node: node, zone: name)?.freePages ?? zone.free),
            watermarks: [zone.min, zone.low, zone.high].map { Int(clamping: $0 ?? 0) },
            isolatePageblocks: pageblocks?[MigrateType.isolate.rawValue] ?? 0,
            buddy: buddy, pageblocks: pageblocks, perCPU: [],
            lru: ["nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file", "nr_unevictable"].map(stat),
            isolatedAnon: stat("nr_isolated_anon"), isolatedFile: stat("nr_isolated_file"),
            pcpSummary: "\(CountText.compact(Int(clamping: zone.pcpCount), width: ZonePanel.countWidth)) pages on \(zone.cpus) cpus",
            protection: zone.protection?.map { Int(clamping: $0) })
    }
}
