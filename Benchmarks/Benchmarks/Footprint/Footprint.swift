// Memory per simulated page (issue 2: aim at 16 bytes, the kernel's struct page is 64, never
// above 32): booting a populated 64 GiB x86_64 machine (16,777,216 pages). peakMemoryResident
// is the whole process's (the benchmark runner's own baseline included, a few MiB);
// "engine bytes/page x100" is `Machine.footprintBytes` / pages, times 100.
// `swift run -c release footprint` prints both figures with a breakdown.
import Benchmark
import BenchSupport
import MemEngine

let footprintPerPage = BenchmarkMetric.custom("engine bytes/page x100", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark("Boot 64 GiB x86_64 machine (16777216 pages)",
              configuration: .init(metrics: [.cpuTotal, .wallClock, .peakMemoryResident, .mallocCountTotal, footprintPerPage],
                                   timeUnits: .milliseconds, maxDuration: .seconds(120), maxIterations: 3)) { benchmark in
        let m = Bench.boot(Bench.footprint)
        benchmark.measurement(footprintPerPage, m.footprintBytes * 100 / m.pageCount)
        blackHole(m)
    }
}
