import Testing
@testable import MemEngine

/// `Machine(importing:)`: a machine rebuilt from pages read elsewhere (live mode) keeps every
/// invariant, and offlining its blocks behaves as for a booted machine.
@Suite("Importing a machine")
struct ImportTests {
    // swiftlint:disable:next force_try
    static let geometry = try! Geometry(blockBytes: 1 << 20)

    /// A block of `geometry` with the given pages first and the rest free.
    static func block(_ zone: ZoneType, _ used: [ImportedPage]) -> ImportedBlock {
        let free = Array(repeating: ImportedPage(.free), count: geometry.pagesPerBlock - used.count)
        return ImportedBlock(zone: zone, pages: .each(used + free))
    }

    /// Normal (kernel pages and a spare), then two Movable blocks: the first full of user pages.
    static func machine(movableUsed: [ImportedPage]) throws -> Machine {
        let kernel = Array(repeating: ImportedPage(.slab), count: 40) + Array(repeating: ImportedPage(.reserved), count: 8)
            + [ImportedPage(.pageTable)]
        return try Machine(importing: ImportedMachine(geometry: geometry, cpus: 2, blocks: [
            block(.normal, kernel),
            ImportedBlock(zone: .normal, pages: .counts(used: 16)),
            block(.movable, movableUsed),
            block(.movable, []),
        ]))
    }

    static let userPages: [ImportedPage] = (0..<180).map { i in
        switch i % 4 {
        case 0: ImportedPage(.anon, flags: .active)
        case 1: ImportedPage(.anon)
        case 2: ImportedPage(.file, flags: [.active, .dirty])
        default: ImportedPage(.free)
        }
    }

    @Test("every invariant holds after the import; counts match what was imported")
    func invariantsAfterImport() throws {
        let m = try Self.machine(movableUsed: Self.userPages)
        try m.checkInvariants()
        #expect(m.blocks.count == 4)
        #expect(m.zones.map(\.spanned) == [0, 0, 512, 512])
        let summary = m.blockSummary(BlockID(2))
        #expect(summary.zone == .movable)
        #expect(summary.count(.anon) == 90)
        #expect(summary.count(.file) == 45)
        #expect(summary.count(.free) == 256 - 135)
        #expect(summary.count(.activeAnon) == 45)
        #expect(summary.count(.activeFile) == 45)
        let kernel = m.blockSummary(BlockID(0))
        #expect(kernel.count(.slab) == 40 && kernel.count(.reserved) == 8 && kernel.count(.pageTable) == 1)
        #expect(m.blockSummary(BlockID(1)).count(.slab) == 16)
        // Free pages: all of them in the buddy allocator.
        let imported = 256 - 49 + 256 - 16 + 256 - 135 + 256
        #expect(m.zones.reduce(0) { $0 + $1.freePages } == imported)
        #expect(m.zones[ZoneType.normal.rawValue].managed == 512 - 8)
        #expect(!m.workloadEnabled)
    }

    @Test("a Movable block of user pages offlines: pages migrate, content survives, invariants hold every step")
    func offlineMigrates() throws {
        var m = try Self.machine(movableUsed: Self.userPages)
        let before = contentTokens(m)
        try m.startOffline([BlockID(2)])
        let result = try runChecked(&m)
        #expect(result.outcome == .offlined)
        #expect(m.operation?.migrated == 135)
        #expect(m.blocks[2].state == .offline)
        #expect(contentKept(before: before, after: contentTokens(m)))
    }

    @Test("kernel pages in ZONE_NORMAL: EBUSY as the live verdict says, and the rollback keeps the invariants")
    func kernelBlockIsBusy() throws {
        var m = try Self.machine(movableUsed: [])
        let verdict = m.offlineVerdict(BlockID(0))
        #expect(!verdict.offlinable)
        try m.startOffline([BlockID(0)])
        let result = try runChecked(&m)
        #expect(result.errno == "EBUSY")
        #expect(m.blocks[0].state == .online)
    }

    @Test("the workload can run on an imported machine")
    func workloadRuns() throws {
        var m = try Self.machine(movableUsed: Self.userPages)
        m.workloadEnabled = true
        try stepChecked(&m, steps: 300)
    }

    @Test("x86_64 blocks of 32768 pages import and offline")
    func realGeometry() throws {
        let g = Geometry.x86_64
        var pages = Array(repeating: ImportedPage(.free), count: g.pagesPerBlock)
        for i in stride(from: 0, to: 2000, by: 2) { pages[i] = ImportedPage(i % 4 == 0 ? .anon : .file) }
        var m = try Machine(importing: ImportedMachine(geometry: g, cpus: 4, blocks: [
            ImportedBlock(zone: .normal, pages: .counts(used: 1000)),
            ImportedBlock(zone: .normal, pages: .each(pages)),
        ]))
        try m.checkInvariants()
        try m.startOffline([BlockID(1)])
        m.runOperation()
        #expect(m.operation?.result?.outcome == .offlined)
        #expect(m.operation?.migrated == 1000)
        try m.checkInvariants()
    }

    @Test("descriptions that cannot be a machine are refused with a message")
    func refused() {
        let g = Self.geometry
        #expect(throws: ConfigError.self) { try Machine(importing: ImportedMachine(geometry: g, cpus: 1, blocks: [])) }
        #expect(throws: ConfigError.self) {
            try Machine(importing: ImportedMachine(geometry: g, cpus: 1, blocks: [ImportedBlock(zone: .normal, pages: .each([]))]))
        }
        #expect(throws: ConfigError.self) {
            try Machine(importing: ImportedMachine(geometry: g, cpus: 1, blocks: [
                ImportedBlock(zone: .movable, pages: .counts(used: 0)), ImportedBlock(zone: .normal, pages: .counts(used: 0)),
            ]))
        }
        #expect(throws: ConfigError.self) {
            try Machine(importing: ImportedMachine(geometry: g, cpus: 1, blocks: [Self.block(.normal, [ImportedPage(.pcp)])]))
        }
    }
}
