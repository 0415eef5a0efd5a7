import MemEngine

/// The stepping keys beyond `n` and `N`: one folio through its whole migration (`m`), and a run
/// to the next migration (`M`). They read only the operation's public state, through
/// `MigrationProbe`, so that a change in how the engine batches migrations touches one place.
extension MemtopApp {
    /// The most micro-steps one key may run before it gives up (a stalled offline).
    static let stepKeyLimit = 200_000

    /// `m`: runs the folio being migrated, or else the next one, to the end of its migration.
    mutating func stepFolio() -> [Effect] {
        guard let op = machine.operation, !op.isFinished else {
            status = "m moves one folio through its migration; no offline is in flight (o starts one)"
            return [.bell]
        }
        let start = MigrationProbe(machine).current
        var seen = start
        var ran = 0
        while ran < Self.stepKeyLimit, machine.operation?.isFinished == false {
            stepOnce()
            ran += 1
            let now = MigrationProbe(machine).current
            if seen == nil { seen = now }
            // The folio followed has left the engine's hands (moved, failed or put back).
            if let followed = seen, now?.source != followed.source { break }
            if seen == nil, MigrationProbe(machine).pastMigration { break }
        }
        absorbEvents()
        if seen == nil {
            status = "m: no folio left to migrate in this block"
        } else if let followed = seen {
            status = "m: pfn \(followed.source) done in \(ran) micro-steps"
        }
        return []
    }

    /// `M`: runs until the next folio's migration has begun (its target chosen).
    mutating func runToNextMigration() -> [Effect] {
        guard let op = machine.operation, !op.isFinished else {
            status = "M runs to the next migration; no offline is in flight (o starts one)"
            return [.bell]
        }
        let start = MigrationProbe(machine).current?.source
        var ran = 0
        var found: PFN?
        while ran < Self.stepKeyLimit, machine.operation?.isFinished == false {
            stepOnce()
            ran += 1
            if let now = MigrationProbe(machine).current, now.source != start, now.target != nil {
                found = now.source
                break
            }
            if MigrationProbe(machine).pastMigration { break }
        }
        absorbEvents()
        if let found {
            status = "M: \(ran) micro-steps to the migration of pfn \(found)"
        } else {
            status = "M: no more migrations in this offline"
        }
        return []
    }

    /// What the next `n` will do, in the kernel's words; nil when nothing is in flight.
    var nextStepHint: String? {
        guard let text = NextStep.describe(machine) else { return nil }
        return "next n: " + text
    }
}

/// What the map knows of the migration in flight, from the operation's public state.
struct MigrationProbe {
    struct Current: Equatable {
        var source: PFN
        var target: PFN?
        var stage: MigrationInFlight.Stage
    }

    var current: Current?
    /// The operation has left the migration loop for good (ended, or past test_pages_isolated).
    var pastMigration: Bool

    init(_ machine: Machine) {
        let op = machine.operation
        current = op?.migration.map { Current(source: $0.source, target: $0.target, stage: $0.stage) }
        let late: Set<HotplugPhase> = [.offlineIsolated, .finishOffline, .undoIsolate]
        pastMigration = op.map { $0.isFinished || late.contains($0.phase) || $0.kind != .offline } ?? true
    }
}

/// The next micro-step of the operation in flight, as a sentence naming the kernel function.
enum NextStep {
    static func describe(_ machine: Machine) -> String? {
        guard let op = machine.operation, !op.isFinished else { return nil }
        let block = op.block.map(\.description) ?? "the block"
        let pcpFixed = machine.config.has(.isolateFreedPagesASAP)
        switch op.phase {
        case .changeState: return "memory_block_change_state: \(block) online -> going-offline"
        case .checks: return "offline_pages: check alignment, memory holes and that the range is one zone"
        case .pcpDisable:
            return pcpFixed ? "zone_pcp_disable: pcp high 0, then drain one cpu's per-cpu lists at a time"
                            : "drain_all_pages (2007 code: the per-cpu lists stay enabled)"
        case .lruCacheDisable: return "lru_cache_disable: drain one cpu's LRU add batch at a time"
        case .isolate:
            let pb = op.startPFN.raw + op.isolatedPageblocks * machine.geometry.pagesPerPageblock
            return "set_migratetype_isolate on pageblock \(PFN(pb)) (has_unmovable_pages first)"
        case .notifyGoingOffline: return "memory_notify(MEM_GOING_OFFLINE)"
        case .migrate:
            if let m = op.migration {
                let target = m.target.map(\.description) ?? "?"
                switch m.stage {
                case .allocTarget: return "alloc_migration_target for pfn \(m.source)"
                case .unmap: return "try_to_migrate pfn \(m.source): its PTEs become migration entries"
                case .copy: return "folio_copy pfn \(m.source) -> \(target)"
                case .remap: return "remove_migration_ptes: the migration entries point at \(target)"
                case .freeSource: return "folio_put pfn \(m.source): the source is freed"
                }
            }
            if op.sourceRemaining > 0 {
                return "alloc_migration_target for pfn \(op.sourceList[op.sourceNext]) (\(op.sourceRemaining) isolated pages wait)"
            }
            if op.signalPending { return "signal_pending at the top of the migration loop: back off with EINTR" }
            return "scan_movable_pages from pfn \(op.scanPFN), then folio_isolate_lru one page at a time"
        case .dissolveHugetlb: return "dissolve_free_hugetlb_folios"
        case .testIsolated: return "test_pages_isolated: is every page free and isolated?"
        case .offlineIsolated: return "__offline_isolated_pages: take the free pages off the buddy lists"
        case .finishOffline: return "memory_notify(MEM_OFFLINE): \(block) offline"
        case .undoIsolate: return "undo_isolate_page_range: each pageblock back to its migratetype"
        case .onlineChecks, .moveToZone, .onlineRange, .onlineUnisolate, .finishOnline:
            return op.phase.kernelName
        }
    }
}
