import MemEngine

/// How close the map is: the whole machine, or every page of one block.
enum Zoom: Hashable, Sendable {
    case overview
    case block
}

/// The pane that arrow keys and the wheel act on (Tab cycles).
enum Pane: Int, CaseIterable, Hashable, Sendable {
    case map, log, inspector

    var title: String {
        switch self {
        case .map: "map"
        case .log: "log"
        case .inspector: "inspector"
        }
    }

    func cycled(by delta: Int) -> Pane { cycledCase(by: delta) }
}

extension CaseIterable where Self: RawRepresentable, RawValue == Int {
    /// The case `delta` places on, wrapping round at either end (Tab and Shift-Tab).
    func cycledCase(by delta: Int) -> Self {
        let all = Array(Self.allCases)
        let n = all.count
        return Self(rawValue: ((rawValue + delta) % n + n) % n) ?? all[0]
    }
}

/// A small window over the screen that takes the keys while it is open.
enum Modal: Hashable, Sendable {
    /// The help window at one of its pages.
    case help(HelpPage)
    /// The `/` prompt with what has been typed so far.
    case jump(String)
    /// The online chooser: the sysfs state strings valid_zones allows, and the one selected.
    case online(choices: [OnlineChoice], selected: Int)
}

/// One way to online a block, as the chooser lists it.
struct OnlineChoice: Hashable, Sendable {
    var type: OnlineType
    /// The zone it would land in.
    var zone: ZoneType
}

/// Animation speed: engine micro-steps per frame, from one page at a time to a whole block in
/// a moment.
enum Speed {
    static let ladder = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
    static let defaultIndex = 3
    /// Frames per second while running.
    static let framesPerSecond = 20
    static var frameInterval: Duration { .milliseconds(1000 / framesPerSecond) }
}

/// A line of the event log.
struct LogLine: Hashable, Sendable {
    enum Weight: Hashable, Sendable { case normal, important, error }
    var text: String
    var weight: Weight = .normal
}
