import ArgumentParser

/// `memtop capture DIR`: saves this machine's memory state for `--from DIR`
/// (DESIGN.md, "Command line"). Reads /proc and /sys only; writes only under DIR.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Save this machine's memory state into DIR, for 'inspect --from DIR'.",
        discussion: """
            Copies /proc/{zoneinfo,buddyinfo,pagetypeinfo,vmstat,meminfo,iomem}, the kernel \
            release, /proc/kpageflags and /proc/kpagecount (xz-compressed) and the memory-block \
            files of /sys/devices/system/memory. Without root some files are unreadable; they \
            are skipped and listed on stderr.
            """)

    @Argument(help: "Directory to write: created if absent, else it must be empty.")
    var directory: String

    @Flag(help: "Replace an earlier capture in DIR (its proc/ and sys/ are removed first).")
    var force = false

    @Option(name: .customLong("from"), help: .hidden)
    var from: String?

    func run() throws {
        var captured: LiveCapture.Outcome?
        try LiveError.exitingOnFailure {
            let source = try from.map(LiveSource.savedCopy(at:)) ?? .machine
            captured = try LiveCapture(source: source, destination: directory, force: force).run()
        }
        guard let outcome = captured else { return }
        for line in outcome.skipped {
            FileHandleOutput.standardError.line("skipped: \(line)")
        }
        for line in outcome.notes {
            FileHandleOutput.standardError.line(line)
        }
        FileHandleOutput.standardOutput.write(
            "captured \(outcome.written.count) files into \(Quoted(directory))"
                + (outcome.skipped.isEmpty ? "" : " (\(outcome.skipped.count) skipped)") + "\n")
    }
}
