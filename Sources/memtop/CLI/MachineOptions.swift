import ArgumentParser
import MemEngine

/// The MACHINE options of DESIGN.md's command line: the simulated machine's shape and workload.
struct MachineOptions: ParsableArguments {
    @Option(help: "Physical memory size (e.g. 1G, 512M, 64G).")
    var memory: String?

    // Numbers are parsed unconditionally, so that "-1" is a value with a clear message
    // ("--nodes must be 1 ... 64"), not an option ("Missing value for '--nodes'").
    @Option(parsing: .unconditional, help: "Number of NUMA nodes.")
    var nodes: Int?

    @Option(parsing: .unconditional, help: "Number of cpus.")
    var cpus: Int?

    @Option(name: .customLong("block-size"),
            help: "Memory block (section) size: 128M is x86_64; smaller sizes give the teaching geometry.")
    var blockSize: String?

    @Option(help: "kernelcore= boot option: memory per node kept for the kernel zones (SIZE or N%).")
    var kernelcore: String?

    @Option(help: "movablecore= boot option: memory per node given to ZONE_MOVABLE (SIZE or N%).")
    var movablecore: String?

    // Read as text (and unconditionally, so "-1" is a value, not an option) for a clear message.
    @Option(parsing: .unconditional, help: "Seed of the simulation's random generator (0 ... 2^64-1).")
    var seed: String?

    @Option(help: "Workload level: idle, light or heavy.")
    var workload: String?

    @Option(name: .customLong("thp"),
            help: "Transparent huge pages for anonymous memory: always (the default) or never (transparent_hugepage=never).")
    var thp: String?

    @Option(name: .customLong("without"),
            help: "Switch off one fix of the 2007 series (repeatable): isolate-freed-pages-asap, swapin-unmapped-skip, anon-vma-hold, memmap-roundup.")
    var without: [String] = []

    @Flag(name: .customLong("movable-node"),
          help: "movable_node boot option: every node but node 0 is all ZONE_MOVABLE and boot memory stays out of it.")
    var movableNode = false

    @Option(parsing: .unconditional, help: "Ticks (microseconds) the workload runs after boot before anything else happens (default 200).")
    var warmup: Int?

    @Flag(name: .customLong("drop-caches"),
          help: "echo 1 > /proc/sys/vm/drop_caches after the warm-up: clean, unmapped page cache is freed, so blocks hold little more than processes' memory.")
    var dropCaches = false

    @Option(name: .customLong("notifier-error"),
            help: "memory-notifier-error-inject: ACTION=ERRNO makes the memory notifier chain refuse ACTION (MEM_GOING_ONLINE or MEM_GOING_OFFLINE) with ERRNO (ENOMEM, EBUSY or EINVAL), as a write to /sys/kernel/debug/notifier-error-inject/memory/actions/ACTION/error does (repeatable).")
    var notifierError: [String] = []

    @Option(help: "A named scenario ('memtop scenarios' lists them): its machine, and its block for offline, online and the map. Options given as well change it.")
    var scenario: String?
}

