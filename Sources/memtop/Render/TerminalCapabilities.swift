/// What the terminal can show, decided once at the edge and handed to every widget.
///
/// Widgets draw the same states either way; this value only picks glyphs (half blocks and line
/// drawing in UTF-8, ASCII otherwise) and says whether colour carries meaning or glyphs and
/// attributes must.
struct TerminalCapabilities: Hashable, Sendable {
    /// The locale's character set is UTF-8, so '▀' and box-drawing characters can be drawn.
    var utf8: Bool
    /// Colours the terminal has: 0 (none), 8 or 256. A 16-colour terminal counts as 8.
    var colors: Int
    /// The user asked for no colour (the `NO_COLOR` convention, https://no-color.org).
    var noColor: Bool

    init(utf8: Bool, colors: Int, noColor: Bool = false) {
        self.utf8 = utf8
        self.colors = colors >= 256 ? 256 : (colors >= 8 ? 8 : 0)
        self.noColor = noColor
    }

    /// Colour is drawn: the terminal has it and the user did not switch it off.
    var usesColor: Bool { colors > 0 && !noColor }

    /// A map cell can be '▀' showing two pages in two colours. Only with 256 colours: on 8,
    /// states of one mode share a basic colour, so the map draws glyphs there too.
    var halfBlocks: Bool { usesColor && utf8 && colors >= 256 }

    /// The in-memory screen of `--dump-screen`: UTF-8 and 256 colours, so that dumps and golden
    /// screens do not depend on the machine; `NO_COLOR` still applies.
    static func headless(noColor: Bool) -> TerminalCapabilities {
        TerminalCapabilities(utf8: true, colors: 256, noColor: noColor)
    }

    /// True if `NO_COLOR` is set to a non-empty value, as no-color.org defines it.
    static func noColorRequested(_ value: String?) -> Bool {
        guard let value else { return false }
        return !value.isEmpty
    }

    /// True if the locale named by the first set of LC_ALL, LC_CTYPE, LANG is UTF-8.
    static func utf8Locale(lcAll: String?, lcCtype: String?, lang: String?) -> Bool {
        let locale = [lcAll, lcCtype, lang].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let lowered = locale.lowercased()
        return lowered.contains("utf-8") || lowered.contains("utf8")
    }

    /// `style` as this terminal shows it: colours downgraded, or dropped when colour is off.
    ///
    /// On 8 colours a bright foreground becomes its base colour in bold, the usual convention.
    func displayable(_ style: Style) -> Style {
        guard usesColor else { return Style(attributes: style.attributes) }
        guard colors < 256 else { return style }
        var shown = Style(fg: style.fg.downgraded(toColors: colors),
                          bg: style.bg.downgraded(toColors: colors),
                          attributes: style.attributes)
        if style.fg.isBright { shown.attributes.insert(.bold) }
        return shown
    }
}
