// The engine's memory per simulated page on a 64 GiB x86_64 machine (issue 2: aim at 16 bytes,
// a quarter of the kernel's 64-byte struct page; never above 32).
//
//   swift run -c release footprint [--memory-gib N] [--thp always|never]
//
// Two figures: the engine's own accounting (`Machine.footprintBytes`, everything it holds,
// divided by pages), and the process's resident memory after boot less what it was before.
import BenchSupport
import MemEngine

var config = Bench.footprint
let args = CommandLine.arguments
if let i = args.firstIndex(of: "--memory-gib"), i + 1 < args.count, let gib = Int(args[i + 1]), gib > 0 {
    config.memoryBytes = gib << 30
}
if let i = args.firstIndex(of: "--thp"), i + 1 < args.count, let thp = THPMode(rawValue: args[i + 1]) {
    config.thp = thp
}

let baseline = Bench.procStatusBytes("VmRSS")
let cpu0 = Bench.cpuNanoseconds()
let machine = Bench.boot(config)
let cpu1 = Bench.cpuNanoseconds()
let rss = Bench.procStatusBytes("VmRSS")
let peak = Bench.procStatusBytes("VmHWM")

let pages = machine.pageCount
let footprint = machine.footprintBytes
func perPage(_ bytes: Int) -> String {
    let x = Double(bytes) / Double(pages)
    return String(Int(x)) + "." + String(Int((x - Double(Int(x))) * 100 + 0.5)).leftPad(2)
}
extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

print("machine: x86_64 geometry, \(config.memoryBytes >> 30) GiB, \(config.nodes) nodes, \(config.cpus) cpus, "
      + "movablecore=25%, workload \(config.workload.rawValue), THP \(config.thp.rawValue), populated")
print("pages: \(pages)   processes: \(machine.processCount)   boot: \((cpu1 - cpu0) / 1_000_000) ms CPU")
print("footprintBytes: \(footprint) B = \(perPage(footprint)) B/page (kernel struct page: 64)")
for (name, bytes) in machine.footprintBreakdown {
    print("  \(name + String(repeating: " ", count: max(0, 22 - name.count))) \(perPage(bytes)) B/page  (\(bytes) B)")
}
print("resident: baseline \(baseline >> 10) KiB, after boot \(rss >> 10) KiB, peak \(peak >> 10) KiB")
print("resident after boot - baseline: \(perPage(rss - baseline)) B/page; peak - baseline: \(perPage(peak - baseline)) B/page")
