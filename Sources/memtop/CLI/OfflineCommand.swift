import ArgumentParser
import Foundation
import MemEngine

/// `memtop offline BLOCK...`: headless hot-remove of memory blocks on the simulated machine.
struct OfflineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offline",
        abstract: "Take memory blocks of the simulated machine offline and print the kernel's trace.",
        discussion: """
            Exit status: 0 when every block went offline, 1 when one failed (errno and reason \
            are printed), 2 for bad input. The operation is cancelled (EINTR, "signal backoff") \
            after --max-ticks ticks, or as soon as the engine sees it make no progress.

            With --from DIR (a saved copy of a real machine, as 'memtop capture' writes it), \
            BLOCK is a real block of that machine: its real pages, and the blocks its pages \
            could migrate to, are imported into the engine and the offline is simulated there. \
            The trace names the real block and its real pfns; nothing is written to /sys.
            """)

    @Argument(help: "Memory blocks: 12, memory12, or a range 8-11.")
    var blocks: [String] = []

    @Option(parsing: .unconditional, help: "Offline every online block of this node, lowest first (a node hot-remove).")
    var node: Int?

    @OptionGroup var machine: MachineOptions

    @Flag(help: "JSON Lines: one object per event, then a summary.")
    var json = false

    @Option(name: .customLong("max-ticks"), parsing: .unconditional, help: "Send the signal (cancel) after this many ticks.")
    var maxTicks: Int = 2_000_000

    @Flag(name: .customLong("no-workload"), help: "Stop the workload while offlining.")
    var noWorkload = false

    @Option(name: .customLong("from"), help: "Simulate the offline of a real block of a saved copy (memtop capture DIR).")
    var from: String?

    func validate() throws {
        guard maxTicks > 0 else { throw ValidationError("--max-ticks must be positive") }
        if from != nil && blocks.count != 1 {
            throw ValidationError("with --from give one block: the saved copy is the machine just before that block's attempt")
        }
    }

    func run() throws {
        if let from {
            return try CapturedOffline(block: blocks[0], from: from, json: json, maxTicks: maxTicks).run()
        }
        var m = try machine.bootMachine()
        let ids = try targetBlocks(blocks, node: node, scenario: machine.scenario, on: m)
        m.workloadEnabled = !noWorkload
        m.eventFilter = [.hotplug]
        do { try m.startOffline(ids) } catch let e { throw ValidationError(e.description) }
        let ok = HotplugRunner(json: json, maxTicks: maxTicks).run(&m, verb: "offline")
        if !ok { throw ExitCode(1) }
    }
}

/// `memtop online BLOCK...`: headless hot-add of blocks that the same run first takes offline.
struct OnlineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "online",
        abstract: "Bring memory blocks of the simulated machine online and print the trace.",
        discussion: """
            The simulated machine boots with every block online, so each block is first taken \
            offline (quietly, as a setup step), then onlined into the zone asked for.

            Exit status: 0 when every block came online, 1 when one failed, 2 for bad input.
            """)

    @Argument(help: "Memory blocks: 12, memory12, or a range 8-11.")
    var blocks: [String] = []

    @Option(help: "Zone to online into: movable, or kernel (also: normal) (default: the block's default zone).")
    var zone: String?

    @OptionGroup var machine: MachineOptions

    @Flag(help: "JSON Lines: one object per event, then a summary.")
    var json = false

    func run() throws {
        let type: OnlineType
        switch zone?.lowercased() {
        case nil: type = .online
        case "movable": type = .movable
        // online_kernel puts the block in the kernel zone, ZONE_NORMAL on x86_64.
        case "kernel", "normal": type = .kernel
        case let z?: throw ValidationError("--zone \(Quoted(z)) is not movable or kernel (normal)")
        }
        var m = try machine.bootMachine()
        let ids = try targetBlocks(blocks, node: nil, scenario: machine.scenario, on: m)
        m.eventFilter = []
        let offline = ids.filter { m.blocks[$0.raw].state == .online }
        if !offline.isEmpty {
            do { try m.startOffline(offline) } catch let e { throw ValidationError(e.description) }
            m.runOperation()
            if let r = m.operation?.result, r.outcome != .offlined {
                let reason = r.reason ?? "?"
                FileHandleOutput.standardError.line("setup could not take the blocks offline first: \(r.errno ?? "") \(reason)")
                throw ExitCode(1)
            }
            m.clearOperation()
        }
        m.eventFilter = [.hotplug]
        _ = m.drainEvents()
        do { try m.startOnline(ids, as: type) } catch let e { throw ValidationError(e.description) }
        let ok = HotplugRunner(json: json, maxTicks: 10_000_000).run(&m, verb: "online")
        if !ok { throw ExitCode(1) }
    }
}

