// checkInvariants() on the teaching machine: every pfn in exactly one place, buddy blocks
// aligned and disjoint, zone counters against a recount, pcp and LRU sizes, content tokens.
// The tests run it after every step of thousands of runs, so its cost sets their pace.
import Benchmark
import BenchSupport
import MemEngine

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(10)
    Benchmark.defaultConfiguration.maxIterations = 1000

    let machine = Bench.boot(Bench.teaching)
    Benchmark("checkInvariants() teaching machine (262144 pages)",
              configuration: .init(metrics: [.cpuTotal, .wallClock, .mallocCountTotal],
                                   timeUnits: .microseconds)) { benchmark in
        for _ in benchmark.scaledIterations {
            do {
                try machine.checkInvariants()
            } catch {
                fatalError("invariant broken on the freshly booted teaching machine: \(error)")
            }
        }
    }
}
