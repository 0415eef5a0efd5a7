/// "did you mean" for a mistyped subcommand: `memtop ofline 48` names `offline` instead of
/// ArgumentParser's "2 unexpected arguments" (sim, the default command, takes no arguments).
enum CommandSuggestion {
    /// The message for `arguments` (without the program name) when the first one is a near
    /// miss of a subcommand in `names`, else nil.
    static func message(for arguments: [String], names: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), !names.contains(word), word != "help" else { return nil }
        let scored = names.map { (name: $0, distance: distance(word.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= (word.count >= 4 ? 2 : 1) else { return nil }
        return "unknown command '\(word)'; did you mean '\(best.name)'? ('memtop --help' lists the commands)"
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
