import ArgumentParser
import MemEngine

/// A named machine and block where something of the 2007 series happens with a fixed seed:
/// a bug with its fix switched off, or a known limit the kernel still has.
struct Scenario: Sendable {
    var name: String
    /// What happens, in a sentence or two.
    var description: String
    /// The `--without` switch that shows the bug, or nil for a limit of the kernel itself.
    var fix: Fix?
    /// `memtop offline` arguments that reproduce it (without `--without`).
    var args: [String]

    /// Every scenario, in the order `memtop scenarios` lists them.
    static let all: [Scenario] = [
        Scenario(name: "freed-pages-loop",
                 description: "Without isolate-freed-pages-asap a migrated page freed through put_page lands on the per-cpu list as Movable and comes back as the next migration target inside the range: the offline loops until a signal ends it (EINTR). With the fix the block goes offline.",
                 fix: .isolateFreedPagesASAP, args: ["120", "--seed", "1"]),
        Scenario(name: "swapin-unmapped",
                 description: "A page being swapped in is in the swap cache and on the LRU but not yet mapped. Without swapin-unmapped-skip migration unmaps it anyway: the kernel panic of the series. With the fix, as in 6.x, such a folio has nothing to unmap and moves in the same pass: the block goes offline.",
                 fix: .swapinUnmappedSkip, args: ["61", "--seed", "1", "--workload", "heavy", "--warmup", "22050"]),
        Scenario(name: "anon-vma-exit",
                 description: "A process exits while its pages are being migrated. Without anon-vma-hold its anon_vma is freed while migration entries point at it (use-after-free). With the fix migration holds a reference and the block goes offline.",
                 fix: .anonVMAHold, args: ["14", "--memory", "2G", "--block-size", "128M", "--seed", "1", "--workload", "heavy", "--thp", "never", "--warmup", "30000"]),
        Scenario(name: "memmap-hole",
                 description: "Memory ends 4 MiB into the last block. Without memmap-roundup the hole's struct pages are never initialised and hold garbage (the map shows them); the 6.x memory-holes check refuses the block with EINVAL either way.",
                 fix: .memmapRoundup, args: ["127", "--memory", "1020M"]),
        Scenario(name: "swapcache-writeback",
                 description: "A page being swapped out is in the swap cache under writeback and off the LRU: neither free nor movable. In ZONE_NORMAL has_unmovable_pages refuses it (EBUSY, failure to isolate range); in ZONE_MOVABLE test_pages_isolated finds it busy and the offline waits for the write. A known limit of the series that the kernel still has.",
                 fix: nil, args: ["12", "--memory", "128M", "--seed", "3", "--movablecore", "0%", "--workload", "heavy", "--thp", "never", "--warmup", "30000"]),
        Scenario(name: "reserved-in-movable",
                 description: "memblock allocates top-down, so with movablecore= node 1's memmap lands at the top of its ZONE_MOVABLE: the block is reserved at boot and the offline fails with EBUSY (failure to isolate range). --movable-node keeps boot memory out of ZONE_MOVABLE.",
                 fix: nil, args: ["127"]),
        Scenario(name: "node-hot-remove",
                 description: "Under movable_node node 1 is all ZONE_MOVABLE and holds no boot memory: offlining every block of it migrates its pages to node 0, and the last block clears N_MEMORY (kswapd and kcompactd stop, the zonelists drop the node).",
                 fix: nil, args: ["--node", "1", "--movable-node", "--workload", "idle"]),
    ]

    /// The scenario of this name, or the bad-input error that lists the names.
    static func named(_ name: String) throws -> Scenario {
        guard let s = all.first(where: { $0.name == name }) else {
            throw ValidationError("no scenario '\(name)' (one of: \(all.map(\.name).joined(separator: ", ")); see 'memtop scenarios')")
        }
        return s
    }

    /// The `memtop offline` command its arguments make.
    func offlineCommand() throws -> OfflineCommand {
        try OfflineCommand.parse(args)
    }

    /// Its machine options.
    func machineOptions() throws -> MachineOptions {
        try offlineCommand().machine
    }

    /// The map's command line that shows it, and the key that starts it there.
    var simCommandLine: String {
        (["memtop", "sim", "--scenario", name] + (fix.map { ["--without", $0.rawValue] } ?? [])).joined(separator: " ")
            + "   (then \(mapKey), Space)"
    }

    /// The map's key that starts it: X for a whole node, else o for the block.
    var mapKey: String { args.contains("--node") ? "X" : "o" }

    /// The command line that shows it, with the `--without` switch when it has one.
    var commandLine: String {
        (["memtop", "offline"] + args + (fix.map { ["--without", $0.rawValue] } ?? [])).joined(separator: " ")
    }
}
