import MemEngine
import Testing
@testable import memtop

/// Numbers in panels are never cut: counts too long for their column get a unit, and every
/// line of the zone panel fits the panel at every screen size the layout is reviewed at.
@Suite("Panel numbers")
struct PanelNumberTests {
    @Test("counts keep their magnitude in a fixed column: exact while they fit, then k, M, G with a decimal")
    func compact() {
        #expect(CountText.compact(550, width: 5) == "550")
        #expect(CountText.compact(99999, width: 5) == "99999")
        #expect(CountText.compact(5_505_024, width: 5) == "5.5M")
        #expect(CountText.compact(14_147, width: 4) == "14k")
        #expect(CountText.compact(14_147, width: 5) == "14147")
        #expect(CountText.compact(141_470, width: 5) == "141k")
        #expect(CountText.compact(999, width: 3) == "999")
        #expect(CountText.compact(1_234, width: 3) == "1k")
        #expect(CountText.compact(268_435_456, width: 5) == "268M")
        #expect(CountText.compact(999_999, width: 4) == "1.0M")
        #expect(CountText.column(42, width: 5) == "   42")
        for n in [0, 7, 999, 1000, 65_535, 1 << 20, 5_505_024, 1 << 28, 1 << 40, Int.max] {
            for width in 3...6 {
                #expect(CountText.compact(n, width: width).count <= width, "\(n) in \(width)")
            }
        }
    }

    /// A zone of a 1 TiB machine: 268M pages, watermarks in the hundred thousands, buddy lists
    /// with millions of order-0 pages, 256 cpus.
    static let terabyteZone = ZoneStats(
        node: NodeID(0), name: "Normal", startPFN: PFN(0x100000), spanned: 268_435_456, present: 268_173_312,
        managed: 263_000_000, freePages: 250_123_456, watermarks: [141_470, 181_440, 221_410], isolatePageblocks: 12,
        buddy: (0...10).map { order in MigrateType.allCases.map { 9_876_543 >> order + $0.rawValue } },
        pageblocks: [12_345, 510_000, 2_000, 0, 0, 12],
        perCPU: (0..<256).map { ZoneStats.PerCPU(cpu: $0, count: 1_234 + $0, high: 5_000, batch: 63) },
        lru: [98_765_432, 87_654_321, 76_543_210, 65_432_109, 1_234_567], isolatedAnon: 123_456, isolatedFile: 654_321)

    static let sixtyFourGiB: Machine = {
        var config = MachineConfig()
        config.geometry = Geometry.x86_64
        config.memoryBytes = 64 << 30
        do { return try Machine(config: config, warmupTicks: nil) } catch { fatalError("boot: \(error)") }
    }()

    /// Every line of the panel, for the panel's inside width on a screen of `size`.
    static func overflowing(_ stats: ZoneStats, size: Size) -> [String] {
        let layout = ScreenLayout(Rect(size), tab: .zone)
        let width = layout.zonePanel.width - 2
        return ZonePanel.lines(stats, width: width).map { $0.map(\.text).joined() }.filter { $0.count > width }
    }

    @Test("a 1 TiB zone's counters fit the zone panel at 80x24, 100x30, 120x40, 160x50 and 250x70")
    func terabyte() {
        for size in GoldenFile.sizes + [Size.headlessDefault] {
            #expect(Self.overflowing(Self.terabyteZone, size: size).isEmpty, "\(size)")
        }
        let lines = ZonePanel.lines(Self.terabyteZone, width: 48).map { $0.map(\.text).joined() }
        #expect(lines[0].contains("present  268M"))
        #expect(lines.contains { $0.contains("wmark 141k/181k/221k") })
        #expect(lines.contains { $0.contains("on 256 cpus") }, "256 per-cpu counts become their sum")
    }

    @Test("every zone of a 64 GiB machine fits the zone panel at every size")
    func sixtyFour() {
        let machine = Self.sixtyFourGiB
        #expect(machine.pageCount == 16 << 20)
        for zone in machine.zones.indices where machine.zones[zone].present > 0 {
            let stats = machine.zoneStats(zone)
            for size in GoldenFile.sizes + [Size.headlessDefault] {
                #expect(Self.overflowing(stats, size: size).isEmpty, "\(stats.name) at \(size)")
            }
        }
    }

    @Test("the rendered zone panel of the 64 GiB machine shows present in full or with a unit, never cut")
    func rendered() {
        let machine = Self.sixtyFourGiB
        let zone = machine.zones.indices.max { machine.zones[$0].present < machine.zones[$1].present } ?? 0
        let stats = machine.zoneStats(zone)
        for size in GoldenFile.sizes {
            let layout = ScreenLayout(Rect(size), tab: .zone)
            var buffer = Buffer(size: size)
            ZonePanel(stats: stats).render(into: &buffer, area: layout.zonePanel, caps: AppFixture.colour)
            let text = buffer.lines.joined(separator: "\n")
            #expect(text.contains("present " + CountText.column(stats.present, width: ZonePanel.countWidth)), "\(size)")
        }
    }
}

/// Help text and the command line's rough edges.
@Suite("Command line help")
struct CommandHelpTests {
    @Test("a mistyped subcommand gets the nearest one; other words are left to the parser")
    func didYouMean() {
        let names = ["sim", "offline", "online", "live", "inspect", "capture"]
        #expect(CommandSuggestion.message(for: ["ofline", "48"], names: names)?.contains("did you mean 'offline'") == true)
        #expect(CommandSuggestion.message(for: ["lvie"], names: names)?.contains("'live'") == true)
        #expect(CommandSuggestion.message(for: ["inspcet"], names: names)?.contains("'inspect'") == true)
        #expect(CommandSuggestion.message(for: ["offline", "48"], names: names) == nil)
        #expect(CommandSuggestion.message(for: ["--memory", "1G"], names: names) == nil)
        #expect(CommandSuggestion.message(for: ["banana"], names: names) == nil)
    }

    @Test("memtop --help names the machine options and the scenarios, never DESIGN.md; offline --help wraps whole sentences")
    func help() throws {
        let binary = try MemtopBinary.path()
        let root = try Subprocess.run(binary, ["--help"])
        #expect(root.status == 0)
        for word in ["--memory SIZE", "--movablecore", "--without FIX", "memmap-roundup", "anon-vma-hold", "details:"] {
            #expect(root.stdout.contains(word), "\(word)")
        }
        for command in [["--help"], ["sim", "--help"], ["offline", "--help"], ["online", "--help"], ["live", "--help"], ["inspect", "--help"]] {
            let r = try Subprocess.run(binary, command)
            #expect(!r.stdout.contains("DESIGN.md"), "\(command)")
            // ArgumentParser wraps at 80; a hard break in the source would leave a short line
            // followed by a line starting in lower case mid-sentence.
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            for (a, b) in zip(lines, lines.dropFirst()) where !a.isEmpty && !b.isEmpty && !b.hasPrefix(" ") && !a.hasPrefix(" ") {
                #expect(a.count > 60 || a.hasSuffix(".") || a.hasSuffix(":"), "\(command): short line '\(a)' before '\(b)'")
            }
        }
        let typo = try Subprocess.run(binary, ["ofline", "48"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean 'offline'"))
    }

    @Test("online --zone normal is online_kernel")
    func zoneNormal() throws {
        let r = try Subprocess.run(try MemtopBinary.path(), ["online", "49", "--zone", "normal"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("result: online memory49"))
        #expect(r.stdout.contains("Normal"))
    }
}
