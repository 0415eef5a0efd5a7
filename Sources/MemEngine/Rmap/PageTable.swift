/// A page table entry of the model, as a process's view of one virtual page.
///
/// Encoded in one word: a present pfn, a migration entry (the page is being migrated), a swap
/// entry (the content is in a swap slot), or none.
public struct PTE: Codable, Equatable, Sendable {
    var raw: UInt32

    static let none = PTE(raw: .max)
    static let migrationBit: UInt32 = 1 << 30
    static let swapBit: UInt32 = 1 << 31

    static func present(_ pfn: Int) -> PTE { PTE(raw: UInt32(pfn)) }
    static func migration(_ pfn: Int) -> PTE { PTE(raw: UInt32(pfn) | migrationBit) }
    static func swap(_ slot: Int) -> PTE { PTE(raw: UInt32(slot) | swapBit) }

    var isNone: Bool { raw == .max }
    var presentPFN: Int? { !isNone && raw & (Self.swapBit | Self.migrationBit) == 0 ? Int(raw) : nil }
    var migrationPFN: Int? { !isNone && raw & Self.swapBit == 0 && raw & Self.migrationBit != 0 ? Int(raw & ~Self.migrationBit) : nil }
    var swapSlot: Int? { !isNone && raw & Self.swapBit != 0 ? Int(raw & ~Self.swapBit) : nil }

    /// The entry for the page `offset` pages after this one's: a present pfn or a migration
    /// entry moves with the pfn (a folio's pages are contiguous); others are per page.
    @inline(__always) func advanced(by offset: Int) -> PTE {
        isNone || raw & Self.swapBit != 0 ? self : PTE(raw: raw + UInt32(offset))
    }
}

/// A page middle directory entry (`pmd_t`): one per PMD-sized range of virtual pages (512 on
/// x86_64, a THP's size), either nothing, a pointer to a page of PTEs, or a leaf that maps a
/// whole PMD-sized folio at once (a PMD-mapped THP, `pmd_trans_huge()`) or holds the one
/// migration entry of such a folio under migration (`is_pmd_migration_entry()`).
struct PMD: Codable, Equatable, Sendable {
    var raw: UInt32

    static let none = PMD(raw: .max)
    /// Set in a table entry: the low bits are the PTE page's number in `PageTable.ptePages`.
    /// (A leaf is a present or migration PTE word, which never has this bit: THPs do not swap.)
    static let tableBit: UInt32 = 1 << 31

    static func table(_ page: Int) -> PMD { PMD(raw: UInt32(page) | tableBit) }
    static func leaf(_ pte: PTE) -> PMD { PMD(raw: pte.raw) }

    var isNone: Bool { raw == .max }
    /// The PTE page this entry points at, if it is a table entry.
    var tablePage: Int? { !isNone && raw & Self.tableBit != 0 ? Int(raw & ~Self.tableBit) : nil }
    /// The entry for the folio's head page, if this is a leaf (present or migration).
    var leaf: PTE? { !isNone && raw & Self.tableBit == 0 ? PTE(raw: raw) : nil }
}

/// A process's page tables below the PMD level, as the kernel keeps them: one PMD entry per
/// PMD-sized range of its anonymous area, and a page of PTEs only for a range that is mapped
/// page by page. A PMD-mapped THP costs one entry for all its pages, not one per page.
///
/// Read as a collection it is the PTE view every walker had before: entry `i` is what maps
/// virtual page `i` (a PMD leaf reads as the PTE of each page it maps), and `count` is the
/// number of virtual pages ever faulted (the next fault's index). Writes go through the
/// operations below, which keep the two levels consistent: a write of one PTE inside a PMD
/// leaf first splits the PMD (`split_huge_pmd()`), as the kernel must.
struct PageTable: Codable, Equatable, Sendable, RandomAccessCollection {
    /// log2 of the pages a PMD entry spans (the THP order: 9 on x86_64).
    let pmdOrder: UInt8
    /// Virtual pages faulted so far.
    private(set) var endIndex = 0
    /// One entry per PMD range begun.
    private(set) var pmds: [PMD] = []
    /// The PTE pages, each `1 << pmdOrder` entries, in the order they were allocated.
    private(set) var ptePages: [PTE] = []

    init(pmdOrder: Int) { self.pmdOrder = UInt8(pmdOrder) }

    var startIndex: Int { 0 }
    /// Pages a PMD entry spans.
    var pmdPages: Int { 1 << Int(pmdOrder) }
    private var mask: Int { pmdPages - 1 }

    /// What maps virtual page `i`.
    subscript(i: Int) -> PTE {
        let e = pmds[i >> Int(pmdOrder)]
        if let page = e.tablePage { return ptePages[page << Int(pmdOrder) | (i & mask)] }
        return e.leaf?.advanced(by: i & mask) ?? .none
    }

    /// The PMD leaf that maps virtual page `i`, if a PMD maps it: the head's entry.
    func pmdLeaf(at i: Int) -> PTE? { pmds[i >> Int(pmdOrder)].leaf }

    /// Whether `i` begins a PMD range.
    func isPMDAligned(_ i: Int) -> Bool { i & mask == 0 }

    // MARK: faults

    /// Maps the next virtual page with one PTE (`do_anonymous_page()`), allocating a PTE page
    /// when the page begins a new PMD range (`__pte_alloc()`).
    mutating func append(_ pte: PTE) {
        let i = endIndex
        if i & mask == 0 {
            pmds.append(.table(allocPTEPage()))
        } else if pmds[pmds.count - 1].tablePage == nil {
            // The range's PMD is none (a leaf fills its range, so none can follow one here).
            splitPMD(containing: i - 1)
        }
        endIndex = i + 1
        setInTable(i, pte)
    }