extension MachineOptions {
    /// The engine's configuration, or a ValidationError that names the bad option (exit 2).
    func makeConfig() throws -> MachineConfig {
        if let scenario {
            return try Scenario.named(scenario).machineOptions().overridden(by: self).makeConfig()
        }
        var c = MachineConfig()
        if let blockSize {
            guard let bytes = ByteSize.parse(blockSize) else {
                throw ValidationError("--block-size \(Quoted(blockSize)) is not a size (try 128M or 8M)")
            }
            do { c.geometry = try Geometry(blockBytes: bytes) } catch let e { throw ValidationError("--block-size: \(e.description)") }
            if c.geometry.blockBytes >= 128 << 20 {
                // x86_64 blocks: a machine of x86 proportions unless told otherwise.
                c.memoryBytes = 16 << 30
            }
        }
        if let memory {
            guard let bytes = ByteSize.parse(memory) else {
                throw ValidationError("--memory \(Quoted(memory)) is not a size (try 1G or 512M)")
            }
            c.memoryBytes = bytes
        }
        if let nodes { c.nodes = nodes }
        if let cpus { c.cpus = cpus }
        if let kernelcore {
            guard let a = MemoryAmount.parse(kernelcore) else {
                throw ValidationError("--kernelcore \(Quoted(kernelcore)) is not a size or a percentage")
            }
            c.kernelcore = a
            if movablecore == nil { c.movablecore = nil }
        }
        if let movablecore {
            guard let a = MemoryAmount.parse(movablecore) else {
                throw ValidationError("--movablecore \(Quoted(movablecore)) is not a size or a percentage")
            }
            c.movablecore = a
        }
        if movableNode {
            c.movableNode = true
            // The kernel ignores movablecore= under movable_node; memtop's default 25% goes too.
            if self.movablecore == nil { c.movablecore = nil }
        }
        if let seed {
            guard let value = UInt64(seed) else {
                throw ValidationError("--seed \(Quoted(seed)) is not a whole number from 0 to \(UInt64.max)")
            }
            c.seed = value
        }
        if let workload {
            guard let w = WorkloadLevel(rawValue: workload) else {
                throw ValidationError("--workload \(Quoted(workload)) is not one of idle, light, heavy")
            }
            c.workload = w
        }
        if let thp {
            guard let mode = THPMode(rawValue: thp) else {
                throw ValidationError("--thp '\(thp)' is not one of always, never")
            }
            c.thp = mode
        }
        for name in without {
            guard let fix = Fix(rawValue: name) else {
                throw ValidationError("--without \(Quoted(name)) is not a fix of the 2007 series (one of: \(Fix.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            c.without.insert(fix)
        }
        do { try c.validate() } catch let e { throw ValidationError(e.description) }
        try MemoryBudget.check(c)
        return c
    }

    /// Boots the machine (`warmupTicks` ticks of workload after boot), with the notifier
    /// errors asked for armed.
    func bootMachine(warmupTicks: Int? = nil) throws -> Machine {
        let config = try makeConfig()
        let inject = try notifierErrors()
        let ticks = try warmupTicks ?? effectiveWarmup()
        // A big machine takes seconds to build (1 TiB: 5 to 35 s); a person at a terminal is
        // told what is happening instead of looking at nothing. The line is erased after.
        let progress = config.memoryBytes >= 32 << 30 && FileHandleOutput.standardError.isTerminal
        if progress {
            FileHandleOutput.standardError.write("memtop: booting \(ByteText.size(config.memoryBytes)) (\(config.memoryBytes / config.geometry.pageSize) pages)...")
        }
        defer { if progress { FileHandleOutput.standardError.write("\r\u{1b}[K") } }
        var m: Machine
        do { m = try Machine(config: config, warmupTicks: ticks) } catch let e { throw ValidationError(e.description) }
        m.notifierErrorInject = inject
        if dropCaches {
            m.dropCaches()
            // Its event is the machine's own past, not part of what the command shows.
            _ = m.drainEvents()
        }
        return m
    }

    /// The `--notifier-error ACTION=ERRNO` settings, or a ValidationError naming the bad one.
    func notifierErrors() throws -> [MemoryNotifyAction: NotifierErrno] {
        var out: [MemoryNotifyAction: NotifierErrno] = [:]
        for text in notifierError {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let action = MemoryNotifyAction(rawValue: parts[0].uppercased()),
                  let errno = NotifierErrno(rawValue: parts[1].uppercased())
                    ?? NotifierErrno.allCases.first(where: { String($0.value) == parts[1] }) else {
                throw ValidationError("--notifier-error \(Quoted(text)) is not ACTION=ERRNO (ACTION: "
                    + MemoryNotifyAction.allCases.map(\.rawValue).joined(separator: ", ") + "; ERRNO: "
                    + NotifierErrno.allCases.map(\.rawValue).joined(separator: ", ") + ", e.g. MEM_GOING_ONLINE=ENOMEM)")
            }
            out[action] = errno
        }
        return out
    }
}

extension MachineOptions {
    /// These options with every option that `other` gives put in their place (a scenario's
    /// machine changed by what the command line adds).
    func overridden(by other: MachineOptions) -> MachineOptions {
        var o = self
        o.scenario = nil
        if let v = other.memory { o.memory = v }
        if let v = other.nodes { o.nodes = v }
        if let v = other.cpus { o.cpus = v }
        if let v = other.blockSize { o.blockSize = v }
        if let v = other.kernelcore { o.kernelcore = v }
        if let v = other.movablecore { o.movablecore = v }
        if let v = other.seed { o.seed = v }
        if let v = other.workload { o.workload = v }
        if let v = other.warmup { o.warmup = v }
        if let v = other.thp { o.thp = v }
        o.without += other.without
        o.notifierError += other.notifierError
        o.movableNode = o.movableNode || other.movableNode
        o.dropCaches = o.dropCaches || other.dropCaches
        return o
    }
}

extension MachineOptions {
    /// --warmup, or the scenario's, or nil for the engine's default.
    func effectiveWarmup() throws -> Int? {
        if let warmup {
            guard warmup >= 0, warmup <= 10_000_000 else { throw ValidationError("--warmup must be 0 ... 10000000 ticks") }
            return warmup
        }
        if let scenario { return try Scenario.named(scenario).machineOptions().effectiveWarmup() }
        return nil
    }
}
