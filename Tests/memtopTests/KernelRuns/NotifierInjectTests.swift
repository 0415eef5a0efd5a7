import Foundation
import MemEngine
import Testing

/// Onlining refused by a memory notifier, memtop against the real kernel: the saved console of
/// scripts/kernel-check/notifier-check (Debian's 6.1 kernel in qemu, 640 MiB, movablecore=256M,
/// the kernel's memory-notifier-error-inject module) and memtop's machine of the same layout
/// doing the same steps on the same block.
@Suite("MEM_GOING_ONLINE and MEM_GOING_OFFLINE refused: memtop against the real kernel")
struct NotifierInjectTests {
    static let console = LiveFixtures.repoRoot.appendingPathComponent("Tests/Fixtures/notifier-inject/console.log").path

    /// What the guest printed after the line starting with `header`: the dmesg lines without
    /// their timestamps, the traced functions in order, the write's error and the header itself.
    struct Step {
        var header = ""
        var writeError: String?
        var dmesg: [String] = []
        var trace: [String] = []
    }

    static func step(_ header: String) throws -> Step {
        let text = try String(contentsOfFile: console, encoding: .utf8).replacingOccurrences(of: "\r", with: "")
        let lines = text.split(separator: "\n").map(String.init)
        let at = try #require(lines.firstIndex { $0.hasPrefix(header) }, "\(header) in \(console)")
        var s = Step(header: lines[at])
        if at > 0, lines[at - 1].hasPrefix("sh: write error: ") { s.writeError = String(lines[at - 1].dropFirst(17)) }
        var section = ""
        for line in lines[(at + 1)...] {
            if line == "== dmesg" || line == "== trace" { section = line; continue }
            if line.hasPrefix("== ") || line.hasPrefix("sh: ") { if section == "" { continue } else { break } }
            if section == "== dmesg", let close = line.firstIndex(of: "]") {
                s.dmesg.append(String(line[line.index(after: close)...]).trimmingCharacters(in: .whitespaces))
            } else if section == "== trace", let fn = line.split(separator: " ").first, line.contains(" <-") {
                s.trace.append(String(fn))
            }
        }
        return s
    }

    /// The functions the guest could trace (the rest are inlined in that build).
    static func traced() throws -> Set<String> {
        let text = try String(contentsOfFile: console, encoding: .utf8).replacingOccurrences(of: "\r", with: "")
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("== traced ") })
        return Set(line.dropFirst(10).split(separator: " ").map(String.init))
    }

    /// memtop's run of an operation: the printk lines without their level, and the functions.
    static func run(_ m: inout Machine) -> (dmesg: [String], fns: [String]) {
        var events: [Event] = []
        m.runOperation(eachStep: { events += $0 })
        let dmesg = events.filter { $0.fn == "printk" }.compactMap { e in
            e.detail.flatMap { d in d.firstIndex(of: ":").map { String(d[d.index($0, offsetBy: 2)...]) } }
        }
        return (dmesg, events.map(\.fn))
    }

    static let errnoText = ["ENOMEM": "Cannot allocate memory", "EBUSY": "Device or resource busy"]

    @Test("the same block, the same steps: errno, dmesg, the traced functions in order, valid_zones and the zone's span")
    func sameAsTheKernel() throws {
        let traced = try Self.traced()
        // swiftlint:disable:next force_try
        let x86 = try! Geometry(blockBytes: 128 << 20)
        var m = try Machine(config: MachineConfig(geometry: x86, memoryBytes: 640 << 20, nodes: 1, cpus: 1,
                                                  movablecore: .bytes(256 << 20), workload: .idle), warmupTicks: 0)
        m.workloadEnabled = false
        let block = BlockID(3)
        let movable = m.nodes[0].zoneIndices[ZoneType.movable.rawValue]

        // echo offline: memory3 was ZONE_MOVABLE's first block, so the zone now starts after it.
        let offline = try Self.step("== offline rc=0")
        try m.startOffline([block])
        _ = Self.run(&m)
        try #require(m.operation?.result?.outcome == .offlined)
        #expect(offline.header.hasSuffix("valid_zones Normal Movable"))
        #expect(m.validZones(block) == [.normal, .movable])
        #expect(m.zones[movable].startPFN.raw == 131_072)
        let before = m.zones

        // MEM_GOING_ONLINE refused with -12, then echo online_movable.
        let vetoed = try Self.step("== online with MEM_GOING_ONLINE=-12")
        m.clearOperation()
        m.notifierErrorInject[.goingOnline] = .ENOMEM
        try m.startOnline([block], as: .movable)
        let (dmesg, fns) = Self.run(&m)
        let errno = try #require(m.operation?.result?.errno)
        #expect(vetoed.writeError == Self.errnoText[errno])
        #expect(dmesg == vetoed.dmesg)
        #expect(fns.filter(traced.contains) == vetoed.trace)
        #expect(vetoed.header.contains("state offline valid_zones Normal Movable"))
        #expect(m.blocks[3].state == .offline && m.validZones(block) == [.normal, .movable])
        #expect(try Self.step("== Movable start_pfn 131072").header == "== Movable start_pfn 131072 spanned 32736")
        #expect(m.zones == before)

        // The injector quiet again: the same write succeeds.
        let online = try Self.step("== online again")
        m.clearOperation()
        m.notifierErrorInject = [:]
        try m.startOnline([block], as: .movable)
        let (dmesg2, fns2) = Self.run(&m)
        #expect(m.operation?.result?.outcome == .online)
        #expect(online.header.hasSuffix("rc=0 state online valid_zones Movable"))
        #expect(m.validZones(block) == [.movable])
        #expect(dmesg2 == online.dmesg)
        #expect(fns2.filter(traced.contains) == online.trace)

        // MEM_GOING_OFFLINE refused with -16: "notifier failure".
        let refused = try Self.step("== offline with MEM_GOING_OFFLINE=-16")
        m.clearOperation()
        m.notifierErrorInject[.goingOffline] = .EBUSY
        try m.startOffline([block])
        let (dmesg3, _) = Self.run(&m)
        #expect(refused.writeError == Self.errnoText[m.operation?.result?.errno ?? ""])
        #expect(dmesg3 == refused.dmesg)
        #expect(m.blocks[3].state == .online)
        try m.checkInvariants()
    }
}