    /// Maps the next PMD range with one PMD entry for the folio at `head`
    /// (`do_huge_pmd_anonymous_page()` → `map_anon_folio_pmd()`). The range must begin a PMD.
    mutating func appendPMD(head: Int) {
        precondition(isPMDAligned(endIndex), "a PMD maps an aligned range")
        pmds.append(.leaf(.present(head)))
        endIndex += pmdPages
    }

    /// Maps a folio of `nr` pages at the next virtual pages: with a PMD when it is PMD-sized and
    /// the range is aligned, page by page otherwise (a PTE-mapped large folio).
    mutating func appendFolio(head: Int, pages nr: Int) {
        if nr == pmdPages && isPMDAligned(endIndex) { return appendPMD(head: head) }
        for i in 0..<nr { append(.present(head + i)) }
    }

    // MARK: changes

    /// Sets the PTE of virtual page `i`, splitting a PMD leaf that covers it.
    mutating func set(_ i: Int, _ pte: PTE) {
        if pmds[i >> Int(pmdOrder)].tablePage == nil { splitPMD(containing: i) }
        setInTable(i, pte)
    }

    /// Sets the entries of a folio's `nr` pages mapped from virtual page `index` on (those
    /// below `count`) to `first` and the pages after it: one PMD entry when a PMD maps the
    /// folio, each PTE otherwise (`try_to_migrate_one()`'s `set_pmd_migration_entry()` or
    /// `set_pte_at()`).
    mutating func setFolio(at index: Int, pages nr: Int, to first: PTE) {
        if mapsWholePMD(index, nr) {
            pmds[index >> Int(pmdOrder)] = .leaf(first)
            return
        }
        for i in 0..<nr where index + i < endIndex { set(index + i, first.advanced(by: i)) }
    }

    /// Replaces the entries of a folio's `nr` pages from virtual page `index` on that still
    /// hold `old` (and the pages after it) with `new` (and the pages after it), as
    /// `remove_migration_ptes()` does; returns how many pages it remapped.
    mutating func replaceFolio(at index: Int, pages nr: Int, from old: PTE, to new: PTE) -> Int {
        if mapsWholePMD(index, nr) {
            guard pmds[index >> Int(pmdOrder)] == .leaf(old) else { return 0 }
            pmds[index >> Int(pmdOrder)] = .leaf(new)
            return nr
        }
        var replaced = 0
        for i in 0..<nr where index + i < endIndex && self[index + i] == old.advanced(by: i) {
            set(index + i, new.advanced(by: i))
            replaced += 1
        }
        return replaced
    }

    /// Clears the PMD leaf of the range that begins at `i` (`zap_huge_pmd()`).
    mutating func clearPMD(at i: Int) {
        precondition(isPMDAligned(i) && pmdLeaf(at: i) != nil, "only a PMD leaf is cleared whole")
        pmds[i >> Int(pmdOrder)] = .none
    }

    /// Turns the PMD leaf that covers virtual page `i` into a page of PTEs that map the same
    /// pages (`__split_huge_pmd()`, with the page table the fault deposited): a migration
    /// entry becomes one per page. A range with no PMD entry gets an empty PTE page.
    mutating func splitPMD(containing i: Int) {
        let r = i >> Int(pmdOrder)
        guard pmds[r].tablePage == nil else { return }
        let leaf = pmds[r].leaf
        let page = allocPTEPage()
        pmds[r] = .table(page)
        guard let leaf else { return }
        let base = page << Int(pmdOrder), n = pmdPages
        ptePages.withUnsafeMutableBufferPointer { b in
            for k in 0..<n { b[base + k] = leaf.advanced(by: k) }
        }
    }

    /// Forgets every mapping (the end of `exit_mmap()`: `free_pgtables()`).
    mutating func removeAll() {
        endIndex = 0
        pmds = []
        ptePages = []
    }

    /// Pages mapped by a present entry (PTE or PMD).
    var residentPages: Int {
        var n = 0
        for (r, e) in pmds.enumerated() {
            if let page = e.tablePage {
                let base = page << Int(pmdOrder)
                for k in 0..<Swift.min(pmdPages, endIndex - r * pmdPages) where ptePages[base + k].presentPFN != nil { n += 1 }
            } else if e.leaf?.presentPFN != nil {
                n += pmdPages
            }
        }
        return n
    }

    // MARK: private

    /// Whether a PMD leaf maps exactly the `nr` pages from `index` on.
    private func mapsWholePMD(_ index: Int, _ nr: Int) -> Bool {
        nr == pmdPages && isPMDAligned(index) && index < endIndex && pmds[index >> Int(pmdOrder)].leaf != nil
    }

    @inline(__always) private mutating func setInTable(_ i: Int, _ pte: PTE) {
        guard let page = pmds[i >> Int(pmdOrder)].tablePage else { preconditionFailure("no PTE page") }
        ptePages[page << Int(pmdOrder) | (i & mask)] = pte
    }

    /// A new page of PTEs, all none. The pages grow by a quarter, not the array's default
    /// doubling: page tables are the engine's largest table after the page arrays.
    private mutating func allocPTEPage() -> Int {
        let page = ptePages.count >> Int(pmdOrder)
        if ptePages.count + pmdPages > ptePages.capacity {
            ptePages.reserveCapacity(ptePages.count + ptePages.count / 4 + pmdPages)
        }
        ptePages.append(contentsOf: repeatElement(.none, count: pmdPages))
        return page
    }
}
