/// A cell's foreground or background colour: the terminal's default, one of the 16 basic colours,
/// or an index into the 256-colour palette.
///
/// Buffers keep the colour a widget asked for; backends downgrade it to what the terminal has
/// (`downgraded(toColors:)`), so widgets never branch on 8 versus 256 colours.
enum Color: Hashable, Sendable {
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow
    case brightBlue, brightMagenta, brightCyan, brightWhite
    /// An entry of the xterm 256-colour palette (0–15 basic, 16–231 a 6×6×6 cube, 232–255 greys).
    case indexed(UInt8)

    /// The 16 basic colours in palette order, so that `basic[n]` is palette entry `n`.
    static let basic: [Color] = [
        .black, .red, .green, .yellow, .blue, .magenta, .cyan, .white,
        .brightBlack, .brightRed, .brightGreen, .brightYellow,
        .brightBlue, .brightMagenta, .brightCyan, .brightWhite,
    ]

    /// The palette number (0–255), or nil for the terminal's default colour.
    var paletteIndex: Int? {
        switch self {
        case .default: return nil
        case .indexed(let n): return Int(n)
        default: return Color.basic.firstIndex(of: self)
        }
    }

    /// The nearest colour a terminal with `colors` colours can show (0: none, 8, or 256).
    ///
    /// On 8 colours the bright half maps to its base colour (the backend may add bold), and
    /// palette entries map to the nearest of the 8 by thresholding each channel of the cube.
    func downgraded(toColors colors: Int) -> Color {
        guard colors > 0 else { return .default }
        if colors >= 256 { return self }
        guard let index = paletteIndex else { return .default }
        return Color.basic[Color.nearestBasic8(index)]
    }

    /// True for the bright half of the 16 basic colours and palette entries 8–15.
    var isBright: Bool {
        guard let index = paletteIndex else { return false }
        return (8..<16).contains(index)
    }

    private static func nearestBasic8(_ index: Int) -> Int {
        switch index {
        case 0..<16:
            return index % 8
        case 16..<232:
            let cube = index - 16
            let (r, g, b) = (cube / 36, (cube / 6) % 6, cube % 6)
            // Basic colour bits: red 1, green 2, blue 4 (the ANSI order).
            return (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
        default:
            return index - 232 < 12 ? 0 : 7
        }
    }
}
