/// Why a hot-plug request was refused before it started.
public enum HotplugError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSuchBlock(Int)
    case alreadyOffline(BlockID)
    case alreadyOnline(BlockID)
    case busy

    public var description: String {
        switch self {
        case .noSuchBlock(let b): "no memory block \(b) (this machine has blocks 0 and up; see 'memtop inspect --sim')"
        case .alreadyOffline(let b): "\(b) is already offline"
        case .alreadyOnline(let b): "\(b) is already online"
        case .busy: "another hot-plug operation is in flight"
        }
    }
}

extension Machine {
    // MARK: starting and cancelling

    /// Starts taking blocks offline, one after the other (writing `offline` to each block's
    /// sysfs `state`). Advance it with `step()`, `stepPhase()` or `runOperation()`.
    public mutating func startOffline(_ ids: [BlockID]) throws(HotplugError) {
        guard operation == nil || operation?.isFinished == true else { throw .busy }
        for b in ids {
            guard b.raw >= 0, b.raw < blocks.count else { throw .noSuchBlock(b.raw) }
            guard blocks[b.raw].state == .online else { throw .alreadyOffline(b) }
        }
        guard let first = ids.first else { return }
        migrateLists = MigrateLists()
        let range = blockRange(first)
        let node = blocks[first.raw].node.raw
        let cpu = nodes[node].cpus.first?.raw ?? 0
        operation = HotplugOperation(kind: .offline, queue: ids, phase: .changeState,
                                     startPFN: PFN(range.lowerBound), endPFN: PFN(range.upperBound),
                                     cpu: CPU(cpu), scanPFN: PFN(range.lowerBound), startTick: tick)
    }

    /// A pending signal for the operation: the kernel notices it at the top of the migration
    /// loop and backs off with EINTR ("signal backoff"), undoing everything.
    public mutating func cancelOperation() {
        guard operation?.isFinished == false else { return }
        operation?.signalPending = true
        emit(.hotplug, "signal_pending", block: operation?.block?.raw, detail: "offline will back off at the next check")
    }

    /// Forgets a finished operation.
    public mutating func clearOperation() {
        if operation?.isFinished == true { operation = nil }
    }

    /// Runs the operation to its end (or until `maxTicks` ticks have passed, then cancels it
    /// and runs the rollback). A stall the engine notices is cancelled too when `cancelOnStall`.
    /// `onCancel` hears why the signal was sent; `eachStep`, when given, receives the events of
    /// every step as they are drained (the headless trace streams them).
    public mutating func runOperation(maxTicks: Int = 10_000_000, cancelOnStall: Bool = true,
                                      onCancel: (String) -> Void = { _ in },
                                      eachStep: (([Event]) -> Void)? = nil) {
        let start = tick
        // No copy of the operation may live across step(): it would share the operation's
        // arrays and make every append copy them. `operation?.isFinished` (a computed
        // property) copied the whole operation on every step; these read stored fields only.
        while hasOperation && operation?.result == nil {
            if operation?.signalPending == false {
                if tick - start >= maxTicks {
                    cancelOperation()
                    onCancel("--max-ticks \(maxTicks) reached")
                } else if cancelOnStall, let stall = operation?.stall {
                    cancelOperation()
                    onCancel("no progress (\(stall))")
                }
            }
            step()
            if let eachStep { eachStep(drainEvents()) }
        }
    }

    /// Whether an operation is in flight (finished or not). `operation != nil` compared two
    /// optional operations with `HotplugOperation`'s `==`, copying the operation twice a step;
    /// this reads one stored field.
    var hasOperation: Bool { operation?.cpu != nil }

    /// Advances until the phase changes or the operation ends (the N key).
    public mutating func stepPhase() {
        guard operation?.isFinished == false, let phase = operation?.phase else { return }
        let block = operation?.block
        var guardTicks = 0
        repeat {
            step()
            guardTicks += 1
        } while operation?.isFinished == false && operation?.phase == phase && operation?.block == block
            && guardTicks < 1_000_000
    }

    // MARK: the state machine

    mutating func stepOperation() {
        guard operation?.isFinished == false, let kind = operation?.kind else { return }
        let started = operation?.startTick ?? tick
        operation?.ticks = tick - started
        switch kind {
        case .offline: stepOffline()
        case .online: stepOnline()
        }
    }

    mutating func setPhase(_ phase: HotplugPhase) {
        operation?.phase = phase
        operation?.cursor = 0
    }

