import MemEngine

/// The side panel: the selected zone's counters, a buddyinfo table (order x migratetype),
/// pageblocks per migratetype, per-cpu lists and the node's LRU sizes.
///
/// Every count sits in a fixed column and is written with a unit when it is long
/// (`CountText`), so that no number is ever cut, from a teaching machine to a terabyte.
struct ZonePanel {
    var stats: ZoneStats?

    /// Columns of a counter: "5.5M", "14.1k", "99999".
    static let countWidth = 5

    typealias Line = [(text: String, style: Style)]

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        guard let s = stats else {
            let inside = buffer.drawBorder(area, title: "zone", caps: caps)
            buffer.set("no zone under the cursor", x: inside.x, y: inside.y, style: .plain.dim(), clip: inside)
            return
        }
        let inside = buffer.drawBorder(area, title: "zone: \(s.node) \(s.name)", caps: caps)
        for (i, line) in Self.lines(s, width: inside.width).prefix(inside.height).enumerated() {
            var x = inside.x
            for (text, style) in line { x = buffer.set(text, x: x, y: inside.y + i, style: style, clip: inside) }
        }
    }

    /// The panel's lines for a panel `width` columns wide inside.
    static func lines(_ s: ZoneStats, width: Int) -> [Line] {
        func n(_ value: Int) -> String { CountText.column(value, width: countWidth) }
        func bare(_ value: Int) -> String { CountText.compact(value, width: countWidth) }
        var lines: [Line] = []
        func plain(_ text: String) { lines.append([(text, .plain)]) }
        plain("free \(n(s.freePages))  managed \(n(s.managed))  present \(n(s.present))")
        lines.append([("span ", .plain.dim()), ("\(s.startPFN)+\(bare(s.spanned))", .plain),
                      ("  wmark ", .plain.dim()), (s.watermarks.map(bare).joined(separator: "/"), .plain)])
        // lowmem_reserve[] (zoneinfo's protection:) for the two kinds of allocation memtop has:
        // user pages may use ZONE_MOVABLE, kernel allocations zones up to ZONE_NORMAL.
        if let p = s.protection, p.count > ZoneType.movable.rawValue, p.contains(where: { $0 > 0 }) {
            lines.append([("lowmem reserve ", .plain.dim()), ("user \(bare(p[ZoneType.movable.rawValue]))", .plain),
                          ("  kernel \(bare(p[ZoneType.normal.rawValue]))", .plain)])
        }
        if let buddy = s.buddy { lines += buddyTable(buddy, width: width) }
        if let pb = s.pageblocks {
            var row: Line = [("pageblocks", .plain.dim())]
            for mt in MigrateType.allCases where pb[mt.rawValue] > 0 || mt == .isolate {
                let style: Style = mt == .isolate && pb[mt.rawValue] > 0 ? .plain.bold().reversed() : .plain
                row.append((" \(short(mt)) \(bare(pb[mt.rawValue]))", style))
            }
            lines.append(row)
        }
        if let summary = s.pcpSummary {
            lines.append([("pcp ", .plain.dim()), (summary, .plain)])
        } else {
            let first = s.perCPU.first
            let limits = ("  high \(bare(first?.high ?? 0)) batch \(bare(first?.batch ?? 0))", first?.high == 0 ? Style.plain.bold() : .plain.dim())
            let each = s.perCPU.map { bare($0.count) }.joined(separator: " ")
            // Every cpu's list while they fit; on a machine with many cpus, their sum.
            let counts = 4 + each.count + limits.0.count <= width
                ? each : "\(bare(s.perCPU.reduce(0) { $0 + $1.count })) on \(s.perCPU.count) cpus"
            lines.append([("pcp ", .plain.dim()), (counts, .plain), limits])
        }
        let lru = s.lru
        lines.append([("LRU inact/act ", .plain.dim()),
                      ("anon \(n(lru[0]))/\(n(lru[1])) file \(n(lru[2]))/\(n(lru[3]))", .plain)])
        lines.append([("unevictable \(n(lru[4]))  ", .plain),
                      ("isolated anon \(bare(s.isolatedAnon)) file \(bare(s.isolatedFile))",
                       s.isolatedAnon > 0 || s.isolatedFile > 0 ? .plain.bold() : .plain)])
        return lines
    }

    /// buddyinfo by migratetype: a header of orders, a row per migratetype with free blocks,
    /// each in a column of 5 (4 on a narrow panel: "999", "14k").
    private static func buddyTable(_ buddy: [[Int]], width: Int) -> [Line] {
        let orders = buddy.count
        let column = 3 + orders * 5 <= width ? 5 : 4
        var header = "ord"
        for o in 0..<orders { header += pad("\(o)", column) }
        var rows: [Line] = [[(header, .plain.dim())]]
        for mt in MigrateType.allCases {
            let counts = buddy.map { $0[mt.rawValue] }
            // HighAtomic and CMA only when they hold something; Isolate always (it is the point).
            if (mt == .highAtomic || mt == .cma) && counts.allSatisfy({ $0 == 0 }) { continue }
            var text = short(mt)
            for n in counts { text += pad(n == 0 ? "." : CountText.compact(n, width: column - 1), column) }
            let busy = mt == .isolate && counts.contains { $0 > 0 }
            rows.append([(text, busy ? .plain.bold() : .plain)])
        }
        return rows
    }

    static func short(_ mt: MigrateType) -> String {
        switch mt {
        case .unmovable: "Unm"
        case .movable: "Mov"
        case .reclaimable: "Rec"
        case .highAtomic: "HAt"
        case .cma: "CMA"
        case .isolate: "Iso"
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
