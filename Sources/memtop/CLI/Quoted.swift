/// A value the user gave (an argument, a path, a file's text) as a message shows it: in single
/// quotes, with control characters, backslashes and quotes escaped, so that a message stays one
/// line however odd the value (DESIGN.md, "Command line": one `memtop:` line on stderr).
struct Quoted: CustomStringConvertible {
    let text: String

    init(_ text: some StringProtocol) { self.text = String(text) }

    var description: String { "'" + Self.escaped(text, quote: true) + "'" }

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
