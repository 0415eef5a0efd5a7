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

extension Machine {
    /// Memory in use other than page cache (per mille of managed): what processes and the
    /// kernel hold, which the workload's level aims at; page cache takes the rest.
    var demandPermille: Int {
        let managed = zones.reduce(0) { $0 + $1.managed }
        let free = zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        let cache = nodes.reduce(0) { $0 + $1.lru(.inactiveFile) + $1.lru(.activeFile) }
        return managed == 0 ? 1000 : (managed - free - cache) * 1000 / managed
    }
}
