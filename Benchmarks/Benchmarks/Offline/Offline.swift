// Offlining one 128 MiB x86_64 block (32768 pages) with about half its pages in use (issue 3:
// "well under 100 ms of CPU"; issue 12: under 20 ms). A 4 GiB machine, two nodes, half of each
// in ZONE_MOVABLE, its clean page cache dropped (`drop_caches`) and a second of workload run
// after the boot, so that the page cache has filled half again (Bench.bootForOffline); the
// block is the offlinable ZONE_MOVABLE block whose used share is closest to one half. The
// "full block" variants offline the machine as it boots: the page cache fills every Movable
// block, and every migration target comes from direct reclaim.
// Measured: startOffline + runOperation, the whole offline_pages() from the state change to
// MEM_OFFLINE. The boot is outside the measurement (a fresh machine each iteration, so every
// iteration offlines the same block from the same state). The 64 GiB variant has the largest
// process exit as the offline starts: its exit's cost falls inside the offline only as far as
// its page-table-a-tick slices do.
import Benchmark
import BenchSupport
import MemEngine

/// Pages migrated by the last measured offline (reported as a custom metric).
let migratedPages = BenchmarkMetric.custom("pages migrated", polarity: .prefersSmaller, useScalingFactor: false)
let usedPages = BenchmarkMetric.custom("pages in use before", polarity: .prefersSmaller, useScalingFactor: false)

/// Bytes of trace the last measured offline printed (the trace variants).
let traceBytes = BenchmarkMetric.custom("trace bytes", polarity: .prefersSmaller, useScalingFactor: false)

func offlineBenchmark(_ benchmark: Benchmark, workload: Bool, config: MachineConfig = Bench.offline,
                      halfUsed: Bool = true, largestExits: Bool = false, trace: TraceFormat? = nil) {
    var m = Bench.bootForOffline(config, halfUsed: halfUsed)
    guard let pick = Bench.halfUsedMovableBlock(in: m) else {
        benchmark.error("no offlinable ZONE_MOVABLE block on the benchmark machine")
        return
    }
    m.workloadEnabled = workload
    m.eventFilter = [.hotplug]
    benchmark.startMeasurement()
    do {
        try m.startOffline([pick.block])
    } catch {
        benchmark.error("startOffline(\(pick.block)): \(error)")
        return
    }
    // The process that maps the most memory exits as the offline starts, as the workload's
    // long-lived processes end (Workload/ExitMmap.swift: a page table a tick).
    if largestExits, let pid = m.largestProcess { m.startExit(pid: pid) }
    // With a trace, as `memtop offline [--json]`: every step's events formatted into a buffer.
    let bytes = trace.map { Bench.runTracing(&m, format: $0) }
    if trace == nil { m.runOperation() }
    benchmark.stopMeasurement()
    guard let op = m.operation, op.result?.outcome == .offlined else {
        benchmark.error("\(pick.block) did not go offline: \(String(describing: m.operation?.result))")
        return
    }
    benchmark.measurement(migratedPages, op.migrated)
    benchmark.measurement(usedPages, pick.used)
    if let bytes { benchmark.measurement(traceBytes, bytes) }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(60)
    Benchmark.defaultConfiguration.maxIterations = 10
    let metrics: [BenchmarkMetric] = [.cpuTotal, .wallClock, .mallocCountTotal, migratedPages, usedPages]

    Benchmark("Offline 128 MiB block, half used, workload on",
              configuration: .init(metrics: metrics, timeUnits: .milliseconds)) { benchmark in
        offlineBenchmark(benchmark, workload: true)
    }
    Benchmark("Offline 128 MiB block, half used, workload off",
              configuration: .init(metrics: metrics, timeUnits: .milliseconds)) { benchmark in
        offlineBenchmark(benchmark, workload: false)
    }
    Benchmark("Offline 128 MiB block, full, workload off",
              configuration: .init(metrics: metrics, timeUnits: .milliseconds)) { benchmark in
        offlineBenchmark(benchmark, workload: false, halfUsed: false)
    }
    Benchmark("Offline 128 MiB block, full, THP, workload off",
              configuration: .init(metrics: metrics, timeUnits: .milliseconds)) { benchmark in
        offlineBenchmark(benchmark, workload: false, config: Bench.offlineTHP, halfUsed: false)
    }
    Benchmark("Offline 128 MiB block of 64 GiB, workload on, largest process exiting",
              configuration: .init(metrics: metrics, timeUnits: .milliseconds, maxIterations: 5)) { benchmark in
        offlineBenchmark(benchmark, workload: true, config: Bench.offline64, halfUsed: false, largestExits: true)
    }
    Benchmark("Offline 128 MiB block, half used, THP, workload off",
              configuration: .init(metrics: metrics, timeUnits: .milliseconds)) { benchmark in
        offlineBenchmark(benchmark, workload: false, config: Bench.offlineTHP)
    }
    for format in TraceFormat.allCases {
        Benchmark("Offline 128 MiB block, half used, workload off, \(format) trace",
                  configuration: .init(metrics: metrics + [traceBytes], timeUnits: .milliseconds)) { benchmark in
            offlineBenchmark(benchmark, workload: false, trace: format)
        }
    }
}
