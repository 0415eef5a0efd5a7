/// The human-readable form of `InspectReport`: a zones table and one line per memory block.
extension InspectReport {
    /// Renders the report. `limits` lists what the source cannot show (live mode passes
    /// `LiveInspector.limits`).
    func renderText(limits: [String] = []) -> String {
        var out: [String] = []
        var header = "kernel \(kernel ?? "unknown")"
        if let size = blockSizeBytes {
            header += "   block size \(Self.bytes(size))   \(blocks.count) blocks"
        }
        out.append(header)
        out.append("")
        out.append("Summary: " + VerdictSummary(self).text)
        out.append("")
        out.append("Zones")
        out.append(Self.row(["node", "zone", "start_pfn", "spanned", "present", "managed", "free"],
                            widths: [4, -8, 10, 10, 10, 10, 10]) + "  protection")
        for zone in zones {
            out.append(Self.row([String(zone.node), zone.name, zone.startPfn.map(Self.hex) ?? "-",
                                 String(zone.spanned), String(zone.present), String(zone.managed),
                                 String(zone.freePages)],
                                widths: [4, -8, 10, 10, 10, 10, 10])
                       + "  " + (zone.protection.map { "(" + $0.map(String.init).joined(separator: ", ") + ")" } ?? "-"))
        }
        out.append("")
        out.append("Blocks (pages by kind; verdict of a what-if offline)")
        let widths = [5, -8, -9, 4, 10, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]
        out.append(Self.row(["id", "state", "zone", "node", "start_pfn", "free", "anon", "file", "slab",
                             "ptbl", "resv", "kernel", "other", "offl", "uninit"], widths: widths) + "  verdict")
        for block in blocks {
            let counts = block.pages.map { p in
                [p.free, p.lruAnon, p.lruFile, p.slab, p.pagetable, p.reserved, p.kernel, p.other, p.offline, p.uninit]
                    .map(String.init)
            } ?? Array(repeating: "?", count: 10)
            let cells = [String(block.id), block.state ?? "?", block.zone ?? "-",
                         block.node.map(String.init) ?? "-", Self.hex(block.startPfn)] + counts
            out.append(Self.row(cells, widths: widths) + "  " + Self.verdict(block))
        }
        if !limits.isEmpty {
            out.append("")
            out.append("What /proc cannot show:")
            out.append(contentsOf: limits.map { "  - " + $0 })
        }
        if !unavailable.isEmpty {
            out.append("")
            out.append("Unavailable:")
            out.append(contentsOf: unavailable.map { "  - " + $0 })
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func verdict(_ block: Block) -> String {
        switch block.offlinable {
        case true?:
            if VerdictSummary.verdict(of: block) == .notVerified {
                return "would offline, not yet verified (\(block.pages?.uninit ?? 0) pages never initialised)"
            }
            return "would offline" + (block.note.map { " (\($0))" } ?? "")
        case false? where block.blockers.isEmpty:
            return "busy" + (block.errno.map { " (\($0))" } ?? "") + ": " + (block.reason ?? block.note ?? "?")
        case false?:
            let shown = block.blockers.prefix(2).map { blocker in
                "pfn \(hex(blocker.pfn)) \(blocker.reason)" + (blocker.kind.map { " (\($0))" } ?? "")
            }
            let more = block.blockerCount > UInt64(shown.count) ? ", +\(block.blockerCount - UInt64(shown.count)) more" : ""
            return "busy: " + shown.joined(separator: ", ") + more
        case nil:
            return "? " + (block.note ?? "unknown")
        }
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = value
        var unit = 0
        while amount >= 1024 && amount % 1024 == 0 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return "\(amount) \(units[unit])"
    }

    /// Pads cells to `widths`: positive right-aligns, negative left-aligns.
    static func row(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).map { cell, width in
            let pad = String(repeating: " ", count: max(0, abs(width) - cell.count))
            return width < 0 ? cell + pad : pad + cell
        }.joined(separator: " ")
    }
}
