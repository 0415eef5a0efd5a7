/// Writes to runs of pages at once: each array is checked for uniqueness once per run, not
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
        Self.fill(&folioOrders, r, 0)
    }

    /// Sets `flags` on every page of `r`.
    mutating func set(_ r: Range<Int>, _ f: PageFlags) {
        flags.withUnsafeMutableBufferPointer { b in
            for p in r { b[p] |= f.rawValue }
        }
    }

    /// Stores `value` in `a[r]`.
    @inline(__always)
    static func fill<T>(_ a: inout [T], _ r: Range<Int>, _ value: T) {
        a.withUnsafeMutableBufferPointer { b in
            UnsafeMutableBufferPointer(rebasing: b[r]).update(repeating: value)
        }
    }
}
