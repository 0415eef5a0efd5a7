import Foundation
import MemEngine
import Testing
@testable import memtop

/// lowmem_reserve[] against the real kernel: every saved zoneinfo prints each zone's
/// `protection:` array, which `setup_per_zone_lowmem_reserve()` computed from the zones'
/// managed pages when it last ran (at boot in `init_per_zone_wmark_min()`, and again after
/// each successful offline or online). memtop's `Machine.lowmemReserve(managed:)` is what the
/// engine sets its zones' reserves with.
@Suite("lowmem_reserve (zoneinfo's protection:) against the real kernel's")
struct LowmemReserveTests {
    struct Capture: CustomTestStringConvertible, Sendable {
        var name: String
        var zoneinfo: String
        /// A hotplug operation succeeded in the run before this capture, so the kernel computed
        /// the reserves again from the managed pages the capture shows.
        var recomputed: Bool
        var testDescription: String { name }
    }

    /// The kernel-run captures, in the order the run took them, and the shared captures (a
    /// machine booted and left alone).
    static let captures: [Capture] = {
        var out: [Capture] = []
        let fm = FileManager.default
        for root in KernelRuns.roots {
            for run in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() {
                let dir = root + "/" + run
                guard let data = fm.contents(atPath: dir + "/scenario.json"),
                      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let order = json["blocks_attempted"] as? [Int] else { continue }
                var recomputed = false
                for block in order {
                    guard let attempt = KernelRuns.attempts.first(where: { $0.run == run && $0.block == block }) else { continue }
                    out.append(Capture(name: "\(run)/memory\(block)", zoneinfo: attempt.capture + "/proc/zoneinfo", recomputed: recomputed))
                    // offline_pages() and the harness's online_pages() after it both end in
                    // init_per_zone_wmark_min().
                    if attempt.offlined { recomputed = true }
                }
            }
        }
        let shared = LiveFixtures.repoRoot.appendingPathComponent("../shared/captures").standardized.path
        for name in ((try? fm.contentsOfDirectory(atPath: shared)) ?? []).sorted()
        where fm.fileExists(atPath: shared + "/" + name + "/proc/zoneinfo") {
            out.append(Capture(name: name, zoneinfo: shared + "/" + name + "/proc/zoneinfo", recomputed: true))
        }
        return out
    }()

    static func zones(_ path: String) throws -> [ZoneInfo] {
        try ZoneInfoParser.parse(String(contentsOfFile: path, encoding: .utf8), path: path)
    }

    /// Per node: the real zones in memtop's zone types (DMA ... Movable) and ZONE_DEVICE apart.
    static func nodes(_ zones: [ZoneInfo]) -> [Int: [ZoneInfo]] {
        Dictionary(grouping: zones.filter { ZoneType(kernelName: $0.name) != nil }, by: \.node)
    }

    @Test("the kernel's protection: is lowmem_reserve computed from the zones' managed pages")
    func fromManagedPages() throws {
        #expect(Self.captures.count > 60, "saved captures: \(Self.captures.count)")
        var exact = 0, stale = 0
        for capture in Self.captures {
            let zones = try Self.zones(capture.zoneinfo)
            for (node, real) in Self.nodes(zones) {
                try #require(real.map(\.name) == ZoneType.allCases.map(\.description), "\(capture.name) node\(node)")
                let computed = Machine.lowmemReserve(managed: real.map { Int($0.managed) })
                for (zone, reserve) in zip(real, computed) {
                    let protection = try #require(zone.protection, "\(capture.name) node\(node) \(zone.name) prints no protection")
                    // ZONE_DEVICE (memtop has none) has no managed pages: its entry repeats ZONE_MOVABLE's.
                    #expect(protection.count == 5 && protection[4] == protection[3], "\(capture.name) \(zone.name) \(protection)")
                    let kernel = protection.prefix(reserve.count).map { Int($0) }
                    if kernel == reserve {
                        exact += 1
                    } else {
                        // Before any hotplug the reserves are the boot's: init_per_zone_wmark_min()
                        // runs as a postcore initcall, before the kernel frees its init sections
                        // and the initrd (some 2,300 pages here), so they are a little lower.
                        #expect(!capture.recomputed, "\(capture.name) node\(node) \(zone.name): kernel \(kernel), memtop \(reserve)")
                        #expect(zip(kernel, reserve).allSatisfy { $0 <= $1 && $1 - $0 <= 10 },
                                "\(capture.name) node\(node) \(zone.name): kernel \(kernel), memtop \(reserve)")
                        stale += 1
                    }
                }
            }
        }
        print("lowmem_reserve: \(exact) zones exactly as the kernel's, \(stale) from before the kernel freed its init memory")
        #expect(exact > stale)
    }

    /// memtop boots each layout the kernel booted (ValidZonesTests.layouts) and sets the same
    /// reserves on the same zones. The numbers differ only as far as the zones' managed pages
    /// do (memtop's memblock reservations are not the guest's: its memmap, kernel image and
    /// initrd): each entry within that difference over the zone's ratio, plus the 10 pages the
    /// boot-time arrays lag (see above). Compared with the run's first capture, taken before
    /// any hotplug changed the layout.
    @Test("memtop boots each saved layout with the kernel's protection: arrays, up to its managed pages", arguments: 0..<6)
    func bootedLayout(index: Int) throws {
        let (run, config) = ValidZonesTests.layouts[index]
        let m = try Machine(config: config, warmupTicks: 0, populated: false)
        let capture = try #require(Self.captures.first { $0.name.hasPrefix(run + "/") }, "\(run): no capture")
        let real = Self.nodes(try Self.zones(capture.zoneinfo))
        for node in m.nodes {
            let kernel = try #require(real[node.id.raw], "\(run) node\(node.id.raw)")
            let kernelManaged = kernel.map { Int($0.managed) }, memtopManaged = node.zoneIndices.map { m.zones[$0].managed }
            #expect(kernelManaged.map { $0 > 0 } == memtopManaged.map { $0 > 0 }, "\(run) node\(node.id.raw): populated zones")
            for (i, z) in node.zoneIndices.enumerated() {
                let memtop = m.zones[z].lowmemReserve
                let protection = (kernel[i].protection ?? []).prefix(memtop.count).map { Int($0) }
                let ratio = lowmemReserveRatio[m.zones[z].type] ?? 0
                for j in memtop.indices {
                    let above = (i + 1)..<max(i + 1, j + 1)
                    let drift = ratio > 0
                        ? abs(above.reduce(0) { $0 + memtopManaged[$1] } - above.reduce(0) { $0 + kernelManaged[$1] }) / ratio + 11 : 0
                    #expect(abs(protection[j] - memtop[j]) <= drift,
                            "\(run) node\(node.id.raw) \(m.zones[z].name) [\(j)]: kernel \(protection) memtop \(memtop), managed kernel \(kernelManaged) memtop \(memtopManaged)")
                }
                if index == 0 { print("\(run) node\(node.id.raw) \(m.zones[z].name): protection kernel \(protection) memtop \(memtop)") }
            }
        }
    }
}