    @inline(__always) func opRange() -> Range<Int> {
        guard let start = operation?.startPFN.raw, let end = operation?.endPFN.raw else { return 0..<0 }
        return start..<end
    }

    /// A kernel message at its printk level, as `dmesg -x` shows it ("debug: ...").
    mutating func message(_ text: String, level: KernelLogLevel = .warning) {
        let line = "\(level.rawValue): \(text)"
        operation?.messages.append(line)
        emit(.hotplug, "printk", block: operation?.block?.raw, detail: EventDetail(line))
    }

    /// `dump_page()`: what it prints about a page at KERN_WARNING.
    mutating func dumpPage(_ p: Int, because reason: String) {
        message("page: refcount:\(pages.pageRefcount(p)) mapcount:\(pages.pageMapcount(p)) pfn:\(PFN(addresses.pfn(p)))")
        let zone = zoneIndex(of: p).map { "|node=\(zones[$0].node.raw)|zone=\(zones[$0].type.rawValue)" } ?? ""
        message("flags: 0x\(String(pages.flags[p], radix: 16))(\(pages.flagsOf(p).names.joined(separator: "|"))\(zone))")
        message("page dumped because: \(reason)")
    }

    mutating func stepOffline() {
        guard let block = operation?.block, let phase = operation?.phase else { return }
        let cursor = operation?.cursor ?? 0
        let opZone = operation?.zone
        let range = opRange()
        let b = block.raw
        switch phase {
        case .changeState:
            blocks[b].state = .goingOffline
            emit(.hotplug, "memory_block_change_state", block: b, detail: "online -> going-offline")
            setPhase(.checks)

        case .checks:
            // memory_block_offline(): a block spanning more than one zone has no zone
            // (valid_zones "none") and is refused before offline_pages() runs.
            guard let z = zoneOfRange(range) else {
                emit(.hotplug, "memory_block_offline", block: b,
                     detail: "the block spans more than one zone (valid_zones: none): -EINVAL")
                return failEarly(errno: "EINVAL", reason: nil)
            }
            // offline_pages() runs from here: its event comes before its own checks.
            emit(.hotplug, "offline_pages", block: b, pfn: range.lowerBound, toPFN: range.upperBound,
                 detail: "node\(zones[z].node.raw) \(zones[z].name), \(range.count) pages")
            // offline_pages(): alignment (a WARN_ON_ONCE, no reason), then holes
            // (walk_system_ram_range() counts System RAM, whatever the memmap holds).
            guard range.lowerBound % geometry.pagesPerPageblock == 0, range.count % geometry.pagesPerBlock == 0 else {
                return failEarly(errno: "EINVAL", reason: nil)
            }
            if blocks[b].presentPages < range.count {
                emit(.hotplug, "walk_system_ram_range", block: b,
                     detail: "\(blocks[b].presentPages) of \(range.count) pages are System RAM")
                return failEarly(errno: "EINVAL", reason: "memory holes")
            }
            operation?.zone = z
            setPhase(.pcpDisable)

        case .pcpDisable:
            guard let z = opZone else { return }
            if cursor == 0 {
                if config.has(.isolateFreedPagesASAP) {
                    zonePCPDisable(zone: z)
                    emit(.hotplug, "zone_pcp_disable", block: b, detail: "\(zones[z].name): pcp high 0, batch 1")
                } else {
                    emit(.hotplug, "drain_all_pages", block: b,
                         detail: "2007 code: per-cpu lists drained once and left enabled")
                }
                operation?.cursor = 1
                return
            }
            let cpu = cursor - 1
            let n = drainPages(zone: z, cpu: cpu)
            emit(.hotplug, "drain_pages_zone", block: b, detail: "cpu\(cpu): \(n) pages back to the buddy allocator")
            if cpu + 1 < config.cpus { operation?.cursor += 1 } else { setPhase(.lruCacheDisable) }

        case .lruCacheDisable:
            if cursor == 0 {
                lruCacheDisabled += 1
                emit(.hotplug, "lru_cache_disable", block: b, detail: "new LRU pages skip the per-cpu batches")
                operation?.cursor = 1
                return
            }
            let cpu = cursor - 1
            let n = lruAddDrainCPU(cpu)
            emit(.hotplug, "lru_add_drain_cpu", block: b, detail: "cpu\(cpu): \(n) pages onto the LRU")
            if cpu + 1 < config.cpus { operation?.cursor += 1 } else { setPhase(.isolate) }

        case .isolate:
            // The first pageblock, the last, then those between (IsolateRange.swift).
            let pb = isolationPageblock(step: cursor, of: range)
            if cursor == 0 {
                emit(.hotplug, "start_isolate_page_range", block: b, pfn: range.lowerBound, toPFN: range.upperBound,
                     detail: "\(range.count / geometry.pagesPerPageblock) pageblocks, MEMORY_OFFLINE | REPORT_FAILURE")
            }
            if isolatesSinglePageblock(step: cursor, of: range) {
                emit(.hotplug, "isolate_single_pageblock", block: b, pfn: pb, order: geometry.pageblockOrder,
                     detail: cursor == 0 ? "the first pageblock" : "the last pageblock")
            }
            if let bad = setMigratetypeIsolate(pageblockStart: pb) {
                let kind = pages.kindOf(bad.pfn)
                emit(.hotplug, "set_migratetype_isolate", block: b, pfn: pb, order: geometry.pageblockOrder, detail: "-EBUSY")
                emit(.hotplug, "has_unmovable_pages", block: b, pfn: bad.pfn,
                     detail: "\(bad.reason.rawValue) (\(kind), flags \(pages.flagsOf(bad.pfn).names.joined(separator: "|")))")
                dumpPage(bad.pfn, because: "unmovable page")
                // start_isolate_page_range() undoes the pageblocks it already isolated.
                undoFailedIsolation(failedStep: cursor, of: range)
                operation?.isolatedPageblocks = 0
                return failAfterPCP(errno: "EBUSY", reason: "failure to isolate range")
            }
            operation?.isolatedPageblocks += 1
            if let n = operation?.isolatedPageblocks, n > operation?.maxIsolatedPageblocks ?? 0 {
                operation?.maxIsolatedPageblocks = n
            }
            emit(.hotplug, "set_migratetype_isolate", block: b, pfn: pb, order: geometry.pageblockOrder,
                 detail: "pageblock \(MigrateType(rawValue: Int(pageblockMT[pageblockIndex(pb)])) ?? .movable) -> Isolate")
            if !isLastIsolationStep(cursor, of: range) { operation?.cursor += 1 } else { setPhase(.notifyGoingOffline) }

        case .notifyGoingOffline:
            if let error = memoryNotify(.goingOffline, block: b) {
                return failIsolated(errno: error.rawValue, reason: "notifier failure")
            }
            operation?.scanPFN = PFN(range.lowerBound)
            setPhase(.migrate)

        case .migrate:
            stepMigrateLoop()

        case .dissolveHugetlb:
            emit(.hotplug, "dissolve_free_hugetlb_folios", block: b, detail: "no free huge pages in the range")
            setPhase(.testIsolated)

        case .testIsolated:
            if let busy = testPagesIsolated(range) {
                // A page under writeback frees itself when the write completes: no stall.
                if !pages.has(busy, .writeback) { operation?.testFailures += 1 }
                emit(.hotplug, "test_pages_isolated", block: b, pfn: busy,
                     detail: "busy: \(pages.kindOf(busy)) \(pages.flagsOf(busy).names.joined(separator: "|")); scan again")
                if (operation?.testFailures ?? 0) >= 64 && operation?.stall == nil {
                    if pages.kindOf(busy) == .pcp && !config.has(.isolateFreedPagesASAP) {
                        noteStall("pfn \(PFN(addresses.pfn(busy))) is a migrated source page freed to a per-cpu list as Movable (no isolate-freed-pages-asap): it waits there, never on the Isolate list, and the next migration target may come from inside the range; test_pages_isolated keeps failing")
                    } else {
                        noteStall("pfn \(PFN(addresses.pfn(busy))) stays busy (\(pages.kindOf(busy)), not on the LRU, not free): test_pages_isolated keeps failing")
                    }
                }
                operation?.scanPFN = PFN(range.lowerBound)
                setPhase(.migrate)
            } else {
                emit(.hotplug, "test_pages_isolated", block: b, pfn: range.lowerBound, toPFN: range.upperBound,
                     detail: "every page is free and isolated")
                setPhase(.offlineIsolated)
            }

        case .offlineIsolated:
            offlineIsolatedPages(range)
            setPhase(.finishOffline)

        case .finishOffline:
            finishOffline(block: block)

        case .undoIsolate:
            undoAfterFailure()

        default:
            return
        }
    }

