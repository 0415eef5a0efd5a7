import MemEngine

/// One page as the map and the colour modes see it: the few facts every mode needs.
///
/// The simulator fills it from the engine; live mode can fill it from /proc/kpageflags (then
/// `migratetype` is nil, as the kernel does not expose it per pageblock).
struct PageView: Hashable, Sendable {
    var kind: PageKind
    /// PG_swapcache: an anon page whose content also sits in swap.
    var swapcache = false
    var zone: ZoneType?
    /// The pageblock's migratetype as `get_pageblock_migratetype()` reports it (Isolate while
    /// isolated), or nil when the source cannot know.
    var migratetype: MigrateType?
    /// The pageblock has its isolate bit set.
    var isolated = false
    /// The LRU list the page is on, or nil when it is on none.
    var lru: LRUList?
    /// PG_isolated: taken off the LRU by `folio_isolate_lru()` to be migrated.
    var offLRUForMigration = false
}

/// One memory block as the overview draws it.
struct BlockView: Hashable, Sendable {
    var id: BlockID
    var node: NodeID
    /// The zone its pages are linked to (the first one's for a multizone block), or nil when
    /// offline with no zone.
    var zone: ZoneType?
    /// The zones its pages are in (bits by `ZoneType.rawValue`; none when offline).
    var zoneMask: UInt8
    var state: BlockState
    var pfns: Range<PFN>

    /// Its pages are in more than one zone (valid_zones "none"; "multizone range").
    var multizone: Bool { zoneMask.nonzeroBitCount > 1 }
    /// The zones its pages are in, lowest first.
    var spannedZones: [ZoneType] { ZoneType.inMask(zoneMask) }
}

extension ZoneType {
    /// The zone types whose bits (`1 << rawValue`) are set in `mask`, lowest first.
    static func inMask(_ mask: UInt8) -> [ZoneType] { allCases.filter { mask & 1 << $0.rawValue != 0 } }
}

/// The data source of the map, side panels and inspector: the simulated machine now, the real
/// one (live mode) later. Everything the map draws comes through here.
protocol MemoryMapSource {
    var geometry: Geometry { get }
    var blockViews: [BlockView] { get }
    /// The page at `pfn`, which lies in one of the blocks.
    func page(_ pfn: PFN) -> PageView
    /// The facts of every `stride`-th page of `range` counted, for a cell covering many pages.
    func census(_ range: Range<PFN>, stride: Int) -> PageCensus
}

/// The simulated machine as a map source.
struct SimulatedMemory: MemoryMapSource {
    let machine: Machine

    var geometry: Geometry { machine.geometry }

    var blockViews: [BlockView] { MapCache().blockViews(machine) }

    func census(_ range: Range<PFN>, stride: Int) -> PageCensus {
        let a = machine.addresses
        guard !a.isIdentity, !range.isEmpty, let lower = a.enginePFN(range.lowerBound.raw),
              let last = a.enginePFN(range.upperBound.raw - 1) else { return machine.census(range, stride: stride) }
        return machine.census(PFN(lower)..<PFN(last + 1), stride: stride)
    }

    func page(_ viewPFN: PFN) -> PageView {
        let pfn = PFN(machine.addresses.enginePFN(viewPFN.raw) ?? viewPFN.raw)
        let flags = machine.flags(pfn)
        return PageView(kind: machine.kind(pfn), swapcache: flags.contains(.swapcache),
                        zone: machine.zoneType(pfn), migratetype: machine.migratetype(pfn),
                        isolated: machine.isPageblockIsolated(pfn), lru: machine.lruListIfOn(pfn),
                        offLRUForMigration: machine.folioIsolated(pfn))
    }
}

extension Range where Bound == PFN {
    /// Pages in the range.
    var pageCount: Int { upperBound - lowerBound }
}
