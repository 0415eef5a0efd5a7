import ArgumentParser
import MemEngine

/// Why a lesson step could not be set up (a mistake in the lesson's data).
struct LessonSetupError: Error, CustomStringConvertible {
    var description: String
}

extension LessonStep {
    /// Sets up `map` as this step says: boot, colours, cursor, staging, operation, run.
    func apply(to map: inout MemtopApp) throws(LessonSetupError) {
        if let machine {
            let booted: Machine
            do {
                let options = try MachineOptions.parse(machine.split(separator: " ").map(String.init))
                booted = try options.bootMachine()
            } catch {
                throw LessonSetupError(description: "machine '\(machine)': \(MachineOptions.message(for: error))")
            }
            var fresh = MemtopApp(machine: booted, machineLabel: MemtopApp.label(for: booted.config))
            fresh.screen = map.screen
            fresh.speedIndex = map.speedIndex
            map = fresh
        }
        if let workload { map.machine.workloadEnabled = workload }
        if let mode { map.mode = mode }
        if let cursor {
            try cursor.place(on: &map)
            map.explainingFailure = false
        }
        for staging in staging { try staging.apply(to: &map) }
        if let operation {
            map.running = false
            let effects: [Effect]
            switch operation {
            case .offline: effects = map.startOffline()
            case .offlineNode: effects = map.startNodeOffline()
            case .online(let type):
                guard let zone = map.machine.validZones(map.cursorBlockID).first(where: { type != .movable || $0 == .movable }) else {
                    throw LessonSetupError(description: "\(map.cursorBlockID) has no zone for \(type.rawValue)")
                }
                effects = map.startOnline(OnlineChoice(type: type, zone: type == .kernel ? (map.machine.validZones(map.cursorBlockID).first { $0 != .movable } ?? zone) : zone))
            }
            if effects.contains(.bell) { throw LessonSetupError(description: map.status ?? "the operation did not start") }
        }
        if let run { map.run(to: run) }
        for staging in after { try staging.apply(to: &map) }
        map.running = false
        map.status = nil
    }
}

extension LessonCursor {
    func place(on map: inout MemtopApp) throws(LessonSetupError) {
        let m = map.machine
        func blockZone(_ i: Int) -> ZoneType? { m.zoneType(m.pfnRange(of: BlockID(i)).lowerBound) }
        switch self {
        case .overview:
            map.zoom = .overview
        case .firstBlock(let zone, let node, let kind, let offlinable, let zoom):
            let found = m.blocks.indices.first { i in
                guard m.blocks[i].state == .online, blockZone(i) == zone else { return false }
                if let node, m.blocks[i].node.raw != node { return false }
                if let offlinable, m.offlineVerdict(BlockID(i)).offlinable != offlinable { return false }
                if let kind { return m.census(m.pfnRange(of: BlockID(i))).count(kind) > 0 }
                return true
            }
            guard let found else { throw LessonSetupError(description: "no online \(zone) block\(kind.map { " with \($0) pages" } ?? "")") }
            map.cursorBlock = found
            let range = m.pfnRange(of: BlockID(found))
            // Zoomed in on a block chosen for a kind of page, the cursor is on the first one.
            let page = kind.flatMap { k in (range.lowerBound.raw..<range.upperBound.raw).first { m.kind(PFN($0)) == k } }
            map.cursorPFN = zoom ? page.map(PFN.init) ?? range.lowerBound : range.lowerBound
            map.zoom = zoom ? .block : .overview
        case .lastBlock(let zoom):
            map.cursorBlock = m.blocks.count - 1
            map.cursorPFN = m.pfnRange(of: map.cursorBlockID).lowerBound
            map.zoom = zoom ? .block : .overview
        case .firstPage(let kind):
            let range = m.pfnRange(of: map.cursorBlockID)
            guard let p = (range.lowerBound.raw..<range.upperBound.raw).first(where: { m.kind(PFN($0)) == kind }) else {
                throw LessonSetupError(description: "no \(kind) page in \(map.cursorBlockID)")
            }
            map.cursorPFN = PFN(p)
            map.zoom = .block
        case .firstLargeFolio(let zone, let node):
            func isHead(_ p: Int) -> Bool {
                guard m.kind(PFN(p)) == .anon else { return false }
                let info = m.pageInfo(PFN(p))
                return info.folioOrder > 0 && info.folioHead == PFN(p)
            }
            let found = m.blocks.indices.lazy.compactMap { i -> (Int, Int)? in
                guard m.blocks[i].state == .online, blockZone(i) == zone, node.map({ m.blocks[i].node.raw == $0 }) ?? true,
                      m.offlineVerdict(BlockID(i)).offlinable else { return nil }
                let range = m.pfnRange(of: BlockID(i))
                return (range.lowerBound.raw..<range.upperBound.raw).first(where: isHead).map { (i, $0) }
            }.first
            guard let (block, head) = found else { throw LessonSetupError(description: "no \(zone) block with a THP") }
            map.cursorBlock = block
            map.cursorPFN = PFN(head)
            map.zoom = .block
        case .migrationSource:
            guard let source = m.nextMigrationFolio ?? m.operation?.migration?.source else { throw LessonSetupError(description: "no migration in flight") }
            map.cursorPFN = source
            map.cursorBlock = m.geometry.block(of: source).raw
            map.zoom = .block
        }
        map.inspectorScroll = 0
    }
}

