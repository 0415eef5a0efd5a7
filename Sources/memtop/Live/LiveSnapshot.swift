#if canImport(Glibc)
import Glibc
#endif

/// Everything live mode reads as text, each part nil when it could not be read; `unavailable`
/// says which and why. Reading never throws: a missing part is reported, the rest is shown.
struct LiveSnapshot: Sendable {
    var source: LiveSource
    var kernel: String?
    var zones: [ZoneInfo]?
    var buddy: [BuddyInfo]?
    var pageTypes: PageTypeInfo?
    var vmstat: KeyValueTable?
    var meminfo: KeyValueTable?
    var systemRAM: SystemRAM?
    var memory: MemoryBlocks?
    /// Bytes per page: this machine's for "/", 4096 (x86_64) for a saved copy, which does not
    /// record it.
    var pageSize: UInt64
    var unavailable: [String] = []

    /// Pages per memory block, when the block size is known.
    var blockPages: UInt64? { memory.map { $0.blockSizeBytes / pageSize } }

    /// Reads every part. With `files`, the files stay open for the next read (live mode's
    /// refresh), and `previous` lets the memory blocks that kept their state skip the files
    /// that cannot change while they do. Without `pageTypes`, /proc/pagetypeinfo is taken from
    /// `previous`: the kernel walks every pageblock of the machine to show it (a tenth of an
    /// idle refresh's CPU), and its counts change slowly.
    static func read(from source: LiveSource, files: OpenFiles? = nil, previous: LiveSnapshot? = nil,
                     pageTypes rereadPageTypes: Bool = true) -> LiveSnapshot {
        let size = source.isMachine ? UInt64(max(4096, sysconf(Int32(_SC_PAGESIZE)))) : 4096
        var snapshot = LiveSnapshot(source: source, pageSize: size)
        func attempt<T>(_ body: () throws -> T) -> T? {
            do { return try body() } catch {
                snapshot.unavailable.append("\(error)")
                return nil
            }
        }
        func parse<T>(_ relative: String, _ parser: (String, String) throws -> T) -> T? {
            attempt { try parser(files?.readText(relative, in: source) ?? source.readText(relative), source.path(relative)) }
        }
        snapshot.kernel = attempt { try source.kernelRelease() }
        snapshot.zones = parse("proc/zoneinfo") { try ZoneInfoParser.parse($0, path: $1) }
        snapshot.buddy = parse("proc/buddyinfo") { try BuddyInfoParser.parse($0, path: $1) }
        if !rereadPageTypes, let kept = previous?.pageTypes {
            snapshot.pageTypes = kept
        } else {
            snapshot.pageTypes = parse("proc/pagetypeinfo") { try PageTypeInfoParser.parse($0, path: $1) }
        }
        snapshot.vmstat = parse("proc/vmstat") { try KeyValueTable.parse($0, path: $1) }
        snapshot.meminfo = parse("proc/meminfo") { try KeyValueTable.parse($0, path: $1) }
        snapshot.systemRAM = parse("proc/iomem") { try SystemRAM.parse($0, path: $1, pageSize: size) }
        snapshot.memory = attempt { try MemoryBlocks.read(from: source, files: files, previous: previous?.memory) }
        snapshot.unavailable += snapshot.memory?.ignored ?? []
        return snapshot
    }

    /// The zones whose span meets `pfns`, of `node` when it is known.
    func zones(meeting pfns: Range<UInt64>, node: Int?) -> [ZoneInfo] {
        (zones ?? []).filter { zone in
            guard let span = zone.span, span.overlaps(pfns) else { return false }
            return node == nil || zone.node == node
        }
    }

    /// The buddyinfo line of a zone.
    func buddy(node: Int, zone: String) -> BuddyInfo? {
        buddy?.first { $0.node == node && $0.zone == zone }
    }
}
