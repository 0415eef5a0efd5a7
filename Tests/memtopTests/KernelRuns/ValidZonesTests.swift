import Foundation
import MemEngine
import Testing
@testable import memtop

/// Onlining's zone rules against the real kernel: after each block a saved run offlined, the
/// harness read the block's `valid_zones` (attempt.txt's `valid_zones_after`), which is what
/// `default_zone_for_pfn()` and `zone_for_pfn_range()` make of the zones' spans then. memtop
/// boots the same layout (same size, blocks, nodes and boot options), offlines the same block
/// and must list the same zones in the same order.
@Suite("valid_zones of offlined blocks against the real kernel's")
struct ValidZonesTests {
    /// The saved runs whose layout memtop boots as the kernel did, with memtop's options for it.
    /// A qemu guest of `-m N` has N less 128 KiB of RAM (SeaBIOS keeps the top 128 KiB below
    /// 4 GiB; /proc/iomem's `3ffe0000-3fffffff : Reserved`), so `--memory` is that.
    /// (normal-high needs memory above 4 GiB below a hole and dimm-movable a hot-added DIMM:
    /// memtop's boot has neither.)
    static let layouts: [(run: String, config: MachineConfig)] = {
        // swiftlint:disable:next force_try
        let x86 = try! Geometry(blockBytes: 128 << 20)
        func config(_ mib: Int, nodes: Int = 1, kernelcore: MemoryAmount? = nil, movablecore: MemoryAmount?) -> MachineConfig {
            MachineConfig(geometry: x86, memoryBytes: (mib << 20) - (128 << 10), nodes: nodes, cpus: nodes,
                          kernelcore: kernelcore, movablecore: movablecore, workload: .idle)
        }
        return [
            ("ci-640m", config(640, movablecore: .bytes(256 << 20))),
            ("plain-1g", config(1024, movablecore: nil)),
            ("movablecore-50pct", config(1024, movablecore: .percent(50))),
            ("no-thp", config(1024, movablecore: .bytes(256 << 20))),
            ("interrupted-1g", config(1024, kernelcore: .bytes(384 << 20), movablecore: nil)),
            ("two-nodes", config(1536, nodes: 2, movablecore: .bytes(512 << 20))),
        ]
    }()

    /// "DMA32 Movable" -> [.dma32, .movable]; "none" -> [].
    static func zones(_ text: String) -> [ZoneType] {
        text.split(separator: " ").compactMap { name in ZoneType.allCases.first { $0.description == name } }
    }

