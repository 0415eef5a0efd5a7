/// NR_MAX_BATCHED_MIGRATION: pages `migrate_pages()` takes into one batch (HPAGE_PMD_NR).
let maxBatchedMigration = 512
/// NR_MAX_MIGRATE_ASYNC_RETRY: passes of the asynchronous try at a batch.
let maxMigrateAsyncRetry = 3
/// NR_MAX_MIGRATE_SYNC_RETRY (NR_MAX_MIGRATE_PAGES_RETRY 10 less the async 3): passes of the
/// synchronous try at each folio the async passes left.
let maxMigrateSyncRetry = 7

/// Where `migrate_pages()` is: which `migrate_pages_batch()` call runs, in which loop, which
/// pass, which folio. Scalars only; the folio lists are `Machine.migrateLists`.
public struct MigratePagesState: Codable, Equatable, Sendable {
    /// The `migrate_pages_batch()` calls `migrate_pages()` makes for each batch.
    public enum Call: String, Codable, Sendable {
        /// `migrate_pages_sync()` first tries the whole batch with MIGRATE_ASYNC, 3 passes.
        case asyncBatch = "MIGRATE_ASYNC"
        /// Then each folio that is left alone, with MIGRATE_SYNC, 7 passes.
        case syncOne = "MIGRATE_SYNC"
        /// Then the pieces of large folios split for want of a target, MIGRATE_ASYNC, 1 pass.
        case splitFolios = "MIGRATE_ASYNC split folios"

        var passes: Int {
            switch self {
            case .asyncBatch: maxMigrateAsyncRetry
            case .syncOne: maxMigrateSyncRetry
            case .splitFolios: 1
            }
        }
        var isAsync: Bool { self != .syncOne }
    }
    /// The loops of `migrate_pages_batch()`: unmap every folio, flush the TLB once, move them.
    public enum Loop: String, Codable, Sendable {
        case unmap = "migrate_folio_unmap"
        case flush = "try_to_unmap_flush"
        case move = "migrate_folio_move"
    }
    public internal(set) var call: Call = .asyncBatch
    public internal(set) var loop: Loop = .unmap
    /// The pass of the current loop, from 0.
    public internal(set) var pass = 0
    /// The next folio of the loop's list.
    var index = 0
    /// A folio waited for in MIGRATE_SYNC (its lock or its writeback), with the target it got.
    var waitingTarget: Int?
    /// `migrate_folio_unmap()` returned -ENOMEM for an order-0 folio: the call moves what it
    /// unmapped, then `migrate_pages()` ends.
    var outOfMemory = false
}

/// A folio between `migrate_folio_unmap()` and `migrate_folio_move()`, with its target and what
/// to undo (the kernel records these in unused fields of the target, `__migrate_folio_record()`).
struct UnmappedFolio: Codable, Equatable, Sendable {
    var src: UInt32
    var dst: UInt32
    /// The source was mapped and its PTEs are migration entries.
    var wasMapped: Bool
    /// A reference on the anon_vma was taken (`folio_get_anon_vma()`).
    var heldAnonVMA: Bool
}

/// The folio lists of `do_migrate_range()` and `migrate_pages()` (folio heads as pfns).
struct MigrateLists: Codable, Equatable, Sendable {
    /// do_migrate_range()'s `source`: isolated folios not yet taken into a batch.
    var source: [UInt32] = []
    var sourceNext = 0
    /// The `from` list of the running `migrate_pages_batch()` call, this pass.
    var from: [UInt32] = []
    /// Folios that got -EAGAIN from `migrate_folio_unmap()` this pass (they stay on `from`).
    var again: [UInt32] = []
    /// `unmap_folios` with their `dst_folios`, and those that got -EAGAIN from the move.
    var unmapped: [UnmappedFolio] = []
    var moveAgain: [UnmappedFolio] = []
    /// The call's `ret_folios`.
    var callRet: [UInt32] = []
    /// `migrate_pages_sync()`: the folios the async call left, tried one by one.
    var syncQueue: [UInt32] = []
    var syncNext = 0
    /// `split_folios`: the pieces of large folios that had no target of their order.
    var split: [UInt32] = []
    /// `migrate_pages()`'s `ret_folios`: put back on the LRU at the end.
    var ret: [UInt32] = []
    /// Folios of `ret` that -ENOMEM put back untried or unfinished: the kernel counts only the
    /// folio that hit it in pgmigrate_fail (`migrate_pages_batch()`, mm/migrate.c).
    var uncounted: Set<UInt32> = []
    /// How many times each content token moved (only without isolate-freed-pages-asap, to find
    /// the endless loop that the fix prevents).
    var moves: [UInt64: [Int]] = [:]

