import Foundation
import MemEngine
import Testing
@testable import memtop

/// The lessons as a student meets them: every step of every lesson sets up without a problem,
/// says what it says in at most five lines, and leaves the machine where its text claims.
@Suite("Lessons")
struct LessonTests {
    /// A lesson opened on a 120x40 screen, walked with `>` to `step` (0-based).
    static func open(_ name: String, at step: Int = 0) throws -> LessonApp {
        let lesson = try #require(Lesson.named(name))
        let machine = try Machine(config: MachineConfig(), warmupTicks: 0)
        var app = LessonApp(map: MemtopApp(machine: machine, machineLabel: "t"))
        _ = app.update(.resize(.headlessDefault))
        app.open(lesson)
        for _ in 0..<step { _ = app.update(.key(.char(">"))) }
        #expect(app.stepIndex == step)
        return app
    }

    static func screen(_ app: LessonApp) -> String {
        renderFrame(app, size: .headlessDefault, caps: AppFixture.colour).lines.joined(separator: "\n")
    }

    @Test("every step of every lesson sets up, and its text fits the pane in 2 to 5 lines",
          arguments: Lesson.all.map(\.name))
    func everyStep(name: String) throws {
        var app = try Self.open(name)
        let lesson = try #require(app.lesson)
        for i in lesson.steps.indices {
            #expect(app.stepIndex == i)
            #expect(app.problem == nil, "step \(i + 1) of \(name): \(app.problem ?? "")")
            let pane = LessonPane(lesson: lesson, stepIndex: i, text: lesson.steps[i].text, problem: nil)
            let screen = Rect(.headlessDefault)
            let layout = ScreenLayout(screen, lessonRows: pane.rows(on: screen, tab: .inspector))
            let lines = pane.lines(width: layout.log.width - 2)
            #expect((2...5).contains(lines.count), "step \(i + 1) of \(name) wraps to \(lines.count) lines")
            #expect(pane.area(in: layout).y >= layout.log.y, "on 120x40 the pane fits in the log's place")
            #expect(Self.screen(app).contains("lesson \(lesson.number) \(name): step \(i + 1)/\(lesson.steps.count)"))
            try app.map.machine.checkInvariants()
            _ = app.update(.key(.char(">")))
        }
        #expect(app.update(.key(.char(">"))) == [.bell], "past the last step the lesson says so")
    }

    @Test("< goes back to exactly the machine the previous step showed; q leaves to the list")
    func backAndLeave() throws {
        var app = try Self.open("migrate-anon-page", at: 1)
        let before = app.map.machine
        _ = app.update(.key(.char(">")))
        #expect(app.map.machine != before)
        _ = app.update(.key(.char("<")))
        #expect(app.stepIndex == 1)
        #expect(app.map.machine == before)
        _ = app.update(.key(.char("q")))
        #expect(app.lesson == nil)
        #expect(app.listSelection == Lesson.all.firstIndex { $0.name == "migrate-anon-page" })
        _ = app.update(.key(.char("q")))
        #expect(app.listSelection == nil, "q closes the list to the map")
    }

    @Test("L on the map opens the list; Enter opens the lesson under the selection")
    func listFromMap() throws {
        let machine = try Machine(config: MachineConfig(), warmupTicks: 0)
        var app = LessonApp(map: MemtopApp(machine: machine, machineLabel: "t"))
        _ = app.update(.resize(.headlessDefault))
        _ = app.update(.key(.char("L")))
        #expect(app.listSelection == 0)
        #expect(Self.screen(app).contains("lessons (Enter opens, q closes)"))
        _ = app.update(.key(.down))
        _ = app.update(.key(.enter))
        #expect(app.lesson?.name == Lesson.all[1].name)
        #expect(app.listSelection == nil)
    }

