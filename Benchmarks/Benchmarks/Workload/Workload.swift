// 10,000 ticks of the heavy workload on the teaching machine: faults, page cache reads and
// writes, writeback and swap, slab, process exits, reclaim; the allocator under all of it.
// And the exit of the largest process of a 64 GiB machine, which the workload spreads over
// ticks a page table (512 PTEs) at a time: its whole cost, and the worst single tick.
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

    let worstTick = BenchmarkMetric.custom("worst tick (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    let exitTicks = BenchmarkMetric.custom("ticks to exit", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark("Exit of the largest process, 64 GiB x86_64 machine, to its last page",
              configuration: .init(metrics: [.cpuTotal, .wallClock, worstTick, exitTicks],
                                   timeUnits: .milliseconds, maxDuration: .seconds(120), maxIterations: 5)) { benchmark in
        var m = Bench.boot(Bench.offline64)
        m.eventFilter = []
        guard let pid = m.largestProcess else {
            benchmark.error("no process on the 64 GiB machine")
            return
        }
        var worst = 0, ticks = 0
        benchmark.startMeasurement()
        var t0 = Bench.cpuNanoseconds()
        m.startExit(pid: pid)
        while m.isExiting(pid: pid) {
            let t1 = Bench.cpuNanoseconds()
            worst = max(worst, t1 - t0)
            t0 = t1
            m.step()
            ticks += 1
        }
        worst = max(worst, Bench.cpuNanoseconds() - t0)
        benchmark.stopMeasurement()
        benchmark.measurement(worstTick, worst / 1000)
        benchmark.measurement(exitTicks, ticks)
    }
}
