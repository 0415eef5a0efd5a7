import MemEngine

/// The migration spotlight: follows the folio being migrated, micro-step by micro-step, and
/// remembers what its PTEs held at each stage (present pfn, migration entry, new pfn) and its
/// counts before and after. It reads only the engine's public state (`operation.migration`,
/// `mappings(of:)`, `pte(_:)`, `pageInfo(_:)`), after every step the app runs.
struct Spotlight: Equatable, Sendable {
    /// Pinned: keep showing the folio followed after it is done, instead of the next one.
    var pinned = false
    var followed: Followed?

    struct Followed: Equatable, Sendable {
        var source: PFN
        var target: PFN?
        var stage: MigrationInFlight.Stage
        /// The source's refcount and mapcount when the spotlight first saw it.
        var sourceBefore: (refcount: Int, mapcount: Int)
        /// The target's when its migration ended.
        var targetAfter: (refcount: Int, mapcount: Int)?
        /// Each PTE mapping the source, with every distinct value it held, oldest first.
        var ptes: [(ref: PTERef, states: [PTEState])]
        /// The migration ended (moved, or failed and put back).
        var done = false

        static func == (a: Followed, b: Followed) -> Bool {
            a.source == b.source && a.target == b.target && a.stage == b.stage && a.done == b.done
                && a.sourceBefore == b.sourceBefore && a.targetAfter?.refcount == b.targetAfter?.refcount
                && a.targetAfter?.mapcount == b.targetAfter?.mapcount
                && a.ptes.map(\.ref) == b.ptes.map(\.ref) && a.ptes.map(\.states) == b.ptes.map(\.states)
        }
    }

    /// Looks at the machine after a micro-step.
    mutating func observe(_ machine: Machine) {
        let current = machine.operation.flatMap { $0.isFinished ? nil : $0.migration }
        if let c = current {
            if followed?.source != c.source {
                if pinned, followed != nil { return }
                let info = machine.pageInfo(c.source)
                followed = Followed(source: c.source, target: c.target, stage: c.stage,
                                    sourceBefore: (info.refcount, info.mapcount), targetAfter: nil,
                                    ptes: machine.mappings(of: c.source).map { ($0, []) })
            }
            followed?.target = c.target
            followed?.stage = c.stage
            recordPTEs(machine)
        } else if followed != nil, followed?.done == false {
            recordPTEs(machine)
            followed?.done = true
            if let t = followed?.target {
                let info = machine.pageInfo(t)
                followed?.targetAfter = (info.refcount, info.mapcount)
            }
        }
    }

    private mutating func recordPTEs(_ machine: Machine) {
        guard var f = followed else { return }
        for i in f.ptes.indices {
            guard let now = machine.pte(f.ptes[i].ref), f.ptes[i].states.last != now else { continue }
            f.ptes[i].states.append(now)
        }
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
