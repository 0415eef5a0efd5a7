import MemEngine

/// Builds the simulated machine for `o` in live mode: the chosen block with its real pages,
/// plus enough of the real machine around it for migration to have somewhere to go.
///
/// What is approximated, and said so in the simulation's log:
/// - only a window of blocks is imported (the chosen one, its neighbours in its zone, and the
///   blocks of its node with the most free memory until there is room for its pages), all on
///   node0; the trace keeps their real block ids and pfns (`AddressMap`), the map draws them side
///   by side;
/// - owners are synthetic (one process, one file), per-pageblock migratetypes are guessed,
///   watermarks are recomputed for the window's size, the workload is off;
/// - pages that /proc does not explain ("other": no flags, kernel allocations) become
///   "unknown kernel page"s (unmovable outside ZONE_MOVABLE); never-initialised and PageOffline
///   pages become free pages.
enum LiveImport {
    /// Blocks a simulation imports at most.
    static let maxBlocks = 8

    struct Refusal: Error {
        var message: String
    }

    static func simulation(of index: Int, memory: LiveMemory, reader: LiveReader, mode: ColourMode,
                           screen: Size) -> Result<MemtopApp, Refusal> {
        let view = memory.blockViews[index]
        guard view.state == .online else { return .failure(Refusal(message: "\(view.id) is \(view.state.rawValue)")) }
        if let blocker = memory.reports[index]?.blockers.first, ["memory holes", "multizone range"].contains(blocker.reason) {
            return .failure(Refusal(message: "offline_pages() refuses \(view.id) before any page moves (EINVAL: \(blocker.reason))"))
        }
        guard !view.multizone, let zone = view.zone else {
            return .failure(Refusal(message: "\(view.id) is not in one zone the model knows"))
        }
        guard memory.reports[index]?.pages != nil else {
            return .failure(Refusal(message: "the page flags of \(view.id) are unavailable"))
        }
        let window = self.window(around: index, memory: memory)
        var imported: [(index: Int, block: ImportedBlock)]
        do {
            imported = try read(window, target: index, memory: memory, reader: reader)
        } catch {
            return .failure(Refusal(message: "\(error)"))
        }
        guard imported.contains(where: { $0.index == index }) else {
            return .failure(Refusal(message: "kpageflags ends inside \(view.id)"))
        }
        imported.sort { ($0.block.zone, $0.index) < ($1.block.zone, $1.index) }
        let cpus = max(1, min(256, memory.snapshot.zones?.map(\.cpus).max() ?? 1))
        let machine: Machine
        do {
            var description = ImportedMachine(geometry: memory.geometry, cpus: cpus, blocks: imported.map(\.block),
                                              realBlocks: imported.map { memory.blockViews[$0.index].id.raw })
            description.swap = (memory.snapshot.meminfo?["SwapTotal"] ?? 1) > 0
            machine = try Machine(importing: description)
        } catch {
            return .failure(Refusal(message: error.description))
        }
        guard let newIndex = imported.firstIndex(where: { $0.index == index }) else {
            return .failure(Refusal(message: "\(view.id) could not be imported"))
        }
        var app = MemtopApp(machine: machine, machineLabel: "SIMULATION of offlining live \(view.id) (nothing is written to /sys)")
        app.screen = screen
        app.mode = mode
        app.log.removeAll()
        let names = imported.map { memory.blockViews[$0.index].id.description }.joined(separator: " ")
        app.note("Simulation of offlining \(view.id) (\(zone)) from live data: nothing is written to /sys; q or Esc returns to the live view.", .important)
        app.note("Imported \(imported.count) blocks: \(names); the trace names their real ids and pfns. Owners are synthetic (one process, one file);")
        app.note("migratetypes guessed (kernel pageblocks Unmovable, the rest Movable); pages without flags became unknown kernel pages, never-initialised free; workload off.")
        app.cursorBlock = newIndex
        app.cursorPFN = app.viewRange(of: BlockID(newIndex)).lowerBound
        app.zoom = .block
        // The simulation of a live block animates at once: it is what o asked for.
        app.running = true
        _ = app.perform(.offline)
        return .success(app)
    }

