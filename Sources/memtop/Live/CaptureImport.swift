import MemEngine

/// Builds the simulated machine for `memtop offline BLOCK --from DIR`: the captured block with
/// its real pages, and every other block its pages could migrate to, so that the engine's
/// offline of it can be set beside what the real kernel did.
///
/// What is kept: every page's kind from kpageflags (see `LiveImport.importedPage`), transparent
/// huge pages as large folios (THP and COMPOUND_HEAD/TAIL), the real block ids and pfns in the
/// trace (`AddressMap`). What is not: owners (one synthetic process,
/// one file), per-pageblock migratetypes (guessed), refcounts and pins, the workload (off), the
/// nodes (all blocks become node0, so only blocks of the nodes `alloc_migration_target()` may
/// use are imported: the other nodes when there are any, else the block's own).
struct CaptureImport {
    /// The machine, and the engine's id of the block to offline.
    var machine: Machine
    var block: BlockID
    /// Why the kernel refuses the block before offline_pages() runs (EINVAL), when it does:
    /// then `machine` is not worth running.
    var refusal: InspectReport.Block?

    /// Blocks imported at most (4 GiB of 128 MiB blocks), the target's zone's best first.
    static let maxBlocks = 32

    /// Thrown for input that cannot be simulated: exit status 2.
    struct BadInput: Error, CustomStringConvertible {
        var description: String
    }

    static func load(block id: Int, from source: LiveSource) throws -> CaptureImport {
        let snapshot = LiveSnapshot.read(from: source)
        guard let memory = snapshot.memory, let blockPages = snapshot.blockPages, snapshot.zones != nil else {
            throw BadInput(description: "\(source.root): not a usable capture: " + (snapshot.unavailable.first ?? "no memory blocks or zones"))
        }
        let report = LiveInspector(source: source).report(from: snapshot)
        if let problem = report.unavailable.first(where: { $0.contains("kpageflags") }) {
            throw BadInput(description: "\(source.root): the page flags are needed: \(problem)")
        }
        guard let target = report.blocks.first(where: { $0.id == id }) else {
            let ids = memory.blocks.map(\.id)
            throw BadInput(description: "there is no memory\(id) in \(source.root) (blocks \(ids.min() ?? 0)-\(ids.max() ?? 0))")
        }
        guard target.state == "online" else {
            throw BadInput(description: "memory\(id) is \(target.state ?? "in an unknown state") in \(source.root): only an online block can be offlined")
        }
        guard target.pages != nil else {
            throw BadInput(description: "memory\(id): \(target.note ?? "its pages could not be read")")
        }
        let geometry: Geometry
        do { geometry = try Geometry(blockBytes: Int(memory.blockSizeBytes), pageSize: Int(snapshot.pageSize)) } catch {
            throw BadInput(description: "\(source.root): \(error.description)")
        }
        if target.errno == "EINVAL" {
            let machine = try Machine(importing: ImportedMachine(geometry: geometry, cpus: 1,
                                                                 blocks: [ImportedBlock(zone: .normal, pages: .counts(used: 0))],
                                                                 realBlocks: [id]))
            return CaptureImport(machine: machine, block: BlockID(0), refusal: target)
        }
        let window = self.window(for: target, in: report)
        var scanner = try BlockScanner(source: source, buddyTails: .forKernel(snapshot.kernel),
                                       pageblockPages: min(snapshot.pageTypes?.pagesPerBlock ?? 512, blockPages))
        var imported: [(id: Int, block: ImportedBlock)] = []
        for block in window.sorted(by: { $0.id < $1.id }) {
            guard let real = targetZone(of: block, in: report), let zone = ZoneType(kernelName: real.name) else { continue }
            let pfns = block.startPfn..<(block.startPfn + blockPages)
            let scan = try scanner.scan(pfns, inMovableZone: zone == .movable, keepPages: true)
            guard scan.isComplete, let pages = scan.pages else {
                if block.id == id { throw BadInput(description: "kpageflags ends inside memory\(id)") }
                continue
            }
            // Where the verdict took the flagless pages as per-cpu free pages (zone_pcp_disable()
            // drains them), and in ZONE_MOVABLE, which holds no kernel allocations, they import
            // as free; elsewhere as unknown kernel pages.
            let flaglessFree = zone == .movable || (block.id == id && block.offlinable == true)
            // A block across zones (memory0: DMA and DMA32) takes migrated pages in its top
            // zone only: the pages below that zone import as reserved.
            let below = real.startPfn ?? 0
            imported.append((block.id, ImportedBlock(zone: zone, pages: .each(pages.map {
                $0.pfn < below ? ImportedPage(.reserved) : LiveImport.importedPage($0, flaglessFree: flaglessFree)
            }))))
        }
        imported.sort { ($0.block.zone, $0.id) < ($1.block.zone, $1.id) }
        let cpus = max(1, min(256, snapshot.zones?.map(\.cpus).max() ?? 1))
        var description = ImportedMachine(geometry: geometry, cpus: cpus, blocks: imported.map(\.block),
                                          realBlocks: imported.map(\.id))
        (description.watermarks, description.lowmemReserve) = realWatermarks(snapshot)
        description.swap = (snapshot.meminfo?["SwapTotal"] ?? 1) > 0
        let machine: Machine
        do {
            machine = try Machine(importing: description)
        } catch {
            throw BadInput(description: "memory\(id) cannot be simulated: \(error.description)")
        }
        guard let engine = imported.firstIndex(where: { $0.id == id }) else {
            throw BadInput(description: "memory\(id) could not be imported")
        }
        return CaptureImport(machine: machine, block: BlockID(engine), refusal: nil)
    }

