/// Per-page state in struct-of-arrays form: 13 bytes a page (the kernel's struct page is 64),
/// and a change count per memory block.
///
/// `owner`/`index` are the kernel's `page->mapping`/`page->index`: who the content belongs to
/// and where in it; together they are the page's content token, written when the page is filled
/// and carried by migration. Free and per-cpu pages have no content, so, like the kernel's
/// `page->lru` union, the same words link them into their free list (`next`/`prev`). Their
/// refcount is 0 and their mapcount meaningless, so, as the kernel keeps `buddy_order` in
/// `page->private`, those two bytes hold the buddy order (free heads) and the migratetype of
/// the list the page is on (free heads and per-cpu pages).
public struct PageArrays: Codable, Equatable, Sendable {
    // Written only through the mutators below, which count the change for the page's block.
    /// The page's kind (low 4 bits) and the order of the folio it belongs to (high 4 bits), on
    /// its head and on every tail (0: an order-0 folio). Large folios are naturally aligned, so
    /// a tail finds its head by rounding down, as `compound_head()` finds it through
    /// `page->compound_head`. The kernel packs small fields into `page->flags` the same way.
    private(set) var kind: [UInt8]
    private(set) var flags: [UInt16]
    /// Content pages: the reference count. Free heads (PG_buddy): the buddy order.
    var refcount: [UInt8]
    /// Content pages: the map count. Free heads and per-cpu pages: their list's migratetype.
    var mapcount: [UInt8]
    var owner: [UInt32]
    var index: [UInt32]
    /// Changes of kind, flags, folio order or free-list place, counted per `2^changeShift`
    /// pages (a memory block): a view that remembers the count redraws only what changed.
    private(set) var changes: [UInt32]
    /// log2 of the pages a change count covers: the largest power of two dividing a block.
    let changeShift: Int

    static let none: UInt32 = .max

    init(count: Int, pagesPerBlock: Int) {
        changeShift = max(0, pagesPerBlock.trailingZeroBitCount)
        changes = Array(repeating: 0, count: (count >> changeShift) + 1)
        kind = Array(repeating: PageKind.hole.rawValue, count: count)
        flags = Array(repeating: 0, count: count)
        refcount = Array(repeating: 0, count: count)
        mapcount = Array(repeating: 0, count: count)
        owner = Array(repeating: Self.none, count: count)
        index = Array(repeating: Self.none, count: count)
    }

    var count: Int { kind.count }

    /// Bytes held per page by these arrays.
    static let bytesPerPage = 1 + 2 + 1 + 1 + 4 + 4

    /// The kind bits of `kind` (the high four hold the folio order).
    static let kindMask: UInt8 = 0x0F
    static let folioOrderShift: UInt8 = 4

    @inline(__always) func kindOf(_ p: Int) -> PageKind { PageKind(rawValue: kind[p] & Self.kindMask) ?? .hole }
    @inline(__always) mutating func setKind(_ p: Int, _ k: PageKind) {
        kind[p] = kind[p] & ~Self.kindMask | k.rawValue
        changed(p)
    }
    @inline(__always) func flagsOf(_ p: Int) -> PageFlags { PageFlags(rawValue: flags[p]) }
    @inline(__always) func has(_ p: Int, _ f: PageFlags) -> Bool { flags[p] & f.rawValue != 0 }
    @inline(__always) mutating func set(_ p: Int, _ f: PageFlags) {
        flags[p] |= f.rawValue
        changed(p)
    }
    @inline(__always) mutating func clear(_ p: Int, _ f: PageFlags) {
        flags[p] &= ~f.rawValue
        changed(p)
    }
    /// Replaces every flag of a page.
    @inline(__always) mutating func setFlags(_ p: Int, _ raw: UInt16) {
        flags[p] = raw
        changed(p)
    }
    /// Records the order of the folio `p` belongs to (on its head and every tail).
    @inline(__always) mutating func setFolioOrder(_ p: Int, _ order: Int) {
        kind[p] = kind[p] & Self.kindMask | Self.folioOrderBits(order)
        changed(p)
    }
    /// The order of the folio holding `p` (`folio_order(page_folio(page))`).
    @inline(__always) func folioOrder(_ p: Int) -> Int { Int(kind[p] >> Self.folioOrderShift) }
    /// `order` in the high bits of a `kind` byte (folios are at most a pageblock: order 9).
    @inline(__always) static func folioOrderBits(_ order: Int) -> UInt8 {
        precondition(order >= 0 && order < 16, "folio order \(order) does not fit in four bits")
        return UInt8(order) << folioOrderShift
    }
    /// Counts a change of page `p` (or of its pageblock) for the views.
    @inline(__always) mutating func changed(_ p: Int) { changes[p >> changeShift] &+= 1 }
    /// The changes counted for pages `range`: equal counts, nothing a view draws changed.
    func changeCount(_ range: Range<Int>) -> UInt32 {
        guard !range.isEmpty else { return 0 }
        var sum: UInt32 = 0
        for chunk in chunks(range) { sum &+= changes[chunk] }
        return sum
    }
    /// The buddy order of a free head; 0 for any other page.
    @inline(__always) func order(_ p: Int) -> Int { has(p, .buddy) ? Int(refcount[p]) : 0 }
    /// The migratetype of the list a free head or per-cpu page is on.
    @inline(__always) func listMT(_ p: Int) -> MigrateType { MigrateType(rawValue: Int(mapcount[p])) ?? .movable }
    /// Records where a free page sits (its refcount stays 0 for anything but a buddy head,
    /// which is never read as a reference count).
    @inline(__always) mutating func setOrderMT(_ p: Int, order: Int, mt: MigrateType) {
        refcount[p] = UInt8(order)
        mapcount[p] = UInt8(mt.rawValue)
        changed(p)
    }
    /// Forgets the order and list of a page leaving a free list.
    @inline(__always) mutating func clearOrderMT(_ p: Int) {
        refcount[p] = 0
        mapcount[p] = 0
        changed(p)
    }
    /// The reference count as the kernel would report it (0 for free and per-cpu pages).
    @inline(__always) func pageRefcount(_ p: Int) -> Int {
        let k = kindOf(p)
        return k == .free || k == .pcp ? 0 : Int(refcount[p])
    }
    /// The map count as the kernel would report it (0 for free and per-cpu pages).
    @inline(__always) func pageMapcount(_ p: Int) -> Int {
        let k = kindOf(p)
        return k == .free || k == .pcp ? 0 : Int(mapcount[p])
    }

