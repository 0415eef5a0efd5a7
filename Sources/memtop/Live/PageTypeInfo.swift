/// A free-block count from /proc/pagetypeinfo. The kernel stops counting a free list at 100000
/// entries and prints ">100000" (`pagetypeinfo_showfree_print()`, mm/vmstat.c), so a count may be
/// a lower bound.
struct CappedCount: Equatable, Sendable, CustomStringConvertible {
    var value: UInt64
    /// True when the kernel printed ">value": the real count is larger.
    var isLowerBound: Bool

    var description: String { (isLowerBound ? ">" : "") + String(value) }
}

/// /proc/pagetypeinfo: free blocks per order and migratetype, and pageblocks per migratetype.
///
/// Kernel: `pagetypeinfo_show()`, mm/vmstat.c. The migratetype of each single pageblock is not
/// exported anywhere; these per-zone totals are all that /proc says about migratetypes.
struct PageTypeInfo: Equatable, Sendable {
    struct FreeRow: Equatable, Sendable {
        var node: Int
        var zone: String
        var migratetype: String
        /// `counts[order]` free blocks of 2^order pages on this migratetype's list.
        var counts: [CappedCount]
    }

    struct BlockRow: Equatable, Sendable {
        var node: Int
        var zone: String
        /// Pageblocks per migratetype, in the order of `PageTypeInfo.blockTypes`.
        var counts: [UInt64]
    }

    var pageblockOrder: Int
    var pagesPerBlock: UInt64
    var free: [FreeRow]
    /// Column names of the "Number of blocks type" table (Unmovable ... Isolate, CMA if built).
    var blockTypes: [String]
    var blocks: [BlockRow]

    /// Pageblocks of one type ("Isolate") in one zone, if the table has that column.
    func blockCount(node: Int, zone: String, type: String) -> UInt64? {
        guard let column = blockTypes.firstIndex(of: type),
              let row = blocks.first(where: { $0.node == node && $0.zone == zone }),
              column < row.counts.count else { return nil }
        return row.counts[column]
    }
}

enum PageTypeInfoParser {
    static func parse(_ text: String, path: String = "/proc/pagetypeinfo") throws -> PageTypeInfo {
        let proc = ProcText(path: path, text: text)
        var order: Int?
        var perBlock: UInt64?
        var orders: Int?
        var free: [PageTypeInfo.FreeRow] = []
        var blockTypes: [String]?
        var blocks: [PageTypeInfo.BlockRow] = []

        for (index, line) in proc.lines.enumerated() where !line.trimmingWhitespace.isEmpty {
            if line.hasPrefix("Page block order:") {
                let value = try proc.number(line.dropFirst("Page block order:".count).trimmingWhitespace[...], line: index)
                guard value < 64 else { throw proc.error(index, "page block order \(value) is not plausible") }
                order = Int(value)
            } else if line.hasPrefix("Pages per block:") {
                perBlock = try proc.number(line.dropFirst("Pages per block:".count).trimmingWhitespace[...], line: index)
            } else if line.hasPrefix("Free pages count per migrate type at order") {
                orders = line.dropFirst("Free pages count per migrate type at order".count).words.count
            } else if line.hasPrefix("Number of blocks type") {
                blockTypes = line.dropFirst("Number of blocks type".count).words.map(String.init)
            } else if line.hasPrefix("Node") {
                let (node, zone, rest) = try parseNodeZonePrefix(line, in: proc, at: index)
                if let typeRange = rest.range(of: ", type") {
                    let words = rest[typeRange.upperBound...].words
                    guard let type = words.first else { throw proc.error(index, "missing migratetype") }
                    let counts = try words.dropFirst().map { try capped($0, proc: proc, line: index) }
                    if let orders, counts.count != orders {
                        throw proc.error(index, "\(counts.count) counts, the header has \(orders) orders")
                    }
                    free.append(.init(node: node, zone: zone, migratetype: String(type), counts: counts))
                } else {
                    guard let types = blockTypes else {
                        throw proc.error(index, "pageblock counts before the 'Number of blocks type' header")
                    }
                    let counts = try rest.words.map { try proc.number($0, line: index) }
                    guard counts.count == types.count else {
                        throw proc.error(index, "\(counts.count) pageblock counts, the header has \(types.count) types")
                    }
                    blocks.append(.init(node: node, zone: zone, counts: counts))
                }
            } else {
                throw proc.error(index, "unexpected line '\(line.prefix(40))'")
            }
        }
        guard let order, let perBlock else {
            throw proc.error(nil, "missing 'Page block order' / 'Pages per block' header")
        }
        guard perBlock == UInt64(1) << UInt64(order) else {
            throw proc.error(nil, "pages per block \(perBlock) is not 2^\(order)")
        }
        guard !free.isEmpty else { throw proc.error(nil, "no free-list rows") }
        return PageTypeInfo(pageblockOrder: order, pagesPerBlock: perBlock, free: free,
                            blockTypes: blockTypes ?? [], blocks: blocks)
    }

    private static func capped(_ token: Substring, proc: ProcText, line: Int) throws -> CappedCount {
        if token.hasPrefix(">") {
            return CappedCount(value: try proc.number(token.dropFirst(), line: line), isLowerBound: true)
        }
        return CappedCount(value: try proc.number(token, line: line), isLowerBound: false)
    }
}
