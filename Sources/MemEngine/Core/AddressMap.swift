/// Where the blocks of an imported machine really are.
///
/// An imported machine (live mode's `o`, `memtop offline --from`) holds a few blocks of a real
/// machine side by side, as blocks 0, 1, 2... of its own memmap. The trace must still name the
/// real block and the real pfns (a printed `memory1` or pfn 0x8000 that belongs to another real
/// block would mislead, and a sysfs path would be dangerous), so every event is translated on its
/// way out (`Machine.emit`) through this map. A booted machine has the identity map.
public struct AddressMap: Codable, Equatable, Sendable {
    /// The real block id of each engine block, in engine order; empty for the identity.
    public private(set) var realBlocks: [Int]
    public private(set) var pagesPerBlock: Int

    public init(realBlocks: [Int] = [], pagesPerBlock: Int = 1) {
        self.realBlocks = realBlocks
        self.pagesPerBlock = max(1, pagesPerBlock)
    }

    public var isIdentity: Bool { realBlocks.isEmpty }

    /// The real id of engine block `b`.
    public func block(_ b: Int) -> Int {
        realBlocks.indices.contains(b) ? realBlocks[b] : b
    }

    /// "memoryN" with the real id of engine block `b`.
    public func name(_ b: BlockID) -> String { "memory\(block(b.raw))" }

    /// The real pfn of engine pfn `p`.
    public func pfn(_ p: Int) -> Int {
        guard !isIdentity, p >= 0 else { return p }
        return block(p / pagesPerBlock) * pagesPerBlock + p % pagesPerBlock
    }

    /// The real end of a half-open range that ends at engine pfn `p`.
    public func pfnEnd(_ p: Int) -> Int {
        guard !isIdentity, p > 0 else { return p }
        return pfn(p - 1) + 1
    }

    /// The real pfns of an engine range that lies in one block.
    public func viewRange(_ range: Range<PFN>) -> Range<PFN> {
        guard !isIdentity, !range.isEmpty else { return range }
        return PFN(pfn(range.lowerBound.raw))..<PFN(pfnEnd(range.upperBound.raw))
    }

    /// The engine pfn of real pfn `p`, or nil when its block was not imported.
    public func enginePFN(_ p: Int) -> Int? {
        guard !isIdentity else { return p }
        guard p >= 0, let b = realBlocks.firstIndex(of: p / pagesPerBlock) else { return nil }
        return b * pagesPerBlock + p % pagesPerBlock
    }

    /// The engine block of real block `b`, or nil when it was not imported.
    public func engineBlock(_ b: Int) -> Int? {
        isIdentity ? b : realBlocks.firstIndex(of: b)
    }
}

extension Event {
    /// Whether `toPFN` ends a half-open pfn range (the trace prints `start-end`) rather than
    /// naming a migration target (`src -> target`).
    /// Called for every traced event with a `toPFN`, so it compares bytes: `String.contains`
    /// builds a substring searcher per call, which was a fifth of an offline's CPU.
    public static func toPFNEndsRange(_ fn: String) -> Bool {
        var fn = fn
        return fn.withUTF8 { b in
            contains(b, "range") || equals(b, "offline_pages") || equals(b, "online_pages")
                || equals(b, "split_folio_to_list") || starts(b, with: "test_") || starts(b, with: "__offline")
        }
    }

    /// Whether `hay` begins with `part` (ASCII names: byte for byte).
    private static func starts(_ hay: UnsafeBufferPointer<UInt8>, with part: StaticString, at i: Int = 0) -> Bool {
        let n = part.utf8CodeUnitCount
        guard hay.count - i >= n else { return false }
        let p = part.utf8Start
        for k in 0..<n where hay[i + k] != p[k] { return false }
        return true
    }

    private static func equals(_ hay: UnsafeBufferPointer<UInt8>, _ part: StaticString) -> Bool {
        hay.count == part.utf8CodeUnitCount && starts(hay, with: part)
    }

    private static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ part: StaticString) -> Bool {
        guard hay.count >= part.utf8CodeUnitCount else { return false }
        for i in 0...(hay.count - part.utf8CodeUnitCount) where starts(hay, with: part, at: i) { return true }
        return false
    }
}
