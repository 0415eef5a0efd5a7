/// A file's page offset → pfn map, sparse: slots are held in chunks of 512 offsets, and a chunk
/// exists only while a page of it is cached, as the kernel's xarray (`mapping->i_pages`)
/// allocates a node only where it has entries. The files together have as many offsets as
/// memory has pages, so a slot for every offset cost 4 bytes a page of memory; the chunks cost
/// about 4 bytes a cached page.
///
/// Reads as a collection of `count` slots (PageArrays.none where nothing is cached).
public struct PageCacheMap: RandomAccessCollection, Codable, Sendable {
    static let chunkShift = 9
    static let chunkMask = (1 << chunkShift) - 1

    public let count: Int
    /// The chunks, empty where no offset of the chunk is cached.
    private(set) var chunks: [[UInt32]]
    /// Offsets cached in each chunk: a chunk is freed when its count falls to 0, so two maps of
    /// the same pages are equal.
    private(set) var cached: [UInt16]
    /// Chunks given back, kept for the next chunk taken: the workload's reads and drops come
    /// and go in the same places, and would otherwise allocate and free a chunk each time.
    private(set) var spare: [[UInt32]] = []

    init(count: Int) {
        self.count = count
        let n = (count + Self.chunkMask) >> Self.chunkShift
        chunks = Array(repeating: [], count: n)
        cached = Array(repeating: 0, count: n)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The pfn cached at `offset`, PageArrays.none if none.
    public subscript(offset: Int) -> UInt32 {
        get {
            precondition(offset >= 0 && offset < count, "page-cache offset out of range")
            let c = offset >> Self.chunkShift
            return chunks[c].isEmpty ? PageArrays.none : chunks[c][offset & Self.chunkMask]
        }
        set {
            precondition(offset >= 0 && offset < count, "page-cache offset out of range")
            let c = offset >> Self.chunkShift, i = offset & Self.chunkMask
            if chunks[c].isEmpty {
                guard newValue != PageArrays.none else { return }
                chunks[c] = takeChunk(c)
            }
            let old = chunks[c][i]
            chunks[c][i] = newValue
            if old == PageArrays.none, newValue != PageArrays.none {
                cached[c] += 1
            } else if old != PageArrays.none, newValue == PageArrays.none {
                cached[c] -= 1
                if cached[c] == 0 {
                    if chunks[c].count == Self.chunkMask + 1 { spare.append(chunks[c]) }
                    chunks[c] = []
                }
            }
        }
    }

    /// Caches pfns `pfns.lowerBound + k` at offsets `offset + k` (all of them uncached before),
    /// a chunk at a time: boot fills files a readahead window at once.
    mutating func cacheRun(at offset: Int, pfns: Range<Int>) {
        precondition(offset >= 0 && offset + pfns.count <= count, "page-cache offset out of range")
        var off = offset, p = pfns.lowerBound
        while p < pfns.upperBound {
            let c = off >> Self.chunkShift, i = off & Self.chunkMask
            let n = Swift.min(pfns.upperBound - p, Self.chunkSize(c, of: count) - i)
            if chunks[c].isEmpty { chunks[c] = takeChunk(c) }
            chunks[c].withUnsafeMutableBufferPointer { b in
                for k in 0..<n { b[i + k] = UInt32(p + k) }
            }
            cached[c] += UInt16(n)
            off += n
            p += n
        }
    }

    /// Empty slots for chunk `c`: a spare chunk if there is one (a short last chunk is new).
    private mutating func takeChunk(_ c: Int) -> [UInt32] {
        let size = Self.chunkSize(c, of: count)
        guard size == Self.chunkMask + 1, var chunk = spare.popLast() else {
            return Array(repeating: PageArrays.none, count: size)
        }
        chunk.withUnsafeMutableBufferPointer { $0.update(repeating: PageArrays.none) }
        return chunk
    }

    /// Slots in chunk `c` of a map of `count` offsets (the last chunk may be short).
    private static func chunkSize(_ c: Int, of count: Int) -> Int {
        Swift.min(chunkMask + 1, count - (c << chunkShift))
    }
}

extension PageCacheMap: Equatable {
    /// Equal when the same pages are cached at the same offsets (spare chunks aside).
    public static func == (a: PageCacheMap, b: PageCacheMap) -> Bool {
        a.count == b.count && a.cached == b.cached && a.chunks == b.chunks
    }
}
