/// What the engine holds in memory, for the bytes-per-page figure (issue 2: aim at 16 bytes a
/// simulated page, a quarter of the kernel's 64-byte `struct page`; never above 32).
///
/// Counts array capacities, not counts (what is allocated, not what is used), each array's heap
/// header, and every table: page and pageblock arrays, zones with their free and per-cpu lists,
/// nodes, blocks, processes with their page tables, files, slab and swap tables, pending I/O,
/// LRU add batches, the event log and the hot-plug operation in flight. malloc's own per-chunk
/// overhead is left out: it is the allocator's, and the arrays that matter are few and large.
extension Machine {
    /// Bytes the engine holds for this machine (array capacities, headers included).
    public var footprintBytes: Int { footprintBreakdown.reduce(0) { $0 + $1.bytes } }

    /// `footprintBytes` by part, the per-page arrays first.
    public var footprintBreakdown: [(part: String, bytes: Int)] {
        [
            ("page arrays", pageArrayBytes),
            ("pageblock arrays", heapBytes(pageblockMT) + heapBytes(pageblockIsolated) + heapBytes(pageblockZone)),
            ("process page tables", processBytes),
            ("file page-cache maps", heapBytes(files) + files.reduce(0) { $0 + pageCacheBytes($1.pages) }),
            ("slab, swap, I/O, LRU", otherTableBytes),
            ("zones, nodes, blocks", topologyBytes),
            ("event log", eventBytes),
            ("hot-plug operation", operationBytes),
            ("machine struct", MemoryLayout<Machine>.size),
        ]
    }

    private var pageArrayBytes: Int {
        heapBytes(pages.kind) + heapBytes(pages.flags) + heapBytes(pages.refcount)
            + heapBytes(pages.mapcount) + heapBytes(pages.owner) + heapBytes(pages.index)
    }

    /// Page tables (a PMD word per 512 virtual pages, a PTE page of 512 words per range mapped
    /// page by page) and page-table page lists.
    private var processBytes: Int {
        heapBytes(processes) + processes.reduce(0) { $0 + heapBytes($1.ptes.pmds) + heapBytes($1.ptes.ptePages) + heapBytes($1.pageTables) }
            + heapBytes(anonVMAs) + heapBytes(alivePIDs)
    }

    private var otherTableBytes: Int {
        heapBytes(slabPages) + heapBytes(swapSlots) + heapBytes(freeSwapSlots) + heapBytes(inFlightIO)
            + heapBytes(lruAddBatch) + lruAddBatch.reduce(0) { $0 + heapBytes($1) }
    }

    private var topologyBytes: Int {
        var b = heapBytes(zones) + heapBytes(nodes) + heapBytes(blocks)
        for z in zones {
            b += heapBytes(z.freeArea) + heapBytes(z.pcp) + z.pcp.reduce(0) { $0 + heapBytes($1.lists) }
        }
        for n in nodes { b += heapBytes(n.cpus) + heapBytes(n.zoneIndices) + heapBytes(n.lruSize) }
        return b
    }

    /// The log's slots, plus the detail strings too long to live inline (over 15 UTF-8 bytes).
    /// Function names are string literals, which live in the binary.
    private var eventBytes: Int {
        heapBytes(events) + events.reduce(0) { $0 + ($1.recordedDetail?.heapBytes ?? 0) }
    }

    private var operationBytes: Int {
        guard let op = operation else { return 0 }
        var b = heapBytes(op.queue) + heapBytes(op.done) + heapBytes(op.messages)
        b += op.messages.reduce(0) { $0 + stringHeapBytes($1) }
        let l = migrateLists
        b += heapBytes(l.source) + heapBytes(l.from) + heapBytes(l.again) + heapBytes(l.callRet)
        b += heapBytes(l.unmapped) + heapBytes(l.moveAgain)
        b += heapBytes(l.syncQueue) + heapBytes(l.split) + heapBytes(l.ret)
        // A native dictionary: a header, the occupancy bitmap, then keys and values.
        if l.moves.capacity > 0 {
            b += 48 + l.moves.capacity / 8 + l.moves.capacity * (MemoryLayout<UInt64>.stride + MemoryLayout<[Int]>.stride)
            b += l.moves.values.reduce(0) { $0 + heapBytes($1) }
        }
        return b
    }
}

/// Bytes of an array's heap buffer: a 32-byte header (object header, count, capacity) and its
/// elements at their stride. An empty array shares one static buffer and costs nothing.
private func heapBytes<T>(_ a: [T]) -> Int {
    a.capacity == 0 ? 0 : 32 + a.capacity * MemoryLayout<T>.stride
}

/// Bytes of a file's page-cache map: its chunk table, counts, the chunks allocated and the spare ones.
private func pageCacheBytes(_ m: PageCacheMap) -> Int {
    heapBytes(m.chunks) + heapBytes(m.cached) + m.chunks.reduce(0) { $0 + heapBytes($1) }
        + heapBytes(m.spare) + m.spare.reduce(0) { $0 + heapBytes($1) }
}

/// Bytes of a string's heap buffer: none for a small (inline) string of up to 15 UTF-8 bytes.
private func stringHeapBytes(_ s: String) -> Int {
    let n = s.utf8.count
    return n <= 15 ? 0 : 32 + n + 1
}
