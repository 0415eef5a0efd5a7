import MemEngine

/// Builds the `inspect` report of a simulated machine, in the same shape as live mode's.
struct SimInspector {
    var machine: Machine

    func report() -> InspectReport {
        let m = machine
        let zones = m.zones.enumerated().compactMap { (i, z) -> InspectReport.Zone? in
            guard z.spanned > 0 || z.present > 0 else { return nil }
            return InspectReport.Zone(node: z.node.raw, name: z.name, startPfn: UInt64(z.startPFN.raw),
                                      spanned: UInt64(z.spanned), present: UInt64(z.present),
                                      managed: UInt64(z.managed), freePages: UInt64(m.buddyFreePages(zone: i)),
                                      protection: z.lowmemReserve.map { UInt64($0) })
        }
        let blocks = m.blocks.map { b -> InspectReport.Block in
            let s = m.blockSummary(b.id)
            var pages = InspectReport.PageCounts()
            pages.free = UInt64(s.count(.free))
            pages.pcp = UInt64(s.count(.pcp))
            pages.lruAnon = UInt64(s.count(.inactiveAnon) + s.count(.activeAnon))
            pages.lruFile = UInt64(s.count(.inactiveFile) + s.count(.activeFile))
            pages.slab = UInt64(s.count(.slab))
            pages.pagetable = UInt64(s.count(.pageTable))
            pages.reserved = UInt64(s.count(.reserved) + s.count(.hole))
            pages.offline = UInt64(s.count(.offline))
            // Content pages not on an evictable LRU list: unevictable, batched, isolated.
            let content = s.count(.anon) + s.count(.file)
            pages.other = UInt64(content - Int(pages.lruAnon + pages.lruFile) + s.count(.garbage) + s.count(.kernel))
            let verdict = b.state == .online ? m.offlineVerdict(b.id) : nil
            let zone: String? = s.multizone ? "multizone" : s.zone?.description
            var block = InspectReport.Block(
                id: b.id.raw, state: b.state.rawValue, zone: zone, node: b.node.raw,
                startPfn: UInt64(m.pfnRange(of: b.id).lowerBound.raw),
                validZones: m.validZones(b.id).isEmpty ? ["none"] : m.validZones(b.id).map(\.description), pages: pages,
                offlinable: verdict?.offlinable,
                blockers: verdict.map { v in
                    v.blockers.map { InspectReport.Blocker(pfn: UInt64($0.pfn.raw), reason: $0.reason, kind: $0.kind.description) }
                        + (v.blockers.isEmpty && !v.offlinable ? [InspectReport.Blocker(pfn: UInt64(m.pfnRange(of: b.id).lowerBound.raw), reason: v.reason ?? "?", kind: nil)] : [])
                } ?? [],
                blockerCount: UInt64(verdict.map { $0.blockers.isEmpty ? ($0.offlinable ? 0 : 1) : max($0.blockedPageblocks, $0.blockers.count) } ?? 0),
                note: b.state == .online ? nil : "block is \(b.state.rawValue)")
            // The same errno and one-phrase reason as live mode's verdict.
            block.errno = verdict?.errno
            block.reason = verdict.flatMap { v in v.blockers.first?.reason ?? v.reason }
            return block
        }
        let c = m.config
        let label = "simulated (memtop model of Linux 6.x): \(ByteSize.format(c.memoryBytes)), \(c.nodes) node(s), \(c.cpus) cpus, seed \(c.seed), \(c.workload.rawValue) workload"
        return InspectReport(kernel: label, blockSizeBytes: UInt64(c.geometry.blockBytes), zones: zones, blocks: blocks)
    }
}

extension SimInspector {
    /// The verdict class `report()` gives block `index` (`VerdictSummary.verdict(of:)`),
    /// without the rest of its report: what the verdict colours need, block by block.
    func verdict(ofBlock index: Int) -> VerdictSummary.Verdict {
        let m = machine
        let b = m.blocks[index]
        guard b.state == .online else { return .notOnline }
        let v = m.offlineVerdict(b.id)
        if v.offlinable { return .wouldOffline }
        let blocker = v.blockers.first.map { InspectReport.Blocker(pfn: UInt64($0.pfn.raw), reason: $0.reason, kind: $0.kind.description) }
            ?? InspectReport.Blocker(pfn: UInt64(m.pfnRange(of: b.id).lowerBound.raw), reason: v.reason ?? "?", kind: nil)
        return .busy(VerdictSummary.reason(of: blocker))
    }
}
