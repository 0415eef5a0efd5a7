extension Machine {
    // MARK: the 2007 bugs

    /// A crash the kernel would have had: report it, put everything back so the machine stays
    /// usable, and end the operation as failed.
    mutating func kernelBug(_ src: Int, _ text: String) {
        emit(.hotplug, "BUG", block: operation?.block?.raw, pfn: src, detail: EventDetail(text))
        // An oops is printed at KERN_ALERT; the task writing 'state' dies in it.
        message(text, level: .alert)
        putBackAll()
        failIsolated(errno: nil, reason: text, kernelBug: true)
    }

    /// Everything isolated for migration goes back: unmapped folios get their PTEs back and
    /// lose their targets, then every folio goes back to the LRU (or is freed if its owner is
    /// gone).
    mutating func putBackAll() {
        guard let op = operation else { return }
        let st = op.migratePages
        if let st {
            for u in migrateLists.pendingUnmapped(st) + migrateLists.moveAgain { undoUnmap(u, toRet: true) }
            if let t = st.waitingTarget, let src = op.migration?.source.raw {
                freePages(t, order: pages.folioOrder(src), cpu: op.cpu.raw)
            }
            // The undone folios are on callRet now, and no longer pending in `unmapped`.
            migrateLists.unmapped = []
            migrateLists.moveAgain = []
        }
        for raw in migrateLists.heldSources(st) { putBackFolio(Int(raw), cpu: op.cpu.raw) }
        migrateLists.clear()
        operation?.migratePages = nil
        operation?.migration = nil
        operation?.isolateCursor = nil
    }

    /// Without memmap-roundup the hole at the end of a section holds garbage struct pages.
    mutating func garbagePageBug(_ p: Int) {
        kernelBug(p, "BUG: Bad page state: pfn \(PFN(p)) is in the hole at the end of the section and its struct page was never initialised (flags \(String(pages.flags[p], radix: 16)) are garbage); isolate_lru_page() corrupted the LRU")
    }

    mutating func noteMove(src: Int, dst: Int) {
        guard !config.has(.isolateFreedPagesASAP) else { return }
        let token = UInt64(pages.owner[dst]) << 32 | UInt64(pages.index[dst]) | (pages.kindOf(dst) == .file ? 1 << 63 : 0)
        migrateLists.moves[token, default: [src]].append(dst)
    }

    /// A content token that went round inside the range three times: the endless loop.
    func detectMigrationLoop() -> [Int]? {
        guard hasOperation, !config.has(.isolateFreedPagesASAP) else { return nil }
        let range = opRange()
        for key in migrateLists.moves.keys.sorted() {
            guard let path = migrateLists.moves[key] else { continue }
            let inside = path.filter { range.contains($0) }.count
            if inside >= 4 { return path }
        }
        return nil
    }

    mutating func reportLoop(_ path: [Int]) {
        let text = "endless loop: the same content migrated " + path.map { PFN($0).description }.joined(separator: " -> ")
            + ": each freed source page went to cpu\(operation?.cpu.raw ?? 0)'s per-cpu list as Movable and came back as the next migration target inside the range being offlined (no isolate-freed-pages-asap)"
        // memtop's own finding, not a kernel message: an event, not a printk. The kernel just
        // loops until a signal, and then prints its own reason, "signal backoff".
        emit(.hotplug, "no progress", block: operation?.block?.raw, pfn: path.first, toPFN: path.last, detail: EventDetail(text))
        putBackAll()
        operation?.stall = text
        failIsolated(errno: "EINTR", reason: "signal backoff")
    }
}