    // MARK: failure paths

    /// A failure before pcp and LRU caches were touched: only the state goes back.
    mutating func failEarly(errno: String, reason: String?) {
        finishFailure(errno: errno, reason: reason)
    }

    /// A failure after zone_pcp_disable/lru_cache_disable (label failed_removal_pcplists_disabled).
    mutating func failAfterPCP(errno: String, reason: String) {
        enableCaches()
        finishFailure(errno: errno, reason: reason)
    }

    mutating func enableCaches() {
        lruCacheDisabled = max(0, lruCacheDisabled - 1)
        emit(.hotplug, "lru_cache_enable", block: operation?.block?.raw)
        if let z = operation?.zone, config.has(.isolateFreedPagesASAP) {
            zonePCPEnable(zone: z)
            emit(.hotplug, "zone_pcp_enable", block: operation?.block?.raw)
        }
    }

    /// A failure after isolation (label failed_removal_isolated): undo it, then the rest.
    mutating func failIsolated(errno: String?, reason: String, kernelBug: Bool = false) {
        operation?.result = nil
        operation?.pendingFailure = PendingFailure(errno: errno, reason: reason, kernelBug: kernelBug)
        setPhase(.undoIsolate)
    }

    mutating func undoAfterFailure() {
        guard let op = operation, let block = op.block else { return }
        let range = opRange()
        undoIsolatePageRange(range)
        operation?.isolatedPageblocks = 0
        emit(.hotplug, "memory_notify", block: block.raw, detail: "MEM_CANCEL_OFFLINE")
        enableCaches()
        let f = op.pendingFailure ?? PendingFailure(errno: "EBUSY", reason: "unmovable page", kernelBug: false)
        finishFailure(errno: f.errno, reason: f.reason, kernelBug: f.kernelBug)
    }

