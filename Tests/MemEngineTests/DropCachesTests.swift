import Testing
@testable import MemEngine

@Suite("drop_caches: echo 1 > /proc/sys/vm/drop_caches")
struct DropCachesTests {
    @Test("clean, unmapped page cache is freed; dirty, writeback and referenced pages stay", arguments: [
        THPMode.always, .never,
    ])
    func dropsCleanCacheOnly(thp: THPMode) throws {
        var m = try Machine(config: .small(workload: .heavy, thp: thp))
        // Let the workload dirty some cache and start writeback first.
        try stepChecked(&m, steps: 2_000)
        let cacheBefore = m.nodes.reduce(0) { $0 + $1.lru(.inactiveFile) + $1.lru(.activeFile) }
        let freeBefore = m.zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        var kept = 0
        for f in m.files.indices {
            for off in 0..<m.files[f].pages.count where m.files[f].pages[off] != PageArrays.none {
                let p = Int(m.files[f].pages[off])
                if !m.isCleanUnusedCache(p) || m.pages.has(p, .locked) || m.pages.refcount[p] > 1 { kept += 1 }
            }
        }
        let dropped = m.dropCaches()
        try m.checkInvariants()

        #expect(dropped > cacheBefore / 2, "dropped \(dropped) of \(cacheBefore) page-cache pages")
        let freeAfter = m.zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        #expect(freeAfter - freeBefore == dropped, "every dropped page is free memory now")
        var left = 0
        for f in m.files.indices {
            for off in 0..<m.files[f].pages.count where m.files[f].pages[off] != PageArrays.none {
                let p = Int(m.files[f].pages[off])
                // What is left is what the kernel's mapping_evict_folio() refuses.
                #expect(m.pages.has(p, .dirty) || m.pages.has(p, .writeback) || m.pages.has(p, .locked)
                        || m.pages.refcount[p] > 1 || !m.pages.has(p, .lru),
                        "pfn \(PFN(p)): clean, unmapped and unlocked page cache left behind")
                left += 1
            }
        }
        // The LRU add batches were drained first, so their pages could go too.
        #expect(left <= kept)
        #expect(m.events.last?.fn == "drop_caches")
    }

    @Test("the same machine drops the same pages (the model stays seeded)")
    func deterministic() throws {
        var a = try Machine(config: .small())
        var b = try Machine(config: .small())
        #expect(a.dropCaches() == b.dropCaches())
        for _ in 0..<2_000 {
            a.step()
            b.step()
        }
        #expect(a == b)
    }
}
