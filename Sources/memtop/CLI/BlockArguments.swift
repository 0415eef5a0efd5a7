import ArgumentParser
import MemEngine

/// Parses BLOCK arguments: `12`, `memory12`, or a range `8-11`.
func parseBlocks(_ args: [String], on machine: Machine) throws -> [BlockID] {
    var ids: [BlockID] = []
    for arg in args {
        let text = arg.hasPrefix("memory") ? String(arg.dropFirst(6)) : arg
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let lo = Int(parts[0]), let hi = Int(parts.last ?? "") , lo <= hi else {
            throw ValidationError("\(Quoted(arg)) is not a memory block (a number such as 12, memory12 or a range 8-11)")
        }
        for b in lo...hi {
            guard b < machine.blocks.count else {
                throw ValidationError("there is no memory block \(b): this machine has blocks 0-\(machine.blocks.count - 1)")
            }
            guard !ids.contains(BlockID(b)) else {
                throw ValidationError("memory\(b) is listed twice: it would already be offline the second time")
            }
            ids.append(BlockID(b))
        }
    }
    return ids
}

/// The blocks a command works on: those named, every online block of `node`, or the
/// scenario's when neither is given.
func targetBlocks(_ args: [String], node: Int?, scenario: String?, on machine: Machine) throws -> [BlockID] {
    if args.isEmpty && node == nil, let scenario {
        let s = try Scenario.named(scenario).offlineCommand()
        return try targetBlocks(s.blocks, node: s.node, scenario: nil, on: machine)
    }
    if let node {
        guard args.isEmpty else { throw ValidationError("give memory blocks or --node, not both") }
        guard node >= 0, node < machine.nodes.count else {
            throw ValidationError("there is no node \(node): this machine has node\(machine.nodes.count == 1 ? " 0" : "s 0-\(machine.nodes.count - 1)")")
        }
        let ids = machine.blocks(ofNode: node)
        guard !ids.isEmpty else { throw ValidationError("node \(node) has no online memory block") }
        return ids
    }
    guard !args.isEmpty else { throw ValidationError("name a memory block (such as 12), --node N or --scenario NAME") }
    return try parseBlocks(args, on: machine)
}