    @Test("lesson 4: the batch is unmapped first (present pfn -> migration entry), then the move points the PTE at the new pfn")
    func migrateAnonPage() throws {
        var app = try Self.open("migrate-anon-page", at: 1)
        let followed = try #require(app.map.spotlight.followed)
        let source = followed.source
        #expect(app.map.machine.kind(source) == .anon)
        #expect(followed.sourceBefore.mapcount == 1)
        let ref = try #require(followed.ptes.first?.ref)
        #expect(app.map.machine.pte(ref) == .present(source))
        #expect(Self.screen(app).contains("next n: migrate_folio_unmap pfn \(source)"))
        // The student presses n: migrate_folio_unmap(): a target, then try_to_migrate().
        _ = app.update(.key(.char("n")))
        #expect(app.map.machine.pte(ref) == .migration(source))
        #expect(app.map.machine.pageInfo(source).mapcount == 0)
        let target = try #require(app.map.spotlight.followed?.target)
        #expect(app.map.spotlight.followed?.reached == .unmap)
        // The rest of the batch is unmapped and the TLB flushed once before any folio moves.
        _ = app.update(.key(.char(">")))
        _ = app.update(.key(.char(">")))
        #expect(app.map.spotlight.followed?.source == source)
        #expect(app.map.spotlight.followed?.reached == .flush)
        #expect(app.map.machine.pte(ref) == .migration(source))
        #expect(app.map.log.contains { $0.text.hasPrefix("try_to_unmap_flush") })
        #expect(Self.screen(app).contains("next n: migrate_folio_move pfn \(source)"))
        _ = app.update(.key(.char("n")))  // migrate_folio_move: copy, remap, free the source
        #expect(app.map.machine.pte(ref) == .present(target))
        #expect(app.map.machine.pageInfo(target).mapcount == 1)
        let history = try #require(app.map.spotlight.followed?.ptes.first?.states)
        #expect(history == [.present(source), .migration(source), .present(target)])
        #expect(app.map.spotlight.followed?.moved == true)
        let screen = Self.screen(app)
        #expect(screen.contains("pte \(source) -> migration entry -> \(target)"))
        #expect(screen.contains("spotlight: pfn \(source)"))
        #expect(screen.contains("moved: [x] target [x] unmap [x] flush [x] copy [x] remap [x] free"))
    }

    @Test("lesson 5: a THP is unmapped as one PMD migration entry, moved whole into a free block of its order, and counted")
    func thpMovedWhole() throws {
        var app = try Self.open("thp-moved-whole", at: 0)
        let head = app.map.cursorPFN
        let order = app.map.machine.pageInfo(head).folioOrder
        #expect(order == app.map.machine.geometry.pageblockOrder, "the teaching geometry's THP is a pageblock")
        #expect(app.map.machine.pageInfo(head).folioHead == head)
        #expect(Self.screen(app).contains("THP head, order \(order)"))
        _ = app.update(.key(.char(">")))
        let followed = try #require(app.map.spotlight.followed)
        #expect(followed.pages == 1 << order)
        let source = followed.source
        let ref = try #require(followed.ptes.first?.ref)
        #expect(followed.ptes.count == 1 && ref.pmdMapped, "one PMD maps the whole folio")
        #expect(app.map.machine.pte(ref) == .present(source))
        #expect(Self.screen(app).contains("next n: migrate_folio_unmap pfn \(source)"))
        _ = app.update(.key(.char("n")))
        let target = try #require(app.map.spotlight.followed?.target)
        #expect(app.map.machine.pte(ref) == .migration(source))
        #expect(app.map.machine.geometry.block(of: target) != app.map.machine.geometry.block(of: source), "outside the range")
        #expect(target.raw % (1 << order) == 0, "the target is a naturally aligned block of the folio's order")
        // Every page of the folio is marked on the map, not only its head.
        let marks = try #require(app.map.migrationMarks)
        #expect(marks.source == source && marks.pages == 1 << order)
        #expect(Self.screen(app).contains("migrating pfn \(source) (a \(1 << order)-page folio) -> \(target)"))
        let whole = app.map.machine.operation?.thpMigrated ?? 0
        _ = app.update(.key(.char(">")))   // the batch unmapped, the TLB flushed
        _ = app.update(.key(.char(">")))   // to its migrate_folio_move()
        _ = app.update(.key(.char("n")))
        #expect(app.map.machine.pte(ref) == .present(target))
        #expect(app.map.machine.pageInfo(target).folioOrder == order)
        #expect(app.map.machine.pageInfo(target).mapcount == 1)
        #expect(app.map.machine.operation?.thpMigrated == whole + 1)
        #expect(Self.screen(app).contains("THPs moved whole \(whole + 1)"))
        #expect(app.map.spotlight.followed?.ptes.first?.states == [.present(source), .migration(source), .present(target)])
        #expect(Self.screen(app).contains("virtual pages \(ref.virtualPage)-\(ref.virtualPage + (1 << order) - 1): pmd \(source) -> migration entry ->"))
        // The source went back to the buddy allocator as one free block of its order.
        #expect(app.map.machine.pageInfo(source).buddyOrder == order)
    }