    mutating func finishFailure(errno: String?, reason: String?, kernelBug: Bool = false) {
        guard let block = operation?.block else { return }
        blocks[block.raw].state = .online
        let range = opRange()
        let start = geometry.physAddress(PFN(addresses.pfn(range.lowerBound))), end = geometry.physAddress(PFN(addresses.pfnEnd(range.upperBound))) - 1
        // After an oops the writer of 'state' is dead: offline_pages() never reaches its pr_debug.
        if let reason, !kernelBug {
            message("memory offlining [mem \(hex10(start))-\(hex10(end))] failed due to \(reason)", level: .debug)
        }
        emit(.hotplug, "memory_block_change_state", block: block.raw, detail: "going-offline -> online")
        operation?.result = HotplugResult(outcome: .failed, errno: errno, reason: reason, kernelBug: kernelBug)
    }

    /// Notes, once, that the operation is going round without progress (the kernel would keep
    /// trying until a signal arrives).
    mutating func noteStall(_ why: String) {
        guard operation?.stall == nil else { return }
        operation?.stall = why
        emit(.hotplug, "no progress", block: operation?.block?.raw, detail: "\(why); cancel to back off")
    }

    // MARK: success

    /// `__offline_isolated_pages()`: the free pages leave the buddy lists; the pages are offline.
    mutating func offlineIsolatedPages(_ range: Range<Int>) {
        guard let z = operation?.zone else { return }
        var p = range.lowerBound, removed = 0
        while p < range.upperBound {
            if pages.has(p, .buddy) {
                let order = pages.order(p)
                removeFromFreeList(p, zone: z)
                for q in p..<(p + order.pagesCount) { pages.reset(q, to: .offline) }
                removed += order.pagesCount
                p += order.pagesCount
            } else {
                pages.reset(p, to: .offline)
                p += 1
            }
        }
        emit(.hotplug, "__offline_isolated_pages", block: operation?.block?.raw, pfn: range.lowerBound,
             toPFN: range.upperBound, detail: "\(removed) free pages off the Isolate lists")
    }

