// Boot of the default teaching machine: memmap init, memblock_free_all, watermarks, pcp
// setup, the boot kernel allocations, filling memory to the light workload's level and 200
// warm-up ticks (`Machine(config: MachineConfig())`, what `memtop` does at start); and the
// same boot of a 64 GiB and a 1 TiB x86_64 machine (issue 12: under 1 s and 15 s of CPU).
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

    let perPage = BenchmarkMetric.custom("engine bytes/page x100", polarity: .prefersSmaller, useScalingFactor: false)
    for (name, config, iterations) in [("Boot 64 GiB x86_64 machine (16777216 pages)", Bench.footprint, 5),
                                       ("Boot 1 TiB x86_64 machine (268435456 pages)", Bench.terabyte, 2)] {
        Benchmark(name, configuration: .init(metrics: [.cpuTotal, .wallClock, .peakMemoryResident, perPage],
                                             timeUnits: .milliseconds, maxDuration: .seconds(300),
                                             maxIterations: iterations)) { benchmark in
            let m = Bench.boot(config)
            benchmark.measurement(perPage, m.footprintBytes * 100 / m.pageCount)
            blackHole(m)
        }
    }
}
