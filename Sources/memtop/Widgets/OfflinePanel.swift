import MemEngine

/// The hot-plug panel: the phases of offline_pages (or online_pages) with the current one lit,
/// the progress counters, and the result with its errno and the kernel's reason.
struct OfflinePanel {
    var operation: HotplugOperation?
    var pageblocksPerBlock: Int
    /// The furthest forward phase seen (where a failed operation stopped), if known.
    var reached: HotplugPhase? = nil
    /// zone_pcp_disable runs (false without isolate-freed-pages-asap: the 2007 code only
    /// drained the per-cpu lists once and left them enabled).
    var pcpDisabled = true

    /// The phase as the kernel that runs it names it.
    func name(_ phase: HotplugPhase) -> String {
        phase == .pcpDisable && !pcpDisabled ? "drain_all_pages (pcp stays on)" : phase.kernelName
    }
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
        for (i, line) in lines(width: inside.width, height: inside.height, caps: caps).prefix(inside.height).enumerated() {
            buffer.set(line.text, x: inside.x, y: inside.y + i, style: line.style, clip: inside)
        }
    }

    /// The panel's lines. When they do not fit `height` (a narrow screen's tab), the phases
    /// already done fold into one line, and a finished operation's result comes first.
    func lines(width: Int, height: Int, caps: TerminalCapabilities) -> [(text: String, style: Style)] {
        var phaseLines: [(text: String, style: Style)] = []
        var lines: [(text: String, style: Style)] = []
        func line(_ text: String, _ style: Style = .plain) { lines.append((text, style)) }
        guard let op = operation else {
            line("Nothing in flight.", .plain.bold())
            line("o offlines the block under the cursor;")
            line("these phases light up as it runs:")
            for phase in HotplugPhase.offlinePhases { line("  " + name(phase), .plain.dim()) }
            return lines
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
                line((i == stopped ? "x " : "  ") + name(phase), i == stopped ? .plain.bold() : .plain.dim())
            } else if success || i < at {
                line("\(done) \(name(phase))", .plain.dim())
            } else if i == at && !op.isFinished {
                var text = "\(current) \(name(phase))"
                if phase == .migrate, op.pass > 0 { text += "  pass \(op.pass)" }
                if phase == .isolate { text += "  \(op.isolatedPageblocks)/\(pageblocksPerBlock)" }
                line(text, caps.usesColor ? Style(fg: .black, bg: .brightCyan, attributes: .bold) : Style(attributes: [.reverse, .bold]))
            } else if i == at {
                // The rollback ran to its end; any other phase the operation ended in failed.
                line(phase == .undoIsolate ? "\(done) \(name(phase))" : "x \(name(phase))", .plain.bold())
            } else {
                line("  \(name(phase))")
            }
        }
        swap(&phaseLines, &lines)
        line("pageblocks isolated \(op.isolatedPageblocks)/\(pageblocksPerBlock)")
        line("off LRU \(op.pagesIsolated)  migrated \(op.migrated)  failed \(op.failedMigrations)")
        line("retries \(op.retries)  pass \(op.pass)  ticks \(op.ticks)")
        if op.thpMigrated + op.thpSplit > 0 { line("THPs moved whole \(op.thpMigrated)  split \(op.thpSplit)") }
        if op.signalPending && !op.isFinished {
            line("signal pending: backs off at next check", .plain.bold())
        }
        if let stall = op.stall, !op.isFinished {
            for text in wrap("no progress: " + stall, width: width) { line(text, Style(fg: .brightRed, attributes: .bold)) }
        }
        var resultLines: [(text: String, style: Style)] = []
        if let result = op.result {
            let outcome = EventText.outcome(op, addresses: addresses)
            let style: Style = result.outcome == .failed
                ? (caps.usesColor ? Style(fg: .brightRed, attributes: .bold) : .plain.bold().underlined())
                : (caps.usesColor ? Style(fg: .brightGreen, attributes: .bold) : .plain.bold())
            for text in wrap("result: " + outcome, width: width) { resultLines.append((text, style)) }
            if let message = op.messages.last {
                for text in wrap("dmesg: " + message, width: width) { resultLines.append((text, .plain.dim())) }
            }
        }
        if phaseLines.count + lines.count + resultLines.count <= height { return phaseLines + lines + resultLines }
        // Fold the leading phases that are done into one line.
        let doneCount = phaseLines.prefix { $0.text.hasPrefix(done) }.count
        if doneCount > 1 {
            phaseLines = [("\(done) \(doneCount) phases done", Style.plain.dim())] + phaseLines.dropFirst(doneCount)
        }
        // Then the phases still to come, last first, while it does not fit.
        while phaseLines.count + lines.count + resultLines.count > height, let last = phaseLines.last, last.text.hasPrefix("  ") {
            phaseLines.removeLast()
        }
        return resultLines + phaseLines + lines
    }

    private var block: String {
        guard let op = operation else { return "" }
        return (op.block ?? op.done.last).map(addresses.name) ?? ""
    }
}
