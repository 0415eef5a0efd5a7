import Testing
@testable import MemEngine

@Suite("Geometry and machine shape")
struct GeometryTests {
    @Test("x86_64 has the kernel's numbers")
    func x86() throws {
        let g = Geometry.x86_64
        #expect(g.pageSize == 4096)
        #expect(g.pageblockOrder == 9)
        #expect(g.maxOrder == 10)
        #expect(g.blockBytes == 128 << 20)
        #expect(g.pageblocksPerBlock == 64)
        #expect(try Geometry(blockBytes: 128 << 20) == g)
    }

    @Test("the teaching geometry keeps the rules and fits a block on a 120x40 screen")
    func teaching() {
        let g = Geometry.teaching
        #expect(g.maxOrder == g.pageblockOrder + 1)
        #expect(g.pageblocksPerBlock == 32)
        // Two pages per cell: 1024 cells, e.g. 64 columns x 16 rows of a 120x40 screen.
        #expect(g.pagesPerBlock / 2 <= 64 * 16)
    }

    @Test("impossible geometry is a clear error", arguments: [3 << 20, 0, 512 << 10, 4 << 30])
    func badBlockSize(bytes: Int) {
        #expect(throws: GeometryError.self) { try Geometry(blockBytes: bytes) }
    }

    @Test("bad machine options are refused with a message")
    func badConfig() {
        var c = MachineConfig()
        c.memoryBytes = 0
        #expect(throws: ConfigError.self) { try c.validate() }
        c = MachineConfig(kernelcore: .percent(200))
        #expect(throws: ConfigError.self) { try c.validate() }
        c = MachineConfig(movablecore: .bytes(2 << 30))
        #expect(throws: ConfigError.self) { try c.validate() }
        c = MachineConfig(nodes: 0)
        #expect(throws: ConfigError.self) { try c.validate() }
    }

    @Test("sizes parse as the kernel's command line writes them")
    func sizes() {
        #expect(ByteSize.parse("1G") == 1 << 30)
        #expect(ByteSize.parse("512M") == 512 << 20)
        #expect(ByteSize.parse("4096") == 4096)
        #expect(ByteSize.parse("3X") == nil)
        #expect(ByteSize.parse("") == nil)
        #expect(ByteSize.parse("-1G") == nil)
        #expect(MemoryAmount.parse("25%") == .percent(25))
        #expect(MemoryAmount.parse("2G") == .bytes(2 << 30))
    }
}

@Suite("Zone layout")
struct ZoneLayoutTests {
    func zones(_ m: Machine, node: Int) -> [ZoneType: Range<Int>] {
        var out: [ZoneType: Range<Int>] = [:]
        for z in m.zones where z.node.raw == node && z.spanned > 0 {
            out[z.type] = z.startPFN.raw..<z.endPFN.raw
        }
        return out
    }

    @Test("x86_64 zones: DMA below 16 MiB, DMA32 below 4 GiB, Normal above")
    func x86Zones() throws {
        let c = MachineConfig(geometry: .x86_64, memoryBytes: 8 << 30, nodes: 1, cpus: 2, movablecore: nil, workload: .idle)
        let m = try Machine(config: c, warmupTicks: 0, populated: false)
        let z = zones(m, node: 0)
        // No RAM at pfn 0 (trim_bios_range()): DMA starts at pfn 1.
        #expect(z[.dma] == 1..<4096)
        #expect(z[.dma32] == 4096..<(1 << 20))
        #expect(z[.normal] == (1 << 20)..<(2 << 20))
        #expect(z[.movable] == nil)
    }

