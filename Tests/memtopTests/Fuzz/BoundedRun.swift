import Foundation

/// Runs the memtop binary with a deadline, in a process group of its own, and reports how it
/// ended: exit status or signal, stderr, peak memory, and whether anything it started (an `xz`)
/// outlived it. A run past its deadline is killed and reported as a hang.
struct BoundedRun {
    var status: Int32
    /// The run was killed at its deadline.
    var hung: Bool
    var stdout: String
    var stderr: String
    /// Peak resident memory of the process as last seen while it ran (VmHWM), in bytes.
    /// Not wait4's ru_maxrss: posix_spawn's vfork child starts out charged with the parent's.
    var maxResidentBytes: Int
    /// A process of its group was still alive after it exited (and was then killed).
    var leftChildren: Bool

    static func run(_ executable: String, _ arguments: [String], deadline: Duration) throws -> BoundedRun {
        let directory = FileManager.default.temporaryDirectory
        let token = "memtop-fuzz-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let outPath = directory.appendingPathComponent(token + ".out").path
        let errPath = directory.appendingPathComponent(token + ".err").path
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        // No backtrace symbolication delays: a trap must show as a signal, quickly.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let pid = try Subprocess.spawn(executable, arguments, environment: environment,
                                       stdout: outPath, stderr: errPath, ownGroup: true)

        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        var status: Int32 = 0
        var hung = false
        var peak = 0
        while true {
            peak = max(peak, highWaterMark(pid))
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { break }
            if clock.now >= end && !hung {
                hung = true
                kill(-pid, SIGKILL)
            }
            usleep(2000)
        }
        // Anything left in the group outlived memtop.
        var left = kill(-pid, 0) == 0
        if left {
            usleep(200_000)
            left = kill(-pid, 0) == 0
            kill(-pid, SIGKILL)
        }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return BoundedRun(status: code, hung: hung,
                          stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                          maxResidentBytes: peak, leftChildren: left)
    }

    /// VmHWM of a running process, in bytes (0 once it has exited).
    private static func highWaterMark(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// What the contract of DESIGN.md allows: exit 0, or exit 2 with exactly one `memtop:` line
    /// on stderr; every stderr line a `memtop:` line; no hang, no child left, bounded memory.
    func problems(memoryLimit: Int) -> [String] {
        var found: [String] = []
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        if hung { found.append("hung (killed at the deadline)") }
        if status != 0 && status != 2 { found.append("exit \(status)") }
        if status == 2 && lines.count != 1 { found.append("exit 2 with \(lines.count) stderr lines") }
        if !stderr.isEmpty && !stderr.hasSuffix("\n") { found.append("stderr does not end with a newline") }
        if let odd = lines.first(where: { !$0.hasPrefix("memtop: ") }) { found.append("stderr line \(odd.debugDescription)") }
        if leftChildren { found.append("a child process outlived memtop") }
        if maxResidentBytes > memoryLimit { found.append("peak memory \(maxResidentBytes >> 20) MiB") }
        return found
    }
}
