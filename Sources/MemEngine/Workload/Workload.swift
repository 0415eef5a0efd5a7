/// How a workload level behaves: actions per tick and how full it keeps memory.
struct WorkloadParams {
    var actionsPerTick: Int
    /// Fraction of managed memory (per mille) that processes and page cache aim to use.
    var targetUse: Int
    var maxProcesses: Int
    /// Action weights: fault, touch, read, write, slab alloc, slab free, swap in, fork.
    var weights: [Int]

    static func of(_ level: WorkloadLevel) -> WorkloadParams {
        switch level {
        case .idle: WorkloadParams(actionsPerTick: 1, targetUse: 350, maxProcesses: 6,
                                   weights: [30, 40, 10, 4, 3, 3, 2, 1])
        case .light: WorkloadParams(actionsPerTick: 3, targetUse: 550, maxProcesses: 12,
                                    weights: [40, 25, 20, 8, 4, 4, 4, 2])
        case .heavy: WorkloadParams(actionsPerTick: 8, targetUse: 900, maxProcesses: 24,
                                    weights: [45, 15, 20, 10, 5, 4, 8, 3])
        }
    }
}

enum WorkloadAction: Int, CaseIterable {
    case fault, touch, read, write, slabAlloc, slabFree, swapIn, fork
}

extension Machine {
    /// Advances the machine by one tick: I/O completes, the workload acts (if enabled), and the
    /// hot-plug operation in flight, if any, takes one micro-step.
    public mutating func step() {
        tick += 1
        completeIO()
        if workloadEnabled { runWorkload() }
        if hasOperation { stepOperation() }
    }

    /// Runs the workload for one tick without touching the operation (used between phases).
    mutating func runWorkload() {
        let params = WorkloadParams.of(config.workload)
        if files.isEmpty { createFiles() }
        if alivePIDs.count < max(2, params.maxProcesses / 3) {
            let node = rng.below(config.nodes)
            let cpus = nodes[node].cpus
            let cpu = cpus.isEmpty ? 0 : cpus[rng.below(cpus.count)].raw
            _ = spawnProcess(node: node, cpu: cpu)
        }
        exitDueProcesses()
        // Actions come at the level's rate in real time, not every tick (Workload/Timing.swift).
        let actions = actionsThisTick()
        guard actions > 0 else { return }
        let total = params.weights.reduce(0, +)
        for _ in 0..<actions {
            var r = rng.below(total), action = WorkloadAction.fault
            for (i, w) in params.weights.enumerated() {
                if r < w { action = WorkloadAction(rawValue: i) ?? .fault; break }
                r -= w
            }
            perform(action, params: params)
        }
        reclaimIfNeeded(params: params)
    }

    /// Brings the machine to its workload's steady state quickly: processes fault their memory
    /// and files fill the page cache until memory is about as full as the level keeps it.
    mutating func populate() {
        let params = WorkloadParams.of(config.workload)
        if files.isEmpty { createFiles() }
        while alivePIDs.count < max(2, params.maxProcesses / 2) {
            let node = alivePIDs.count % config.nodes
            let cpus = nodes[node].cpus
            _ = spawnProcess(node: node, cpu: cpus.isEmpty ? 0 : cpus[alivePIDs.count % cpus.count].raw)
        }
        let target = params.targetUse * 9 / 10
        var guardSteps = config.totalPages
        populating: while usedPermille < target && guardSteps > 0 {
            guardSteps -= 64
            switch rng.below(10) {
            case 0..<6:
                guard let pid = randomAlivePID() else { break populating }
                for _ in 0..<64 { guard faultAnon(pid: pid) != nil else { break populating } }
            case 6..<9:
                for _ in 0..<64 { readFilePage(allowNew: true) }
            default:
                for _ in 0..<8 { _ = allocSlabPage(gfp: .kernelReclaimable, node: rng.below(config.nodes), cpu: rng.below(config.cpus)) }
            }
        }
        fillPageCache()
        lruAddDrainAll()
        _ = drainEvents()
    }

    var usedPermille: Int {
        let managed = zones.reduce(0) { $0 + $1.managed }
        let free = zones.reduce(0) { $0 + $1.freePages + $1.pcpPages }
        return managed == 0 ? 1000 : (managed - free) * 1000 / managed
    }

    mutating func randomAlivePID() -> Int? {
        alivePIDs.isEmpty ? nil : alivePIDs[rng.below(alivePIDs.count)]
    }