    /// Resets a page to an empty, unowned frame of the given kind.
    mutating func reset(_ p: Int, to k: PageKind) {
        kind[p] = k.rawValue
        flags[p] = 0
        refcount[p] = 0
        mapcount[p] = 0
        owner[p] = Self.none
        index[p] = Self.none
        changed(p)
    }
}

/// A doubly linked list threaded through `PageArrays.owner`/`index` (next/prev), as the kernel
/// threads free lists through `page->buddy_list` and `page->pcp_list`.
public struct PageList: Codable, Equatable, Sendable {
    var head: UInt32 = PageArrays.none
    var tail: UInt32 = PageArrays.none
    public internal(set) var count = 0

    var isEmpty: Bool { head == PageArrays.none }
    var first: Int? { head == PageArrays.none ? nil : Int(head) }
    var last: Int? { tail == PageArrays.none ? nil : Int(tail) }

    mutating func pushFront(_ p: Int, in pages: inout PageArrays) {
        pages.owner[p] = head
        pages.index[p] = PageArrays.none
        if head != PageArrays.none { pages.index[Int(head)] = UInt32(p) } else { tail = UInt32(p) }
        head = UInt32(p)
        count += 1
    }

    mutating func pushBack(_ p: Int, in pages: inout PageArrays) {
        pages.owner[p] = PageArrays.none
        pages.index[p] = tail
        if tail != PageArrays.none { pages.owner[Int(tail)] = UInt32(p) } else { head = UInt32(p) }
        tail = UInt32(p)
        count += 1
    }

    mutating func remove(_ p: Int, in pages: inout PageArrays) {
        let next = pages.owner[p], prev = pages.index[p]
        if prev != PageArrays.none { pages.owner[Int(prev)] = next } else { head = next }
        if next != PageArrays.none { pages.index[Int(next)] = prev } else { tail = prev }
        pages.owner[p] = PageArrays.none
        pages.index[p] = PageArrays.none
        count -= 1
    }

    /// The pfns on the list, head first (for invariants, statistics and tests).
    func elements(in pages: PageArrays) -> [Int] {
        var out: [Int] = []
        var p = head
        while p != PageArrays.none {
            out.append(Int(p))
            p = pages.owner[Int(p)]
        }
        return out
    }
}

/// Writes to runs of pages at once (in this file: they write the arrays only the mutators may): each array is checked for uniqueness once per run, not
/// once per page, and the loops run over raw buffers (boot initialises millions of pages, and
/// a large folio or a freed buddy block is hundreds of pages at a time).
extension PageArrays {
    /// Resets every page of `r` to an empty, unowned frame of kind `k` (`reset(_:to:)` for
    /// each page).
    mutating func reset(_ r: Range<Int>, to k: PageKind) {
        guard !r.isEmpty else { return }
        Self.fill(&kind, r, k.rawValue)
        Self.fill(&flags, r, 0)
        Self.fill(&refcount, r, 0)
        Self.fill(&mapcount, r, 0)
        Self.fill(&owner, r, Self.none)
        Self.fill(&index, r, Self.none)
        changed(r)
    }

    /// Sets `flags` on every page of `r`.
    mutating func set(_ r: Range<Int>, _ f: PageFlags) {
        flags.withUnsafeMutableBufferPointer { b in
            for p in r { b[p] |= f.rawValue }
        }
        changed(r)
    }

    /// Replaces every flag of every page of `r`.
    mutating func fillFlags(_ r: Range<Int>, _ raw: UInt16) {
        Self.fill(&flags, r, raw)
        changed(r)
    }

    /// Records the order of the folio every page of `r` belongs to.
    mutating func fillFolioOrders(_ r: Range<Int>, _ order: Int) {
        let bits = Self.folioOrderBits(order)
        kind.withUnsafeMutableBufferPointer { b in
            for p in r { b[p] = b[p] & Self.kindMask | bits }
        }
        changed(r)
    }

    /// Counts a change of every page of `r` for the views (once per block it touches).
    mutating func changed(_ r: Range<Int>) {
        guard !r.isEmpty else { return }
        for chunk in chunks(r) { changes[chunk] &+= 1 }
    }

    /// The change counts covering the pages of `r` (not empty).
    private func chunks(_ r: Range<Int>) -> ClosedRange<Int> {
        (r.lowerBound >> changeShift)...((r.upperBound - 1) >> changeShift)
    }

    /// Stores `value` in `a[r]`.
    @inline(__always)
    static func fill<T>(_ a: inout [T], _ r: Range<Int>, _ value: T) {
        a.withUnsafeMutableBufferPointer { b in
            UnsafeMutableBufferPointer(rebasing: b[r]).update(repeating: value)
        }
    }
}
