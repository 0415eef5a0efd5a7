extension Machine {
    /// The folio the next micro-step of `migrate_pages()` works on: the next of the batch to
    /// unmap, or the next unmapped one to move; nil between loops, passes and calls.
    public var nextMigrationFolio: PFN? {
        guard let st = operation?.migratePages else { return nil }
        switch st.loop {
        case .unmap: return st.index < migrateLists.from.count ? PFN(Int(migrateLists.from[st.index])) : nil
        case .flush: return nil
        case .move: return st.index < migrateLists.unmapped.count ? PFN(Int(migrateLists.unmapped[st.index].src)) : nil
        }
    }

    /// The target `migrate_folio_unmap()` allocated for `source`, while the folio waits in
    /// `unmap_folios` for its move (its `dst_folios` entry); nil before the allocation and
    /// after the move.
    public func migrationTarget(of source: PFN) -> PFN? {
        let src = UInt32(source.raw)
        let pair = migrateLists.unmapped.first { $0.src == src } ?? migrateLists.moveAgain.first { $0.src == src }
        return pair.map { PFN(Int($0.dst)) }
    }
}
