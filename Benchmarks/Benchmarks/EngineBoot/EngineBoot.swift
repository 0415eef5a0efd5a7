// Boot of the default teaching machine: memmap init, memblock_free_all, watermarks, pcp
// setup, the boot kernel allocations, filling memory to the light workload's level and 200
// warm-up ticks (`Machine(config: MachineConfig())`, what `memtop` does at start).
import Benchmark
import BenchSupport
import MemEngine

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(10)
    Benchmark.defaultConfiguration.maxIterations = 50

    Benchmark("Boot teaching machine (1 GiB, 262144 pages)",
              configuration: .init(metrics: [.cpuTotal, .wallClock, .mallocCountTotal, .peakMemoryResident],
                                   timeUnits: .milliseconds)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Bench.boot(Bench.teaching))
        }
    }
}
