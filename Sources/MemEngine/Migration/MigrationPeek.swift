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

}