    @Test("m moves one folio through its unmap and its move; M runs to the next folio's unmap")
    func folioKeys() throws {
        var app = try Self.open("migrate-anon-page", at: 1)
        let first = try #require(app.map.spotlight.followed?.source)
        let migrated = app.map.machine.operation?.migrated ?? 0
        _ = app.update(.key(.char("m")))
        #expect((app.map.machine.operation?.migrated ?? 0) > migrated)
        #expect(app.map.spotlight.followed?.source == first)
        #expect(app.map.spotlight.followed?.moved == true)
        #expect(app.map.machine.pageInfo(first).refcount == 0, "the source is freed")
        _ = app.update(.key(.char("M")))
        let next = try #require(app.map.machine.nextMigrationFolio)
        #expect(next != first)
        #expect(app.map.machine.operation?.migratePages?.loop == .unmap)
        #expect(app.map.spotlight.followed?.source == next)
        #expect(Self.screen(app).contains("next n: migrate_folio_unmap pfn \(next)"))
        // Pinned, the spotlight stays on its folio while the next one moves.
        _ = app.update(.key(.char("f")))
        _ = app.update(.key(.char("m")))
        #expect(app.map.spotlight.followed?.moved == true)
        _ = app.update(.key(.char("M")))
        #expect(app.map.spotlight.followed?.source == next)
    }

    @Test("lesson 6: slab in ZONE_NORMAL fails isolation with EBUSY, 'failure to isolate range', explained")
    func slab() throws {
        let app = try Self.open("slab-ebusy", at: 2)
        let result = try #require(app.map.machine.operation?.result)
        #expect(result.errno == "EBUSY")
        #expect(result.reason == "failure to isolate range")
        let screen = Self.screen(app)
        #expect(screen.contains("why it failed"))
        #expect(screen.contains("has_unmovable_pages() found"))
    }

    @Test("lesson 7: each 2007 bug shows with its fix off, and the same block succeeds with it on")
    func fixes() throws {
        var app = try Self.open("fixes-2007")
        func result() -> HotplugResult? { app.map.machine.operation?.result }
        #expect(result()?.outcome == .failed)
        #expect(app.map.machine.operation?.stall?.contains("endless loop") == true)
        _ = app.update(.key(.char(">")))
        #expect(result()?.outcome == .offlined)
        _ = app.update(.key(.char(">")))
        #expect(result()?.kernelBug == true)
        #expect(result()?.reason?.contains("try_to_unmap") == true)
        _ = app.update(.key(.char(">")))
        #expect(result()?.outcome == .offlined)
        #expect(app.map.log.contains { $0.text.contains("swap-cache folio not yet mapped") })
        _ = app.update(.key(.char(">")))
        _ = app.update(.key(.char("n")))
        _ = app.update(.key(.char("n")))
        #expect(app.map.log.contains { $0.text.hasPrefix("BUG") && $0.text.contains("use-after-free") })
        _ = app.update(.key(.char("n")))
        #expect(result()?.kernelBug == true)
        #expect(result()?.reason?.contains("use-after-free") == true)
        _ = app.update(.key(.char(">")))
        _ = app.update(.key(.char("n")))
        _ = app.update(.key(.char("n")))
        #expect(result() == nil, "with anon-vma-hold the migration goes on")
        _ = app.update(.key(.char(">")))
        // Without memmap-roundup the hole's struct pages are garbage; the 6.x holes check still refuses.
        #expect(app.map.machine.kind(PFN(app.map.machine.pageCount - 1)) == .garbage)
        #expect(result()?.errno == "EINVAL")
        #expect(result()?.reason == "memory holes")
        _ = app.update(.key(.char(">")))
        #expect(app.map.machine.kind(PFN(app.map.machine.pageCount - 1)) != .garbage)
        #expect(result()?.errno == "EINVAL")
        #expect(result()?.reason == "memory holes")
        #expect(Self.screen(app).contains("walk_system_ram_range"))
    }

