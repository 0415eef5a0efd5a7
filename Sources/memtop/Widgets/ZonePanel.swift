import MemEngine

/// The side panel: the selected zone's counters, a buddyinfo table (order x migratetype),
/// pageblocks per migratetype, per-cpu lists and the node's LRU sizes.
struct ZonePanel {
    var stats: ZoneStats?

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        guard let s = stats else {
            let inside = buffer.drawBorder(area, title: "zone", caps: caps)
            buffer.set("no zone under the cursor", x: inside.x, y: inside.y, style: .plain.dim(), clip: inside)
            return
        }
        let inside = buffer.drawBorder(area, title: "zone: \(s.node) \(s.name)", caps: caps)
        var lines: [[(String, Style)]] = []
        func plain(_ text: String) { lines.append([(text, .plain)]) }
        plain("free \(s.freePages)  managed \(s.managed)  present \(s.present)")
        plain("span \(s.startPFN)+\(s.spanned)  wmark \(s.watermarks.map(String.init).joined(separator: "/"))")
        if let buddy = s.buddy { lines += buddyTable(buddy, width: inside.width) }
        if let pb = s.pageblocks {
            var row: [(String, Style)] = [("pageblocks ", .plain.dim())]
            for mt in MigrateType.allCases where pb[mt.rawValue] > 0 || mt == .isolate {
                let style: Style = mt == .isolate && pb[mt.rawValue] > 0 ? .plain.bold().reversed() : .plain
                row.append(("\(Self.short(mt)) \(pb[mt.rawValue]) ", style))
            }
            lines.append(row)
        }
        if let summary = s.pcpSummary {
            lines.append([("pcp ", .plain.dim()), (summary, .plain)])
        } else {
            let pcp = s.perCPU.map { "\($0.count)" }.joined(separator: " ")
            let first = s.perCPU.first
            lines.append([("pcp ", .plain.dim()), ("\(pcp)", .plain),
                          ("  high \(first?.high ?? 0) batch \(first?.batch ?? 0)", first?.high == 0 ? .plain.bold() : .plain.dim())])
        }
        let lru = s.lru
        lines.append([("LRU inact/act ", .plain.dim()),
                      ("anon \(lru[0])/\(lru[1]) file \(lru[2])/\(lru[3])", .plain)])
        lines.append([("unevictable \(lru[4])  ", .plain),
                      ("isolated anon \(s.isolatedAnon) file \(s.isolatedFile)",
                       s.isolatedAnon > 0 || s.isolatedFile > 0 ? .plain.bold() : .plain)])
        for (i, line) in lines.prefix(inside.height).enumerated() {
            var x = inside.x
            for (text, style) in line { x = buffer.set(text, x: x, y: inside.y + i, style: style, clip: inside) }
        }
    }

    /// buddyinfo by migratetype: a header of orders, a row per migratetype with free blocks.
    private func buddyTable(_ buddy: [[Int]], width: Int) -> [[(String, Style)]] {
        let orders = buddy.count
        let column = max(3, min(5, (width - 3) / max(1, orders)))
        var header = "ord"
        for o in 0..<orders { header += Self.pad("\(o)", column) }
        var rows: [[(String, Style)]] = [[(header, .plain.dim())]]
        for mt in MigrateType.allCases {
            let counts = buddy.map { $0[mt.rawValue] }
            // HighAtomic and CMA only when they hold something; Isolate always (it is the point).
            if (mt == .highAtomic || mt == .cma) && counts.allSatisfy({ $0 == 0 }) { continue }
            var text = String(Self.short(mt).prefix(3))
            for n in counts { text += Self.pad(n == 0 ? "." : Self.compact(n, width: column - 1), column) }
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

    /// A count in at most `width` characters: 1234 as "1.2k" when it does not fit.
    static func compact(_ n: Int, width: Int) -> String {
        let plain = String(n)
        if plain.count <= width { return plain }
        if n < 1_000_000 { return "\(n / 1000)k" }
        return "\(n / 1_000_000)M"
    }
}
