import Testing
@testable import MemEngine

extension MachineConfig {
    /// A small machine with every zone: 48 MiB in 1 MiB blocks (256 pages, pageblocks of 8,
    /// orders 0...4), two nodes, two cpus, a quarter movable. Small enough to check every
    /// invariant after every micro-step of a whole offline.
    static func small(seed: UInt64 = 1, workload: WorkloadLevel = .light, nodes: Int = 2,
                      memory: Int = 48 << 20, without: Set<Fix> = [], thp: THPMode = .always) -> MachineConfig {
        // swiftlint:disable:next force_try
        var c = MachineConfig(geometry: try! Geometry(blockBytes: 1 << 20), memoryBytes: memory, nodes: nodes, cpus: 2,
                              movablecore: .percent(25), seed: seed, workload: workload, without: without)
        c.thp = thp
        return c
    }

    /// A tiny machine for sweeps: 1 MiB blocks (256 pages, pageblocks of 8), 16 MiB.
    static func tiny(seed: UInt64, workload: WorkloadLevel, nodes: Int = 2) -> MachineConfig {
        // swiftlint:disable:next force_try
        MachineConfig(geometry: try! Geometry(blockBytes: 1 << 20), memoryBytes: 16 << 20, nodes: nodes, cpus: 2,
                      movablecore: .percent(30), seed: seed, workload: workload)
    }
}

/// Steps the machine, checking every invariant after every step.
func stepChecked(_ m: inout Machine, steps: Int) throws {
    for _ in 0..<steps {
        m.step()
        try m.checkInvariants()
    }
}

/// Runs the operation in flight to its end, checking invariants after every micro-step.
@discardableResult
func runChecked(_ m: inout Machine, maxSteps: Int = 400_000, cancelOnStall: Bool = true) throws -> HotplugResult {
    var n = 0
    while let op = m.operation, !op.isFinished {
        if cancelOnStall && op.stall != nil && !op.signalPending { m.cancelOperation() }
        m.step()
        try m.checkInvariants()
        n += 1
        if n > maxSteps {
            Issue.record("operation did not finish in \(maxSteps) steps (phase \(op.phase))")
            break
        }
    }
    return try #require(m.operation?.result)
}

/// Whether migration kept every page's content: each anon page (mapped, in swap or under
/// migration) exactly as before, and no page-cache page that was not there before. Clean page
/// cache may be dropped meanwhile: direct reclaim for migration targets does that on a full
/// machine, as the kernel does.
func contentKept(before: [String: Int], after: [String: Int]) -> Bool {
    let anon = { (t: [String: Int]) in t.filter { $0.key.hasPrefix("anon") } }
    return anon(before) == anon(after) && after.allSatisfy { $0.key.hasPrefix("anon") || before[$0.key] == $0.value }
}

/// The content every process, file and slab slot holds: (kind, owner, index) per live page,
/// plus swapped-out slots. Migration must keep this set exactly.
func contentTokens(_ m: Machine) -> [String: Int] {
    var tokens: [String: Int] = [:]
    for p in m.processes where p.alive {
        for (i, pte) in p.ptes.enumerated() where !pte.isNone {
            tokens["anon \(p.pid):\(i)", default: 0] += 1
        }
    }
    for f in m.files {
        for (i, raw) in f.pages.enumerated() where raw != PageArrays.none { tokens["file \(f.id):\(i)", default: 0] += 1 }
    }
    return tokens
}

/// Blocks in a zone of the given type whose what-if verdict is "would offline".
func offlinableBlocks(_ m: Machine, zone: ZoneType) -> [BlockID] {
    m.blocks.filter { m.blockSummary($0.id).zone == zone && !m.blockSummary($0.id).multizone && m.offlineVerdict($0.id).offlinable }.map(\.id)
}

/// Every pfn of a block.
func pfns(_ m: Machine, _ b: BlockID) -> [PFN] {
    let r = m.pfnRange(of: b)
    return (r.lowerBound.raw..<r.upperBound.raw).map(PFN.init)
}

/// Leaves no free block of the THP order: clean page cache is dropped first
/// (`echo 1 > drop_caches`, so reclaim cannot make a block later), then every free block of
/// that order or more is taken and a page-cache page keeps its first page while the others
/// are freed again (they merge into blocks of lower orders only). The keeping pages go on the
/// LRU (movable for compaction) when `onLRU`, else they stay off it, where no scanner can
/// isolate them.
func fragmentTHPOrderBlocks(_ m: inout Machine, onLRU: Bool) {
    for f in m.files.indices {
        for (off, raw) in m.files[f].pages.enumerated() where raw != PageArrays.none && m.isCleanUnusedCache(Int(raw)) {
            m.dropCachedPage(file: f, offset: off, pfn: Int(raw), cpu: 0)
        }
    }
    var gfp = GFP.highUserMovable
    gfp.mayReclaim = false
    let n = m.thpOrder.pagesCount
    // Freed pages raise the free count over the watermarks again: repeat until no block of
    // that order can be had. Per-cpu pages first go back to the buddy, where they merge.
    for _ in 0..<100 {
        for z in m.zones.indices { for c in m.zones[z].pcp.indices { _ = m.drainPages(zone: z, cpu: c) } }
        var taken: [Int] = []
        while taken.count < 100_000, let (p, _) = m.allocPages(order: m.thpOrder, gfp: gfp, preferredNode: 0, cpu: 0) {
            taken.append(p)
        }
        if taken.isEmpty { break }
        let f = m.addFile(pages: taken.count)
        for (i, p) in taken.enumerated() {
            m.fill(p, kind: .file, owner: UInt32(f), index: UInt32(i), flags: .mappedToDisk)
            m.files[f].pages[i] = UInt32(p)
            if onLRU { m.lruAdd(p) }
            for j in 1..<n { m.freePages(p + j, order: 0, cpu: 0) }
        }
    }
    for z in m.zones.indices { for c in m.zones[z].pcp.indices { _ = m.drainPages(zone: z, cpu: c) } }
}
