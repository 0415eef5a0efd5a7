/// Breaks `text` into lines of at most `width` characters at spaces; a word longer than the
/// width is cut. For short messages in narrow places (the too-small screen, a log line).
func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
        var word = Substring(word)
        if !line.isEmpty && line.count + 1 + word.count <= width {
            line += " " + word
            continue
        }
        if !line.isEmpty { lines.append(line) }
        while word.count > width {
            lines.append(String(word.prefix(width)))
            word = word.dropFirst(width)
        }
        line = String(word)
    }
    if !line.isEmpty { lines.append(line) }
    return lines
}

/// `wrap(_:width:)` with every line after the first indented by `continuationIndent` spaces,
/// so that a wrapped log line reads as one entry.
func wrap(_ text: String, width: Int, continuationIndent: Int) -> [String] {
    let first = wrap(text, width: width)
    guard first.count > 1, continuationIndent > 0, width > continuationIndent + 8 else { return first }
    let head = first[0]
    let rest = String(text.dropFirst(head.count)).drop { $0 == " " }
    let pad = String(repeating: " ", count: continuationIndent)
    return [head] + wrap(String(rest), width: width - continuationIndent).map { pad + $0 }
}
