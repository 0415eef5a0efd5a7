import Foundation
import Testing

/// Drives the real memtop binary in a real terminal: a detached tmux session of a given size on
/// a private tmux server (its own socket), so tests neither clash with each other nor with a
/// tmux the developer is using.
struct Tmux {
    /// The tmux executable, or nil when tmux is not installed (the end-to-end tests then skip).
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("tmux") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    static var isAvailable: Bool { executable != nil }

    let socket: String
    let session = "e2e"

    /// Starts `command` (a shell command line) in a new detached session of `cols` x `rows`.
    init(command: String, cols: Int, rows: Int) throws {
        socket = "memtop-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try run(["new-session", "-d", "-s", session, "-x", "\(cols)", "-y", "\(rows)", command])
    }

    /// Runs one tmux command against this session's server and returns its standard output.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        guard let executable = Tmux.executable else { throw TmuxError.notInstalled }
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        // -u: UTF-8 even when the test's locale is not; -f /dev/null: no user configuration.
        let result = try Subprocess.run(executable.path, ["-u", "-f", "/dev/null", "-L", socket] + arguments,
                                        environment: environment)
        guard result.status == 0 else { throw TmuxError.failed(arguments, result.status) }
        return result.stdout
    }

    /// Types keys into the pane, in tmux's send-keys names ("q", "Space", "C-c", "Up").
    func sendKeys(_ keys: String...) throws {
        try run(["send-keys", "-t", session] + keys)
    }

    /// The pane's text; with `escapes`, with its colours and attributes as SGR sequences; with
    /// `joined`, lines the terminal wrapped are joined again (long shell output).
    func capture(escapes: Bool = false, joined: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", session] + (escapes ? ["-e"] : []) + (joined ? ["-J"] : []))
    }

    /// Waits until the pane shows `text`, polling for at most `timeout`; returns the pane.
    @discardableResult
    func waitFor(_ text: String, timeout: Duration = .seconds(10), joined: Bool = false,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try waitUntil("'\(text)'", timeout: timeout, joined: joined, sourceLocation: sourceLocation) {
            $0.contains(text)
        }
    }

    /// Waits until the pane satisfies `condition`, polling for at most `timeout`.
    @discardableResult
    func waitUntil(_ what: String, timeout: Duration = .seconds(10), joined: Bool = false,
                   sourceLocation: SourceLocation = #_sourceLocation,
                   _ condition: (String) -> Bool) throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pane = ""
        while clock.now < deadline {
            pane = try capture(joined: joined)
            if condition(pane) { return pane }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out after \(timeout) waiting for \(what); the pane shows:\n\(pane)",
                     sourceLocation: sourceLocation)
        throw TmuxError.timedOut(what)
    }

    /// Changes the window's size, as a user resizing the terminal does.
    func resize(cols: Int, rows: Int) throws {
        try run(["resize-window", "-t", session, "-x", "\(cols)", "-y", "\(rows)"])
    }

    /// A tmux format value of the pane, e.g. "alternate_on" or "pane_pid".
    func paneValue(_ name: String) throws -> String {
        try run(["display-message", "-p", "-t", session, "#{\(name)}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Ends the session and its server; safe to call when it is already gone.
    func kill() {
        _ = try? run(["kill-server"])
        // The server leaves its socket file behind; -L puts it in tmux's socket directory.
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(directory)/tmux-\(getuid())/\(socket)")
    }
}

enum TmuxError: Error, CustomStringConvertible {
    case notInstalled
    case failed([String], Int32)
    case timedOut(String)
    case binaryUnusable(String)

    var description: String {
        switch self {
        case .notInstalled: return "tmux is not installed"
        case .failed(let arguments, let status): return "tmux \(arguments.joined(separator: " ")) exited \(status)"
        case .timedOut(let what): return "timed out waiting for \(what)"
        case .binaryUnusable(let path): return "cannot use the binary \(path)"
        }
    }
}

/// The built `memtop` binary the tests drive.
enum MemtopBinary {
    /// `MEMTOP_BINARY` if set; else `memtop` next to the test bundle (the build's products
    /// directory); else `.build/debug/memtop` under the package root.
    static let url: URL? = {
        let fileManager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["MEMTOP_BINARY"] {
            return URL(fileURLWithPath: explicit)
        }
        var candidates: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent("memtop"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("memtop"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("memtop"))
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/memtop"))
        return candidates.first { fileManager.isExecutableFile(atPath: $0.path) }
    }()

    /// Which build of the binary a test drives.
    enum Build: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case debug, release
        var testDescription: String { rawValue }
    }

    /// The builds the tests drive: the debug binary always; the release binary under CI (`.ci/run`
    /// builds it first, and a missing or stale one fails there), or wherever it has been built and
    /// is newer than the sources. A plain `swift test` on a fresh clone has only the debug one.
    static var builds: [Build] {
        if ProcessInfo.processInfo.environment["CI"] != nil || ProcessInfo.processInfo.environment["MEMTOP_RELEASE_BINARY"] != nil {
            return Build.allCases
        }
        let binary = releaseURL.path
        guard FileManager.default.isExecutableFile(atPath: binary), let built = modified(binary),
              let newest = newestSource(), newest.date <= built else { return [.debug] }
        return Build.allCases
    }

    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The optimised binary: `MEMTOP_RELEASE_BINARY` if set, else `.build/release/memtop`,
    /// which `swift build -c release` makes (.ci/run does, before `swift test`).
    static var releaseURL: URL {
        if let explicit = ProcessInfo.processInfo.environment["MEMTOP_RELEASE_BINARY"] {
            return URL(fileURLWithPath: explicit)
        }
        return packageRoot.appendingPathComponent(".build/release/memtop")
    }

    /// The path of `build`'s binary, or a recorded issue saying how to make it. A release binary
    /// older than a source file is refused: it would test code that no longer exists.
    static func path(_ build: Build, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        guard build == .release else { return try path(sourceLocation: sourceLocation) }
        let binary = releaseURL.path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("no release binary at \(binary): run 'swift build -c release --product memtop' first (.ci/run does)",
                         sourceLocation: sourceLocation)
            throw TmuxError.binaryUnusable(binary)
        }
        if ProcessInfo.processInfo.environment["MEMTOP_RELEASE_BINARY"] == nil,
           let built = modified(binary), let newest = newestSource(), newest.date > built {
            Issue.record("the release binary is older than \(newest.path): run 'swift build -c release --product memtop' again",
                         sourceLocation: sourceLocation)
            throw TmuxError.binaryUnusable(binary)
        }
        return binary
    }

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The most recently changed file under Sources/ and Package.swift.
    private static func newestSource() -> (path: String, date: Date)? {
        var newest: (path: String, date: Date)?
        let sources = packageRoot.appendingPathComponent("Sources").path
        let files = (FileManager.default.enumerator(atPath: sources)?.allObjects as? [String] ?? [])
            .map { sources + "/" + $0 } + [packageRoot.appendingPathComponent("Package.swift").path]
        for file in files {
            guard let date = modified(file) else { continue }
            if let known = newest, known.date >= date { continue }
            newest = (file, date)
        }
        return newest
    }

    /// The binary's path, or a recorded issue saying where it was looked for.
    static func path(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        guard let url else {
            Issue.record("memtop binary not found next to the test bundle or in .build/debug; build it first or set MEMTOP_BINARY",
                         sourceLocation: sourceLocation)
            throw TmuxError.notInstalled
        }
        return url.path
    }
}
