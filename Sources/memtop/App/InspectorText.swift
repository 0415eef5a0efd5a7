import MemEngine

/// The inspector's lines for the page or block under the cursor, built from the machine.
enum InspectorText {
    typealias Line = (text: String, style: Style)

    static func page(_ m: Machine, _ pfn: PFN) -> [Line] {
        let info = m.pageInfo(pfn)
        let block = m.geometry.block(of: pfn)
        let pageblockStart = PFN(pfn.raw & ~(m.geometry.pagesPerPageblock - 1))
        var mt = info.pageblockMT.description
        if info.pageblockIsolated { mt += " (isolated: Isolate)" }
        let place = [info.node?.description, info.zone].compactMap { $0 }.joined(separator: " ")
        var lines: [Line] = [
            ("pfn \(PFN(m.addresses.pfn(pfn.raw))) in \(m.addresses.name(block)), \(place.isEmpty ? "no zone" : place); pageblock \(PFN(m.addresses.pfn(pageblockStart.raw))) \(mt)", .plain.bold()),
        ]
        var counts = "kind \(info.kind)"
        if let order = info.buddyOrder { counts += " (buddy head, order \(order))" }
        if let head = info.folioHead {
            counts += head == pfn ? " (THP head, order \(info.folioOrder))" : " (THP tail of \(head), order \(info.folioOrder))"
        }
        counts += "  refcount \(info.refcount)  mapcount \(info.mapcount)  LRU \(info.lru?.description ?? "none")"
        lines.append((counts, .plain))
        let flags = info.flags.names
        lines.append(("flags " + (flags.isEmpty ? "none" : flags.joined(separator: " ")), .plain))
        lines.append(("owner " + (info.owner ?? "none"), .plain))
        return lines
    }

    /// The zones a block's pageblocks belong to, lowest first ("DMA", "DMA32" for block 0).
    static func spannedZones(_ m: Machine, _ id: BlockID) -> [String] {
        ZoneType.inMask(MapCache.zones(m, id.raw).mask).map(\.description)
    }

    static func block(_ m: Machine, _ id: BlockID) -> [Line] {
        let b = m.blocks[id.raw]
        let s = m.blockSummary(id)
        let range = m.addresses.viewRange(m.pfnRange(of: id))
        let zone = s.multizone ? spannedZones(m, id).joined(separator: "+") : s.zone?.description ?? "no zone"
        let valid = m.validZones(id).map(\.description).joined(separator: " ")
        var lines: [Line] = [
            ("\(m.addresses.name(id)) \(b.state.rawValue)  \(b.node) \(zone)  pfn \(range.lowerBound)-\(range.upperBound)  valid_zones \(valid.isEmpty ? "none" : valid)", .plain.bold()),
        ]
        let kinds: [(PageKind, String)] = [(.free, "free"), (.pcp, "pcp"), (.anon, "anon"), (.file, "file"), (.slab, "slab"),
                                           (.pageTable, "ptbl"), (.reserved, "resv"), (.offline, "offline"), (.garbage, "garbage")]
        lines.append((kinds.filter { s.count($0.0) > 0 }.map { "\($0.1) \(s.count($0.0))" }.joined(separator: "  "), .plain))
        var pageblocks = MigrateType.allCases.filter { s.pageblockCount($0) > 0 }
            .map { "\(ZonePanel.short($0)) \(s.pageblockCount($0))" }.joined(separator: " ")
        if pageblocks.isEmpty { pageblocks = "none" }
        lines.append(("LRU anon \(s.count(.inactiveAnon))/\(s.count(.activeAnon)) file \(s.count(.inactiveFile))/\(s.count(.activeFile)) unev \(s.count(.unevictable));  pageblocks \(pageblocks)", .plain))
        guard b.state == .online else {
            lines.append((b.state == .offline ? "offline: O onlines it (valid_zones above)" : "going offline: watch the offline panel", .plain.dim()))
            return lines
        }
        let verdict = m.offlineVerdict(id)
        if s.multizone {
            // The kernel gives no reason: offline_pages() never runs.
            lines.append(("what-if offline: EINVAL, the block spans \(spannedZones(m, id).joined(separator: " and ")): it has no zone "
                          + "(valid_zones none), so memory_block_offline() refuses it before offline_pages() runs", Style(fg: .brightRed, attributes: .bold)))
            return lines
        }
        if verdict.offlinable {
            lines.append(("what-if offline: would offline (every pageblock isolates; o tries it)", Style(fg: .brightGreen)))
            return lines
        }
        var text = "what-if offline: \(verdict.errno ?? "error") \(verdict.reason ?? "")"
        if verdict.blockedPageblocks > 0 { text += ", \(verdict.blockedPageblocks) pageblock(s) refuse" }
        lines.append((text, Style(fg: .brightRed, attributes: .bold)))
        let pages = verdict.blockers.map { BlockingPage(pfn: PFN(m.addresses.pfn($0.pfn.raw)), reason: "\($0.reason) (\($0.kind))") }
        lines += BlockerList.lines(pages, total: verdict.blockedPageblocks, cursor: nil)
        return lines
    }
}
