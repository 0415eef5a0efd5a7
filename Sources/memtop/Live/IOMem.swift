/// The "System RAM" ranges of /proc/iomem, as pfn ranges.
///
/// `offline_pages()` (mm/memory_hotplug.c) counts a block's pages with `walk_system_ram_range()`
/// and refuses with "memory holes" when some are not System RAM; this is the same source.
/// Without root the kernel prints every address as 0, which makes the file useless here.
struct SystemRAM: Equatable, Sendable {
    /// Half-open pfn ranges, sorted.
    var ranges: [Range<UInt64>]

    /// Pages of `range` that are System RAM.
    func pages(in range: Range<UInt64>) -> UInt64 {
        ranges.reduce(0) { total, ram in
            let lower = max(ram.lowerBound, range.lowerBound)
            let upper = min(ram.upperBound, range.upperBound)
            return total + (upper > lower ? upper - lower : 0)
        }
    }

    static func parse(_ text: String, path: String = "/proc/iomem", pageSize: UInt64) throws -> SystemRAM {
        let proc = ProcText(path: path, text: text)
        var ranges: [Range<UInt64>] = []
        var sawNonZero = false
        for (index, line) in proc.lines.enumerated() where !line.trimmingWhitespace.isEmpty {
            guard let colon = line.range(of: " : ") else {
                throw proc.error(index, "expected 'start-end : name'")
            }
            let bounds = line[..<colon.lowerBound].trimmingWhitespace.split(separator: "-")
            guard bounds.count == 2 else { throw proc.error(index, "expected 'start-end'") }
            let start = try proc.hexNumber(bounds[0], line: index)
            let end = try proc.hexNumber(bounds[1], line: index)
            guard end >= start, end < UInt64.max else { throw proc.error(index, "end before start") }
            if end != 0 { sawNonZero = true }
            // Top-level entries only: nested ones are parts of their parent.
            guard !line.hasPrefix(" "), line[colon.upperBound...] == "System RAM" else { continue }
            // walk_system_ram_range() rounds the start up and the end down to whole pages.
            let first = start / pageSize + (start % pageSize == 0 ? 0 : 1)
            let last = (end + 1) / pageSize
            if last > first { ranges.append(first..<last) }
        }
        guard sawNonZero else {
            throw LiveError.unreadable(path: path, reason: "addresses read as 0 (the kernel hides them from non-root users)")
        }
        return SystemRAM(ranges: ranges.sorted { $0.lowerBound < $1.lowerBound })
    }
}