extension LessonStaging {
    func apply(to map: inout MemtopApp) throws(LessonSetupError) {
        let range = map.machine.pfnRange(of: map.cursorBlockID)
        let pfns = range.lowerBound.raw..<range.upperBound.raw
        switch self {
        case .swapInWindow(let ticks):
            let m = map.machine
            // The block's last such page: migration reaches it at the end of the offline, so its
            // line stays in the log (a block of 4 KiB anon pages logs more lines than it keeps).
            guard let p = pfns.last(where: { m.kind(PFN($0)) == .anon && m.flags(PFN($0)).contains(.lru) && m.pageInfo(PFN($0)).mapcount > 0 }),
                  map.machine.enterSwapInWindow(PFN(p), ticks: ticks) else {
                throw LessonSetupError(description: "no mapped anon page on the LRU in \(map.cursorBlockID)")
            }
            map.note("lesson: pfn \(PFN(p)) read in from swap, not yet mapped (do_swap_page() has not run)", .important)
        case .exitMigratingOwner:
            guard let source = map.machine.nextMigrationFolio, let pid = map.machine.anonOwner(source) else {
                throw LessonSetupError(description: "no anon page is being migrated")
            }
            map.machine.exit(pid: pid)
            map.note("lesson: pid \(pid) exits while its page \(source) is being migrated", .important)
        case .pinFirstAnonPage:
            let m = map.machine
            guard let p = pfns.first(where: { m.kind(PFN($0)) == .anon }) else {
                throw LessonSetupError(description: "no anon page in \(map.cursorBlockID)")
            }
            map.machine.pin(PFN(p))
            map.note("lesson: pfn \(PFN(p)) pinned (pin_user_pages: an extra reference)", .important)
        }
        map.absorbEvents()
    }
}

extension MemtopApp {
    /// Runs the operation in flight until `stop` (a lesson step's setup), the log kept.
    mutating func run(to stop: LessonRunTo) {
        var ran = 0
        func reached() -> Bool {
            guard let op = machine.operation, !op.isFinished else { return true }
            switch stop {
            case .phase(let p): return op.phase == p
            case .migrationStage(let s): return nextStage(op) == s && machine.nextMigrationFolio != nil
            case .migration(let kind, let stage, let large):
                guard nextStage(op) == stage, let p = machine.nextMigrationFolio, machine.kind(p) == kind,
                      !large || machine.pageInfo(p).folioOrder > 0 else { return false }
                // A mapped anon page once it is unmapped has a migration entry, still found.
                return kind != .anon || !machine.mappings(of: p).isEmpty
            case .unmapped(let kind, let large):
                guard let m = op.migration, m.stage == .unmap, m.target != nil, machine.kind(m.source) == kind,
                      !large || machine.pageInfo(m.source).folioOrder > 0 else { return false }
                return kind != .anon || machine.mappings(of: m.source).contains { machine.pte($0) == .migration(m.source) }
            case .end: return false
            case .steps(let n): return ran >= n
            }
        }
        while !reached(), ran < 2_000_000 {
            if case .end = stop, let op = machine.operation, op.stall != nil, !op.signalPending {
                machine.cancelOperation()
            }
            stepOnce()
            ran += 1
            if ran % 512 == 0 { absorbEvents() }
        }
        absorbEvents()
        // The step is about the folio the run stopped at: the spotlight turns to it, even when
        // the one it followed is still between its unmap and its move.
        if case .migration = stop, !spotlight.pinned, let next = machine.nextMigrationFolio,
           spotlight.followed?.source != next || spotlight.followed?.done == true {
            spotlight.follow(next, machine)
        }
    }

    /// The stage the next `migrate_pages_batch()` step does to a folio, if it does one.
    private func nextStage(_ op: HotplugOperation) -> MigrationInFlight.Stage? {
        switch op.migratePages?.loop {
        case .unmap: .unmap
        case .move: .move
        case .flush, nil: nil
        }
    }
}
