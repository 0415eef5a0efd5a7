extension Machine {
    /// sysfs `valid_zones`: an online block's zone ("none", the empty list, when the block
    /// spans more than one zone); for an offline block the default zone first, then the kernel
    /// zone and ZONE_MOVABLE where they differ from it (`valid_zones_show()`).
    public func validZones(_ id: BlockID) -> [ZoneType] {
        guard id.raw >= 0, id.raw < blocks.count else { return [] }
        if blocks[id.raw].state != .offline {
            return zoneOfRange(blockRange(id)).map { [zones[$0].type] } ?? []
        }
        let zone = zones[zoneForPfnRange(.online, id)]
        var list = [zone.type]
        for type in [OnlineType.kernel, .movable] {
            let other = zones[zoneForPfnRange(type, id)].type
            if !list.contains(other) { list.append(other) }
        }
        return list
    }

    /// `zone_intersects()`: whether a zone's current span overlaps the range.
    func zoneIntersects(_ z: Int, _ range: Range<Int>) -> Bool {
        let zone = zones[z]
        guard zone.spanned > 0 else { return false }
        return range.lowerBound < zone.endPFN.raw && range.upperBound > zone.startPFN.raw
    }

    /// `default_kernel_zone_for_pfn()`: the first kernel zone of the node whose span
    /// intersects the range, else ZONE_NORMAL.
    func defaultKernelZoneForPfn(node n: Int, _ range: Range<Int>) -> Int {
        let indices = nodes[n].zoneIndices
        for z in indices where zones[z].type <= .normal && zoneIntersects(z, range) { return z }
        return indices[ZoneType.normal.rawValue]
    }

    /// `default_zone_for_pfn()`: the zone whose span intersects the range if only the kernel
    /// zone or only ZONE_MOVABLE does; otherwise the kernel zone (ZONE_MOVABLE under movable_node).
    func defaultZoneForPfn(node n: Int, _ range: Range<Int>) -> Int {
        let kernel = defaultKernelZoneForPfn(node: n, range)
        let movable = nodes[n].zoneIndices[ZoneType.movable.rawValue]
        let inKernel = zoneIntersects(kernel, range), inMovable = zoneIntersects(movable, range)
        if inKernel != inMovable { return inKernel ? kernel : movable }
        return config.movableNode ? movable : kernel
    }

    /// `zone_for_pfn_range()`: the zone an online request of this type puts the block in.
    func zoneForPfnRange(_ type: OnlineType, _ id: BlockID) -> Int {
        let n = blocks[id.raw].node.raw
        let range = blockRange(id)
        switch type {
        case .online: return defaultZoneForPfn(node: n, range)
        case .kernel: return defaultKernelZoneForPfn(node: n, range)
        case .movable: return nodes[n].zoneIndices[ZoneType.movable.rawValue]
        }
    }

    /// Starts bringing blocks online (writing `online`, `online_kernel` or `online_movable` to
    /// their sysfs `state`).
    public mutating func startOnline(_ ids: [BlockID], as type: OnlineType = .online) throws(HotplugError) {
        guard operation == nil || operation?.isFinished == true else { throw .busy }
        for b in ids {
            guard b.raw >= 0, b.raw < blocks.count else { throw .noSuchBlock(b.raw) }
            guard blocks[b.raw].state == .offline else { throw .alreadyOnline(b) }
        }
        guard let first = ids.first else { return }
        let range = blockRange(first)
        let cpu = nodes[blocks[first.raw].node.raw].cpus.first?.raw ?? 0
        operation = HotplugOperation(kind: .online(type), queue: ids, phase: .onlineChecks,
                                     startPFN: PFN(range.lowerBound), endPFN: PFN(range.upperBound),
                                     cpu: CPU(cpu), scanPFN: PFN(range.lowerBound), startTick: tick)
    }

    mutating func stepOnline() {
        guard let op = operation, let block = op.block, case .online(let type) = op.kind else { return }
        let range = opRange()
        let b = block.raw
        switch op.phase {
        case .onlineChecks:
            // memory_block_online() → zone_for_pfn_range(), then online_pages().
            let z = zoneForPfnRange(type, block)
            operation?.zone = z
            let node = blocks[b].node.raw
            emit(.hotplug, "online_pages", block: b, pfn: range.lowerBound, toPFN: range.upperBound,
                 detail: "\(type.rawValue): node\(node) \(zones[z].type)")
            setPhase(.moveToZone)

        case .moveToZone:
            guard let z = op.zone else { return }
            // move_pfn_range_to_zone(..., MIGRATE_ISOLATE): the zone grows to cover the range and
            // the pageblocks start isolated until the pages are free.
            let start = min(zones[z].spanned > 0 ? zones[z].startPFN.raw : range.lowerBound, range.lowerBound)
            let end = max(zones[z].spanned > 0 ? zones[z].endPFN.raw : range.upperBound, range.upperBound)
            zones[z].startPFN = PFN(start)
            zones[z].spanned = end - start
            for pb in stride(from: range.lowerBound, to: range.upperBound, by: geometry.pagesPerPageblock) {
                let i = pageblockIndex(pb)
                pageblockZone[i] = UInt8(z)
                pageblockMT[i] = UInt8(MigrateType.movable.rawValue)
                pageblockIsolated[i] = true
                pages.changed(pb)
            }
            emit(.hotplug, "move_pfn_range_to_zone", block: b,
                 detail: "\(zones[z].name) spans \(PFN(addresses.pfn(start)))-\(PFN(addresses.pfnEnd(end))); pageblocks isolated")
            let n = zones[z].node.raw
            if start < nodes[n].startPFN.raw || end > nodes[n].endPFN.raw || nodes[n].endPFN.raw == 0 {
                let ns = nodes[n].endPFN.raw == 0 ? start : min(start, nodes[n].startPFN.raw)
                nodes[n].startPFN = PFN(ns)
                nodes[n].endPFN = PFN(max(end, nodes[n].endPFN.raw))
            }
            let change = nodeStatesCheckChangesOnline(zone: z)
            operation?.nodeChange = change
            if let error = memoryNotify(.goingOnline, block: b) {
                return cancelOnline(zone: z, errno: error)
            }
            // Counted only once the notifiers agreed, so that undo_isolate_page_range() balances.
            zones[z].nrIsolatePageblock += range.count / geometry.pagesPerPageblock
            setPhase(.onlineRange)

        case .onlineRange:
            guard let z = op.zone else { return }
            // generic_online_page(): MAX_PAGE_ORDER chunks to the buddy, one chunk a step.
            let chunk = geometry.maxOrder.pagesCount
            let p = range.lowerBound + op.cursor * chunk
            for q in p..<(p + chunk) { pages.reset(q, to: .free) }
            zones[z].present += chunk
            zones[z].managed += chunk
            freeOnePage(p, order: geometry.maxOrder, mt: .isolate, zone: z, toTail: true)
            emit(.hotplug, "generic_online_page", block: b, pfn: p, order: geometry.maxOrder, detail: "to the Isolate free list")
            if p + chunk < range.upperBound {
                operation?.cursor += 1
                return
            }
            // Before the pages can be allocated: the node's states, and the zonelists if the
            // zone was empty (it was not in them).
            let n = zones[z].node.raw
            if let change = op.nodeChange { nodeStatesSetNode(n, change, block: b) }
            if zones[z].present == range.count {
                emit(.hotplug, "build_all_zonelists", block: b, detail: "node\(n) \(zones[z].name) joins the zonelists")
            }
            setPhase(.onlineUnisolate)

        case .onlineUnisolate:
            for pb in stride(from: range.lowerBound, to: range.upperBound, by: geometry.pagesPerPageblock) {
                unsetMigratetypeIsolate(pageblockStart: pb)
            }
            emit(.hotplug, "undo_isolate_page_range", block: b, pfn: range.lowerBound, toPFN: range.upperBound,
                 detail: "pageblocks Movable; free pages allocatable")
            setPhase(.finishOnline)

        case .finishOnline:
            guard let z = op.zone else { return }
            initPerZoneWmarkMin()
            for zi in zones.indices { setPageset(zone: zi) }
            emit(.hotplug, "init_per_zone_wmark_min", block: b, detail: "watermarks and pcp limits recomputed")
            kswapdRun(zones[z].node.raw, block: b)
            blocks[b].state = .online
            emit(.hotplug, "memory_notify", block: b, detail: "MEM_ONLINE")
            emit(.hotplug, "memory_block_change_state", block: b, detail: "offline -> online")
            nextBlockOrFinish(outcome: .online)

        default:
            return
        }
    }
}

