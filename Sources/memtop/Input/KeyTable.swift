/// The one table from keys to actions (htop's Action bindings), so every key is bound in one
/// place and the help screen is generated from the same table.
struct KeyTable: Sendable {
    /// Keyboard bindings in the order the help screen lists them.
    let bindings: [(key: Key, action: Action)]
    private let lookup: [Key: Action]

    init(_ bindings: [(key: Key, action: Action)]) {
        self.bindings = bindings
        self.lookup = Dictionary(bindings.map { ($0.key, $0.action) }, uniquingKeysWith: { first, _ in first })
    }

    /// The action `key` is bound to; mouse events always map to their action.
    func action(for key: Key) -> Action? {
        switch key {
        case .click(let x, let y): return .click(x: x, y: y)
        case .wheelUp(let x, let y): return .wheelUp(x: x, y: y)
        case .wheelDown(let x, let y): return .wheelDown(x: x, y: y)
        default: return lookup[key]
        }
    }

    /// The keys bound to `action`, in table order ("? F1" for help).
    func keys(for action: Action) -> [Key] {
        bindings.filter { $0.action == action }.map(\.key)
    }

    /// Each bound action once, with its keys, in table order: the help screen's rows.
    var helpRows: [(keys: String, action: Action)] {
        var seen: [Action] = []
        for binding in bindings where !seen.contains(binding.action) { seen.append(binding.action) }
        return seen.map { action in
            (keys(for: action).map(\.displayName).joined(separator: " "), action)
        }
    }

    /// DESIGN.md's htop-like keys.
    static let standard = KeyTable([
        (.char("?"), .help), (.function(1), .help),
        (.char("q"), .quit), (.function(10), .quit),
        (.up, .moveUp), (.char("k"), .moveUp),
        (.down, .moveDown), (.char("j"), .moveDown),
        (.left, .moveLeft), (.char("h"), .moveLeft),
        (.right, .moveRight), (.char("l"), .moveRight),
        (.pageUp, .pageUp), (.pageDown, .pageDown), (.home, .home), (.end, .end),
        (.enter, .zoomIn),
        (.escape, .zoomOut), (.backspace, .back),
        (.char("o"), .offline), (.char("O"), .online), (.char("X"), .offlineNode),
        (.char(" "), .runPause),
        (.char("n"), .step), (.char("N"), .phase),
        (.char("m"), .stepFolio), (.char("M"), .nextMigration),
        (.char("f"), .pinSpotlight),
        (.char("+"), .faster), (.char("="), .faster), (.char("-"), .slower),
        (.char("c"), .colourMode),
        (.char("w"), .workloadToggle),
        (.char("/"), .jump),
        (.char("L"), .lessons),
        (.char("r"), .refresh),
        (.char("\u{0c}"), .redraw),
        (.tab, .nextPane), (.backTab, .previousPane),
        (.char("t"), .nextTab),
        (.char("b"), .nextBlocker),
    ])
}
