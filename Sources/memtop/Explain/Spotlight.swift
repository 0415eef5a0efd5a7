import MemEngine

/// The migration spotlight: follows one folio through its migration, micro-step by micro-step,
/// and remembers what its PTEs held (present pfn, migration entry, new pfn) and its counts
/// before and after. Since Linux 6.3 `migrate_pages_batch()` unmaps every folio of a batch
/// first, flushes the TLB once, then moves them one by one; the engine's state only says
/// unmap or move, so the stages the pane marks come from the events of the followed folio.
/// It reads only the engine's public state and events, after every step the app runs.
struct Spotlight: Equatable, Sendable {
    /// Pinned: keep showing the folio followed after it is done, instead of the next one.
    var pinned = false
    var followed: Followed?

    /// The stages of one folio's migration, in the kernel's order, with the event that marks each.
    enum Mark: Int, CaseIterable, Sendable {
        case target, unmap, flush, copy, remap, freeSource

        var label: String {
            switch self {
            case .target: "target"
            case .unmap: "unmap"
            case .flush: "flush"
            case .copy: "copy"
            case .remap: "remap"
            case .freeSource: "free"
            }
        }

        /// The mark an event for the followed folio reaches, if any.
        init?(event fn: String) {
            switch fn {
            case "alloc_migration_target": self = .target
            case "try_to_migrate": self = .unmap
            case "try_to_unmap_flush": self = .flush
            case "folio_copy": self = .copy
            case "remove_migration_ptes", "folio_migrate_mapping": self = .remap
            case "folio_put": self = .freeSource
            default: return nil
            }
        }
    }

    struct Followed: Equatable, Sendable {
        var source: PFN
        var target: PFN?
        /// The folio's pages: 1, or a THP's (mapped by one PMD).
        var pages = 1
        /// The last stage its events reached (nil: none yet).
        var reached: Mark?
        /// The source's refcount and mapcount when the spotlight first saw it.
        var sourceBefore: (refcount: Int, mapcount: Int)
        /// The target's when its migration ended.
        var targetAfter: (refcount: Int, mapcount: Int)?
        /// Each PTE mapping the source, with every distinct value it held, oldest first.
        var ptes: [(ref: PTERef, states: [PTEState])]
        /// The migration ended (moved, or failed and put back).
        var done = false
        /// Why it ended without moving (the kernel's error), nil when it moved.
        var failure: String?

        var moved: Bool { done && reached == .freeSource }

        static func == (a: Followed, b: Followed) -> Bool {
            a.source == b.source && a.target == b.target && a.pages == b.pages && a.reached == b.reached && a.done == b.done
                && a.failure == b.failure
                && a.sourceBefore == b.sourceBefore && a.targetAfter?.refcount == b.targetAfter?.refcount
                && a.targetAfter?.mapcount == b.targetAfter?.mapcount
                && a.ptes.map(\.ref) == b.ptes.map(\.ref) && a.ptes.map(\.states) == b.ptes.map(\.states)
        }
    }

    /// Looks at the machine after a micro-step, with the events that step emitted.
    mutating func observe(_ machine: Machine, events: ArraySlice<Event>) {
        if var f = followed, !f.done {
            f.apply(events, machine: machine)
            f.recordPTEs(machine)
            if !f.done, machine.operation.map({ $0.isFinished || $0.migratePages == nil }) ?? true {
                // migrate_pages() ended without moving it: putback_movable_pages().
                f.done = true
                f.failure = f.failure ?? "put back on the LRU"
            }
            if f.done, let t = f.target, f.moved {
                let info = machine.pageInfo(t)
                f.targetAfter = (info.refcount, info.mapcount)
            }
            followed = f
            return
        }
        if pinned, followed != nil { return }
        guard let op = machine.operation, !op.isFinished, let st = op.migratePages,
              let next = machine.nextMigrationFolio else { return }
        // A folio that moved never comes back; one that failed may be tried again.
        if let f = followed, f.source == next, f.moved { return }
        follow(next, machine)
    }

    /// Starts following `next`, a folio of the `migrate_pages_batch()` call in flight.
    mutating func follow(_ next: PFN, _ machine: Machine) {
        guard let op = machine.operation, let st = op.migratePages else { return }
        let info = machine.pageInfo(next)
        var f = Followed(source: next, target: nil, pages: 1 << info.folioOrder, reached: nil,
                         sourceBefore: (info.refcount, info.mapcount), ptes: machine.mappings(of: next).map { ($0, []) })
        if st.loop != .unmap {
            // Already unmapped (the spotlight came in between its unmap and its move).
            f.reached = st.loop == .move && st.call != .syncOne ? .flush : .unmap
            f.target = machine.migrationTarget(of: next) ?? (op.migration?.source == next ? op.migration?.target : nil)
        }
        f.recordPTEs(machine)
        followed = f
    }

    /// A PTE's history as the pane writes it: "0x18010 -> migration entry -> 0x2a3f1".
    static func history(_ states: [PTEState]) -> String {
        states.map { state in
            switch state {
            case .present(let p): "\(p)"
            case .migration: "migration entry"
            case .swap(let slot): "swap slot \(slot)"
            case .none: "none"
            }
        }.joined(separator: " -> ")
    }
}

extension Spotlight.Followed {
    /// Reads one step's events: the stages reached, the target, and whether it ended.
    mutating func apply(_ events: ArraySlice<Event>, machine: Machine) {
        for e in events {
            let pfn = e.pfn.flatMap(machine.addresses.enginePFN).map(PFN.init)
            if e.fn == "try_to_unmap_flush" {
                // One flush for every folio unmapped in the batch, this one among them.
                if reached == .unmap { reached = .flush }
                continue
            }
            guard pfn == source else { continue }
            if let mark = Spotlight.Mark(event: e.fn) {
                if e.fn == "alloc_migration_target" {
                    guard let t = e.toPFN.flatMap(machine.addresses.enginePFN) else {
                        done = true
                        failure = e.detail ?? "no target"
                        continue
                    }
                    target = PFN(t)
                } else if target == nil, e.fn == "folio_copy" || e.fn.hasPrefix("remove_migration_ptes"),
                          let t = e.toPFN.flatMap(machine.addresses.enginePFN) {
                    // Followed after its target was allocated (between its unmap and its move):
                    // the copy names the target.
                    target = PFN(t)
                }
                // With no PTE there is nothing for try_to_migrate() to do: the target is all
                // the unmap needs.
                let got = mark == .target && ptes.isEmpty ? .unmap : mark
                if got.rawValue > (reached?.rawValue ?? -1) { reached = got }
                if mark == .freeSource { done = true }
            } else if e.fn == "split_folio_to_list" {
                done = true
                failure = "split: its pages migrate one by one"
            } else if e.fn == "migrate_folio_unmap" || e.fn == "migrate_folio_move",
                      let detail = e.detail, detail.hasPrefix("-E") || detail.contains("freed from under us") {
                done = true
                failure = detail
            }
        }
    }

    mutating func recordPTEs(_ machine: Machine) {
        for i in ptes.indices {
            guard let now = machine.pte(ptes[i].ref), ptes[i].states.last != now else { continue }
            ptes[i].states.append(now)
        }
    }
}

extension Machine {
    /// The events recorded after the first `count` (all of them if the oldest were dropped).
    func events(since count: Int) -> ArraySlice<Event> {
        events.count >= count ? events[count...] : events[...]
    }
}
