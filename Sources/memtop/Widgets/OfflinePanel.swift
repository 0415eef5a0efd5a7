import MemEngine

/// The hot-plug panel: the phases of offline_pages (or online_pages) with the current one lit,
/// the progress counters, and the result with its errno and the kernel's reason.
struct OfflinePanel {
    var operation: HotplugOperation?
    var pageblocksPerBlock: Int
    /// The furthest forward phase seen (where a failed operation stopped), if known.
    var reached: HotplugPhase? = nil
    /// Real block ids of an imported machine.
    var addresses = AddressMap()

    func render(into buffer: inout Buffer, area: Rect, caps: TerminalCapabilities) {
        let title: String
        switch operation?.kind {
        case .offline?: title = "offline_pages: \(block)"
        case .online?: title = "online_pages: \(block)"
        case nil: title = "hot-plug"
        }
        let inside = buffer.drawBorder(area, title: title, caps: caps)
        var y = inside.y
        func line(_ text: String, _ style: Style = .plain) {
            guard y < inside.bottom else { return }
            buffer.set(text, x: inside.x, y: y, style: style, clip: inside)
            y += 1
        }
        guard let op = operation else {
            line("Nothing in flight.", .plain.bold())
            line("o offlines the block under the cursor;")
            line("these phases light up as it runs:")
            for phase in HotplugPhase.offlinePhases { line("  " + phase.kernelName, .plain.dim()) }
            return
        }
        let done = caps.utf8 ? "✓" : "*", current = caps.utf8 ? "▶" : ">"
        var phases = op.phases
        if !phases.contains(op.phase) { phases.append(op.phase) }
        let at = phases.firstIndex(of: op.phase) ?? 0
        let success = op.result.map { $0.outcome != .failed } ?? false
        // On the failure path the forward phases after the one that failed never ran.
        let stopped = op.phase == .undoIsolate ? reached.flatMap { phases.firstIndex(of: $0) } : nil
        for (i, phase) in phases.enumerated() {
            if let stopped, i != at, i >= stopped {
                line((i == stopped ? "x " : "  ") + phase.kernelName, i == stopped ? .plain.bold() : .plain.dim())
            } else if success || i < at {
                line("\(done) \(phase.kernelName)", .plain.dim())
            } else if i == at && !op.isFinished {
                var text = "\(current) \(phase.kernelName)"
                if phase == .migrate, op.pass > 0 { text += "  pass \(op.pass)" }
                if phase == .isolate { text += "  \(op.isolatedPageblocks)/\(pageblocksPerBlock)" }
                line(text, caps.usesColor ? Style(fg: .black, bg: .brightCyan, attributes: .bold) : Style(attributes: [.reverse, .bold]))
            } else if i == at {
                // The rollback ran to its end; any other phase the operation ended in failed.
                line(phase == .undoIsolate ? "\(done) \(phase.kernelName)" : "x \(phase.kernelName)", .plain.bold())
            } else {
                line("  \(phase.kernelName)")
            }
        }
        line("pageblocks isolated \(op.isolatedPageblocks)/\(pageblocksPerBlock)")
        line("off LRU \(op.pagesIsolated)  migrated \(op.migrated)  failed \(op.failedMigrations)")
        line("retries \(op.retries)  pass \(op.pass)  ticks \(op.ticks)")
        if op.signalPending && !op.isFinished {
            line("signal pending: backs off at next check", .plain.bold())
        }
        if let stall = op.stall, !op.isFinished {
            for text in wrap("no progress: " + stall, width: inside.width) { line(text, Style(fg: .brightRed, attributes: .bold)) }
        }
        if let result = op.result {
            let outcome = EventText.outcome(op, addresses: addresses)
            let style: Style = result.outcome == .failed
                ? (caps.usesColor ? Style(fg: .brightRed, attributes: .bold) : .plain.bold().underlined())
                : (caps.usesColor ? Style(fg: .brightGreen, attributes: .bold) : .plain.bold())
            for text in wrap("result: " + outcome, width: inside.width) { line(text, style) }
            if let message = op.messages.last {
                for text in wrap("dmesg: " + message, width: inside.width) { line(text, .plain.dim()) }
            }
        }
    }

    private var block: String {
        guard let op = operation else { return "" }
        return (op.block ?? op.done.last).map(addresses.name) ?? ""
    }
}
