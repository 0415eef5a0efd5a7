import Foundation
import MemEngine
import Testing
@testable import memtop

/// Saved copies are untrusted input (issue 14): a seeded fuzz over copies of the firecracker
/// capture with truncated, garbage, huge and negative numbers, extra and odd-named blocks,
/// FIFOs, links, folders, and sparse, short, random and compressed page arrays. The binary may
/// only exit 0, or 2 with one `memtop:` line; never trap, hang, leave an `xz` behind or grow.
///
/// Bounded to about a minute: `MEMTOP_FUZZ_CASES` (cases per command, default 120) and
/// `MEMTOP_FUZZ_SEED` (first seed, default 0) widen a local run.
@Suite("Fuzz: saved copies are untrusted input",
       .enabled(if: FuzzCorpus.base != nil, "capture or xz absent"))
struct SavedCopyFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let cases = environment["MEMTOP_FUZZ_CASES"].flatMap(Int.init) ?? 120
    static let firstSeed = environment["MEMTOP_FUZZ_SEED"].flatMap(UInt64.init) ?? 0
    /// A run of memtop on 8 blocks takes a fraction of a second; a hang is far longer.
    static let deadline: Duration = .seconds(20)
    /// Peak memory of one run: the debug binary on 8 blocks needs a few tens of MiB.
    static let memoryLimit = 400 << 20

    static let liveKeys = ["", "<Right><Right><Enter>", "o<tick:40>", "<Down><Enter>c", "<End><Enter><PgDn>"]

    static func arguments(_ command: String, seed: UInt64, dir: String) -> [String] {
        switch (command, seed % 3) {
        case ("inspect", 0): return ["inspect", "--from", dir]
        case ("inspect", 1): return ["inspect", "--json", "--from", dir]
        // capture copies (and compresses) a page array whole, so its time grows with the file:
        // a sparse 1 GiB array is for the readers, which read only what the blocks cover.
        case ("inspect", _) where largestArray(in: dir) < 64 << 20: return ["capture", "--from", dir, dir + "-capture"]
        case ("inspect", _): return ["inspect", "--from", dir]
        default:
            return ["live", "--from", dir, "--dump-screen", "--keys", liveKeys[Int(seed % UInt64(liveKeys.count))]]
        }
    }

    static func largestArray(in dir: String) -> Int {
        SavedCopyMutator.arrays.map { file in
            var info = stat()
            return stat(dir + "/" + file, &info) == 0 ? Int(info.st_size) : 0
        }.max() ?? 0
    }

    @Test("the binary on mutated copies: exit 0 or 2 with one memtop: line; no trap, hang or growth",
          arguments: ["inspect", "live"])
    func binary(command: String) throws {
        let binary = try MemtopBinary.path()
        let base = try #require(FuzzCorpus.base)
        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("memtop-fuzz-\(command)-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        var failures = 0
        for seed in Self.firstSeed..<(Self.firstSeed + UInt64(Self.cases)) {
            let dir = work + "/\(seed)"
            let mutator = try SavedCopyMutator(seed: seed, base: base, root: dir)
            let arguments = Self.arguments(command, seed: seed, dir: dir)
            let run = try BoundedRun.run(binary, arguments, deadline: Self.deadline)
            let problems = run.problems(memoryLimit: Self.memoryLimit)
            if !problems.isEmpty {
                failures += 1
                let what = problems.joined(separator: "; ")
                let command = arguments.joined(separator: " ")
                let stderr = String(run.stderr.prefix(600))
                Issue.record("seed \(seed): \(what) after \(mutator.log); memtop \(command); stderr: \(stderr)")
                if failures >= 5 { return }
            }
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: dir + "-capture")
        }
    }

    /// The texts of the corpus, by relative path.
    static let texts: [String: [UInt8]] = {
        guard let base = FuzzCorpus.base else { return [:] }
        var texts: [String: [UInt8]] = [:]
        for file in SavedCopyMutator.textFiles.prefix(6) {
            texts[file] = (try? Data(contentsOf: URL(fileURLWithPath: base + "/" + file))).map { [UInt8]($0) }
        }
        return texts
    }()

    @Test("the /proc parsers and the zone panel on thousands of mutated texts: an error or a value, never a trap")
    func parsers() throws {
        let names = SavedCopyMutator.textFiles.prefix(6).map { $0 }
        let source = LiveSource(root: try #require(FuzzCorpus.base))
        for seed in Self.firstSeed..<(Self.firstSeed + UInt64(Self.cases * 20)) {
            var random = SeededRandom(seed: seed)
            var snapshot = LiveSnapshot(source: source, pageSize: 4096)
            var texts = Self.texts
            // One to three files changed, each once or twice.
            for _ in 0...random.below(3) {
                let file = names[random.below(names.count)]
                for _ in 0...random.below(2) {
                    texts[file] = SavedCopyMutator.mutatedText(texts[file] ?? [], random: &random).0
                }
            }
            func text(_ file: String) -> String { String(decoding: texts[file] ?? [], as: UTF8.self) }
            snapshot.zones = try? ZoneInfoParser.parse(text("proc/zoneinfo"))
            snapshot.buddy = try? BuddyInfoParser.parse(text("proc/buddyinfo"))
            snapshot.pageTypes = try? PageTypeInfoParser.parse(text("proc/pagetypeinfo"))
            snapshot.vmstat = try? KeyValueTable.parse(text("proc/vmstat"), path: "vmstat")
            snapshot.meminfo = try? KeyValueTable.parse(text("proc/meminfo"), path: "meminfo")
            snapshot.systemRAM = try? SystemRAM.parse(text("proc/iomem"), pageSize: 4096)
            var buffer = Buffer(size: Size(cols: 60, rows: 20))
            for zone in snapshot.zones ?? [] {
                let stats = LiveText.zoneStats(snapshot, node: zone.node, zone: zone.name)
                ZonePanel(stats: stats).render(into: &buffer, area: Rect(x: 0, y: 0, width: 60, height: 20),
                                               caps: AppFixture.colour)
                _ = snapshot.zones(meeting: 0..<UInt64(FuzzCorpus.pagesPerBlock), node: zone.node)
                if let span = zone.span { _ = snapshot.systemRAM?.pages(in: span) }
            }
        }
    }
}