    /// zoneinfo's watermarks and `protection:` (lowmem_reserve[], its first entries, one per
    /// zone type memtop has) per zone type, summed over nodes.
    static func realWatermarks(_ snapshot: LiveSnapshot) -> ([ZoneType: Watermarks], [ZoneType: [Int]]) {
        var marks: [ZoneType: Watermarks] = [:]
        var reserves: [ZoneType: [Int]] = [:]
        let types = ZoneType.allCases.count
        for zone in snapshot.zones ?? [] where zone.managed > 0 {
            guard let type = ZoneType(kernelName: zone.name), let min = zone.min else { continue }
            var w = marks[type] ?? Watermarks()
            w.min += Int(min)
            w.low += Int(zone.low ?? min)
            w.high += Int(zone.high ?? min)
            marks[type] = w
            if let protection = zone.protection, protection.count >= types {
                let sum = reserves[type] ?? Array(repeating: 0, count: types)
                reserves[type] = (0..<types).map { sum[$0] + Int(protection[$0]) }
            }
        }
        return (marks, reserves)
    }

    /// The zone a block's pages take migrated pages in, and where that zone starts: the block's
    /// own zone, or for a block across zones ("multizone", valid_zones "none") the zone of its
    /// last pfn.
    static func targetZone(of block: InspectReport.Block, in report: InspectReport) -> (name: String, startPfn: UInt64)? {
        guard let name = block.zone else { return nil }
        guard name == "multizone" else { return (name, 0) }
        let last = block.startPfn + (block.pages?.total ?? 1) - 1
        return report.zones
            .filter { z in (block.node == nil || z.node == block.node) && z.spanned > 0
                && (z.startPfn ?? 0) <= last && last < (z.startPfn ?? 0) + z.spanned }
            .max { ($0.startPfn ?? 0) < ($1.startPfn ?? 0) }
            .map { ($0.name, $0.startPfn ?? 0) }
    }

    /// The target and the online blocks its pages may migrate to (those the kernel refuses to
    /// offline too: holes, several zones): zones up to Normal for a kernel-zone block, any zone
    /// for a ZONE_MOVABLE one; on the other nodes when there are any. The blocks with the most
    /// free pages come first when there are too many.
    static func window(for target: InspectReport.Block, in report: InspectReport) -> [InspectReport.Block] {
        let highest = target.zone == "Movable" ? 3 : 2
        let usable = report.blocks.filter { b in
            b.state == "online" && b.pages != nil
                && (targetZone(of: b, in: report).flatMap { MigrationRoom.zoneIndex[$0.name] }.map { $0 <= highest } ?? false)
        }
        let nodes = Set(usable.compactMap(\.node))
        let others = nodes.subtracting(target.node.map { [$0] } ?? [])
        let allowed = others.isEmpty ? nodes : others
        let spares = usable.filter { $0.id != target.id && ($0.node.map(allowed.contains) ?? true) }
            .sorted { ($0.pages?.free ?? 0) + ($0.pages?.uninit ?? 0) > ($1.pages?.free ?? 0) + ($1.pages?.uninit ?? 0) }
        return [target] + spares.prefix(maxBlocks - 1)
    }
}
