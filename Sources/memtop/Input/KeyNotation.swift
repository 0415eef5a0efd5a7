/// The `--keys` notation of DESIGN.md ("K"): plain characters are keys, `<Name>` names a
/// special key, `<tick:N>` lets N animation frames pass.
///
/// Also `<click:X,Y>`, `<WheelUp:X,Y>`, `<WheelDown:X,Y>` for the mouse, `<Resize:COLSxROWS>`
/// for a resize, and `<lt>` for a literal '<'. Names are case-insensitive.
enum KeyNotation {
    /// The special keys by their lower-cased name.
    static let names: [String: Key] = {
        var table: [String: Key] = [
            "enter": .enter, "cr": .enter, "return": .enter,
            "esc": .escape, "escape": .escape,
            "tab": .tab, "s-tab": .backTab, "backtab": .backTab,
            "space": .char(" "), "lt": .char("<"), "gt": .char(">"),
            "backspace": .backspace, "bs": .backspace, "del": .delete, "delete": .delete,
            "up": .up, "down": .down, "left": .left, "right": .right,
            "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
            "home": .home, "end": .end,
        ]
        for n in 1...12 { table["f\(n)"] = .function(n) }
        return table
    }()

    /// Parses `text` into the events it names, in order.
    static func parse(_ text: String) throws(KeyNotationError) -> [KeyEvent] {
        var events: [KeyEvent] = []
        var rest = Substring(text)
        while let first = rest.first {
            guard first == "<" else {
                events.append(.key(Key(character: first)))
                rest = rest.dropFirst()
                continue
            }
            let offset = text.distance(from: text.startIndex, to: rest.startIndex)
            guard let close = rest.firstIndex(of: ">") else {
                throw KeyNotationError(token: String(rest), offset: offset,
                                       problem: "'<' without a closing '>' (write <lt> for a '<' key)")
            }
            let token = String(rest[rest.startIndex...close])
            events.append(try event(named: String(rest[rest.index(after: rest.startIndex)..<close]),
                                    token: token, offset: offset))
            rest = rest[rest.index(after: close)...]
        }
        return events
    }

    private static func event(named name: String, token: String,
                              offset: Int) throws(KeyNotationError) -> KeyEvent {
        let lowered = name.lowercased()
        if let key = names[lowered] { return .key(key) }
        func fail(_ problem: String) -> KeyNotationError {
            KeyNotationError(token: token, offset: offset, problem: problem)
        }
        guard let colon = lowered.firstIndex(of: ":") else {
            throw fail("unknown key name; known: " + knownNames)
        }
        let head = lowered[..<colon], argument = String(lowered[lowered.index(after: colon)...])
        switch head {
        case "tick":
            guard let n = Int(argument), (0...1_000_000).contains(n) else {
                throw fail("<tick:N> needs a frame count N from 0 to 1000000")
            }
            return .tick(n)
        case "click", "wheelup", "wheeldown":
            let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2, let x = Int(parts[0]), let y = Int(parts[1]), x >= 0, y >= 0 else {
                throw fail("<\(head):X,Y> needs a cell X,Y, e.g. <\(head):10,4>")
            }
            switch head {
            case "click": return .key(.click(x: x, y: y))
            case "wheelup": return .key(.wheelUp(x: x, y: y))
            default: return .key(.wheelDown(x: x, y: y))
            }
        case "resize":
            do {
                return .resize(try Size.parse(argument))
            } catch {
                throw fail("<Resize:COLSxROWS> needs a size, e.g. <Resize:100x30>")
            }
        default:
            throw fail("unknown key name; known: " + knownNames)
        }
    }

    /// The names the error message lists.
    static let knownNames = "<Enter> <Esc> <Tab> <S-Tab> <Space> <Backspace> <Del> <Up> <Down> "
        + "<Left> <Right> <PgUp> <PgDn> <Home> <End> <F1>..<F12> <lt> <gt> <tick:N> "
        + "<click:X,Y> <WheelUp:X,Y> <WheelDown:X,Y> <Resize:COLSxROWS>"
}

/// A `--keys` string that does not parse: which token, where, and why.
struct KeyNotationError: Error, CustomStringConvertible {
    var token: String
    /// The token's position in the string, counted in characters from 0.
    var offset: Int
    var problem: String

    var description: String { "bad key \(Quoted(token)) at position \(offset) of --keys: \(problem)" }
}
