/// How text is drawn: foreground, background and attributes (ratatui's `Style`).
struct Style: Hashable, Sendable {
    var fg: Color = .default
    var bg: Color = .default
    var attributes: Attributes = []

    static let plain = Style()

    init(fg: Color = .default, bg: Color = .default, attributes: Attributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    func bold() -> Style { var s = self; s.attributes.insert(.bold); return s }
    func dim() -> Style { var s = self; s.attributes.insert(.dim); return s }
    func reversed() -> Style { var s = self; s.attributes.insert(.reverse); return s }
    func underlined() -> Style { var s = self; s.attributes.insert(.underline); return s }
}
