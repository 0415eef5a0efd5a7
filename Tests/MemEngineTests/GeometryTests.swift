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
        #expect(z[.dma] == 0..<4096)
        #expect(z[.dma32] == 4096..<(1 << 20))
        #expect(z[.normal] == (1 << 20)..<(2 << 20))
        #expect(z[.movable] == nil)
    }

    @Test("movablecore carves ZONE_MOVABLE from the top of each node")
    func movablecore() throws {
        let c = MachineConfig(geometry: .x86_64, memoryBytes: 16 << 30, nodes: 2, cpus: 2, movablecore: .bytes(4 << 30), workload: .idle)
        let m = try Machine(config: c, warmupTicks: 0, populated: false)
        for n in 0..<2 {
            let z = zones(m, node: n)
            let node = m.nodes[n]
            #expect(z[.movable]?.upperBound == node.endPFN.raw)
            #expect(z[.movable]?.count == (2 << 30) / 4096)
            #expect(z[.normal]?.upperBound == z[.movable]?.lowerBound)
        }
    }

    @Test("kernelcore leaves that much to the kernel zones")
    func kernelcore() throws {
        let c = MachineConfig(memoryBytes: 1 << 30, nodes: 1, cpus: 1, kernelcore: .bytes(768 << 20), movablecore: nil, workload: .idle)
        let m = try Machine(config: c, warmupTicks: 0, populated: false)
        let movable = m.zones.filter { $0.type == .movable }.reduce(0) { $0 + $1.present }
        #expect(movable == (256 << 20) / 4096)
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
