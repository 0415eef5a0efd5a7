/// The headless runner: the same app on an in-memory screen, fed a list of key events
/// (`--keys K --dump-screen`).
struct HeadlessRun<A: TerminalApp> {
    /// The app after the last event.
    var app: A
    /// The final screen.
    var screen: Buffer
    /// The app asked to quit (events after the quit are not fed).
    var quit: Bool
    /// The script was cut short: it asked for more than `workLimit` units of work.
    var stoppedAtWorkLimit = false

    /// Work a headless script may ask for (frames, each weighted by `TerminalApp.workPerFrame`):
    /// a few seconds of engine steps, so that a `--keys` script always ends.
    static var workLimit: Int { 1_000_000 }
}

/// Runs `app` on a screen of `size`, feeding `events` in order, and returns the final screen.
///
/// The app first gets `.resize(size)`, as in a terminal. `<tick:N>` delivers a frame only while
/// the app animates (`tickInterval` not nil), as the interactive loop would; a resize changes
/// the screen and tells the app.
func runHeadless<A: TerminalApp>(_ app: consuming A, events: [KeyEvent], size: Size, caps: TerminalCapabilities,
                                 workLimit: Int = HeadlessRun<A>.workLimit) -> HeadlessRun<A> {
    var size = size
    var quit = app.update(.resize(size)).contains(.quit)
    var work = 0
    var stopped = false
    feeding: for event in quit ? [] : events {
        var effects: [Effect] = []
        work += 1
        switch event {
        case .key(let key):
            effects = app.update(.key(key))
        case .tick(let frames):
            // Paused, no frame is delivered until a key: the rest of the ticks are skipped.
            for _ in 0..<frames {
                guard app.tickInterval != nil else { break }
                work += max(1, app.workPerFrame)
                if work > workLimit { break }
                effects = app.update(.tick)
                if effects.contains(.quit) { break }
            }
        case .resize(let newSize):
            size = newSize
            effects = app.update(.resize(newSize))
        }
        if effects.contains(.quit) {
            quit = true
            break feeding
        }
        if work > workLimit {
            stopped = true
            break feeding
        }
    }
    repeat { app.prepareFrame() } while app.hasPendingFrameWork
    return HeadlessRun(app: app, screen: renderFrame(app, size: size, caps: caps), quit: quit,
                       stoppedAtWorkLimit: stopped)
}
