// Frames of the map at 200x60 (issue 12: "a whole-machine frame < 2 ms on 64 GiB and < 5 ms on
// 1 TiB, the zoomed frame about 1 ms"), in every colour mode, on 64 GiB and 1 TiB of x86_64
// (128 MiB blocks). A frame is what a cursor key costs: the key's update (right, then left),
// then the whole screen rendered into an offscreen buffer, as the terminal app does. Each
// machine is booted once (outside the measurement) and shared by its benchmarks.
import Benchmark
import FrameSupport
import MemEngine

/// The booted machines by `--memory`, so that 24 benchmarks boot two machines.
nonisolated(unsafe) var machines: [String: Machine] = [:]

func machine(_ memory: String) throws -> Machine {
    if let m = machines[memory] { return m }
    let m = try FrameBench.bootMachine(["--memory", memory, "--block-size", "128M"])
    machines[memory] = m
    return m
}

func frameBenchmark(_ benchmark: Benchmark, memory: String, mode: String, zoom: Bool) {
    do {
        var bench = try FrameBench(machine: try machine(memory), mode: mode, zoom: zoom)
        // The first frame after a mode change fills what later frames reuse.
        blackHole(bench.keyFrame())
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(bench.keyFrame()) }
        benchmark.stopMeasurement()
    } catch {
        benchmark.error("\(error)")
    }
}

let benchmarks: @Sendable () -> Void = {
    // The first call of a process boots its machine (seconds at 64 GiB, minutes at 1 TiB) inside the first benchmark.
    Benchmark.defaultConfiguration.maxDuration = .seconds(30)
    Benchmark.defaultConfiguration.maxIterations = 200
    for memory in ["64G", "1T"] {
        for zoom in [false, true] {
            for mode in FrameBench.modeNames {
                Benchmark("Frame 200x60 \(memory) \(zoom ? "zoomed" : "whole machine") \(mode)",
                          configuration: .init(metrics: [.cpuTotal, .wallClock], timeUnits: .microseconds)) { benchmark in
                    frameBenchmark(benchmark, memory: memory, mode: mode, zoom: zoom)
                }
            }
        }
    }
}
