import MemEngine

/// Reads a live source into `LiveMemory`: all of it (start, `r`), or a bounded part (the
/// periodic refresh), so that a refresh never stalls the UI for long on a big machine.
///
/// Each read takes one pass over the blocks it covers, `BlockScanner` with every page kept, one
/// block at a time: for the overview's censuses, the zoomed block's pages, and `LiveInspector`'s
/// report (kinds and what-if verdicts, the same code as `memtop inspect`), which judges those
/// scans instead of reading the pages again. Reading kpageflags and kpagecount is most of a
/// refresh's CPU, nearly all of it in the kernel, so each page is read once.
struct LiveReader {
    let source: LiveSource
    /// The text files read on every refresh, kept open.
    let files = OpenFiles()
    /// kpageflags entries a periodic refresh reads for the overview: 2 blocks of 128 MiB. The
    /// kernel's side of reading kpageflags and kpagecount is most of an idle `memtop live`'s
    /// CPU (about 0.4% of a core per 128 MiB block each 2 s on the 2-core x86_64 VM this was
    /// measured on); with 2 blocks an idle refresh stays under 2% of a core. A machine bigger
    /// than that is refreshed a part at a time, round robin (`r` reads everything at once).
    static let refreshBudget = 1 << 16

    /// Reads every block, and every page of `zoomBlock`.
    func readAll(zoomBlock: Int? = nil) -> LiveMemory {
        var memory = Self.layout(LiveSnapshot.read(from: source, files: files))
        refresh(&memory, blocks: Array(memory.blockViews.indices), zoomBlock: zoomBlock, rereadText: false)
        return memory
    }

    /// /proc/pagetypeinfo is read again every this many periodic refreshes (10 s at the
    /// default 2 s): costly for the kernel to show, and slow to change.
    static let pageTypesEvery = 5

    /// Reads the text files again (/proc/pagetypeinfo only with `pageTypes`), then the kinds,
    /// verdicts and censuses of `blocks` (indices, kept from before for the others) and every
    /// page of `zoomBlock`.
    func refresh(_ memory: inout LiveMemory, blocks: [Int], zoomBlock: Int?, rereadText: Bool = true,
                 pageTypes: Bool = true) {
        if rereadText {
            let fresh = Self.layout(LiveSnapshot.read(from: source, files: files, previous: memory.snapshot,
                                                      pageTypes: pageTypes))
            if fresh.blockViews.map(\.id) == memory.blockViews.map(\.id) && fresh.geometry == memory.geometry {
                memory.snapshot = fresh.snapshot
                memory.blockViews = fresh.blockViews
            } else {
                // Blocks came or went (hot-plug, or a different copy): start over.
                memory = fresh
            }
        }
        let wanted = Set(blocks.filter { memory.blockViews.indices.contains($0) })
        var filtered = memory.snapshot
        let ids = Set(wanted.map { memory.blockViews[$0].id.raw })
        filtered.memory?.blocks.removeAll { !ids.contains($0.id) }
        let scanned = scan(&memory, blocks: wanted.union(zoomBlock.map { [$0] } ?? []).sorted(), zoomBlock: zoomBlock,
                           overview: wanted)
        let report = LiveInspector(source: source).report(from: filtered, scanned: scanned)
        memory.unavailable = report.unavailable
        for block in report.blocks {
            if let index = memory.blockViews.firstIndex(where: { $0.id.raw == block.id }) { memory.reports[index] = block }
        }
    }

    /// Reads every page of one block (zooming in): the census of that block is renewed too.
    func readZoom(_ memory: inout LiveMemory, block: Int) {
        let scanned = scan(&memory, blocks: [block], zoomBlock: block, overview: [block])
        for problem in scanned.problems where !memory.unavailable.contains(problem) { memory.unavailable.append(problem) }
    }

    /// One `BlockScanner` pass over `blocks` (increasing): censuses for those in `overview`,
    /// every page of `zoomBlock`. Returns the scans of the `overview` blocks by block id, for
    /// the report, with what could not be read.
    private func scan(_ memory: inout LiveMemory, blocks: [Int], zoomBlock: Int?, overview: Set<Int>) -> LiveInspector.Scanned {
        var scanned = LiveInspector.Scanned()
        if zoomBlock == nil || memory.zoomed?.block != zoomBlock { memory.zoomed = nil }
        guard !blocks.isEmpty, let blockPages = memory.snapshot.blockPages, blockPages > 0 else { return scanned }
        var scanner: BlockScanner
        do {
            scanner = try BlockScanner(source: source, buddyTails: .forKernel(memory.snapshot.kernel),
                                       pageblockPages: min(memory.snapshot.pageTypes?.pagesPerBlock ?? 512, blockPages))
        } catch {
            scanned.problems.append("\(error)")
            return scanned
        }
        if let problem = scanner.countsProblem { scanned.problems.append(problem) }
        for index in blocks {
            let block = memory.blockViews[index]
            let pfns = UInt64(block.pfns.lowerBound.raw)..<UInt64(block.pfns.upperBound.raw)
            var result: BlockScan
            do {
                result = try scanner.scan(pfns, inMovableZone: block.zone == .movable && !block.multizone, keepPages: true)
            } catch {
                scanned.problems.append("\(error)")
                return scanned
            }
            let pages = result.pages ?? []
            result.pages = nil
            if overview.contains(index) { scanned.scans[block.id.raw] = result }
            if overview.contains(index) {
                memory.facts[index] = result.facts
                memory.chunks[index] = Self.chunks(pages, block: block, memory: memory)
            }
            if index == zoomBlock { memory.zoomed = LiveMemory.ZoomedPages(block: index, pages: pages) }
        }
        return scanned
    }

