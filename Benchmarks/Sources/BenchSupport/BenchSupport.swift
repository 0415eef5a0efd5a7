import Glibc
import MemEngine

/// The machines the benchmarks run on, and the measurements they share.
public enum Bench {
    /// The default teaching machine (`memtop` with no options): 1 GiB in 8 MiB blocks.
    public static let teaching = MachineConfig()

    /// The teaching machine under the heavy workload.
    public static let teachingHeavy = MachineConfig(workload: .heavy)

    /// The offline benchmark's machine: x86_64 geometry (128 MiB blocks of 32768 pages), 4 GiB,
    /// half of each node ZONE_MOVABLE. The page cache fills every Movable block as it boots;
    /// `bootForOffline(_:halfUsed: true)` drops it and lets it fill again half way.
    /// Order-0 anonymous memory only (`--thp never`), as before THP was modelled, so that the
    /// figures compare across versions.
    public static let offline: MachineConfig = {
        var c = MachineConfig(geometry: .x86_64, memoryBytes: 4 << 30, nodes: 2, cpus: 4,
                              movablecore: .percent(50), seed: 1, workload: .light)
        c.thp = .never
        return c
    }()

    /// The same machine with THP on (the default): its anonymous memory is mostly PMD-sized
    /// folios, so the offline moves 512-page folios.
    public static let offlineTHP: MachineConfig = {
        var c = offline
        c.thp = .always
        return c
    }()

    /// The machine of the memory-per-page figure (issue 2): 64 GiB of x86_64, 16.7 M pages.
    public static let footprint = MachineConfig(geometry: .x86_64, memoryBytes: 64 << 30, nodes: 2, cpus: 8,
                                                movablecore: .percent(25), workload: .light)

    /// The same machine at 1 TiB (issue 12: 268,435,456 pages, the largest the engine models).
    public static let terabyte: MachineConfig = {
        var c = footprint
        c.memoryBytes = 1 << 40
        return c
    }()

    /// The 64 GiB machine as `memtop --memory 64G --block-size 128M` boots it (THP on), for the
    /// offline under the workload while a large process exits.
    public static let offline64: MachineConfig = {
        var c = footprint
        c.cpus = 4
        return c
    }()

    /// Boots a machine; the configurations above are valid, so a failure is a bug here.
    public static func boot(_ config: MachineConfig) -> Machine {
        do {
            return try Machine(config: config)
        } catch {
            fatalError("cannot boot the benchmark machine: \(error)")
        }
    }

    /// Ticks the workload runs after `drop_caches` before the half-used offline: a second of
    /// the machine's time, in which the page cache fills half of the memory it dropped again.
    public static let refillTicks = 1_000_000

    /// Boots the offline benchmark's machine. `halfUsed`: then `echo 1 >
    /// /proc/sys/vm/drop_caches` (`dropCaches()`) and a second of the workload (`refillTicks`)
    /// while the page cache fills again, as a machine a moment after its administrator dropped
    /// the cache: the Movable blocks are 40 to 80% used and the free memory takes the
    /// migration targets. Otherwise the machine as it boots: since the page cache fills free
    /// memory, every Movable block is full and the targets come from direct reclaim.
    public static func bootForOffline(_ config: MachineConfig, halfUsed: Bool) -> Machine {
        var m = boot(config)
        if halfUsed {
            m.dropCaches()
            for _ in 0..<refillTicks { m.step() }
        }
        return m
    }

    /// Pages of a block that hold something (neither free, on a pcp list, a hole nor offline).
    public static func usedPages(_ s: BlockSummary) -> Int {
        s.kinds.indices.reduce(0) { n, k in
            switch PageKind(rawValue: UInt8(k)) {
            case .free?, .pcp?, .hole?, .offline?: n
            default: n + s.kinds[k]
            }
        }
    }

    /// The ZONE_MOVABLE block that `offline_pages()` would take, with its used share closest to
    /// one half.
    public static func halfUsedMovableBlock(in m: Machine) -> (block: BlockID, used: Int, lru: Int)? {
        var best: (block: BlockID, used: Int, lru: Int)?
        let half = m.geometry.pagesPerBlock / 2
        for b in m.blocks {
            let s = m.blockSummary(b.id)
            guard s.zone == .movable, !s.multizone, m.offlineVerdict(b.id).offlinable else { continue }
            let used = usedPages(s)
            if best.map({ abs(used - half) < abs($0.used - half) }) ?? true {
                best = (b.id, used, s.lru.reduce(0, +))
            }
        }
        return best
    }

    /// Runs the operation in flight to its end as `memtop offline --json` (or without) does:
    /// the events drained after every step and formatted into one reusable buffer, emptied
    /// (instead of written) past 64 KiB. Returns the bytes of trace produced.
    public static func runTracing(_ m: inout Machine, format: TraceFormat) -> Int {
        var out = ""
        out.reserveCapacity(1 << 17)
        var bytes = 0
        m.runOperation(eachStep: { events in
            for e in events {
                e.appendTraceLine(format, to: &out)
                out += "\n"
            }
            if out.utf8.count > 1 << 16 {
                bytes += out.utf8.count
                out.removeAll(keepingCapacity: true)
            }
        })
        return bytes + out.utf8.count
    }

    /// CPU time this process has used, in nanoseconds (`CLOCK_PROCESS_CPUTIME_ID`).
    public static func cpuNanoseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    }

    /// A field of /proc/self/status in bytes (VmRSS: resident now, VmHWM: peak resident).
    public static func procStatusBytes(_ field: String) -> Int {
        guard let f = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix(field + ":") else { continue }
            let kib = text.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
            return (kib ?? 0) * 1024
        }
        return 0
    }
}
