/// The interactive loop: reads keys with a timeout, feeds the app, draws its frames.
///
/// While the app animates, the read waits until the next frame is due; while it is paused the
/// read waits up to a second (a signal cuts it short), so a paused screen costs no CPU.
///
/// `app` is consumed, so that the loop holds the only reference to the machine's page arrays
/// (another would make the first engine step copy them all).
func runInteractive<A: TerminalApp>(_ app: consuming A, on terminal: Terminal) -> LoopOutcome {
    let clock = ContinuousClock()
    var nextTick: ContinuousClock.Instant?
    var needsDraw = true
    // The app learns the screen's size first, as it will after every resize.
    if app.update(.resize(terminal.size)).contains(.quit) { return .quit }
    while true {
        if needsDraw {
            app.prepareFrame()
            terminal.draw(renderFrame(app, size: terminal.size, caps: terminal.capabilities))
            needsDraw = false
        }
        switch terminal.takeSignal() {
        case .terminate(let signal)?:
            return .signalled(signal)
        case .suspend?:
            terminal.suspend()
            needsDraw = true
            continue
        case nil:
            break
        }
        var timeout = Duration.seconds(1)
        if let interval = app.tickInterval {
            let due = nextTick ?? clock.now.advanced(by: interval)
            nextTick = due
            timeout = min(timeout, max(.zero, clock.now.duration(to: due)))
        } else {
            nextTick = nil
        }
        var effects: [Effect] = []
        switch terminal.readInput(timeout: timeout) {
        case .key(let key)?:
            effects += app.update(.key(key))
            needsDraw = true
        case .resize(let size)?:
            effects += app.update(.resize(size))
            needsDraw = true
        case nil:
            break
        }
        if let interval = app.tickInterval, let due = nextTick, clock.now >= due {
            effects += app.update(.tick)
            needsDraw = true
            // A slow frame does not make the next ones rush to catch up.
            let following = due.advanced(by: interval)
            nextTick = following > clock.now ? following : clock.now.advanced(by: interval)
        }
        for effect in effects {
            switch effect {
            case .quit: return .quit
            case .bell: terminal.bell()
            case .redraw: terminal.invalidate()
            }
        }
    }
}