    /// Every isolated folio these lists hold while `state` runs (entries of `from` and
    /// `unmapped` before its cursor are done with).
    func heldSources(_ state: MigratePagesState?) -> [UInt32] {
        let st = state ?? MigratePagesState()
        var out = Array(source[sourceNext...])
        if st.loop == .unmap { out += from[min(st.index, from.count)...] }
        out += again
        out += pendingUnmapped(st).map(\.src)
        out += moveAgain.map(\.src)
        out += callRet
        out += syncQueue[syncNext...]
        out += split
        out += ret
        return out
    }

    /// The unmapped folios not yet moved, with their targets.
    func pendingUnmapped(_ st: MigratePagesState) -> ArraySlice<UnmappedFolio> {
        st.loop == .move ? unmapped[min(st.index, unmapped.count)...] : unmapped[...]
    }

    mutating func clear() {
        let keepMoves = moves
        self = MigrateLists()
        moves = keepMoves
    }
}

extension Machine {
    /// `migrate_pages()` again: the next batch of the source list, up to
    /// NR_MAX_BATCHED_MIGRATION pages (the folio that reaches the limit is the last taken), or
    /// the end when the list is done.
    mutating func startNextBatch() {
        let src = migrateLists.source
        var i = migrateLists.sourceNext, nr = 0
        guard i < src.count else { return endMigratePages() }
        var batch: [UInt32] = []
        while i < src.count {
            batch.append(src[i])
            nr += pages.folioPages(Int(src[i]))
            i += 1
            if nr >= maxBatchedMigration { break }
        }
        migrateLists.sourceNext = i
        emit(.hotplug, "migrate_pages_sync", block: operation?.block?.raw, pfn: Int(batch[0]),
             detail: "batch of \(batch.count) folios (\(nr) pages), MIGRATE_ASYNC first")
        startCall(.asyncBatch, folios: batch)
    }

    /// Starts one `migrate_pages_batch()` call on `folios`.
    mutating func startCall(_ call: MigratePagesState.Call, folios: [UInt32]) {
        migrateLists.from = folios
        migrateLists.again.removeAll(keepingCapacity: true)
        migrateLists.unmapped.removeAll(keepingCapacity: true)
        migrateLists.moveAgain.removeAll(keepingCapacity: true)
        migrateLists.callRet.removeAll(keepingCapacity: true)
        var st = MigratePagesState()
        st.call = call
        operation?.migratePages = st
        operation?.pass = 1
    }

    /// One micro-step of `migrate_pages()`: one folio unmapped or moved, the TLB flush, or the
    /// bookkeeping between passes and calls.
    mutating func stepMigratePages() {
        guard var st = operation?.migratePages else { return }
        switch st.loop {
        case .unmap:
            if st.index < migrateLists.from.count {
                let src = Int(migrateLists.from[st.index])
                let done = migrateFolioUnmap(src, state: &st)
                // A kernel BUG put everything back and ended migrate_pages().
                guard operation?.migratePages != nil else { return }
                if done { st.index += 1 }
                if st.outOfMemory {
                    // The rest of the list stays on `from`; what was unmapped is still moved.
                    migrateLists.again.append(contentsOf: migrateLists.from[st.index...])
                    st.index = migrateLists.from.count
                    st.pass = st.call.passes
                }
                operation?.migratePages = st
                return
            }
            if !migrateLists.again.isEmpty && st.pass + 1 < st.call.passes {
                migrateLists.from = migrateLists.again
                migrateLists.again.removeAll(keepingCapacity: true)
                return nextPass(&st, folios: migrateLists.from.count, first: Int(migrateLists.from[0]))
            }
            st.pass = 0
            st.index = 0
            operation?.pass = 1
            if migrateLists.unmapped.isEmpty {
                operation?.migratePages = st
                return finishCall()
            }
            st.loop = st.call.isAsync ? .flush : .move
            operation?.migratePages = st

        case .flush:
            // try_to_migrate() with TTU_BATCH_FLUSH left the TLB flush to this one call.
            let n = migrateLists.unmapped.count
            emit(.hotplug, "try_to_unmap_flush", block: operation?.block?.raw,
                 detail: "one TLB flush for \(n) unmapped folio\(n == 1 ? "" : "s"), then they move")
            st.loop = .move
            operation?.migratePages = st

        case .move:
            if st.index < migrateLists.unmapped.count {
                let u = migrateLists.unmapped[st.index]
                st.index += 1
                operation?.migratePages = st
                migrateFolioMove(u, state: st)
                return
            }
            if !migrateLists.moveAgain.isEmpty && st.pass + 1 < st.call.passes {
                migrateLists.unmapped = migrateLists.moveAgain
                migrateLists.moveAgain.removeAll(keepingCapacity: true)
                return nextPass(&st, folios: migrateLists.unmapped.count, first: Int(migrateLists.unmapped[0].src))
            }
            // Out of passes: the folios still unmapped get their PTEs back (`migrate_folio_undo_src()`).
            for u in migrateLists.moveAgain { undoUnmap(u, toRet: true) }
            migrateLists.moveAgain.removeAll(keepingCapacity: true)
            migrateLists.unmapped.removeAll(keepingCapacity: true)
            finishCall()
        }
    }