/// Runs a hot-plug operation to its end, streaming its events as text or JSON Lines, and
/// prints the summary. Returns whether it succeeded.
struct HotplugRunner {
    var json: Bool
    var maxTicks: Int

    func run(_ m: inout Machine, verb: String) -> Bool {
        var out = OutputBuffer()
        m.runOperation(maxTicks: maxTicks, onCancel: { why in
            if !json { out.line("memtop: \(why): sending a signal") }
        }, eachStep: { events in
            for e in events {
                e.appendTraceLine(json ? .json : .text, to: &out.text)
                out.text += "\n"
            }
            out.flushIfLarge()
        })
        guard let op = m.operation, let result = op.result else { return false }
        out.line(json ? summaryJSON(op, result, m) : summaryText(op, result, verb: verb, addresses: m.addresses))
        out.flush()
        return result.outcome != .failed
    }

    func summaryJSON(_ op: HotplugOperation, _ r: HotplugResult, _ m: Machine) -> String {
        let a = m.addresses
        let failedBlock = r.outcome == .failed ? op.block.map { a.block($0.raw) } : nil
        let blocks = (op.done + (op.block.map { [$0] } ?? [])).map { a.block($0.raw) }
        let o: [(String, JSONValue)] = [
            ("summary", .bool(true)),
            ("result", .string(r.outcome.rawValue)),
            ("errno", r.errno.map(JSONValue.string) ?? .null),
            // The kernel's reason string; a kernel bug has none (the kernel oopses instead of
            // returning), so its BUG line goes in `oops`.
            ("reason", r.kernelBug ? .null : r.reason.map(JSONValue.string) ?? .null),
            ("kernel_bug", .bool(r.kernelBug)),
            ("oops", r.kernelBug ? r.reason.map(JSONValue.string) ?? .null : .null),
            ("migrated", .int(op.migrated)),
            ("failed_migrations", .int(op.failedMigrations)),
            ("retries", .int(op.retries)),
            ("isolated_pageblocks", .int(op.maxIsolatedPageblocks)),
            ("ticks", .int(op.ticks)),
            ("block", failedBlock.map(JSONValue.int) ?? (blocks.last.map(JSONValue.int) ?? .null)),
            ("blocks", .array(blocks.map(JSONValue.int))),
            ("pgmigrate_success", .int(m.vmstat.pgmigrateSuccess)),
            ("pgmigrate_fail", .int(m.vmstat.pgmigrateFail)),
            ("anon_pages_isolated", .int(op.anonPagesIsolated)),
            ("anon_pages_remapped", .int(op.anonPagesRemapped)),
            ("pages_freed_under_us", .int(op.pagesFreedUnderUs)),
            ("thp_migration_success", .int(op.thpMigrated)),
            ("thp_migration_split", .int(op.thpSplit)),
        ]
        return JSONValue.object(o).encoded
    }

    func summaryText(_ op: HotplugOperation, _ r: HotplugResult, verb: String, addresses a: AddressMap = AddressMap()) -> String {
        var s = "\n"
        switch r.outcome {
        case .offlined: s += "result: offlined " + op.done.map(a.name).joined(separator: ", ")
        case .online: s += "result: online " + op.done.map(a.name).joined(separator: ", ")
        case .failed:
            s += "result: \(verb) of \(op.block.map(a.name) ?? "?") failed"
            if let e = r.errno { s += " with \(e)" }
            if let reason = r.reason { s += ": \(reason)" }
            if r.kernelBug { s += "\n(the real kernel would have crashed here; memtop rolled the operation back)" }
        }
        s += "\npages migrated: \(op.migrated), failed migrations: \(op.failedMigrations), retries: \(op.retries), "
        s += "pageblocks isolated: \(op.maxIsolatedPageblocks), ticks: \(op.ticks)"
        if op.anonPagesIsolated > 0 {
            s += "\nanon pages isolated: \(op.anonPagesIsolated), remapped by remove_migration_ptes: \(op.anonPagesRemapped), "
            s += "freed from under us: \(op.pagesFreedUnderUs); THPs moved whole: \(op.thpMigrated), split: \(op.thpSplit)"
        }
        return s
    }
}

/// Collects output lines and writes them in large chunks.
struct OutputBuffer {
    var text = ""
    mutating func line(_ s: String) { text += s; text += "\n" }
    mutating func flushIfLarge() { if text.utf8.count > 1 << 16 { flush() } }
    mutating func flush() {
        FileHandleOutput.standardOutput.write(text)
        text = ""
    }
}
