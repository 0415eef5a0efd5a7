/// One line of /proc/buddyinfo: free blocks per order in one zone.
///
/// Kernel: `frag_show_print()`, mm/vmstat.c (`zone->free_area[order].nr_free`).
struct BuddyInfo: Equatable, Sendable {
    var node: Int
    var zone: String
    /// `counts[order]` free blocks of 2^order pages.
    var counts: [UInt64]

    /// Free pages: the sum over orders of `count << order`.
    var freePages: UInt64 {
        counts.enumerated().reduce(0) { $0 + ($1.element << UInt64($1.offset)) }
    }
}

enum BuddyInfoParser {
    static func parse(_ text: String, path: String = "/proc/buddyinfo") throws -> [BuddyInfo] {
        let proc = ProcText(path: path, text: text)
        var rows: [BuddyInfo] = []
        for (index, line) in proc.lines.enumerated() where !line.trimmingWhitespace.isEmpty {
            let (node, zone, rest) = try parseNodeZonePrefix(line, in: proc, at: index)
            let counts = try rest.words.map { try proc.number($0, line: index) }
            guard !counts.isEmpty else { throw proc.error(index, "no free counts for zone \(zone)") }
            if let first = rows.first, first.counts.count != counts.count {
                throw proc.error(index, "\(counts.count) orders, the first line had \(first.counts.count)")
            }
            guard counts.count <= 64 else { throw proc.error(index, "\(counts.count) orders is not plausible") }
            // freePages must not overflow: each term and the running sum are checked here once.
            var total: UInt64 = 0
            for (order, count) in counts.enumerated() {
                let shifted = count.multipliedReportingOverflow(by: UInt64(1) << UInt64(order))
                let sum = total.addingReportingOverflow(shifted.partialValue)
                if shifted.overflow || sum.overflow {
                    throw proc.error(index, "free page count of zone \(zone) overflows")
                }
                total = sum.partialValue
            }
            rows.append(BuddyInfo(node: node, zone: zone, counts: counts))
        }
        guard !rows.isEmpty else { throw proc.error(nil, "no zones found") }
        return rows
    }
}
