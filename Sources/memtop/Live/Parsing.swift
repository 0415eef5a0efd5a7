/// Shared helpers for the /proc text parsers: every number is checked, so garbage, overflow and
/// truncation become a `LiveError.malformed` naming the file and line, never a trap.
struct ProcText {
    let path: String
    let lines: [Substring]

    init(path: String, text: String) {
        self.path = path
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func error(_ lineIndex: Int?, _ detail: String) -> LiveError {
        .malformed(path: path, line: lineIndex.map { $0 + 1 }, detail: detail)
    }

    /// A decimal unsigned number; rejects signs, garbage and values beyond UInt64.
    func number(_ token: Substring, line: Int) throws -> UInt64 {
        guard let value = UInt64(token) else {
            throw error(line, "expected a number, found \(Quoted(token.prefix(40)))")
        }
        return value
    }

    /// A hexadecimal number as sysfs writes it ("8000000", "00000005"), with or without 0x.
    func hexNumber(_ token: Substring, line: Int) throws -> UInt64 {
        let digits = token.hasPrefix("0x") ? token.dropFirst(2) : token
        guard !digits.isEmpty, let value = UInt64(digits, radix: 16) else {
            throw error(line, "expected a hexadecimal number, found \(Quoted(token.prefix(40)))")
        }
        return value
    }
}

extension Substring {
    /// Whitespace-separated words.
    var words: [Substring] { split(whereSeparator: { $0 == " " || $0 == "\t" }) }
}

/// Parses "Node 0, zone      DMA" (the prefix of zoneinfo, buddyinfo and pagetypeinfo lines) and
/// returns the node, the zone name and the rest of the line after the zone name.
func parseNodeZonePrefix(_ line: Substring, in text: ProcText, at index: Int)
    throws -> (node: Int, zone: String, rest: Substring)
{
    guard line.hasPrefix("Node") else { throw text.error(index, "expected 'Node N, zone NAME'") }
    guard let comma = line.firstIndex(of: ",") else { throw text.error(index, "missing ',' after node") }
    let nodeToken = line[line.index(line.startIndex, offsetBy: 4)..<comma].trimmingWhitespace
    guard let node = Int(nodeToken), node >= 0 else {
        throw text.error(index, "bad node number '\(nodeToken.prefix(20))'")
    }
    let afterComma = line[line.index(after: comma)...].drop(while: { $0 == " " })
    guard afterComma.hasPrefix("zone") else { throw text.error(index, "expected 'zone' after node") }
    let afterZone = afterComma.dropFirst(4).drop(while: { $0 == " " })
    let nameEnd = afterZone.firstIndex(where: { $0 == " " || $0 == "," }) ?? afterZone.endIndex
    let name = String(afterZone[..<nameEnd])
    guard !name.isEmpty else { throw text.error(index, "missing zone name") }
    return (node, name, afterZone[nameEnd...])
}