    static func field(_ name: String, in file: String) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// The block's valid_zones before the attempt (the run's result.json).
    static func onlineZones(_ attempt: KernelRuns.Attempt) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: attempt.capture + "/../result.json")))
        return try #require((json as? [String: Any])?["valid_zones"] as? String)
    }

    /// Blocks that the kernel's ZONE_MOVABLE start cuts in two ("none"), memory0 aside (DMA
    /// and DMA32 share it on every x86_64 machine). find_zone_movable_pfns_for_nodes() counts
    /// kernelcore= in present pages, after the holes below 1 MiB, and rounds the start up to
    /// MAX_ORDER_NR_PAGES: interrupted-1g's ZONE_MOVABLE starts at pfn 99328, 4 MiB into memory3.
    static func splitBlocks(_ run: String) throws -> Set<Int> {
        var out: Set<Int> = []
        for a in KernelRuns.attempts where a.run == run && a.block != 0 {
            if try onlineZones(a) == "none" { out.insert(a.block) }
        }
        return out
    }

    /// The run's /proc/zoneinfo before its first offline attempt.
    static func bootZoneinfo(_ run: String) throws -> [memtop.ZoneInfo] {
        let first = try #require(KernelRuns.attempts.filter { $0.run == run }.min { $0.block < $1.block })
        let path = first.capture + "/proc/zoneinfo"
        return try ZoneInfoParser.parse(String(contentsOfFile: path, encoding: .utf8), path: path)
    }

    @Test("boot: every zone starts, spans and holds as many present pages as the kernel's", arguments: 0..<6)
    func zoneinfo(index: Int) throws {
        let (run, config) = Self.layouts[index]
        let m = try Machine(config: config, warmupTicks: 0, populated: false)
        let real = try Self.bootZoneinfo(run).filter { $0.spanned > 0 }
        let mine = m.zones.filter { $0.spanned > 0 }
        #expect(mine.map { "node\($0.node.raw) \($0.name)" } == real.map { "node\($0.node) \($0.name)" }, "\(run)")
        for z in real {
            let zone = try #require(mine.first { $0.node.raw == z.node && $0.name == z.name })
            #expect(UInt64(zone.startPFN.raw) == z.startPFN, "\(run) node\(z.node) \(z.name) start_pfn")
            #expect(UInt64(zone.spanned) == z.spanned, "\(run) node\(z.node) \(z.name) spanned")
            #expect(UInt64(zone.present) == z.present, "\(run) node\(z.node) \(z.name) present")
        }
    }

    @Test("online blocks: memtop's layout has the kernel's zones, block by block", arguments: 0..<6)
    func layout(index: Int) throws {
        let (run, config) = Self.layouts[index]
        let m = try Machine(config: config, warmupTicks: 0)
        for attempt in KernelRuns.attempts where attempt.run == run {
            let real = try Self.onlineZones(attempt)
            #expect(m.validZones(BlockID(attempt.block)) == Self.zones(real), "\(run) memory\(attempt.block): kernel '\(real)'")
        }
    }

    @Test("a block split between zones: offlining it fails with EINVAL before offline_pages(), as the kernel's did")
    func splitBlockOffline() throws {
        var compared = 0
        for (run, config) in Self.layouts {
            let booted = try Machine(config: config, warmupTicks: 0)
            for block in try Self.splitBlocks(run).sorted() {
                let attempt = try #require(KernelRuns.attempts.first { $0.run == run && $0.block == block })
                #expect(attempt.errno == "EINVAL")
                var m = booted
                try m.startOffline([BlockID(block)])
                m.runOperation()
                let result = try #require(m.operation?.result)
                #expect(result.outcome == .failed && result.errno == "EINVAL" && result.reason == nil, "\(run) memory\(block)")
                #expect(!m.drainEvents().contains { $0.fn == "offline_pages" }, "\(run) memory\(block): offline_pages must not run")
                #expect(m.blocks[block].state == .online)
                compared += 1
            }
        }
        // interrupted-1g's memory3 and two-nodes' memory4.
        #expect(compared == 2)
    }

    @Test("offlined blocks: valid_zones lists the default zone first, then the other choices, as the kernel did", arguments: 0..<6)
    func afterOffline(index: Int) throws {
        let (run, config) = Self.layouts[index]
        var booted = try Machine(config: config, warmupTicks: 0)
        booted.workloadEnabled = false
        var compared = 0
        for attempt in KernelRuns.attempts where attempt.run == run {
            guard let real = Self.field("valid_zones_after", in: attempt.capture + "/../attempt.txt"),
                  Self.field("state_after", in: attempt.capture + "/../attempt.txt") == "offline" else { continue }
            var m = booted
            try m.startOffline([BlockID(attempt.block)])
            m.runOperation()
            // memtop's machine holds other pages than the guest did; a block it cannot empty
            // says nothing about the zone rules.
            guard m.operation?.result?.outcome == .offlined else { continue }
            // Beside a block the kernel splits, the kernel zone still spans into the next block
            // after this one goes offline, so it stays this block's default zone.
            #expect(m.validZones(BlockID(attempt.block)) == Self.zones(real), "\(run) memory\(attempt.block): kernel '\(real)'")
            compared += 1
        }
        #expect(compared > 0, "\(run): no block to compare")
        print("valid_zones: \(run): \(compared) offlined blocks agree with the kernel")
    }
}
