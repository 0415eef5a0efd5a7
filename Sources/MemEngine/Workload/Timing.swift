/// The workload's clock. One tick is one micro-step of the kernel, about a microsecond of real
/// time (a page's unmap, move or isolation), so the workload's events are spread as on a real
/// machine: a light desktop faults, reads and forks some tens of thousands of times a second,
/// short tasks (a shell command, a compiler run) live milliseconds and touch a few hundred
/// KiB, and the processes that hold most anonymous memory live for minutes. An offline of a
/// busy block then takes a few milliseconds, and only the rare task that ends inside that
/// window frees pages from under migration, as on a real machine.
struct WorkloadTiming {
    /// Mean ticks between two workload actions (fault, touch, read, write, slab, swap-in, fork).
    var ticksPerAction: Int
    /// Mean lifetime of a long-lived process (the memory holders), in ticks.
    var longLifetime: Int
    /// Mean lifetime of a short-lived task, in ticks.
    var shortLifetime: Int
    /// The most pages a short-lived task faults (it draws its own limit up to this).
    var shortRSS: Int

    static let ticksPerSecond = 1_000_000

    static func of(_ level: WorkloadLevel) -> WorkloadTiming {
        switch level {
        case .idle: WorkloadTiming(ticksPerAction: 200, longLifetime: 600 * ticksPerSecond,
                                   shortLifetime: 5_000, shortRSS: 64)
        case .light: WorkloadTiming(ticksPerAction: 20, longLifetime: 120 * ticksPerSecond,
                                    shortLifetime: 10_000, shortRSS: 128)
        case .heavy: WorkloadTiming(ticksPerAction: 5, longLifetime: 60 * ticksPerSecond,
                                    shortLifetime: 20_000, shortRSS: 256)
        }
    }
}

extension Machine {
    /// How many workload actions fall in this tick: one with probability 1/ticksPerAction
    /// (a Bernoulli stream, the discrete form of a Poisson process).
    mutating func actionsThisTick() -> Int {
        let every = WorkloadTiming.of(config.workload).ticksPerAction
        return rng.below(every) == 0 ? 1 : 0
    }

    /// A lifetime around `mean` ticks: uniform over a quarter to seven quarters of it.
    mutating func drawLifetime(_ mean: Int) -> Int {
        mean / 4 + rng.below(max(1, mean * 3 / 2))
    }

    /// `do_exit()` for every process whose time is up. A process that is the last of the
    /// minimum the workload keeps is replaced by the spawner on the next tick. Exits under
    /// way unmap their next page table first.
    mutating func exitDueProcesses() {
        continueExits()
        var i = 0
        while i < alivePIDs.count {
            let pid = alivePIDs[i]
            if processes[pid].exitTick <= tick {
                beginExit(pid: pid)
            } else {
                i += 1
            }
        }
    }

    /// `kernel_clone()` of a short-lived task: it faults at most a few hundred KiB and exits
    /// after some milliseconds.
    mutating func forkShortLivedTask(params: WorkloadParams) {
        guard alivePIDs.count < params.maxProcesses * 2, let parent = randomAlivePID() else { return }
        let timing = WorkloadTiming.of(config.workload)
        let pid = spawnProcess(node: processes[parent].node.raw, cpu: processes[parent].cpu.raw)
        processes[pid].exitTick = tick + drawLifetime(timing.shortLifetime)
        processes[pid].rssLimit = 8 + rng.below(timing.shortRSS)
    }
}
