import Testing
@testable import MemEngine

/// A process's page tables as the kernel keeps them: a PMD-mapped THP is one PMD entry, and a
/// page of PTEs exists only for a range mapped page by page.
@Suite("Page tables: PMD entries and PTE pages")
struct PageTableTests {
    /// A 128 MiB teaching machine (THP order 6), THP on, the workload stopped.
    func thpMachine() throws -> Machine {
        var config = MachineConfig(memoryBytes: 128 << 20, seed: 1)
        config.thp = .always
        var m = try Machine(config: config)
        m.workloadEnabled = false
        m.eventFilter = .all
        _ = m.drainEvents()
        return m
    }

    /// Every PMD-mapped THP of the machine: (pid, first virtual page, head pfn).
    func pmdMappedTHPs(_ m: Machine) -> [(pid: Int, index: Int, head: Int)] {
        var out: [(Int, Int, Int)] = []
        for pid in m.alivePIDs {
            let t = m.processes[pid].ptes
            for index in stride(from: 0, to: t.count, by: t.pmdPages) {
                if let head = t.pmdLeaf(at: index)?.presentPFN { out.append((pid, index, head)) }
            }
        }
        return out
    }

    @Test("a PMD entry reads as the PTE of each page it maps; one PTE written inside it splits it into a PTE page")
    func entriesAndSplit() {
        var t = PageTable(pmdOrder: 3)
        for p in [40, 41, 42] { t.append(.present(p)) }
        #expect(t.count == 3 && t.pmds.count == 1 && t.ptePages.count == 8, "an order-0 fault allocates a PTE page for its range")
        for p in 43..<48 { t.append(.present(p)) }
        t.appendPMD(head: 64)
        #expect(t.count == 16 && t.pmds.count == 2 && t.ptePages.count == 8, "a THP is one PMD entry, no PTE page")
        #expect((0..<8).allSatisfy { t[8 + $0] == .present(64 + $0) })
        #expect(t.residentPages == 16)

        t.set(10, .swap(3))
        #expect(t.ptePages.count == 16 && t.pmdLeaf(at: 10) == nil, "split_huge_pmd: the range now has a PTE page")
        #expect(t[10] == .swap(3) && t[9] == .present(65) && t[15] == .present(71))
        #expect(t.residentPages == 15)
    }

    @Test("a PMD-mapped folio under migration holds one PMD migration entry, remapped whole")
    func pmdMigrationEntry() {
        var t = PageTable(pmdOrder: 3)
        t.appendPMD(head: 128)
        t.setFolio(at: 0, pages: 8, to: .migration(128))
        #expect(t.pmdLeaf(at: 0) == .migration(128) && t[5] == .migration(133) && t.ptePages.isEmpty)
        #expect(t.replaceFolio(at: 0, pages: 8, from: .migration(999), to: .present(256)) == 0, "only the entries that still hold the source")
        #expect(t.replaceFolio(at: 0, pages: 8, from: .migration(128), to: .present(256)) == 8)
        #expect(t.pmdLeaf(at: 0) == .present(256) && t[7] == .present(263) && t.ptePages.isEmpty)
        // A split of a PMD migration entry gives a migration entry per page.
        t.setFolio(at: 0, pages: 8, to: .migration(256))
        t.splitPMD(containing: 3)
        #expect(t.pmdLeaf(at: 0) == nil && (0..<8).allSatisfy { t[$0] == .migration(256 + $0) })
        #expect(t.replaceFolio(at: 0, pages: 8, from: .migration(256), to: .present(256)) == 8)
        #expect(t.residentPages == 8)
    }

    @Test("with THP on, a process's page tables hold a PMD word per THP and PTE pages only for ranges mapped page by page")
    func thpFaultsMapByPMD() throws {
        let m = try thpMachine()
        let thps = pmdMappedTHPs(m)
        #expect(thps.count > 16, "the light workload's anon memory is mostly THP")
        for pid in m.alivePIDs {
            let t = m.processes[pid].ptes
            let tables = t.pmds.filter { $0.tablePage != nil }.count
            #expect(t.ptePages.count == tables * t.pmdPages)
        }
        let entries = m.alivePIDs.reduce(0) { $0 + m.processes[$1].ptes.count }
        let words = m.alivePIDs.reduce(0) { $0 + m.processes[$1].ptes.pmds.count + m.processes[$1].ptes.ptePages.count }
        #expect(words < entries / 2, "\(words) words for \(entries) virtual pages")
        for (pid, index, head) in thps {
            #expect(m.pages.folioOrder(head) == m.thpOrder && Int(m.pages.owner[head]) == pid && Int(m.pages.index[head]) == index)
        }
    }

