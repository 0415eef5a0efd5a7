/// How `memtop offline` and `memtop online` print their trace: one line an event.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// `   tick  memoryN  fn pfn 0x... -> 0x... order N: detail`.
    case text
    /// JSON Lines: `{"tick":N,"fn":"...","block":N,...}`.
    case json
}

extension Event {
    /// The event's trace line in `format`, without its newline.
    public func traceLine(_ format: TraceFormat) -> String {
        var s = ""
        appendTraceLine(format, to: &s)
        return s
    }

    /// Appends the event's trace line in `format` (without its newline) to `out`.
    ///
    /// Written straight into the caller's buffer, piece by piece: an order-0 offline of a
    /// 128 MiB block traces about 200,000 events, and building each line from intermediate
    /// strings or a JSON tree cost more than the offline itself.
    public func appendTraceLine(_ format: TraceFormat, to out: inout String) {
        switch format {
        case .text: appendText(to: &out)
        case .json: appendJSON(to: &out)
        }
    }

    private func appendText(to out: inout String) {
        let t = String(tick)
        for _ in 0..<max(0, 8 - t.utf8.count) { out += " " }
        out += t
        out += "  "
        if let block {
            out += "memory"
            out += String(block)
            out += "  "
        }
        out += fn
        if let pfn {
            out += " pfn 0x"
            out += String(pfn, radix: 16)
        }
        if let toPFN {
            out += Event.toPFNEndsRange(fn) ? "-0x" : " -> 0x"
            out += String(toPFN, radix: 16)
        }
        if let order {
            out += " order "
            out += String(order)
        }
        if let recordedDetail {
            out += fn == "printk" ? "\n          dmesg: " : ": "
            recordedDetail.append(to: &out)
        }
    }

    private func appendJSON(to out: inout String) {
        out += "{\"tick\":"
        out += String(tick)
        out += ",\"fn\":"
        Event.appendJSONString(fn, to: &out)
        out += ",\"block\":"
        out += block.map { String($0) } ?? "null"
        if let pfn {
            out += ",\"pfn\":"
            out += String(pfn)
        }
        if let toPFN {
            out += ",\"to_pfn\":"
            out += String(toPFN)
        }
        if let order {
            out += ",\"order\":"
            out += String(order)
        }
        if let detail {
            out += ",\"detail\":"
            Event.appendJSONString(detail, to: &out)
        }
        out += "}"
    }

    /// Appends `s` as a JSON string: quotes, backslashes and control characters escaped.
    public static func appendJSONString(_ s: String, to out: inout String) {
        out += "\""
        // Most details need no escape: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
