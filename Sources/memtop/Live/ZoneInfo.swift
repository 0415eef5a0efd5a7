/// One zone as /proc/zoneinfo describes it.
///
/// Kernel: `zoneinfo_show_print()`, mm/vmstat.c. Unpopulated zones (spanned 0) print no
/// `start_pfn` and no pagesets.
struct ZoneInfo: Equatable, Sendable {
    var node: Int
    var name: String
    /// First pfn of the zone span; nil for an empty zone.
    var startPFN: UInt64?
    var spanned: UInt64
    var present: UInt64
    var managed: UInt64
    /// `pages free`: the zone's NR_FREE_PAGES counter.
    var free: UInt64
    var min: UInt64?
    var low: UInt64?
    var high: UInt64?
    /// Pages on the per-cpu lists, summed over cpus (`pagesets` / `count:`).
    var pcpCount: UInt64
    var cpus: Int
    /// `protection: (0, 3019, ...)`: lowmem_reserve[], the pages an allocation whose highest
    /// zone index is i must leave free here above the watermark; nil when not printed.
    var protection: [UInt64]? = nil

    /// The zone span as a half-open pfn range `[start_pfn, start_pfn + spanned)`.
    var span: Range<UInt64>? {
        guard let startPFN, spanned > 0 else { return nil }
        let (end, overflow) = startPFN.addingReportingOverflow(spanned)
        return overflow ? nil : startPFN..<end
    }
}

enum ZoneInfoParser {
    /// Parses the whole of /proc/zoneinfo.
    static func parse(_ text: String, path: String = "/proc/zoneinfo") throws -> [ZoneInfo] {
        let proc = ProcText(path: path, text: text)
        var zones: [ZoneInfo] = []
        var current: ZoneInfo?
        var seen: Set<String> = []

        func finish(at index: Int) throws {
            guard let zone = current else { return }
            for key in ["pages free", "spanned", "present", "managed"] where !seen.contains(key) {
                throw proc.error(index, "zone \(zone.name) of node \(zone.node) has no '\(key)' line")
            }
            if zone.spanned > 0 && zone.startPFN == nil {
                throw proc.error(index, "zone \(zone.name) spans \(zone.spanned) pages but has no start_pfn")
            }
            if let start = zone.startPFN, start.addingReportingOverflow(zone.spanned).overflow {
                throw proc.error(index, "zone \(zone.name): start_pfn + spanned overflows")
            }
            zones.append(zone)
            current = nil
        }

        for (index, line) in proc.lines.enumerated() {
            if line.hasPrefix("Node") {
                try finish(at: index)
                let (node, name, _) = try parseNodeZonePrefix(line, in: proc, at: index)
                current = ZoneInfo(node: node, name: name, startPFN: nil, spanned: 0, present: 0,
                                   managed: 0, free: 0, pcpCount: 0, cpus: 0)
                seen = []
                continue
            }
            guard current != nil else {
                if line.trimmingWhitespace.isEmpty { continue }
                throw proc.error(index, "text before the first 'Node' line")
            }
            let words = line.words
            guard words.count >= 2 else { continue }
            switch (words[0], words[1]) {
            case ("pages", "free"):
                guard words.count >= 3 else { throw proc.error(index, "'pages free' without a value") }
                current?.free = try proc.number(words[2], line: index)
                seen.insert("pages free")
            case ("start_pfn:", _):
                current?.startPFN = try proc.number(words[1], line: index)
            case ("protection:", _):
                let list = line.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
                current?.protection = try list.split(separator: ",").map { try proc.number($0.trimmingWhitespace[...], line: index) }
            case ("count:", _):
                let count = try proc.number(words[1], line: index)
                // Summed over cpus: saturate rather than trap on a file's absurd counts.
                if let sum = current?.pcpCount.addingReportingOverflow(count) {
                    current?.pcpCount = sum.overflow ? UInt64.max : sum.partialValue
                }
            case ("cpu:", _):
                current?.cpus += 1
            case ("spanned", _), ("present", _), ("managed", _), ("min", _), ("low", _), ("high", _):
                let value = try proc.number(words[1], line: index)
                let key = String(words[0])
                seen.insert(key)
                switch key {
                case "spanned": current?.spanned = value
                case "present": current?.present = value
                case "managed": current?.managed = value
                case "min": current?.min = value
                case "low": current?.low = value
                default: current?.high = value
                }
            default:
                continue
            }
        }
        try finish(at: proc.lines.count - 1)
        guard !zones.isEmpty else { throw proc.error(nil, "no zones found") }
        return zones
    }
}