    @Test("an offline moves a PMD-mapped THP with one PMD migration entry and no PTE page, then maps the new folio by PMD")
    func offlineKeepsPMDMapping() throws {
        var m = try thpMachine()
        let block = try #require(offlinableBlocks(m, zone: .movable).first)
        let range = m.blockRange(block)
        let moving = pmdMappedTHPs(m).filter { range.contains($0.head) }
        #expect(moving.count > 4)
        try m.startOffline([block])
        var sawMigrationEntry = false
        while let op = m.operation, !op.isFinished {
            m.step()
            try m.checkInvariants()
            for (pid, index, head) in moving where m.processes[pid].ptes.pmdLeaf(at: index) == .migration(head) {
                sawMigrationEntry = true
            }
        }
        #expect(m.operation?.result?.outcome == .offlined)
        #expect(sawMigrationEntry, "try_to_migrate left one PMD migration entry")
        // A THP for which no target of its order could be had, free or made by compaction, is
        // split first (split_folio_to_list): its range is then mapped by a PTE page. Every other
        // one moved whole and is still one PMD entry.
        var whole = 0, split = 0
        for (pid, index, head) in moving {
            let t = m.processes[pid].ptes
            if let leaf = t.pmdLeaf(at: index)?.presentPFN {
                whole += 1
                #expect(leaf != head && !range.contains(leaf) && m.pages.folioOrder(leaf) == m.thpOrder)
                #expect(t.pmds[index / t.pmdPages].tablePage == nil, "no PTE page was allocated for it")
            } else {
                split += 1
                #expect(t.pmds[index / t.pmdPages].tablePage != nil)
                #expect((0..<m.thpOrder.pagesCount).allSatisfy { t[index + $0].presentPFN.map { !range.contains($0) } ?? true },
                        "a split THP's pages are mapped page by page, outside the block: \((0..<m.thpOrder.pagesCount).map { t[index + $0] })")
            }
        }
        #expect(split == m.operation?.thpSplit)
        #expect(whole > 4 && whole >= 2 * split, "\(whole) THPs moved whole, \(split) split")
    }

    @Test("split_folio_to_list turns the PMD into a PTE page that maps the same pages")
    func splitMakesPTEPage() throws {
        var m = try thpMachine()
        let (pid, index, head) = try #require(pmdMappedTHPs(m).first { m.pages.has($0.head, .lru) })
        let before = (0..<m.thpOrder.pagesCount).map { m.processes[pid].ptes[index + $0] }
        let isolated = m.isolateLRU(head)
        #expect(isolated)
        let pieces = m.splitFolio(head)
        for p in pieces { m.putbackLRU(p) }
        try m.checkInvariants()
        let t = m.processes[pid].ptes
        #expect(t.pmdLeaf(at: index) == nil)
        #expect((0..<m.thpOrder.pagesCount).map { t[index + $0] } == before)
    }

    @Test("the invariant check names a PMD that maps the wrong folio or a folio mapped twice over")
    func invariantsCoverPMDs() throws {
        let m = try thpMachine()
        let (pid, index, head) = try #require(pmdMappedTHPs(m).first)
        let other = try #require(pmdMappedTHPs(m).first { $0.head != head }?.head)

        var wrong = m
        wrong.processes[pid].ptes.setFolio(at: index, pages: m.thpOrder.pagesCount, to: .present(other))
        #expect(throws: InvariantViolation.self) { try wrong.checkInvariants() }
        do { try wrong.checkInvariants() } catch {
            #expect(error.message.contains("pid \(pid) pmd \(index / m.thpOrder.pagesCount)"), "\(error.message)")
        }

        var twice = m
        twice.pages.mapcount[head] = 2
        do {
            try twice.checkInvariants()
            Issue.record("a PMD-mapped folio with mapcount 2 passed")
        } catch {
            #expect(error.message.contains("mapcount 2"), "\(error.message)")
        }
    }
}
