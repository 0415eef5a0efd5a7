// Frames of the map, rendered into an offscreen buffer as the terminal app renders them, and
// nothing else: a CPU figure per frame, and a process to profile (`perf record -g`).
//
//   swift run -c release frame-profile --memory 64G --block-size 128M --mode kind
//   frame-profile --memory SIZE [--block-size SIZE] [--size COLSxROWS] [--zoom]
//                 [--mode zone|migratetype|isolation|lru|kind|verdict|all] [--running] [--offline]
//                 [--frames N] [--show] [--thp always|never] [--workload W] [--seed S]
//
// A frame is a cursor key (right, then left) and the whole screen rendered: what every key
// costs while the machine stands still. `--running` makes each frame an animation frame instead
// (the engine's 10 steps of a frame with the workload on, then the screen); `--offline` first
// presses o and Space on the cursor's block, so the frames follow an offline in flight. The last
// line is `cpu_ms_per_frame N`: the median CPU time of a frame, over `--frames` frames (default:
// as many as fit in 3 s of CPU, 15 to 400). `--mode all` profiles
// every mode on one boot, a line each, and ends with the slowest mode's median.
import FrameSupport
import Glibc
import MemEngine

let args = CommandLine.arguments
func option(_ name: String) -> String? {
    args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
}
func fail(_ message: String) -> Never {
    print("frame-profile: \(message)")
    exit(2)
}

guard let memory = option("--memory") else { fail("--memory SIZE is required (64G, 1T)") }
var machineArguments = ["--memory", memory]
if let blockSize = option("--block-size") { machineArguments += ["--block-size", blockSize] }
// Other machine options, passed on as memtop takes them.
for name in ["--thp", "--workload", "--seed", "--movablecore", "--nodes"] {
    if let value = option(name) { machineArguments += [name, value] }
}
let size = (option("--size") ?? "200x60").split(separator: "x").compactMap { Int($0) }
guard size.count == 2 else { fail("--size \(option("--size") ?? "") is not COLSxROWS") }
let cols = size[0], rows = size[1]
let mode = option("--mode") ?? "zone"
let zoom = args.contains("--zoom")
let running = args.contains("--running")

let modes = mode == "all" ? FrameBench.modeNames : [mode]
let boot0 = processCPUNanoseconds()
let machine: Machine
do {
    machine = try FrameBench.bootMachine(machineArguments)
} catch {
    fail("\(error)")
}
let boot1 = processCPUNanoseconds()
print("machine: \(memory)\(option("--block-size").map { " in \($0) blocks" } ?? ""), \(machine.pageCount) pages, \(machine.blocks.count) blocks; "
      + "boot \(Double(boot1 - boot0) / 1e9) s CPU")

/// The median CPU time of a frame in `mode`, in ms.
@MainActor func profile(_ mode: String) -> Double {
    var bench: FrameBench
    do {
        bench = try FrameBench(machine: machine, cols: cols, rows: rows, mode: mode, zoom: zoom)
        if args.contains("--offline") { try bench.press("o") }
        if running {
            try bench.press("<Space>")
            // The first engine step writes pages of a machine this program still holds for the
            // next mode, so Swift copies the booted machine's page arrays then (copy on write:
            // seconds at 1 TiB). memtop's app holds the only copy of its machine and never
            // pays this; the frame is not timed.
            _ = bench.tickFrame()
        }
    } catch {
        fail("\(error)")
    }
    print("screen \(cols)x\(rows), mode \(mode), \(zoom ? "zoomed" : "whole machine"), \(running ? "running (animation frames)" : "cursor keys")")
    let fixedFrames = option("--frames").flatMap { Int($0) }
    var times: [Int] = []
    var checksum = 0
    let start = processCPUNanoseconds()
    while true {
        let t0 = processCPUNanoseconds()
        checksum &+= running ? bench.tickFrame() : bench.keyFrame()
        times.append(processCPUNanoseconds() - t0)
        if let fixedFrames {
            if times.count >= fixedFrames { break }
        } else if times.count >= 400 || (times.count >= 15 && processCPUNanoseconds() - start > 3_000_000_000) {
            break
        }
    }
    if args.contains("--show") { print(bench.screenText()) }
    // The mean is what a running map costs a core (frames a second x the mean); the first
    // frame, which fills the caches of a mode, is left out of it.
    let later = times.dropFirst()
    let mean = later.isEmpty ? 0 : later.reduce(0, +) / later.count
    times.sort()
    let ms = { (ns: Int) in Double(ns) / 1e6 }
    print("frames \(times.count): min \(ms(times[0])) ms, median \(ms(times[times.count / 2])) ms, "
          + "p90 \(ms(times[times.count * 9 / 10])) ms, max \(ms(times[times.count - 1])) ms, mean after the first \(ms(mean)) ms"
          + " (\(bench.operationState); checksum \(checksum & 0xff))")
    return ms(times[times.count / 2])
}

var slowest = 0.0
for mode in modes {
    let median = profile(mode)
    if modes.count > 1 { print("mode \(mode) cpu_ms_per_frame \(median)") }
    slowest = max(slowest, median)
}
// With --mode all, the slowest mode's median.
print("cpu_ms_per_frame \(slowest)")