    /// The end of `offline_pages()` after `__offline_isolated_pages()`, in the kernel's order:
    /// counters, watermarks, zonelists and node states, MEM_OFFLINE, then the zone's span.
    mutating func finishOffline(block: BlockID) {
        guard let z = operation?.zone else { return }
        let range = opRange()
        let nr = range.count
        message("Offlined Pages \(nr)", level: .debug)
        let node = zones[z].node.raw
        let change = nodeStatesCheckChangesOffline(pages: nr, zone: z)
        zones[z].nrIsolatePageblock -= nr / geometry.pagesPerPageblock
        enableCaches()
        zones[z].managed -= nr
        zones[z].present -= nr
        emit(.hotplug, "adjust_managed_page_count", block: block.raw,
             detail: "\(zones[z].name) present \(zones[z].present), managed \(zones[z].managed)")
        initPerZoneWmarkMin()
        for zi in zones.indices { setPageset(zone: zi) }
        emit(.hotplug, "init_per_zone_wmark_min", block: block.raw, detail: "watermarks and pcp limits recomputed")
        if zones[z].present == 0 {
            emit(.hotplug, "zone_pcp_reset", block: block.raw, detail: "node\(node) \(zones[z].name) is empty")
            emit(.hotplug, "build_all_zonelists", block: block.raw, detail: "node\(node) \(zones[z].name) leaves the zonelists")
        }
        nodeStatesClearNode(node, change, block: block.raw)
        emit(.hotplug, "memory_notify", block: block.raw, detail: "MEM_OFFLINE")
        emit(.hotplug, "remove_pfn_range_from_zone", block: block.raw, pfn: range.lowerBound, toPFN: range.upperBound,
             detail: "\(nr) pages leave the zone")
        shrinkZoneSpan(zone: z, removed: range)
        updatePgdatSpan(node: node)
        blocks[block.raw].state = .offline
        emit(.hotplug, "memory_block_change_state", block: block.raw, detail: "going-offline -> offline")
        nextBlockOrFinish(outcome: .offlined)
    }

    mutating func nextBlockOrFinish(outcome: HotplugResult.Outcome) {
        guard var op = operation else { return }
        op.done.append(op.queue.removeFirst())
        guard let next = op.queue.first else {
            op.result = HotplugResult(outcome: outcome, errno: nil, reason: nil)
            operation = op
            return
        }
        let r = blockRange(next)
        op.startPFN = PFN(r.lowerBound)
        op.endPFN = PFN(r.upperBound)
        op.scanPFN = PFN(r.lowerBound)
        op.phase = op.phases[0]
        op.cursor = 0
        op.zone = nil
        op.isolatedPageblocks = 0
        op.testFailures = 0
        op.roundsWithoutProgress = 0
        operation = op
    }

    /// `remove_pfn_range_from_zone()` → `shrink_zone_span()`: a zone whose first or last
    /// block went offline spans less; one left with nothing spans 0 pages from pfn 0.
    mutating func shrinkZoneSpan(zone z: Int, removed: Range<Int>) {
        let bpp = geometry.pagesPerBlock
        func inZone(_ start: Int) -> Bool {
            let b = start / bpp
            return b < blocks.count && blocks[b].state != .offline && pageblockZone[pageblockIndex(start)] == UInt8(z)
        }
        var start = zones[z].startPFN.raw, end = zones[z].endPFN.raw
        if removed.lowerBound <= start {
            var s = removed.upperBound
            while s < end && !inZone(s) { s += bpp }
            start = s
        }
        if removed.upperBound >= end {
            var e = removed.lowerBound
            while e > start && !inZone(e - bpp) { e -= bpp }
            end = e
        }
        if end <= start { start = 0; end = 0 }
        if start != zones[z].startPFN.raw || end != zones[z].endPFN.raw {
            zones[z].startPFN = PFN(start)
            zones[z].spanned = end - start
            emit(.hotplug, "shrink_zone_span", block: operation?.block?.raw,
                 detail: end == 0 ? "\(zones[z].name) is empty: zone_start_pfn 0, spanned_pages 0"
                                  : "\(zones[z].name) now spans \(PFN(addresses.pfn(start)))-\(PFN(addresses.pfnEnd(end)))")
        }
    }

    /// `update_pgdat_span()`: the node spans from its lowest zone start to its highest zone end.
    mutating func updatePgdatSpan(node n: Int) {
        let spans = nodes[n].zoneIndices.map { zones[$0] }.filter { $0.spanned > 0 }
        let start = spans.map(\.startPFN.raw).min() ?? 0
        let end = spans.map(\.endPFN.raw).max() ?? 0
        guard start != nodes[n].startPFN.raw || end != nodes[n].endPFN.raw else { return }
        nodes[n].startPFN = PFN(start)
        nodes[n].endPFN = PFN(end)
        emit(.hotplug, "update_pgdat_span", block: operation?.block?.raw,
             detail: end == 0 ? "node\(n) spans nothing" : "node\(n) spans \(PFN(start))-\(PFN(end))")
    }
}

/// How the failure path will end once isolation is undone.
struct PendingFailure: Codable, Equatable, Sendable {
    var errno: String?
    var reason: String
    var kernelBug: Bool
}

/// `%#010llx`, as the kernel prints physical addresses.
func hex10(_ v: Int) -> String {
    let h = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - h.count)) + h
}
