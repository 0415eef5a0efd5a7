/// Builds the `inspect` report of a real machine or a saved copy.
///
/// Range checks follow `offline_pages()` (mm/memory_hotplug.c) in its order: "memory holes"
/// (`walk_system_ram_range()` over /proc/iomem), then "multizone range"; then every page goes
/// through MemEngine's `Movability` (`has_unmovable_pages()`).
struct LiveInspector {
    let source: LiveSource

    /// What /proc cannot show, printed with every human report.
    static let limits = [
        "page refcounts and pins (GUP, DMA, RDMA) are not exported: a page that would fail to migrate looks movable here",
        "kpagecount is the mapcount, not the refcount",
        "non-LRU movable pages (zsmalloc, balloon) are not flagged and read as unmovable",
        "per-pageblock migratetypes are not exported; pagetypeinfo has only per-zone totals",
        "pages without any flag are kernel allocations or free pages on per-cpu lists; they block, unless no more of them are in the block than the zone has on its per-cpu lists",
    ]

    func report() throws -> InspectReport {
        let snapshot = LiveSnapshot.read(from: source)
        return report(from: snapshot)
    }

    /// Blocks whose pages were read already (live mode reads each block once a refresh, for
    /// the map and for the report), with what went wrong while reading, in order.
    struct Scanned {
        var scans: [Int: BlockScan] = [:]
        var problems: [String] = []
    }

    /// The report of `snapshot`; with `scanned`, from those scans instead of reading the pages.
    func report(from snapshot: LiveSnapshot, scanned: Scanned? = nil) -> InspectReport {
        var report = InspectReport(kernel: snapshot.kernel,
                                   blockSizeBytes: snapshot.memory?.blockSizeBytes,
                                   zones: zones(of: snapshot), blocks: [],
                                   unavailable: snapshot.unavailable)
        guard let memory = snapshot.memory, let blockPages = snapshot.blockPages, blockPages > 0 else {
            return report
        }
        var scanner: BlockScanner?
        if let scanned {
            report.unavailable += scanned.problems
        } else {
            do {
                scanner = try BlockScanner(source: source, buddyTails: .forKernel(snapshot.kernel),
                                           pageblockPages: pageblockPages(snapshot, blockPages: blockPages))
            } catch {
                report.unavailable.append("\(error)")
            }
        }
        if let problem = scanner?.countsProblem { report.unavailable.append(problem) }
        var scanError: String?
        for info in memory.blocks {
            var block = describe(info, snapshot: snapshot, blockPages: blockPages)
            if let scan = scanned?.scans[info.id] {
                judge(&block.report, scan: scan, snapshot: snapshot)
            } else if scanner != nil, scanError == nil {
                do {
                    if let scan = try scanner?.scan(block.pfns, inMovableZone: block.report.zone == "Movable") {
                        judge(&block.report, scan: scan, snapshot: snapshot)
                    }
                } catch {
                    scanError = "\(error)"
                    report.unavailable.append("\(error)")
                }
            }
            if block.report.pages == nil && block.report.note == nil {
                block.report.note = "page flags unavailable"
            }
            report.blocks.append(block.report)
        }
        return report
    }

    private func zones(of snapshot: LiveSnapshot) -> [InspectReport.Zone] {
        (snapshot.zones ?? []).map { zone in
            InspectReport.Zone(node: zone.node, name: zone.name, startPfn: zone.startPFN,
                               spanned: zone.spanned, present: zone.present, managed: zone.managed,
                               freePages: snapshot.buddy(node: zone.node, zone: zone.name)?.freePages ?? zone.free,
                               protection: zone.protection)
        }
    }

    /// The pageblock size for the "never initialised" test: pagetypeinfo's, else x86_64's 512,
    /// never larger than a block.
    private func pageblockPages(_ snapshot: LiveSnapshot, blockPages: UInt64) -> UInt64 {
        min(snapshot.pageTypes?.pagesPerBlock ?? 512, blockPages)
    }

    private struct DescribedBlock {
        var report: InspectReport.Block
        var pfns: Range<UInt64>
    }

