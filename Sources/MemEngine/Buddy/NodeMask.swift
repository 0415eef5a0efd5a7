/// A set of NUMA nodes (`nodemask_t`), as a bitmask: a machine has at most 64 nodes
/// (`MachineConfig.validate()`), and a mask is built for every migration target, so it must
/// not allocate.
public struct NodeMask: Codable, Equatable, Sendable {
    public private(set) var bits: UInt64

    public init(bits: UInt64) { self.bits = bits }

    /// Nodes 0 ..< count.
    public static func all(_ count: Int) -> NodeMask {
        NodeMask(bits: count >= 64 ? ~0 : (UInt64(1) << UInt64(max(0, count))) &- 1)
    }

    /// The mask without node `n` (`node_clear()`).
    public func removing(_ n: Int) -> NodeMask {
        NodeMask(bits: bits & ~(UInt64(1) << UInt64(n)))
    }

    /// Whether node `n` is in the mask (`node_isset()`).
    public subscript(n: Int) -> Bool { n >= 0 && n < 64 && bits & (UInt64(1) << UInt64(n)) != 0 }
}
