import MemEngine

/// How engine events and outcomes read in the log: the kernel function first, pfns in hex,
/// and where a page goes, its node and zone.
enum EventText {
    static func line(_ event: Event, machine: Machine) -> String {
        if event.fn == "printk", let detail = event.detail { return "dmesg: \(detail)" }
        var s = event.fn
        if let pfn = event.pfn { s += " pfn \(PFN(pfn))" }
        if let to = event.toPFN {
            if isRange(event.fn) {
                s += "-\(PFN(to))"
            } else {
                s += " -> \(PFN(to))"
                if let engine = machine.addresses.enginePFN(to),
                   let place = place(of: PFN(engine), machine: machine) { s += " \(place)" }
            }
        }
        if let order = event.order { s += " order \(order)" }
        if let detail = event.detail { s += ": \(detail)" }
        return s
    }

    /// Whether an event's pfn and to_pfn are a half-open range (`0x18000-0x18800`) rather than
    /// a page going somewhere (`0x18010 -> 0x2a3f1`).
    static func isRange(_ fn: String) -> Bool { Event.toPFNEndsRange(fn) }

    /// "node1 Normal" for a pfn, or nil if it has no zone (offline, a hole).
    static func place(of pfn: PFN, machine: Machine) -> String? {
        guard pfn.raw >= 0, pfn.raw < machine.pageCount, let z = machine.zoneIndex(pfn) else { return nil }
        return "\(machine.zones[z].node) \(machine.zones[z].name)"
    }

    static func weight(_ event: Event) -> LogLine.Weight {
        switch event.fn {
        case "BUG", "no progress": return .error
        case "printk", "memory_block_change_state", "signal_pending": return .important
        default:
            // -ENOENT from scan_movable_pages is the normal end of the scan, not a failure.
            guard let detail = event.detail, !detail.hasPrefix("-ENOENT") else { return .normal }
            return detail.contains("-E") ? .error : .normal
        }
    }

    /// "offlined memory60" / "failed memory60: EBUSY (unmovable page)".
    static func outcome(_ op: HotplugOperation, addresses: AddressMap = AddressMap()) -> String {
        guard let result = op.result else { return "\((op.block ?? op.done.last).map(addresses.name) ?? "?"): in flight" }
        let finished = result.outcome == .failed ? (op.block ?? op.done.last) : (op.done.last ?? op.block)
        let block = finished.map(addresses.name) ?? "the block"
        switch result.outcome {
        case .offlined: return "offlined \(block)"
        case .online: return "onlined \(block)"
        case .failed:
            if case .online = op.kind {
                return "online of \(block) failed: \(result.errno ?? "error")" + (result.reason.map { " (\($0))" } ?? "")
            }
            if result.kernelBug {
                return "offline of \(block): kernel crash (\(result.reason ?? "BUG")); memtop rolled it back [kernel bug]"
            }
            var s = "offline of \(block) failed: \(result.errno ?? "error")"
            if let reason = result.reason { s += " (\(reason))" }
            return s
        }
    }
}
