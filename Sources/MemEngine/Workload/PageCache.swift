/// Pages `page_cache_ra_unbounded()` reads at once on a miss: the default 128 KiB window.
let readaheadPages = 32

extension Machine {
    /// A page-cache miss (`page_cache_sync_readahead()`): the missing page and the uncached
    /// pages after it, up to the readahead window, are allocated, read from disk and added
    /// to the LRU.
    mutating func readahead(file f: Int, offset: Int, cpu: Int) {
        let node = cpu % config.nodes
        var off = offset
        while off < files[f].pages.count && off < offset + readaheadPages && files[f].pages[off] == PageArrays.none {
            guard let (p, _) = allocPages(order: 0, gfp: .highUserMovable, preferredNode: node, cpu: cpu) else { return }
            cachePage(p, file: f, offset: off, cpu: cpu)
            off += 1
        }
    }
}
