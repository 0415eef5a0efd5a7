import CNcurses
#if canImport(Glibc)
import Glibc
#endif

/// The terminal: the only file that talks to ncursesw, and the program's only reference type
/// (it owns the screen, which exists once).
///
/// It draws buffers by writing only the cells that changed since the last draw, reads keys with
/// a timeout, and restores the terminal on `close()` — which the loop's owner calls on every
/// way out: quit, error, SIGINT/SIGTERM/SIGHUP. Ctrl-Z suspends through `suspend()`.
final class Terminal {
    /// The screen's size now; changes when a resize is read.
    private(set) var size: Size
    /// What the terminal can show, decided once when it opens.
    let capabilities: TerminalCapabilities

    private let screen: OpaquePointer
    private var lastDrawn: Buffer?
    /// The next draw must also repaint the physical screen (after a suspend or Ctrl-L).
    private var repaintAll = false
    private var isOpen = true
    /// The terminal went away (its window closed): the loop must end, or it would spin.
    private var hungUp = false
    private var hasDefaultColors = false
    private var colorPairs: [ColorPairKey: Int16] = [:]
    private let maxColorPairs: Int

    /// Puts the terminal into full-screen mode.
    ///
    /// - Throws: `TerminalError.notATerminal` when stdin or stdout is not a tty,
    ///   `TerminalError.cannotOpen` when ncurses cannot use the terminal (a bad TERM).
    init(environment: ProcessEnvironment = ProcessEnvironment()) throws(TerminalError) {
        guard mt_isatty(0) == 1, mt_isatty(1) == 1 else { throw .notATerminal }
        setlocale(LC_ALL, "")
        let utf8 = mt_codeset().map { String(cString: $0) == "UTF-8" } ?? false
        // Before newterm, so ncurses leaves these signals to us (it keeps SIGWINCH).
        mt_install_signal_handlers()
        guard let screen = mt_newterm() else {
            mt_restore_signal_handlers()
            throw .cannotOpen(term: environment["TERM"] ?? "")
        }
        self.screen = screen
        set_escdelay(25)
        cbreak()
        noecho()
        nonl()
        keypad(mt_stdscr(), true)
        intrflush(mt_stdscr(), false)
        curs_set(0)
        var colors = 0
        if has_colors() {
            start_color()
            hasDefaultColors = use_default_colors() == mt_ok()
            colors = Int(mt_colors())
        }
        maxColorPairs = min(Int(mt_color_pairs()), Int(Int16.max))
        mousemask(mmask_t(mt_button1_pressed() | mt_button1_clicked() | mt_button4_pressed()
                          | mt_button5_pressed()), nil)
        mouseinterval(0)
        capabilities = TerminalCapabilities(
            utf8: utf8, colors: colors,
            noColor: TerminalCapabilities.noColorRequested(environment["NO_COLOR"]))
        size = Terminal.currentSize()
    }

    deinit { close() }

    /// Leaves full-screen mode and gives the terminal back as it was. Safe to call twice.
    func close() {
        guard isOpen else { return }
        isOpen = false
        curs_set(1)
        endwin()
        delscreen(screen)
        mt_restore_signal_handlers()
    }

    /// Shows `buffer`, writing only the cells that differ from the last buffer shown.
    func draw(_ buffer: Buffer) {
        guard isOpen else { return }
        if repaintAll {
            clearok(mt_stdscr(), true)
            repaintAll = false
        }
        let changes: [CellChange]
        if let lastDrawn, lastDrawn.size == buffer.size {
            changes = buffer.diff(from: lastDrawn)
        } else {
            werase(mt_stdscr())
            changes = buffer.diff(from: Buffer(size: Size(cols: 0, rows: 0)))
        }
        for change in changes where change.x < size.cols && change.y < size.rows {
            put(change.cell, x: change.x, y: change.y)
        }
        wrefresh(mt_stdscr())
        lastDrawn = buffer
    }

    /// Forgets what is on the screen, so that the next `draw` paints every cell.
    func invalidate() {
        lastDrawn = nil
        repaintAll = true
    }

    /// Waits up to `timeout` for a key; nil when none came (or a signal cut the wait short).
    func readInput(timeout: Duration) -> TerminalInput? {
        guard isOpen else { return nil }
        let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        wtimeout(mt_stdscr(), Int32(clamping: max(0, ms)))
        var wch: wint_t = 0
        let rc = mt_get_wch(&wch)
        if rc == mt_err() {
            if mt_input_hung_up() != 0 { hungUp = true }
            return nil
        }
        if rc == mt_key_code_yes() { return functionKey(Int32(bitPattern: wch)) }
        guard rc == mt_ok(), let scalar = Unicode.Scalar(UInt32(wch)) else { return nil }
        return .key(Key(character: Character(scalar)))
    }

    /// The signal that arrived since the last call, if any.
    func takeSignal() -> TerminalSignal? {
        let terminate = mt_take_terminate()
        if terminate != 0 { return .terminate(terminate) }
        if hungUp { return .terminate(SIGHUP) }
        if mt_take_suspend() != 0 { return .suspend }
        return nil
    }

