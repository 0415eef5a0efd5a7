// One offline of a half-used 128 MiB ZONE_MOVABLE block of a 4 GiB x86_64 machine, and
// nothing else to speak of: for `valgrind --tool=callgrind`, and a quick CPU figure.
//
//   swift build -c release --product offline-profile
//   valgrind --tool=callgrind --toggle-collect='*runOperation*' .build/release/offline-profile
//
// `--no-workload` switches the workload off during the offline; `--list` prints every block's
// use first; `--memory-gib N`, `--movable-percent P`, `--workload idle|light|heavy` and
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
var m = Bench.boot(config)
if args.contains("--list") {
    for b in m.blocks {
        let s = m.blockSummary(b.id)
        print("\(b.id) \(s.zone.map(String.init(describing:)) ?? "-") used \(Bench.usedPages(s)) lru \(s.lru.reduce(0, +)) "
              + "offlinable \(m.offlineVerdict(b.id).offlinable)")
    }
}
guard let pick = Bench.halfUsedMovableBlock(in: m) else { fatalError("no offlinable ZONE_MOVABLE block") }
m.workloadEnabled = workload
let exitLargest = args.contains("--exit-largest")
let exiting = exitLargest ? m.largestProcess : nil
let cpu0 = Bench.cpuNanoseconds()
do {
    try m.startOffline([pick.block])
} catch {
    fatalError("\(error)")
}
if let pid = exiting { m.startExit(pid: pid) }
m.runOperation()
let cpu1 = Bench.cpuNanoseconds()
if let pid = exiting {
    print("pid \(pid), the largest process, exiting since the offline started: "
          + (m.isExiting(pid: pid) ? "still unmapping" : "gone") + " when it ended")
}
let op = m.operation
print("\(pick.block): \(pick.used) of \(m.geometry.pagesPerBlock) pages used (\(pick.lru) on the LRU), workload \(workload ? "on" : "off")")
print("result: \(op?.result?.outcome.rawValue ?? "none") \(op?.result?.errno ?? "") migrated \(op?.migrated ?? 0) "
      + "retries \(op?.retries ?? 0) ticks \(op?.ticks ?? 0)")
let v = m.vmstat
print("THP moved whole \(op?.thpMigrated ?? 0), split \(op?.thpSplit ?? 0); direct compaction: compact_stall \(v.compactStall), "
      + "success \(v.compactSuccess), pages moved \(v.compactMigrated), scanned \(v.compactMigrateScanned) to migrate, \(v.compactFreeScanned) free")
let ms = Double(cpu1 - cpu0) / 1e6
print("CPU: \(ms) ms per offline, \(Double(cpu1 - cpu0) / Double(max(1, op?.migrated ?? 1))) ns per migrated page")