    @Test("lesson 8: the block comes back into the zone asked for")
    func onlining() throws {
        var app = try Self.open("onlining")
        let block = app.map.cursorBlockID
        #expect(app.map.machine.blocks[block.raw].state == .offline)
        _ = app.update(.key(.char(">")))
        _ = app.update(.key(.char(">")))
        #expect(app.map.machine.blocks[block.raw].state == .online)
        #expect(app.map.machine.zoneType(app.map.machine.pfnRange(of: block).lowerBound) == .normal)
        _ = app.update(.key(.char(">")))
        _ = app.update(.key(.char(">")))
        #expect(app.map.machine.zoneType(app.map.machine.pfnRange(of: block).lowerBound) == .movable)
    }

    @Test("lesson 1: movablecore=50% gives twice the ZONE_MOVABLE blocks of 25%")
    func zones() throws {
        func movableBlocks(_ app: LessonApp) -> Int {
            let m = app.map.machine
            return m.blocks.indices.filter { m.zoneType(m.pfnRange(of: BlockID($0)).lowerBound) == .movable }.count
        }
        var app = try Self.open("zones", at: 1)
        let quarter = movableBlocks(app)
        _ = app.update(.key(.char(">")))
        // Each node's ZONE_MOVABLE starts where the kernel rounds it (MAX_ORDER_NR_PAGES), so one
        // block more or less may be split between zones.
        #expect(abs(movableBlocks(app) - 2 * quarter) <= 1)
    }

    @Test("lesson 1's last step: the zone panel shows DMA32's lowmem reserve for user pages and for the kernel")
    func zonesReserve() throws {
        let app = try Self.open("zones", at: 4)
        let m = app.map.machine
        let zone = try #require(m.zoneIndex(app.map.cursorPFN))
        #expect(m.zones[zone].type == .dma32)
        let reserve = m.zones[zone].lowmemReserve
        #expect(reserve[ZoneType.movable.rawValue] > reserve[ZoneType.normal.rawValue] && reserve[ZoneType.normal.rawValue] > 0)
        #expect(Self.screen(app).contains("lowmem reserve user \(reserve[ZoneType.movable.rawValue])  kernel \(reserve[ZoneType.normal.rawValue])"))
    }

    @Test("lessons 2 and 3: isolation and the per-cpu drain happen where the text says")
    func isolationAndPCP() throws {
        let isolated = try Self.open("pageblocks", at: 3)
        #expect(isolated.map.machine.operation?.isolatedPageblocks == isolated.map.machine.geometry.pageblocksPerBlock)
        var pcp = try Self.open("per-cpu-lists", at: 1)
        #expect(pcp.map.machine.operation?.phase == .pcpDisable)
        _ = pcp.update(.key(.char(">")))
        let zone = try #require(pcp.map.machine.zoneIndex(pcp.map.cursorPFN))
        #expect(pcp.map.machine.zoneStats(zone).perCPU.allSatisfy { $0.count == 0 && $0.high == 0 })
    }

    @Test("on the smallest screen the lesson pane takes the inspector's place too, so its text shows whole")
    func smallScreen() throws {
        var app = try Self.open("migrate-anon-page", at: 1)
        let small = Size(cols: 100, rows: 30)
        _ = app.update(.resize(small))
        let text = renderFrame(app, size: small, caps: AppFixture.colour).lines.joined(separator: "\n")
        #expect(text.contains("migrate_folio_unmap() gets a target, then unmaps it."))
        #expect(text.contains("lesson 4 migrate-anon-page: step 2/5"))
    }
}
