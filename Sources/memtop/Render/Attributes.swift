/// Text attributes of a cell: the SGR attributes every terminal we target can show.
struct Attributes: OptionSet, Hashable, Sendable {
    let rawValue: UInt8

    static let bold = Attributes(rawValue: 1 << 0)
    static let dim = Attributes(rawValue: 1 << 1)
    static let underline = Attributes(rawValue: 1 << 2)
    static let reverse = Attributes(rawValue: 1 << 3)
}
