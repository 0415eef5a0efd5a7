import MemEngine

/// Where the `/` prompt asks to go: a page (hex `0x…` or decimal pfn) or a block
/// (`memoryN`, `bN`).
enum JumpTarget: Hashable, Sendable {
    case pfn(PFN)
    case block(BlockID)

    /// Parses the prompt's text, checking it against a machine of `pageCount` pages and
    /// `blockCount` blocks; the error is the message the status line shows.
    static func parse(_ text: String, pageCount: Int, blockCount: Int) -> Result<JumpTarget, JumpError> {
        let t = text.trimmingCharacters(in: " ").lowercased()
        guard !t.isEmpty else { return .failure(JumpError("type a pfn (0x1e000 or 122880) or a block (memory60 or b60)")) }
        for prefix in ["memory", "b"] where t.hasPrefix(prefix) {
            guard let n = Int(t.dropFirst(prefix.count)), n >= 0 else {
                return .failure(JumpError("'\(text)' is not a block: write memoryN or bN"))
            }
            guard n < blockCount else {
                return .failure(JumpError("no block \(n): this machine has memory0 to memory\(blockCount - 1)"))
            }
            return .success(.block(BlockID(n)))
        }
        let value: Int?
        if t.hasPrefix("0x") { value = Int(t.dropFirst(2), radix: 16) } else { value = Int(t) }
        guard let pfn = value, pfn >= 0 else {
            return .failure(JumpError("'\(text)' is not a pfn or a block: try 0x1e000, 122880, memory60 or b60"))
        }
        guard pfn < pageCount else {
            return .failure(JumpError("pfn \(PFN(pfn)) is past the end of memory (last pfn \(PFN(pageCount - 1)))"))
        }
        return .success(.pfn(PFN(pfn)))
    }
}

/// Why the prompt's text was refused.
struct JumpError: Error, Hashable, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