    @Test("movablecore carves ZONE_MOVABLE from the top of each node, kernelcore spread evenly over the nodes")
    func movablecore() throws {
        let c = MachineConfig(geometry: .x86_64, memoryBytes: 16 << 30, nodes: 2, cpus: 2, movablecore: .bytes(4 << 30), workload: .idle)
        let m = try Machine(config: c, warmupTicks: 0, populated: false)
        // find_zone_movable_pfns_for_nodes(): totalpages 4194304 less the 98 pages of holes
        // below 1 MiB; kernelcore 4194206 - 1048576 = 3145630, 1572815 a node. Node 0 counts
        // all of its memory below 4 GiB (1048478 present pages) and takes 524337 more above,
        // ending at 1572913, rounded up to MAX_ORDER_NR_PAGES (1024): 1573888. Node 1 (from
        // 2097152, all above 4 GiB) ends its kernel memory at 3669967, rounded up: 3670016.
        #expect(zones(m, node: 0)[.movable] == 1_573_888..<2_097_152)
        #expect(zones(m, node: 1)[.movable] == 3_670_016..<4_194_304)
        for n in 0..<2 {
            let z = zones(m, node: n)
            #expect(z[.movable]?.upperBound == m.nodes[n].endPFN.raw)
            #expect(z[.normal]?.upperBound == z[.movable]?.lowerBound)
        }
    }

    @Test("kernelcore counts present pages and rounds up to MAX_ORDER_NR_PAGES, not to a block")
    func kernelcore() throws {
        let c = MachineConfig(memoryBytes: 1 << 30, nodes: 1, cpus: 1, kernelcore: .bytes(768 << 20), movablecore: nil, workload: .idle)
        let m = try Machine(config: c, warmupTicks: 0, populated: false)
        // Teaching geometry: 8 pages of holes below 64 KiB (1 MiB scaled); ZONE_MOVABLE may
        // only come from ZONE_NORMAL (from pfn 65536), so the kernel's 196608 pages end at
        // 196616, rounded up to 128 pages (MAX_PAGE_ORDER 7): 196736, 128 pages into block 96,
        // which spans two zones.
        let movable = try #require(m.zones.first { $0.type == .movable && $0.spanned > 0 })
        #expect(movable.startPFN.raw == 196_736)
        #expect(movable.present == (1 << 30) / 4096 - 196_736)
        #expect(m.validZones(BlockID(96)).isEmpty)
        #expect(m.validZones(BlockID(97)) == [.movable])
    }

    @Test("movablecore=100% leaves no kernelcore, and so no ZONE_MOVABLE, as in the kernel")
    func movablecoreAll() throws {
        let c = MachineConfig(memoryBytes: 1 << 30, nodes: 1, cpus: 1, movablecore: .percent(100), workload: .idle)
        let m = try Machine(config: c, warmupTicks: 0, populated: false)
        #expect(!m.zones.contains { $0.type == .movable && $0.spanned > 0 })
    }

    @Test("the holes below 1 MiB are in the DMA zone's span but not present, and reserved")
    func lowHoles() throws {
        let c = MachineConfig(geometry: .x86_64, memoryBytes: 1 << 30, nodes: 1, cpus: 1, movablecore: nil, workload: .idle)
        let m = try Machine(config: c, warmupTicks: 0, populated: false)
        let dma = try #require(m.zones.first { $0.type == .dma })
        #expect(dma.startPFN.raw == 1 && dma.spanned == 4095 && dma.present == 3998)
        for p in [0, 159, 255] {
            #expect(m.kind(PFN(p)) == .hole && m.flags(PFN(p)).contains(.reserved))
        }
        #expect(m.kind(PFN(158)) == .reserved && m.kind(PFN(256)) != .hole)
        #expect(m.blocks[0].presentPages == 32768 - 98)
        try m.checkInvariants()
    }

    @Test("a memory size that is not a whole number of blocks leaves a hole in the last block")
    func hole() throws {
        let m = try Machine(config: .small(memory: (47 << 20) + (512 << 10)), warmupTicks: 0, populated: false)
        let last = m.blocks[m.blocks.count - 1]
        #expect(last.presentPages == (512 << 10) / 4096)
        #expect(m.kind(PFN(m.pageCount - 1)) == .hole)
        #expect(m.flags(PFN(m.pageCount - 1)).contains(.reserved))
        try m.checkInvariants()
    }

    @Test("without memmap-roundup the hole holds garbage struct pages")
    func garbage() throws {
        let m = try Machine(config: .small(memory: (47 << 20) + (512 << 10), without: [.memmapRoundup]), warmupTicks: 0, populated: false)
        #expect(m.kind(PFN(m.pageCount - 1)) == .garbage)
    }
}