extension Machine {
    /// `online_pages()`'s `failed_addition:` path after a notifier refused MEM_GOING_ONLINE:
    /// pr_debug, `MEM_CANCEL_ONLINE`, `remove_pfn_range_from_zone()` (the zone and the node span
    /// what they spanned before); the block stays offline and the write to `state` fails.
    mutating func cancelOnline(zone z: Int, errno: NotifierErrno) {
        guard let block = operation?.block else { return }
        let b = block.raw, range = opRange()
        let start = geometry.physAddress(PFN(addresses.pfn(range.lowerBound)))
        let end = geometry.physAddress(PFN(addresses.pfnEnd(range.upperBound))) - 1
        message("online_pages [mem \(hex10(start))-\(hex10(end))] failed", level: .debug)
        emit(.hotplug, "memory_notify", block: b, detail: "MEM_CANCEL_ONLINE")
        emit(.hotplug, "remove_pfn_range_from_zone", block: b, pfn: range.lowerBound, toPFN: range.upperBound,
             detail: "the range leaves \(zones[z].name) again")
        shrinkZoneSpan(zone: z, removed: range)
        updatePgdatSpan(node: zones[z].node.raw)
        emit(.hotplug, "memory_block_change_state", block: b, detail: "offline (the write fails with \(errno.rawValue))")
        operation?.result = HotplugResult(outcome: .failed, errno: errno.rawValue, reason: nil)
    }
}
