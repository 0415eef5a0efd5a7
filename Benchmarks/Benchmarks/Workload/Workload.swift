// 10,000 ticks of the heavy workload on the teaching machine: faults, page cache reads and
// writes, writeback and swap, slab, process exits, reclaim; the allocator under all of it.
import Benchmark
import BenchSupport
import MemEngine

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(20)
    Benchmark.defaultConfiguration.maxIterations = 20

    Benchmark("10000 step() heavy workload, teaching machine",
              configuration: .init(metrics: [.cpuTotal, .wallClock, .mallocCountTotal],
                                   timeUnits: .milliseconds)) { benchmark in
        // Booted outside the measurement; a fresh machine each time so every run does the
        // same 10,000 ticks from the same state.
        var m = Bench.boot(Bench.teachingHeavy)
        m.eventFilter = []
        benchmark.startMeasurement()
        for _ in 0..<10_000 { m.step() }
        benchmark.stopMeasurement()
        blackHole(m.tick)
    }
}
