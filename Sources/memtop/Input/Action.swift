/// What a key asks the app to do: the messages `KeyTable` turns keys into (htop's Actions).
///
/// The app handles actions, never raw keys, except while a text prompt (the `/` jump) is open.
enum Action: Hashable, Sendable {
    case help, quit
    case moveUp, moveDown, moveLeft, moveRight
    case pageUp, pageDown, home, end
    /// Zoom into the block or page under the cursor.
    case zoomIn
    /// Zoom out one level. Esc also asks to cancel an offline in flight (EINTR): the app decides
    /// which applies, since both come from the same key.
    case zoomOut
    /// Zoom out one level and nothing else (Backspace): never cancels an offline.
    case back
    /// Offline the block under the cursor.
    case offline
    /// Online the block under the cursor.
    case online
    /// Offline every block of the cursor's node (a node hot-remove).
    case offlineNode
    case runPause
    /// One micro-step of the engine.
    case step
    /// Run to the end of the current offline phase.
    case phase
    /// Step the folio being migrated (or the next one) through its whole migration.
    case stepFolio
    /// Run to the next folio's migration.
    case nextMigration
    /// Open the list of lessons.
    case lessons
    /// Pin the migration spotlight on its folio, or let it follow the next one.
    case pinSpotlight
    case faster, slower
    case colourMode
    case workloadToggle
    /// Open the prompt that jumps to a pfn or block.
    case jump
    /// Read the real machine again (live mode).
    case refresh
    /// Repaint the whole terminal (Ctrl-L).
    case redraw
    case nextPane, previousPane
    /// Show the next panel under the map (narrow screens fold the panels into tabs).
    case nextTab
    /// Move the cursor to the next page that keeps a block from going offline.
    case nextBlocker
    case click(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)

    /// A short description for the help screen.
    var summary: String {
        switch self {
        case .help: return "help"
        case .quit: return "quit"
        case .moveUp: return "move up"
        case .moveDown: return "move down"
        case .moveLeft: return "move left"
        case .moveRight: return "move right"
        case .pageUp: return "page up"
        case .pageDown: return "page down"
        case .home: return "first"
        case .end: return "last"
        case .zoomIn: return "zoom in"
        case .zoomOut: return "zoom out, or cancel"
        case .back: return "zoom out (never cancels)"
        case .offline: return "offline block"
        case .online: return "online block"
        case .offlineNode: return "offline the block's node"
        case .runPause: return "run / pause"
        case .step: return "one step"
        case .phase: return "one phase (one kernel function)"
        case .stepFolio: return "one folio through its migration"
        case .nextMigration: return "run to the next migration"
        case .lessons: return "lessons"
        case .pinSpotlight: return "spotlight: pin / follow"
        case .faster: return "faster"
        case .slower: return "slower"
        case .colourMode: return "colour mode"
        case .workloadToggle: return "workload on/off"
        case .jump: return "jump to pfn or block"
        case .refresh: return "refresh (live)"
        case .redraw: return "redraw screen"
        case .nextPane: return "next pane"
        case .previousPane: return "previous pane"
        case .nextTab: return "next panel tab"
        case .nextBlocker: return "next blocking pfn"
        case .click: return "select"
        case .wheelUp: return "scroll up"
        case .wheelDown: return "scroll down"
        }
    }
}