    /// Every page of the `window` blocks, as the engine imports them; blocks the data does not
    /// cover whole are left out.
    private static func read(_ window: Set<Int>, target: Int, memory: LiveMemory, reader: LiveReader) throws -> [(index: Int, block: ImportedBlock)] {
        var scanner = try BlockScanner(source: reader.source, buddyTails: .forKernel(memory.snapshot.kernel),
                                       pageblockPages: min(memory.snapshot.pageTypes?.pagesPerBlock ?? 512, memory.snapshot.blockPages ?? 512))
        var imported: [(index: Int, block: ImportedBlock)] = []
        for i in window.sorted() {
            let block = memory.blockViews[i]
            let pfns = UInt64(block.pfns.lowerBound.raw)..<UInt64(block.pfns.upperBound.raw)
            let scan = try scanner.scan(pfns, inMovableZone: block.zone == .movable, keepPages: true)
            guard scan.isComplete, let pages = scan.pages, let zone = block.zone else { continue }
            // As the verdict judged them (see CaptureImport): flagless pages are free in
            // ZONE_MOVABLE and where the verdict took them as per-cpu pages.
            let flaglessFree = zone == .movable || (i == target && memory.reports[i]?.offlinable == true)
            imported.append((i, ImportedBlock(zone: zone, pages: .each(pages.map { importedPage($0, flaglessFree: flaglessFree) }))))
        }
        return imported
    }

    /// The blocks to import (indices): the chosen one, its neighbours in the same zone, and the
    /// same node's blocks with the most free pages until they could hold the chosen one's
    /// used pages twice over.
    static func window(around index: Int, memory: LiveMemory) -> Set<Int> {
        let views = memory.blockViews
        let target = views[index]
        func usable(_ i: Int) -> Bool {
            let v = views[i]
            return v.state == .online && !v.multizone && v.zone != nil && v.node == target.node
                && memory.reports[i]?.pages != nil
                && memory.reports[i]?.blockers.contains { ["memory holes", "multizone range"].contains($0.reason) } != true
        }
        var window: Set<Int> = [index]
        for neighbour in [index - 1, index + 1] where views.indices.contains(neighbour) && usable(neighbour) && views[neighbour].zone == target.zone {
            window.insert(neighbour)
        }
        func free(_ i: Int) -> Int {
            guard let pages = memory.reports[i]?.pages else { return 0 }
            return Int(clamping: pages.free + pages.uninit)
        }
        let used = views[index].pfns.pageCount - free(index)
        var room = window.filter { $0 != index }.reduce(0) { $0 + free($1) }
        let spares = views.indices.filter { !window.contains($0) && usable($0) }.sorted { free($0) > free($1) }
        for spare in spares where room < 2 * used + 1024 && window.count < maxBlocks {
            window.insert(spare)
            room += free(spare)
        }
        return window
    }

    /// A live page as the engine imports it. With `flaglessFree`, pages without flags are taken
    /// as per-cpu free pages (as the verdict does, see `LiveInspector`), else as kernel pages.
    static func importedPage(_ page: LivePage, flaglessFree: Bool = false) -> ImportedPage {
        var flags: PageFlags = []
        if page.flags.contains(.active) { flags.insert(.active) }
        if page.flags.contains(.referenced) { flags.insert(.referenced) }
        if page.flags.contains(.unevictable) || page.flags.contains(.mlocked) { flags.insert(.unevictable) }
        if page.flags.contains(.dirty) { flags.insert(.dirty) }
        switch page.kind {
        case .free, .uninit, .offline: return ImportedPage(.free)
        case .lruAnon:
            return ImportedPage(.anon, flags: flags, thpHead: page.flags.contains(.thp) && page.flags.contains(.compoundHead))
        case .lruFile: return ImportedPage(.file, flags: flags)
        case .slab: return ImportedPage(.slab)
        case .kernel: return ImportedPage(flaglessFree ? .free : .kernel)
        case .other: return ImportedPage(.kernel)
        case .pagetable: return ImportedPage(.pageTable)
        case .reserved: return ImportedPage(.reserved)
        }
    }
}
