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