    /// Gives the terminal back and stops the process (Ctrl-Z); on SIGCONT takes the terminal
    /// again and schedules a full repaint, since the shell drew over the screen meanwhile.
    func suspend() {
        guard isOpen else { return }
        curs_set(1)
        endwin()
        mt_stop_self()
        // Resumed: wrefresh after endwin puts the terminal back into program mode.
        curs_set(0)
        wrefresh(mt_stdscr())
        size = Terminal.currentSize()
        invalidate()
    }

    /// Rings the bell.
    func bell() { beep() }

    private static func currentSize() -> Size {
        var rows: Int32 = 0, cols: Int32 = 0
        mt_getmaxyx(mt_stdscr(), &rows, &cols)
        return Size(cols: Int(cols), rows: Int(rows))
    }

    private func functionKey(_ code: Int32) -> TerminalInput? {
        switch code {
        case mt_key_resize():
            size = Terminal.currentSize()
            invalidate()
            return .resize(size)
        case mt_key_mouse():
            return mouseEvent()
        default:
            return Terminal.functionKeys[code].map(TerminalInput.key)
        }
    }

    /// ncurses' codes for the special keys (F1..F12 are computed with KEY_F).
    private static let functionKeys: [Int32: Key] = {
        var table: [Int32: Key] = [
            KEY_UP: .up, KEY_DOWN: .down, KEY_LEFT: .left, KEY_RIGHT: .right,
            KEY_PPAGE: .pageUp, KEY_NPAGE: .pageDown, KEY_HOME: .home, KEY_END: .end,
            KEY_ENTER: .enter, KEY_BACKSPACE: .backspace, KEY_DC: .delete, KEY_BTAB: .backTab,
        ]
        for n in 1...12 { table[mt_key_f(Int32(n))] = .function(n) }
        return table
    }()

    private func mouseEvent() -> TerminalInput? {
        var event = MEVENT()
        guard getmouse(&event) == mt_ok() else { return nil }
        let state = UInt(event.bstate)
        let (x, y) = (Int(event.x), Int(event.y))
        if state & UInt(mt_button4_pressed()) != 0 { return .key(.wheelUp(x: x, y: y)) }
        if state & UInt(mt_button5_pressed()) != 0 { return .key(.wheelDown(x: x, y: y)) }
        if state & UInt(mt_button1_pressed() | mt_button1_clicked()) != 0,
           state & UInt(mt_button1_released()) == 0 {
            return .key(.click(x: x, y: y))
        }
        return nil
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let style = capabilities.displayable(cell.style)
        var attrs = mt_a_normal()
        if style.attributes.contains(.bold) { attrs |= mt_a_bold() }
        if style.attributes.contains(.dim) { attrs |= mt_a_dim() }
        if style.attributes.contains(.underline) { attrs |= mt_a_underline() }
        if style.attributes.contains(.reverse) { attrs |= mt_a_reverse() }
        var glyph = cell.glyph.unicodeScalars.first ?? " "
        if !capabilities.utf8 && !glyph.isASCII { glyph = "?" }
        _ = mt_put_wch(Int32(y), Int32(x), wchar_t(bitPattern: glyph.value), attrs,
                       colorPair(fg: style.fg, bg: style.bg))
    }

    /// The colour pair for (fg, bg), made on first use; pair 0 (the defaults) when colour is
    /// off or the terminal's pairs are used up.
    private func colorPair(fg: Color, bg: Color) -> Int16 {
        guard capabilities.usesColor, fg != .default || bg != .default else { return 0 }
        let key = ColorPairKey(fg: cursesColor(fg, isForeground: true),
                               bg: cursesColor(bg, isForeground: false))
        if let pair = colorPairs[key] { return pair }
        let next = colorPairs.count + 1
        guard next < maxColorPairs else { return 0 }
        init_pair(Int16(next), key.fg, key.bg)
        colorPairs[key] = Int16(next)
        return Int16(next)
    }

    private func cursesColor(_ color: Color, isForeground: Bool) -> Int16 {
        guard let index = color.paletteIndex, index < Int(mt_colors()) else {
            if hasDefaultColors { return -1 }
            return isForeground ? Int16(COLOR_WHITE) : Int16(COLOR_BLACK)
        }
        return Int16(index)
    }
}

/// What a read brings: a key, or the news that the screen changed size.
enum TerminalInput: Hashable, Sendable {
    case key(Key)
    case resize(Size)
}

/// A signal the loop must act on.
enum TerminalSignal: Hashable, Sendable {
    /// SIGINT, SIGTERM or SIGHUP: restore the terminal, exit 128 + the signal.
    case terminate(Int32)
    /// SIGTSTP (Ctrl-Z): suspend.
    case suspend
}

private struct ColorPairKey: Hashable {
    var fg: Int16
    var bg: Int16
}

/// Why the terminal could not be opened.
enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cannotOpen(term: String)

    var description: String {
        switch self {
        case .notATerminal:
            return "the interactive map needs a terminal (stdin and stdout must be a tty); "
                + "use --dump-screen for a headless screen"
        case .cannotOpen(let term):
            return "cannot use the terminal (TERM=\(term.isEmpty ? "unset" : term)); "
                + "set TERM to a known terminal, or use --dump-screen for a headless screen"
        }
    }
}
