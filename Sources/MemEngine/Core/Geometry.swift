/// The shape of a machine's physical memory: page, pageblock, buddy and memory block sizes.
///
/// `x86_64` has the kernel's numbers (4 KiB pages, pageblock order 9, MAX_PAGE_ORDER 10,
/// 128 MiB sections and memory blocks). Smaller blocks give the teaching geometry: the same
/// rules and ratios (a block holds 32 pageblocks or more; MAX_PAGE_ORDER = pageblock order + 1),
/// only small enough that every page of a block fits on one screen.
public struct Geometry: Codable, Equatable, Sendable {
    public var pageSize: Int
    public var pageblockOrder: Int
    /// MAX_PAGE_ORDER: the largest buddy order (orders 0...maxOrder).
    public var maxOrder: Int
    /// Pages per memory block (= per section here).
    public var pagesPerBlock: Int

    public var pagesPerPageblock: Int { 1 << pageblockOrder }
    public var pageblocksPerBlock: Int { pagesPerBlock / pagesPerPageblock }
    public var blockBytes: Int { pagesPerBlock * pageSize }
    /// The x86_64 size a block stands for; zone boundaries scale by blockBytes / this.
    static let x86BlockBytes = 128 << 20

    public static let x86_64 = Geometry(pageSize: 4096, pageblockOrder: 9, maxOrder: 10, pagesPerBlock: 32768)
    /// The teaching geometry: 8 MiB blocks of 2048 pages, 32 pageblocks of 64 pages, order 0...7.
    public static let teaching = Geometry(pageSize: 4096, pageblockOrder: 6, maxOrder: 7, pagesPerBlock: 2048)

    /// A geometry for memory blocks of `blockBytes` (a power of two, 1 MiB ... 2 GiB).
    public init(blockBytes: Int, pageSize: Int = 4096) throws(GeometryError) {
        guard blockBytes > 0, blockBytes & (blockBytes - 1) == 0 else {
            throw .blockSizeNotPowerOfTwo(blockBytes)
        }
        guard blockBytes >= 1 << 20, blockBytes <= 2 << 30 else { throw .blockSizeOutOfRange(blockBytes) }
        let pages = blockBytes / pageSize
        let shift = pages.trailingZeroBitCount
        let pbOrder = min(9, shift - 5)
        self.init(pageSize: pageSize, pageblockOrder: pbOrder, maxOrder: pbOrder + 1, pagesPerBlock: pages)
    }

    public init(pageSize: Int, pageblockOrder: Int, maxOrder: Int, pagesPerBlock: Int) {
        self.pageSize = pageSize
        self.pageblockOrder = pageblockOrder
        self.maxOrder = maxOrder
        self.pagesPerBlock = pagesPerBlock
    }

    /// How much smaller than x86_64 this geometry is; zone boundaries (16 MiB, 4 GiB) scale by it.
    public var scale: Double { min(1, Double(blockBytes) / Double(Self.x86BlockBytes)) }

    public func block(of pfn: PFN) -> BlockID { BlockID(pfn.raw / pagesPerBlock) }
    public func startPFN(of block: BlockID) -> PFN { PFN(block.raw * pagesPerBlock) }
    public func pageblock(of pfn: PFN) -> Int { pfn.raw >> pageblockOrder }
    public func physAddress(_ pfn: PFN) -> Int { pfn.raw * pageSize }
}

public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    case blockSizeNotPowerOfTwo(Int)
    case blockSizeOutOfRange(Int)

    public var description: String {
        switch self {
        case .blockSizeNotPowerOfTwo(let b):
            "block size \(ByteSize.format(b)) is not a power of two (memory blocks are sections: 2^n bytes)"
        case .blockSizeOutOfRange(let b):
            "block size \(ByteSize.format(b)) is outside 1M ... 2G"
        }
    }
}

/// Parsing and printing of sizes such as 512M, 1G, 64G, 4096 (bytes).
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        let s = text.trimmingCharacters(in: " ")
        guard let last = s.last else { return nil }
        var digits = Substring(s)
        var shift = 0
        switch last.uppercased() {
        case "K": shift = 10
        case "M": shift = 20
        case "G": shift = 30
        case "T": shift = 40
        default: break
        }
        if shift > 0 {
            digits = s.dropLast()
            if digits.uppercased().hasSuffix("I") { return nil }
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = Int(digits), n >= 0 else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : v
    }

    public static func format(_ bytes: Int) -> String {
        for (unit, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where bytes >= 1 << shift {
            if bytes % (1 << shift) == 0 { return "\(bytes >> shift)\(unit)" }
        }
        for (unit, shift) in [("G", 30), ("M", 20), ("K", 10)] where bytes >= 1 << shift {
            let v = Double(bytes) / Double(1 << shift)
            return String(Int(v * 10) / 10) + "." + String(Int(v * 10) % 10) + unit
        }
        return "\(bytes)B"
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
