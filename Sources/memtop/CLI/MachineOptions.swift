import ArgumentParser

/// The MACHINE options of DESIGN.md's command line: the simulated machine's shape and workload.
struct MachineOptions: ParsableArguments {
    @Option(help: "Physical memory size (e.g. 1G, 512M, 64G).")
    var memory: String?

    @Option(help: "Number of NUMA nodes.")
    var nodes: Int?

    @Option(help: "Number of cpus.")
    var cpus: Int?

    @Option(name: .customLong("block-size"),
            help: "Memory block (section) size: 128M is x86_64; smaller sizes give the teaching geometry.")
    var blockSize: String?

    @Option(help: "kernelcore= boot option: memory per node kept for the kernel zones (SIZE or N%).")
    var kernelcore: String?

    @Option(help: "movablecore= boot option: memory per node given to ZONE_MOVABLE (SIZE or N%).")
    var movablecore: String?

    @Option(help: "Seed of the simulation's random generator.")
    var seed: UInt64?

    @Option(help: "Workload level: idle, light or heavy.")
    var workload: String?

    @Option(name: .customLong("without"),
            help: "Switch off one fix of the 2007 series (repeatable): isolate-freed-pages-asap, swapin-unmapped-skip, anon-vma-hold, memmap-roundup.")
    var without: [String] = []
}
