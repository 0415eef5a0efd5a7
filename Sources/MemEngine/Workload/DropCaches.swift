extension Machine {
    /// `echo 1 > /proc/sys/vm/drop_caches`: every clean, unmapped, unlocked page-cache page is
    /// dropped and freed, as an administrator (or a benchmark script) does on a real machine
    /// to see its memory without the cache. Dirty and writeback pages, pages mapped by a
    /// process, locked pages and pages held by someone else (an LRU add batch is drained
    /// first; an isolated page holds a reference) stay. Returns the pages dropped.
    ///
    /// Kernel: `drop_caches_sysctl_handler()` → `lru_add_drain_all()`, then
    /// `iterate_supers(drop_pagecache_sb)` → `invalidate_mapping_pages(mapping, 0, -1)` per
    /// inode → `mapping_evict_folio()` (fs/drop_caches.c, mm/truncate.c).
    @discardableResult
    public mutating func dropCaches() -> Int {
        lruAddDrainAll()
        var dropped = 0
        for f in files.indices {
            let map = files[f].pages
            for c in map.cached.indices where map.cached[c] > 0 {
                let first = c << PageCacheMap.chunkShift
                for off in first..<min(first + PageCacheMap.chunkMask + 1, map.count) {
                    let slot = files[f].pages[off]
                    guard slot != PageArrays.none else { continue }
                    let p = Int(slot)
                    guard isCleanUnusedCache(p), !pages.has(p, .locked) else { continue }
                    dropCachedPage(file: f, offset: off, pfn: p, cpu: 0)
                    dropped += 1
                }
            }
        }
        emit(.workload, "drop_caches", detail: "1: \(dropped) page-cache pages dropped")
        return dropped
    }
}
