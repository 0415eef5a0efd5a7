extension Machine {
    /// The zones an offline block may be onlined to, the default first (sysfs `valid_zones`).
    public func validZones(_ id: BlockID) -> [ZoneType] {
        guard id.raw >= 0, id.raw < blocks.count else { return [] }
        let start = id.raw * geometry.pagesPerBlock
        let kernel = kernelZoneType(forPFN: start)
        if blocks[id.raw].state == .online {
            return zoneOfRange(blockRange(id)).map { [zones[$0].type] } ?? []
        }
        // DMA and DMA32 memory stays in its zone; above 4 GiB it may be Normal or Movable,
        // and the zone it was in before comes first (`zone_for_pfn_range()`).
        guard kernel == .normal else { return [kernel] }
        let previous = pageblockZone[pageblockIndex(start)]
        if previous != 255, zones[Int(previous)].type == .movable { return [.movable, .normal] }
        return [.normal, .movable]
    }

    func kernelZoneType(forPFN p: Int) -> ZoneType {
        let node = blocks[p / geometry.pagesPerBlock].node.raw
        for z in nodes[node].zoneIndices where zones[z].type != .movable {
            let zone = zones[z]
            if zone.spanned > 0 && zone.contains(PFN(p)) { return zone.type }
        }
        // Above the kernel zones' spans: the highest kernel zone of the layout.
        let layout = ZoneLayout(config: config)
        let r = layout.zoneRanges[node]
        if r[ZoneType.dma.rawValue].contains(p) { return .dma }
        if r[ZoneType.dma32.rawValue].contains(p) { return .dma32 }
        return p < r[ZoneType.dma32.rawValue].upperBound ? .dma32 : .normal
    }

    /// Starts bringing blocks online (writing `online`, `online_kernel` or `online_movable` to
    /// their sysfs `state`).
    public mutating func startOnline(_ ids: [BlockID], as type: OnlineType = .online) throws(HotplugError) {
        guard operation == nil || operation?.isFinished == true else { throw .busy }
        for b in ids {
            guard b.raw >= 0, b.raw < blocks.count else { throw .noSuchBlock(b.raw) }
            guard blocks[b.raw].state == .offline else { throw .alreadyOnline(b) }
            let valid = validZones(b)
            switch type {
            case .online: break
            case .kernel: guard valid.contains(where: { $0 != .movable }) else { throw .zoneNotValid(b, type) }
            case .movable: guard valid.contains(.movable) else { throw .zoneNotValid(b, type) }
            }
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
            let valid = validZones(block)
            let zoneType: ZoneType
            switch type {
            case .online: zoneType = valid.first ?? .normal
            case .kernel: zoneType = valid.first { $0 != .movable } ?? .normal
            case .movable: zoneType = .movable
            }
            let node = blocks[b].node.raw
            operation?.zone = nodes[node].zoneIndices[zoneType.rawValue]
            emit(.hotplug, "online_pages", block: b, pfn: range.lowerBound, toPFN: range.upperBound,
                 detail: "\(type.rawValue): node\(node) \(zoneType)")
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
            }
            zones[z].nrIsolatePageblock += range.count / geometry.pagesPerPageblock
            emit(.hotplug, "move_pfn_range_to_zone", block: b,
                 detail: "\(zones[z].name) spans \(PFN(addresses.pfn(start)))-\(PFN(addresses.pfnEnd(end))); pageblocks isolated")
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
            if p + chunk < range.upperBound { operation?.cursor += 1 } else { setPhase(.onlineUnisolate) }

        case .onlineUnisolate:
            for pb in stride(from: range.lowerBound, to: range.upperBound, by: geometry.pagesPerPageblock) {
                unsetMigratetypeIsolate(pageblockStart: pb)
            }
            emit(.hotplug, "undo_isolate_page_range", block: b, pfn: range.lowerBound, toPFN: range.upperBound,
                 detail: "pageblocks Movable; free pages allocatable")
            setPhase(.finishOnline)

        case .finishOnline:
            initPerZoneWmarkMin()
            for zi in zones.indices { setPageset(zone: zi) }
            blocks[b].state = .online
            emit(.hotplug, "memory_notify", block: b, detail: "MEM_ONLINE")
            emit(.hotplug, "memory_block_change_state", block: b, detail: "offline -> online")
            nextBlockOrFinish(outcome: .online)

        default:
            return
        }
    }
}