    /// The next pass of the current loop over the folios that got -EAGAIN.
    mutating func nextPass(_ st: inout MigratePagesState, folios: Int, first: Int) {
        st.pass += 1
        st.index = 0
        operation?.retries += folios
        operation?.pass = st.pass + 1
        operation?.migratePages = st
        emit(.hotplug, "migrate_pages_batch", block: operation?.block?.raw, pfn: first,
             detail: "\(st.call.rawValue) \(st.loop.rawValue) pass \(st.pass + 1) of \(st.call.passes): \(folios) folio\(folios == 1 ? "" : "s") again (-EAGAIN)")
    }

    /// The end of one `migrate_pages_batch()` call: where its leftovers go, and the next call.
    mutating func finishCall() {
        guard let st = operation?.migratePages else { return }
        let leftover = migrateLists.again + migrateLists.callRet
        migrateLists.again.removeAll(keepingCapacity: true)
        migrateLists.callRet.removeAll(keepingCapacity: true)
        migrateLists.from.removeAll(keepingCapacity: true)
        if st.outOfMemory {
            // -ENOMEM ends migrate_pages(): everything not moved is put back; only the folio
            // that hit it counts as failed.
            let rest = leftover + migrateLists.syncQueue[migrateLists.syncNext...] + migrateLists.split
            let hit = operation?.lastFailurePFN.map { UInt32(pages.folioHead($0)) }
            migrateLists.uncounted.formUnion(rest.filter { $0 != hit })
            migrateLists.ret += rest
            migrateLists.syncQueue = []
            migrateLists.syncNext = 0
            migrateLists.split = []
            return endMigratePages()
        }
        switch st.call {
        case .asyncBatch:
            // migrate_pages_sync(): every folio the async call left is tried again alone.
            migrateLists.syncQueue = leftover
            migrateLists.syncNext = 0
            if !leftover.isEmpty {
                emit(.hotplug, "migrate_pages_sync", block: operation?.block?.raw, pfn: Int(leftover[0]),
                     detail: "\(leftover.count) folio\(leftover.count == 1 ? "" : "s") left by MIGRATE_ASYNC, now one at a time with MIGRATE_SYNC")
            }
        case .syncOne, .splitFolios:
            migrateLists.ret += leftover
        }
        if migrateLists.syncNext < migrateLists.syncQueue.count {
            let next = migrateLists.syncQueue[migrateLists.syncNext]
            migrateLists.syncNext += 1
            return startCall(.syncOne, folios: [next])
        }
        migrateLists.syncQueue.removeAll(keepingCapacity: true)
        migrateLists.syncNext = 0
        if !migrateLists.split.isEmpty {
            let pieces = migrateLists.split
            migrateLists.split = []
            emit(.hotplug, "migrate_pages_batch", block: operation?.block?.raw, pfn: Int(pieces[0]),
                 detail: "\(pieces.count) pages of split folios, MIGRATE_ASYNC, one pass")
            return startCall(.splitFolios, folios: pieces)
        }
        startNextBatch()
    }
}
