import MemEngine

/// The spotlight pane: source and target side by side, the stages, each PTE's history and the
/// counts before and after.
struct SpotlightPane {
    var spotlight: Spotlight
    var machine: Machine

    func lines() -> [(String, Style)] {
        guard let f = spotlight.followed else { return [("No folio has been migrated yet: M runs to the next migration.", .plain)] }
        func place(_ p: PFN) -> String {
            "\(p) \(machine.geometry.block(of: p)) \(EventText.place(of: p, machine: machine) ?? "no zone")"
        }
        var out: [(String, Style)] = []
        out.append(("from \(place(f.source)) -> to \(f.target.map(place) ?? "(no target yet)")", .plain.bold()))
        // The stages of the batched migrate_pages() (6.3+): the whole batch is unmapped, one
        // TLB flush, then each folio is moved; marked from the events seen for this folio.
        let next = f.done ? nil : Spotlight.Mark(rawValue: (f.reached?.rawValue ?? -1) + 1)
        let marks = Spotlight.Mark.allCases.map { m in
            (m.rawValue <= (f.reached?.rawValue ?? -1) ? "[x] " : (m == next ? "[>] " : "[ ] ")) + m.label
        }
        out.append(((f.moved ? "moved: " : "") + marks.joined(separator: " "), .plain))
        if f.done, let why = f.failure { out.append(("ended without moving: " + why, .plain)) }
        if f.ptes.isEmpty {
            out.append(("no PTE maps it (a file page is found through the page cache, not a PTE)", .plain.dim()))
        }
        for pte in f.ptes {
            // A PMD-mapped THP has one entry for all its pages, one migration entry.
            let mapping = pte.ref.pmdMapped
                ? "virtual pages \(pte.ref.virtualPage)-\(pte.ref.virtualPage + f.pages - 1): pmd "
                : "virtual page \(pte.ref.virtualPage): pte "
            out.append(("pid \(pte.ref.pid), " + mapping + Spotlight.history(pte.states), .plain))
        }
        let src = machine.pageInfo(f.source)
        var counts = "refcount/mapcount: source \(f.sourceBefore.refcount)/\(f.sourceBefore.mapcount) -> \(src.refcount)/\(src.mapcount)"
        if let t = f.target {
            let now = f.targetAfter ?? { let i = machine.pageInfo(t); return (i.refcount, i.mapcount) }()
            counts += "   target \(now.refcount)/\(now.mapcount)"
        }
        out.append((counts, .plain))
        return out
    }

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let mode = spotlight.pinned ? "pinned (f follows)" : "following (f pins)"
        let title = "spotlight: " + (spotlight.followed.map { "pfn \($0.source)" } ?? "migration") + ", \(mode); Tab: inspector"
        let inside = buffer.drawBorder(area, title: title, style: caps.usesColor ? Style(fg: .brightYellow, attributes: .bold) : .plain.bold(), caps: caps)
        for (i, line) in lines().prefix(inside.height).enumerated() {
            buffer.set(line.0, x: inside.x, y: inside.y + i, style: line.1, clip: inside)
        }
    }
}

/// The phase pane: what the lit phase does, why, and where to read it; after a failure, what
/// the kernel's reason means.
struct PhasePane {
    var operation: HotplugOperation

    func lines(width: Int) -> [(String, Style)] {
        var out: [(String, Style)] = []
        if let result = operation.result, result.outcome == .failed {
            if case .online = operation.kind {
                out += wrap("\(result.errno ?? "error"): the write of 'state' failed", width: width).map { ($0, .plain.bold()) }
                return out + wrap(FailureExplanation.online, width: width).map { ($0, .plain) }
            }
            let reason = result.reason ?? "?"
            out += wrap("\(result.errno ?? "kernel bug"): \"\(reason)\"", width: width).map { ($0, .plain.bold()) }
            if let stall = operation.stall {
                // Why the signal was sent matters more than what a signal does.
                return out + wrap("The engine saw no progress and sent the signal: " + stall, width: width).map { ($0, .plain) }
            }
            let text = FailureExplanation.text(for: reason) ?? (result.kernelBug
                ? "a bug of the 2007 code, shown because its fix is switched off (--without); the machine was rolled back."
                : "the offline was rolled back by undo_isolate_page_range().")
            out += wrap(text, width: width).map { ($0, .plain) }
            return out
        }
        let e = PhaseExplanation.of(operation.phase)
        // At 120x40 the pane is 68 columns wide and "mm/memory_hotplug.c: do_migrate_range() ->
        // migrate_pages() in mm/migrate.c" is not: the file goes first, then the heading wraps.
        let heading = "\(e.file): \(e.function)"
        out += wrap(heading.count <= width ? heading : e.function, width: width).map { ($0, .plain.bold()) }
        out += wrap(e.what, width: width).map { ($0, .plain) }
        out += wrap("Why: " + e.why, width: width).map { ($0, .plain.dim()) }
        return out
    }

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let title = operation.isFinished ? "why it failed; Tab: inspector" : "phase: \(operation.phase.kernelName); Tab: inspector"
        let inside = buffer.drawBorder(area, title: title, style: caps.usesColor ? Style(fg: .brightCyan, attributes: .bold) : .plain.bold(), caps: caps)
        for (i, line) in lines(width: inside.width).prefix(inside.height).enumerated() {
            buffer.set(line.0, x: inside.x, y: inside.y + i, style: caps.usesColor ? line.1 : Style(attributes: line.1.attributes), clip: inside)
        }
    }
}
