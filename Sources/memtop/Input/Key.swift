/// One key press or mouse event, as the terminal or the `--keys` notation reports it.
enum Key: Hashable, Sendable {
    /// A printable character, including space.
    case char(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right
    case pageUp, pageDown, home, end
    /// F1 to F12.
    case function(Int)
    /// The left button clicked at cell (x, y).
    case click(x: Int, y: Int)
    /// The mouse wheel turned up (away from the user) or down over cell (x, y).
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)

    /// The key a typed character stands for: control characters become the keys they are.
    init(character: Character) {
        switch character {
        case "\r", "\n", "\r\n": self = .enter
        case "\t": self = .tab
        case "\u{1b}": self = .escape
        case "\u{7f}", "\u{08}": self = .backspace
        default: self = .char(character)
        }
    }

    /// The key's name as the help screen and the key bar write it, e.g. "q", "Enter", "F10".
    var displayName: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c):
            // Control characters read as C-<letter>, e.g. Ctrl-L as "C-L".
            if let v = c.unicodeScalars.first?.value, v < 0x20, let letter = Unicode.Scalar(v + 0x40) {
                return "C-" + String(Character(letter))
            }
            return String(c)
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .function(let n): return "F\(n)"
        case .click(let x, let y): return "click \(x),\(y)"
        case .wheelUp: return "WheelUp"
        case .wheelDown: return "WheelDown"
        }
    }
}

/// One step of a headless run: a key, animation frames passing, or the screen changing size.
enum KeyEvent: Hashable, Sendable {
    case key(Key)
    /// `<tick:N>`: N animation frames pass (only while the app animates, as in a terminal).
    case tick(Int)
    /// `<Resize:COLSxROWS>`: the screen becomes this size.
    case resize(Size)
}
