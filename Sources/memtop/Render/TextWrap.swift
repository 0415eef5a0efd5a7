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
