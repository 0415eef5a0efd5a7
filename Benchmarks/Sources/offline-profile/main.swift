// One offline of a half-used 128 MiB ZONE_MOVABLE block of a 4 GiB x86_64 machine, and
// nothing else to speak of: for `valgrind --tool=callgrind`, and a quick CPU figure. The
// machine's clean page cache is dropped after boot (`echo 1 > /proc/sys/vm/drop_caches`) and
// the workload runs a second (1,000,000 ticks) while the cache fills again, which leaves its
// Movable blocks 40 to 80% used; `--full-block` offlines the machine as it boots instead, every
// Movable block full and every migration target from direct reclaim.
//
//   swift build -c release --product offline-profile
//   valgrind --tool=callgrind --toggle-collect='*runOperation*' .build/release/offline-profile
//
// `--no-workload` switches the workload off during the offline; `--repeat N` offlines the same
// block N times (a fresh boot each) and prints the median; `--trace text|json` records only
// hot-plug events and formats them after every step as `memtop offline [--json]` does;
// `--no-events` records no events; `--list` prints every block's
// use first (after the drop); `--memory-gib N`, `--movable-percent P`, `--workload idle|light|heavy` and
// `--thp always|never` (default never, as Bench.offline) change the machine; `--exit-largest`
// lets the process that maps the most memory exit as the offline starts (the workload's exit,
// a page table a tick); compare its CPU with `--no-workload` for the workload's share.
import BenchSupport
import MemEngine

let args = CommandLine.arguments
func option(_ name: String) -> String? {
    args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
}
let workload = !args.contains("--no-workload")
var config = Bench.offline
if let gib = option("--memory-gib").flatMap({ Int($0) }) { config.memoryBytes = gib << 30 }
if let p = option("--movable-percent").flatMap({ Int($0) }) { config.movablecore = .percent(p) }
if let w = option("--workload").flatMap({ WorkloadLevel(rawValue: $0) }) { config.workload = w }
if let t = option("--thp").flatMap({ THPMode(rawValue: $0) }) { config.thp = t }
let halfUsed = !args.contains("--full-block")
var m = Bench.bootForOffline(config, halfUsed: halfUsed)
if args.contains("--list") {
    for b in m.blocks {
        let s = m.blockSummary(b.id)
        print("\(b.id) \(s.zone.map(String.init(describing:)) ?? "-") used \(Bench.usedPages(s)) lru \(s.lru.reduce(0, +)) "
              + "offlinable \(m.offlineVerdict(b.id).offlinable)")
    }
}
guard let pick = Bench.halfUsedMovableBlock(in: m) else { fatalError("no offlinable ZONE_MOVABLE block") }
let trace = option("--trace").flatMap { TraceFormat(rawValue: $0) }
let repeats = max(1, option("--repeat").flatMap { Int($0) } ?? 1)
let exitLargest = args.contains("--exit-largest")
var times: [Int] = []
var traced = 0
var exiting: Int? = nil
for i in 0..<repeats {
    // A fresh boot each time (the same seed gives the same machine): a copy of one booted
    // machine would pay for copying its page arrays inside the measurement.
    if i > 0 { m = Bench.bootForOffline(config, halfUsed: halfUsed) }
    m.workloadEnabled = workload
    exiting = exitLargest ? m.largestProcess : nil
    // As `memtop offline`: hot-plug events only, drained and formatted after every step.
    if trace != nil { m.eventFilter = [.hotplug] }
    // `--no-events`: nothing recorded, to see what the event log itself costs.
    if args.contains("--no-events") { m.eventFilter = [] }
    let cpu0 = Bench.cpuNanoseconds()
    do {
        try m.startOffline([pick.block])
    } catch {
        fatalError("\(error)")
    }
    if let pid = exiting { m.startExit(pid: pid) }
    if let trace {
        traced = Bench.runTracing(&m, format: trace)
    } else {
        m.runOperation()
    }
    times.append(Bench.cpuNanoseconds() - cpu0)
}
if let pid = exiting {
    print("pid \(pid), the largest process, exiting since the offline started: "
          + (m.isExiting(pid: pid) ? "still unmapping" : "gone") + " when it ended")
}
let op = m.operation
print("\(pick.block): \(pick.used) of \(m.geometry.pagesPerBlock) pages used (\(pick.lru) on the LRU), workload \(workload ? "on" : "off"), "
      + (halfUsed ? "drop_caches and a second of workload before" : "as booted (--full-block)"))
print("result: \(op?.result?.outcome.rawValue ?? "none") \(op?.result?.errno ?? "") migrated \(op?.migrated ?? 0) "
      + "retries \(op?.retries ?? 0) ticks \(op?.ticks ?? 0)" + (traced > 0 ? " trace \(traced) bytes" : ""))
let v = m.vmstat
print("THP moved whole \(op?.thpMigrated ?? 0), split \(op?.thpSplit ?? 0); direct compaction: compact_stall \(v.compactStall), "
      + "success \(v.compactSuccess), pages moved \(v.compactMigrated), scanned \(v.compactMigrateScanned) to migrate, \(v.compactFreeScanned) free")
let median = times.sorted()[times.count / 2]
let ms = Double(median) / 1e6
print("CPU: \(ms) ms per offline (median of \(repeats)), \(Double(median) / Double(max(1, op?.migrated ?? 1))) ns per migrated page")
