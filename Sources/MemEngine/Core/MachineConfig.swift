/// How much memory a boot option asks for: a size or a percentage of all memory.
public enum MemoryAmount: Codable, Equatable, Sendable {
    case bytes(Int)
    case percent(Int)

    /// Parses `SIZE` or `N%`, as kernelcore= and movablecore= take them.
    public static func parse(_ text: String) -> MemoryAmount? {
        if text.hasSuffix("%") {
            guard let n = Int(text.dropLast()), n >= 0 else { return nil }
            return .percent(n)
        }
        return ByteSize.parse(text).map(MemoryAmount.bytes)
    }

    func pages(of totalPages: Int, pageSize: Int) -> Int {
        switch self {
        case .bytes(let b): b / pageSize
        case .percent(let p): totalPages * p / 100
        }
    }
}

/// Workload intensity: how many actors run and how often they act.
public enum WorkloadLevel: String, Codable, Sendable, CaseIterable {
    case idle, light, heavy
}

/// Everything that decides a simulated machine: geometry, size, topology, boot options, seed.
public struct MachineConfig: Codable, Equatable, Sendable {
    public var geometry: Geometry
    public var memoryBytes: Int
    public var nodes: Int
    public var cpus: Int
    public var kernelcore: MemoryAmount?
    public var movablecore: MemoryAmount?
    public var seed: UInt64
    public var workload: WorkloadLevel
    /// Fixes of the 2007 series switched off (--without).
    public var without: Set<Fix>
    /// The `movable_node` boot option: every node but node 0 is hotpluggable and all
    /// ZONE_MOVABLE (kernelcore=/movablecore= are ignored), and memblock keeps its allocations
    /// out of it.
    public var movableNode = false
    /// /sys/kernel/mm/transparent_hugepage/enabled (boot option `transparent_hugepage=`).
    public var thp: THPMode = .always

    /// The built-in teaching machine: 1 GiB in 8 MiB blocks, two nodes, four cpus, a quarter of
    /// each node in ZONE_MOVABLE, a light workload.
    public init(geometry: Geometry = .teaching, memoryBytes: Int = 1 << 30, nodes: Int = 2, cpus: Int = 4,
                kernelcore: MemoryAmount? = nil, movablecore: MemoryAmount? = .percent(25),
                seed: UInt64 = 1, workload: WorkloadLevel = .light, without: Set<Fix> = [], movableNode: Bool = false) {
        self.geometry = geometry
        self.memoryBytes = memoryBytes
        self.nodes = nodes
        self.cpus = cpus
        self.kernelcore = kernelcore
        self.movablecore = movablecore
        self.seed = seed
        self.workload = workload
        self.without = without
        self.movableNode = movableNode
        // The kernel ignores movablecore= under movable_node.
        if movableNode { self.movablecore = nil }
    }

    public func has(_ fix: Fix) -> Bool { !without.contains(fix) }

    public var totalPages: Int { memoryBytes / geometry.pageSize }
    /// Memory is laid out in whole blocks; the last may be partly a hole.
    public var blockCount: Int { (totalPages + geometry.pagesPerBlock - 1) / geometry.pagesPerBlock }

    /// Checks that the machine can exist; the message says what to change.
    public func validate() throws(ConfigError) {
        let g = geometry
        guard memoryBytes > 0 else { throw .invalid("--memory must be larger than 0") }
        guard memoryBytes % g.pageSize == 0 else { throw .invalid("--memory must be a whole number of 4 KiB pages") }
        guard memoryBytes <= Self.maximumMemoryBytes else {
            throw .invalid("--memory larger than \(ByteSize.format(Self.maximumMemoryBytes)) is not supported")
        }
        guard nodes >= 1, nodes <= 64 else { throw .invalid("--nodes must be 1 ... 64") }
        guard cpus >= 1, cpus <= 256 else { throw .invalid("--cpus must be 1 ... 256") }
        guard totalPages >= nodes * g.pagesPerBlock else {
            throw .invalid("--memory \(ByteSize.format(memoryBytes)) is smaller than one \(ByteSize.format(g.blockBytes)) memory block per node")
        }
        guard blockCount >= 2 else {
            throw .invalid("--memory must hold at least two memory blocks of \(ByteSize.format(g.blockBytes))")
        }
        for (name, amount) in [("kernelcore", kernelcore), ("movablecore", movablecore)] {
            guard let amount else { continue }
            switch amount {
            case .percent(let p) where p > 100:
                throw .invalid("--\(name) \(p)% is more than all of memory")
            case .bytes(let b) where b > memoryBytes:
                throw .invalid("--\(name) \(ByteSize.format(b)) is larger than memory (\(ByteSize.format(memoryBytes)))")
            default: break
            }
        }
        try validateMovableNode()
    }
}

public enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let m): m }
    }
}
