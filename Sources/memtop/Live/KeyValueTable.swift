/// A "name value" file in the order the kernel wrote it: /proc/vmstat ("nr_free_pages 1028216")
/// and /proc/meminfo ("MemFree:        24379156 kB").
struct KeyValueTable: Equatable, Sendable {
    var entries: [(name: String, value: UInt64)]

    subscript(name: String) -> UInt64? {
        entries.first(where: { $0.name == name })?.value
    }

    static func == (lhs: KeyValueTable, rhs: KeyValueTable) -> Bool {
        lhs.entries.elementsEqual(rhs.entries, by: { $0.name == $1.name && $0.value == $1.value })
    }

    /// Parses one entry a line. A trailing colon on the name and a "kB" unit are dropped:
    /// meminfo values stay in KiB as the kernel prints them.
    static func parse(_ text: String, path: String) throws -> KeyValueTable {
        let proc = ProcText(path: path, text: text)
        var entries: [(name: String, value: UInt64)] = []
        for (index, line) in proc.lines.enumerated() where !line.trimmingWhitespace.isEmpty {
            let words = line.words
            guard words.count == 2 || (words.count == 3 && words[2] == "kB") else {
                throw proc.error(index, "expected 'name value', found \(Quoted(line.prefix(40)))")
            }
            var name = words[0]
            if name.hasSuffix(":") { name.removeLast() }
            entries.append((String(name), try proc.number(words[1], line: index)))
        }
        guard !entries.isEmpty else { throw proc.error(nil, "empty") }
        return KeyValueTable(entries: entries)
    }
}
