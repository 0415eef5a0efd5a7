/// Where the panes go on a screen: title, map with its legend, inspector and log on the left;
/// zone panel and offline panel on the right; the key bar at the bottom.
struct ScreenLayout: Hashable, Sendable {
    var title: Rect
    var map: Rect
    var legend: Rect
    var inspector: Rect
    var log: Rect
    var zonePanel: Rect
    var offlinePanel: Rect
    var keyBar: Rect

    /// The side column's width: room for the buddyinfo table of 11 orders.
    static let sideWidth = 44

    init(_ area: Rect) {
        let rows = area.splitRows([.length(1), .fill(1), .length(1)])
        title = rows[0]
        keyBar = rows[2]
        let columns = rows[1].splitColumns([.fill(1), .length(Self.sideWidth)])
        let body = columns[0].height
        // The map gets room for a whole teaching block (21 rows) first, two thirds of what is
        // left on tall screens; the legend 3 lines, the inspector 7, the log the rest (5 or more).
        let mapHeight = min(body - 15, max(21, (body - 10) * 2 / 3))
        let left = columns[0].splitRows([.length(mapHeight), .length(3), .length(7), .fill(1)])
        (map, legend, inspector, log) = (left[0], left[1], left[2], left[3])
        let right = columns[1].splitRows([.length(min(13, body / 2)), .fill(1)])
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
