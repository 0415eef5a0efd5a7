import MemEngine

/// The stepping keys beyond `n` and `N`: one folio through its whole migration (`m`), and a run
/// to the next migration (`M`). They read only the operation's public state, through
/// `MigrationProbe`, so that a change in how the engine batches migrations touches one place.
extension MemtopApp {
    /// The most micro-steps one key may run before it gives up (a stalled offline).
    static let stepKeyLimit = 200_000

    /// `m`: runs the folio the spotlight follows, or else the next one, to the end of its
    /// migration: its unmap (with the rest of its batch, and the one TLB flush), then its move.
    mutating func stepFolio() -> [Effect] {
        guard let op = machine.operation, !op.isFinished else {
            status = "m moves one folio through its migration; no offline is in flight (o starts one)"
            return [.bell]
        }
        // A tracker of its own, so that a pinned spotlight does not hold m on a folio done with.
        var tracker = Spotlight()
        if let f = spotlight.followed, !f.done { tracker.followed = f }
        var goal = tracker.followed?.source
        var ran = 0
        while ran < Self.stepKeyLimit, machine.operation?.isFinished == false {
            let events = stepOnce()
            ran += 1
            tracker.observe(machine, events: events)
            if goal == nil { goal = tracker.followed?.source }
            if goal != nil, let f = tracker.followed, f.source == goal, f.done { break }
            if goal == nil, MigrationProbe(machine).pastMigration { break }
        }
        absorbEvents()
        if let f = tracker.followed, f.source == goal {
            if f.moved, let t = f.target {
                status = "m: pfn \(f.source) moved to \(t) in \(ran) micro-steps"
            } else if f.done {
                status = "m: pfn \(f.source) not moved (\(f.failure ?? "?")) after \(ran) micro-steps"
            } else {
                status = "m: pfn \(f.source) still migrating after \(ran) micro-steps"
            }
        } else {
            status = "m: no folio left to migrate in this block"
        }
        return []
    }

    /// `M`: runs until the next step unmaps a folio other than the one next now (the start of
    /// the next folio's migration).
    mutating func runToNextMigration() -> [Effect] {
        guard let op = machine.operation, !op.isFinished else {
            status = "M runs to the next migration; no offline is in flight (o starts one)"
            return [.bell]
        }
        let start = MigrationProbe(machine).nextUnmap
        var ran = 0
        var found: PFN?
        while ran < Self.stepKeyLimit, machine.operation?.isFinished == false {
            stepOnce()
            ran += 1
            if let now = MigrationProbe(machine).nextUnmap, now != start {
                found = now
                break
            }
            if MigrationProbe(machine).pastMigration { break }
        }
        absorbEvents()
        if let found {
            if !spotlight.pinned { spotlight.follow(found, machine) }
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

/// What the map knows of the migration in flight, from the engine's public state.
struct MigrationProbe {
    /// The folio the next micro-step unmaps (`migrate_folio_unmap()`), if it does.
    var nextUnmap: PFN?
    /// The operation has left the migration loop for good (ended, or past test_pages_isolated).
    var pastMigration: Bool

    init(_ machine: Machine) {
        let op = machine.operation
        nextUnmap = op?.migratePages?.loop == .unmap ? machine.nextMigrationFolio : nil
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
            if let st = op.migratePages {
                let call = "\(st.call.rawValue) pass \(st.pass + 1)"
                let next = machine.nextMigrationFolio
                switch st.loop {
                case .unmap:
                    if let p = next {
                        return "migrate_folio_unmap pfn \(p) (\(call)): alloc_migration_target, try_to_migrate (PTEs -> migration entries)"
                    }
                    return "migrate_pages_batch (\(call)): the batch is unmapped; the TLB flush and the moves come next"
                case .flush: return "try_to_unmap_flush: one TLB flush for every folio this batch unmapped"
                case .move:
                    if let p = next {
                        return "migrate_folio_move pfn \(p) (\(call)): folio_copy, remove_migration_ptes, folio_put"
                    }
                    return "migrate_pages_batch (\(call)): the moves are done; retries, or the next call"
                }
            }
            if op.signalPending { return "signal_pending at the top of the migration loop: back off with EINTR" }
            return "scan_movable_pages from pfn \(op.scanPFN), then folio_isolate_lru one folio at a time"
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