    mutating func perform(_ action: WorkloadAction, params: WorkloadParams) {
        switch action {
        case .fault:
            guard let pid = randomAlivePID() else { return }
            // Processes want their memory whatever the page cache holds; reclaim makes room.
            if demandPermille < params.targetUse {
                let burst = 1 + rng.below(8)
                for _ in 0..<burst { guard faultAnon(pid: pid) != nil else { break } }
            } else if alivePIDs.count < params.maxProcesses && rng.chance(permille: 100) {
                _ = spawnProcess(node: processes[pid].node.raw, cpu: processes[pid].cpu.raw)
            }
        case .touch:
            guard let pid = randomAlivePID(), !processes[pid].ptes.isEmpty else { return }
            let i = rng.below(processes[pid].ptes.count)
            if let p = processes[pid].ptes[i].presentPFN { markAccessed(p) } else if processes[pid].ptes[i].swapSlot != nil {
                swapIn(pid: pid, index: i)
            }
        case .read:
            // Page cache takes whatever is free; kswapd keeps the zones at their watermarks.
            readFilePage(allowNew: true)
        case .write:
            writeFilePage()
        case .slabAlloc:
            if usedPermille < params.targetUse || rng.chance(permille: 300) {
                let node = rng.below(config.nodes)
                let gfp: GFP = rng.chance(permille: 400) ? .kernelReclaimable : .kernel
                _ = allocSlabPage(gfp: gfp, node: node, cpu: rng.below(config.cpus))
            }
        case .slabFree:
            if slabPages.count > config.totalPages / 400 {
                freeSlabPage(at: rng.below(slabPages.count), cpu: rng.below(config.cpus))
            }
        case .swapIn:
            swapInSomePage()
        case .fork:
            forkShortLivedTask(params: params)
        }
    }

    /// A read of a file page (`filemap_read()`): a cached page is touched; a missing one is
    /// allocated, filled from disk and added to the LRU.
    mutating func readFilePage(allowNew: Bool) {
        guard let (f, off, cached) = randomFileSlot() else { return }
        if let cached {
            markAccessed(cached)
            return
        }
        guard allowNew else { return }
        readahead(file: f, offset: off, cpu: rng.below(config.cpus))
    }

    /// A write to a cached file page: it turns dirty and, often, writeback starts.
    mutating func writeFilePage() {
        guard let (_, _, cached) = randomFileSlot(), let p = cached, !pages.has(p, .writeback) else { return }
        pages.set(p, .dirty)
        if rng.chance(permille: 500) {
            pages.set(p, .writeback)
            inFlightIO.append(PendingIO(kind: .writeback, pfn: UInt32(p), due: tick + 5 + rng.below(40)))
        }
    }

    mutating func dropCleanFilePage() {
        guard let (f, off, cached) = randomFileSlot(), let p = cached else { return }
        guard !pages.has(p, .active), isCleanUnusedCache(p) else {
            deactivate(p)
            return
        }
        dropCachedPage(file: f, offset: off, pfn: p, cpu: rng.below(config.cpus))
    }

    /// A random page-cache slot: the file, the offset, and the page if one is cached there.
    mutating func randomFileSlot() -> (file: Int, offset: Int, pfn: Int?)? {
        let f = rng.below(files.count)
        guard !files[f].pages.isEmpty else { return nil }
        let off = rng.below(files[f].pages.count)
        let raw = files[f].pages[off]
        return (f, off, raw == PageArrays.none ? nil : Int(raw))
    }

    /// Whether reclaim may drop this page-cache page now: on the LRU, clean, not under
    /// writeback, not pinned.
    func isCleanUnusedCache(_ p: Int) -> Bool {
        pages.has(p, .lru) && !pages.has(p, .dirty) && !pages.has(p, .writeback) && pages.refcount[p] <= 1
    }

    /// Drops a clean page-cache page (`__remove_mapping()`): off the LRU, out of the file, freed.
    mutating func dropCachedPage(file f: Int, offset off: Int, pfn p: Int, cpu: Int) {
        lruDel(p)
        files[f].pages[off] = PageArrays.none
        freePages(p, order: 0, cpu: cpu)
    }

    /// Completes the I/O due by now.
    mutating func completeIO() {
        guard !inFlightIO.isEmpty else { return }
        var i = 0
        while i < inFlightIO.count {
            let io = inFlightIO[i]
            guard io.due <= tick else { i += 1; continue }
            let p = Int(io.pfn)
            switch io.kind {
            case .writeback:
                pages.clear(p, [.writeback, .dirty])
            case .swapOut:
                // Written out: the page leaves the swap cache and is freed.
                pages.clear(p, [.writeback, .swapcache])
                unisolate(p)
                freePages(p, order: 0, cpu: 0)
            case .swapIn:
                // Read done: unlocked, and mapped a little later by the faulting task.
                pages.clear(p, .locked)
                inFlightIO.append(PendingIO(kind: .swapInMap, pfn: io.pfn, due: tick + 5 + rng.below(45)))
            case .swapInMap:
                mapSwappedInPage(p)
            }
            inFlightIO.remove(at: i)
        }
    }

    /// The end of `do_swap_page()`: the PTE points at the page, the swap slot is freed.
    mutating func mapSwappedInPage(_ p: Int) {
        guard pages.kindOf(p) == .anon else { return }
        let pid = Int(pages.owner[p]), index = Int(pages.index[p])
        guard processes[pid].alive, index < processes[pid].ptes.count, let slot = processes[pid].ptes[index].swapSlot else {
            // The process exited while the read was in flight: the page is just freed.
            releaseUserPage(p, cpu: 0)
            return
        }
        freeSwapSlot(slot)
        processes[pid].ptes.set(index, .present(p))
        pages.mapcount[p] = 1
        pages.clear(p, .swapcache)
    }
}