    /// The censuses of one block's pages, `LiveMemory.chunksPerBlock` of them.
    ///
    /// Pages are first tallied by kind and the five flags the map uses, then each distinct
    /// combination is counted once: this runs for every pfn of the machine.
    private static func chunks(_ pages: [LivePage], block: BlockView, memory: LiveMemory) -> [PageCensus] {
        let count = LiveMemory.chunksPerBlock
        let size = max(1, block.pfns.pageCount / count)
        let bits: [KPageFlags] = [.lru, .active, .unevictable, .swapbacked, .swapcache]
        let mask = bits.reduce(KPageFlags()) { $0.union($1) }.rawValue
        var chunks = [PageCensus](repeating: PageCensus(), count: count)
        var tally: [UInt64: Int] = [:]
        for chunk in 0..<count {
            let lower = chunk * size, upper = chunk == count - 1 ? block.pfns.pageCount : (chunk + 1) * size
            // A multizone block is rare: its pages are placed one by one.
            if block.multizone {
                for offset in lower..<max(lower, min(upper, pages.count)) {
                    let pfn = block.pfns.lowerBound + offset
                    chunks[chunk].count(LiveMemory.view(of: pages[offset], zone: memory.zoneType(at: pfn, in: block)), times: 1)
                }
            } else {
                tally.removeAll(keepingCapacity: true)
                for offset in lower..<max(lower, min(upper, pages.count)) {
                    let page = pages[offset]
                    tally[page.flags.rawValue & mask | UInt64(LiveMemory.mapKind(page.kind).rawValue) << 56, default: 0] += 1
                }
                for (key, n) in tally {
                    var view = PageView(kind: PageKind(rawValue: UInt8(key >> 56)) ?? .hole, zone: block.zone)
                    let flags = KPageFlags(rawValue: key & mask)
                    view.swapcache = flags.contains(.swapcache)
                    view.lru = LiveMemory.lru(of: flags)
                    chunks[chunk].count(view, times: n)
                }
            }
            // Pages past the end of the data (a truncated kpageflags) are drawn as holes.
            if upper > pages.count { chunks[chunk].count(PageView(kind: .hole), times: upper - max(lower, pages.count)) }
        }
        return chunks
    }

    /// The blocks as the map draws them, from a snapshot, with nothing read of their pages yet.
    static func layout(_ snapshot: LiveSnapshot) -> LiveMemory {
        var geometry = Geometry.x86_64
        var views: [BlockView] = []
        var unavailable = snapshot.unavailable
        if let memory = snapshot.memory, let blockPages = snapshot.blockPages {
            do {
                geometry = try Geometry(blockBytes: Int(memory.blockSizeBytes), pageSize: Int(snapshot.pageSize))
                views = memory.blocks.map { view(of: $0, snapshot: snapshot, blockPages: blockPages) }
            } catch {
                unavailable.append("memory blocks of \(memory.blockSizeBytes) bytes: \(error)")
            }
        }
        return LiveMemory(snapshot: snapshot, geometry: geometry, blockViews: views,
                          reports: Array(repeating: nil, count: views.count),
                          facts: Array(repeating: nil, count: views.count),
                          chunks: Array(repeating: nil, count: views.count), zoomed: nil, unavailable: unavailable)
    }

    private static func view(of info: MemoryBlockInfo, snapshot: LiveSnapshot, blockPages: UInt64) -> BlockView {
        let start = UInt64(info.id) * blockPages
        let state = BlockState(rawValue: info.state ?? "") ?? .online
        var zones: [ZoneType] = []
        if state != .offline {
            zones = snapshot.zones(meeting: start..<(start + blockPages), node: info.node)
                .compactMap { ZoneType(kernelName: $0.name) }
            if zones.isEmpty, let valid = info.validZones, valid.count == 1, let only = ZoneType(kernelName: valid[0]) {
                zones = [only]
            }
        }
        return BlockView(id: BlockID(info.id), node: NodeID(info.node ?? 0), zone: zones.min(),
                         zoneMask: zones.reduce(0) { $0 | 1 << $1.rawValue }, state: state,
                         pfns: PFN(Int(start))..<PFN(Int(start + blockPages)))
    }
}
