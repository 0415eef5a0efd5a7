/// A value the user gave (an argument, a path, a file's text) as a message shows it: in single
/// quotes, with control characters, backslashes and quotes escaped, so that a message stays one
/// line however odd the value (DESIGN.md, "Command line": one `memtop:` line on stderr).
struct Quoted: CustomStringConvertible {
    let text: String

    init(_ text: some StringProtocol) { self.text = String(text) }

    var description: String { "'" + Self.escaped(text, quote: true) + "'" }

    /// Whether `character` is (or starts with) a C0 or C1 control character, DEL included.
    static func isControl(_ character: Character) -> Bool {
        guard let value = character.unicodeScalars.first?.value else { return false }
        return value < 0x20 || (0x7f...0x9f).contains(value)
    }

    /// `text` with every control character written as an escape (`\n`, `\t`, `\u{1B}`).
    static func escaped(_ text: String, quote: Bool = false) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\\" where quote: result += "\\\\"
            case "'" where quote: result += "\\'"
            default:
                if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
                    result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

extension FileHandleOutput {
    /// Writes one `memtop: TEXT` line, its control characters escaped: text read from a file or
    /// typed by the user can never break the one-line rule or reach the terminal raw.
    func line(_ text: String) {
        write("memtop: " + Quoted.escaped(text) + "\n")
    }
}