    /// The block's identity and zone, before its pages are read.
    private func describe(_ info: MemoryBlockInfo, snapshot: LiveSnapshot, blockPages: UInt64) -> DescribedBlock {
        let start = UInt64(info.id) * blockPages
        let pfns = start..<(start + blockPages)
        var block = InspectReport.Block(id: info.id, state: info.state, zone: nil, node: info.node,
                                        startPfn: start, validZones: info.validZones, pages: nil,
                                        offlinable: nil, blockers: [], blockerCount: 0,
                                        note: info.problems.first)
        let meeting = snapshot.zones(meeting: pfns, node: info.node)
        if info.state == "online" {
            if meeting.count > 1 {
                block.zone = "multizone"
            } else if let only = meeting.first {
                block.zone = only.name
            } else if let valid = info.validZones, valid.count == 1, valid[0] != "none" {
                block.zone = valid[0]
            }
        }
        return DescribedBlock(report: block, pfns: pfns)
    }

    /// Fills the page counts and the what-if verdict of one block from its scan.
    private func judge(_ block: inout InspectReport.Block, scan: BlockScan, snapshot: LiveSnapshot) {
        guard scan.isComplete else {
            let end = scan.pfns.lowerBound + scan.pagesRead
            block.note = "not captured: kpageflags ends " + (scan.pagesRead > 0 ? "at" : "before") + " pfn \(end)"
            return
        }
        block.pages = scan.kinds
        guard block.state == "online" else {
            if block.state == "offline" { block.note = "already offline" }
            return
        }
        if let reason = rangeReason(block, pfns: scan.pfns, scan: scan, snapshot: snapshot) {
            block.offlinable = false
            block.blockers = [reason]
            block.blockerCount = 1
            block.errno = "EINVAL"
            block.reason = reason.reason
            return
        }
        block.blockers = scan.blockers
        block.blockerCount = scan.blockerCount
        // Free pages on the per-cpu lists read no flags (refcount 0, not PG_buddy), like kernel
        // allocations; zone_pcp_disable() gives them back to the buddy allocator before
        // isolation. When every blocker is such a page and the zone holds at least as many
        // per-cpu pages, they may all be free: the kernel offlined such blocks in every saved run.
        if scan.blockerCount > 0, scan.blockerCount == scan.flaglessBlockers,
           let pcp = perCPUPages(zone: block.zone, node: block.node, snapshot: snapshot), scan.flaglessBlockers <= pcp {
            block.note = "\(scan.flaglessBlockers) pages without flags taken as per-cpu free pages: the zone has \(pcp) on its per-cpu lists"
            block.blockers = []
            block.blockerCount = 0
        }
        if let first = block.blockers.first {
            block.offlinable = false
            block.errno = "EBUSY"
            block.reason = first.reason
            return
        }
        // Isolation would pass; migration needs a free target outside the block for every page.
        let toMigrate = scan.kinds.lruAnon + scan.kinds.lruFile
        block.pagesToMigrate = toMigrate
        if let zone = block.zone,
           let room = MigrationRoom.freePages(for: scan.pfns, zone: zone, node: block.node,
                                              blockFree: scan.kinds.free, snapshot: snapshot) {
            block.freeForMigration = room
            if room < toMigrate {
                block.offlinable = false
                block.errno = "EINTR"
                block.reason = "not enough free memory to migrate \(toMigrate) pages"
                return
            }
        }
        block.offlinable = true
    }

    /// Pages on the per-cpu lists of the block's zone (zoneinfo's `count:` lines).
    private func perCPUPages(zone: String?, node: Int?, snapshot: LiveSnapshot) -> UInt64? {
        snapshot.zones?.first { $0.name == zone && (node == nil || $0.node == node) }?.pcpCount
    }

    /// The range checks of `offline_pages()` that fail before any page is looked at.
    private func rangeReason(_ block: InspectReport.Block, pfns: Range<UInt64>, scan: BlockScan,
                             snapshot: LiveSnapshot) -> InspectReport.Blocker? {
        if let ram = snapshot.systemRAM {
            if ram.pages(in: pfns) < UInt64(pfns.count) {
                return .init(pfn: firstHole(in: pfns, ram: ram), reason: "memory holes", kind: nil)
            }
        } else if scan.kinds.offline > 0 {
            // Without iomem, pfns with no struct page are the holes.
            return .init(pfn: pfns.lowerBound, reason: "memory holes", kind: "no struct page")
        }
        if block.zone == "multizone" || block.validZones == ["none"] {
            return .init(pfn: pfns.lowerBound, reason: "multizone range", kind: nil)
        }
        return nil
    }

    private func firstHole(in pfns: Range<UInt64>, ram: SystemRAM) -> UInt64 {
        var pfn = pfns.lowerBound
        for range in ram.ranges where range.upperBound > pfn {
            if range.lowerBound > pfn { break }
            pfn = range.upperBound
        }
        return min(pfn, pfns.upperBound - 1)
    }
}
