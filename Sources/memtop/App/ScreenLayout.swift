/// Where the panes go on a screen, in proportion to its size.
///
/// Wide screens (at least `wideSize`): title, then the map with its legend, the inspector and
/// the log on the left; the zone panel and the hot-plug panel in a side column that takes about
/// a third of the width; the key bar at the bottom. Narrow screens (down to 80x24) fold the four
/// panels into one tabbed panel under the map, as btop folds its boxes: `t` picks the tab.
struct ScreenLayout: Hashable, Sendable {
    var title: Rect
    var map: Rect
    var legend: Rect
    var inspector: Rect
    var log: Rect
    var zonePanel: Rect
    var offlinePanel: Rect
    var keyBar: Rect
    /// The tabbed panel on a narrow screen (it holds the selected tab's pane), or nil when
    /// every panel has its own place.
    var tabbed: Rect?

    /// The smallest screen memtop draws: the default terminal.
    static let minimumSize = Size(cols: 80, rows: 24)
    /// From this size up every panel has its own place.
    static let wideSize = Size(cols: 120, rows: 30)
    /// The side column's narrowest width: room for the buddyinfo table of 11 orders with
    /// 4-character columns ("14k", "999").
    static let sideMinimum = 50

    /// `lessonRows`: rows a lesson pane needs above the log on a wide screen; the map gives
    /// them up (at most a third of the body), so the inspector, where the migration spotlight
    /// shows, stays in view beside the lesson's text.
    init(_ area: Rect, tab: PanelTab = .inspector, lessonRows: Int = 0) {
        let rows = area.splitRows([.length(1), .fill(1), .length(1)])
        title = rows[0]
        keyBar = rows[2]
        let body = rows[1]
        let empty = Rect(x: body.x, y: body.y, width: 0, height: 0)
        guard area.size.covers(Self.wideSize) else {
            // Map first; the legend 3 lines; the tabbed panel a third of the rest, 7 rows or more.
            let panel = max(7, (body.height - 3) / 3)
            let parts = body.splitRows([.fill(1), .length(3), .length(panel)])
            (map, legend) = (parts[0], parts[1])
            tabbed = parts[2]
            inspector = tab == .inspector ? parts[2] : empty
            log = tab == .log ? parts[2] : empty
            zonePanel = tab == .zone ? parts[2] : empty
            offlinePanel = tab == .hotplug ? parts[2] : empty
            return
        }
        tabbed = nil
        let side = min(80, max(Self.sideMinimum, area.width * 3 / 10))
        let columns = body.splitColumns([.fill(1), .length(side)])
        // Under the map: a third of the height for the inspector and the log (half each, the
        // inspector 7 rows or more), 3 lines of legend; the map gets the rest.
        let base = max(12, body.height / 3)
        let inspectorHeight = max(7, base / 2)
        let below = base + min(max(0, lessonRows), body.height / 3)
        let left = columns[0].splitRows([.fill(1), .length(3), .length(inspectorHeight), .length(below - inspectorHeight)])
        (map, legend, inspector, log) = (left[0], left[1], left[2], left[3])
        // The zone panel's 14 lines of counters and tables, the hot-plug phases below.
        let right = columns[1].splitRows([.length(min(16, body.height / 2)), .fill(1)])
        (zonePanel, offlinePanel) = (right[0], right[1])
    }

    /// The pane at a screen cell, for mouse clicks.
    func pane(atX x: Int, y: Int) -> Pane? {
        if map.contains(x: x, y: y) { return .map }
        if log.contains(x: x, y: y) { return .log }
        if inspector.contains(x: x, y: y) { return .inspector }
        return nil
    }
}

/// The panel a narrow screen shows under the map (`t` cycles them).
enum PanelTab: Int, CaseIterable, Hashable, Sendable {
    case inspector, log, zone, hotplug

    var next: PanelTab { PanelTab(rawValue: (rawValue + 1) % PanelTab.allCases.count) ?? .inspector }

    /// The tab that shows `pane`, when focusing it should bring it forward.
    init?(showing pane: Pane) {
        switch pane {
        case .inspector: self = .inspector
        case .log: self = .log
        case .map: return nil
        }
    }
}

/// The tab strip on the bottom edge of the tabbed panel: every tab's name, the shown one lit.
struct TabStrip {
    var names: [String]
    var selected: Int

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        guard area.height >= 2, area.width > 8 else { return }
        let y = area.bottom - 1
        var x = buffer.set(" t:", x: area.x + 1, y: y, style: .plain.bold(), clip: area)
        for (i, name) in names.enumerated() {
            x = buffer.set(" ", x: x, y: y, clip: area)
            let style: Style = i == selected ? (caps.usesColor ? Style(fg: .black, bg: .cyan, attributes: .bold) : .plain.reversed().bold())
                                              : .plain.dim()
            x = buffer.set(name, x: x, y: y, style: style, clip: area)
        }
        buffer.set(" ", x: x, y: y, clip: area)
    }
}
