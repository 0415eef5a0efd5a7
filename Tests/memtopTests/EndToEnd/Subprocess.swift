import Foundation

/// Runs a program to completion with posix_spawn and waitpid, its output in temporary files.
///
/// Not Foundation's `Process`: its exit monitoring can miss a child's exit when tests run on
/// the cooperative pool, and a pipe inherited by a daemon (the tmux server) never reaches EOF.
struct Subprocess {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Runs `executable` with `arguments` (and `environment` if given; stdin is /dev/null).
    static func run(_ executable: String, _ arguments: [String],
                    environment: [String: String]? = nil) throws -> Subprocess {
        let directory = FileManager.default.temporaryDirectory
        let token = "memtop-subprocess-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let outPath = directory.appendingPathComponent(token + ".out").path
        let errPath = directory.appendingPathComponent(token + ".err").path
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let pid = try spawn(executable, arguments, environment: environment, stdout: outPath, stderr: errPath)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exit status, or 128 + signal as a shell reports it.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Subprocess(status: code,
                          stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// Starts `executable` with stdin /dev/null and stdout, stderr into the given files; with
    /// `ownGroup`, as the leader of a new process group (so its children can be found).
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                      stdout outPath: String, stderr errPath: String, ownGroup: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // The test runner's threads block most signals and posix_spawn would pass that mask on:
        // a tmux server that cannot receive SIGTERM never exits. Start with a clean slate.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = [executable] + arguments
        var pid: pid_t = 0
        let spawned = withCStrings(argv) { cArgv in
            withCStrings(env) { cEnv in
                posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv)
            }
        }
        guard spawned == 0 else { throw SubprocessError.spawn(executable, spawned) }
        return pid
    }

    private static func withCStrings<R>(_ strings: [String],
                                        _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}

enum SubprocessError: Error, CustomStringConvertible {
    case spawn(String, Int32)
    var description: String {
        switch self {
        case .spawn(let path, let error): return "cannot start \(path): error \(error)"
        }
    }
}
