/// A terminal app in the bubbletea style: state is a value, `update` is pure and returns effects,
/// `render` draws the state into a buffer. The interactive loop and the headless runner drive
/// the same app, so what tests see is what the terminal shows.
protocol TerminalApp {
    /// Below this size the loop draws a "terminal too small" screen instead of `render`.
    var minimumSize: Size { get }
    /// Time between animation frames, or nil when nothing animates (paused): the loop then
    /// blocks until a key arrives instead of waking up.
    var tickInterval: Duration? { get }
    /// Handles one message; I/O is left to the loop through the returned effects.
    mutating func update(_ message: Message) -> [Effect]
    /// Draws the state into `buffer`, which is blank, at least `minimumSize`, the screen's size.
    func render(into buffer: inout Buffer, caps: TerminalCapabilities)
    /// What one animation frame costs, in the app's units (the simulator: engine micro-steps);
    /// headless runs cap the total.
    var workPerFrame: Int { get }
    /// Called before each frame is drawn: an app may bring what it keeps between frames up to
    /// date here (the map's per-block cache), so that `render` finds it ready. Rendering without
    /// it draws the same screen, only slower.
    mutating func prepareFrame()
    /// `prepareFrame()` left work for the next frames (the verdict colours judge a slice of a
    /// big machine a frame): a headless run prepares until it is done, so its screen is whole.
    var hasPendingFrameWork: Bool { get }
}

extension TerminalApp {
    var workPerFrame: Int { 1 }
    mutating func prepareFrame() {}
    var hasPendingFrameWork: Bool { false }
}

/// What the loop tells the app.
enum Message: Hashable, Sendable {
    /// A key or mouse event; `KeyTable.standard.action(for:)` says which action it is.
    case key(Key)
    /// One animation frame passed (only while `tickInterval` is not nil).
    case tick
    /// The screen is now this size.
    case resize(Size)
}

/// What the app asks of the loop.
enum Effect: Hashable, Sendable {
    /// Leave the loop and restore the terminal.
    case quit
    /// Ring the terminal bell (a refused key).
    case bell
    /// Repaint every cell, not only the changed ones (Ctrl-L).
    case redraw
}

/// How a loop ended.
enum LoopOutcome: Hashable, Sendable {
    /// The app returned `.quit`.
    case quit
    /// A signal (SIGINT, SIGTERM, SIGHUP) ended it; the process should exit 128 + signal.
    case signalled(Int32)
}

/// One frame of `app` on a screen of `size`: the app's own screen, or the too-small screen.
func renderFrame<A: TerminalApp>(_ app: A, size: Size, caps: TerminalCapabilities) -> Buffer {
    var buffer = Buffer(size: size)
    if size.covers(app.minimumSize) {
        app.render(into: &buffer, caps: caps)
    } else {
        renderTooSmall(into: &buffer, need: app.minimumSize)
    }
    return buffer
}

/// The screen drawn instead of a broken layout when the terminal is below the app's minimum.
func renderTooSmall(into buffer: inout Buffer, need: Size) {
    let width = buffer.size.cols
    let paragraphs = [
        "Terminal too small",
        "\(buffer.size.cols)x\(buffer.size.rows), need \(need.cols)x\(need.rows)",
        "enlarge it, or q to quit",
    ]
    let lines = paragraphs.enumerated().flatMap { i, text in
        wrap(text, width: width).map { (line: $0, bold: i == 0) }
    }
    let top = max(0, (buffer.size.rows - lines.count) / 2)
    for (i, entry) in lines.enumerated() {
        buffer.set(entry.line, x: max(0, (width - entry.line.count) / 2), y: top + i,
                   style: entry.bold ? Style.plain.bold() : .plain)
    }
}
