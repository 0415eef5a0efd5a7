import MemEngine

extension MemtopApp {
    /// Handles one action of the key table (modals aside).
    mutating func perform(_ action: Action) -> [Effect] {
        switch action {
        case .runPause, .step, .phase, .stepFolio, .nextMigration, .faster, .slower, .pinSpotlight, .help, .redraw, .colourMode:
            break
        default:
            explainingFailure = false
        }
        switch action {
        case .quit: return [.quit]
        case .help: modal = .help(.keys)
        case .redraw: return [.redraw]
        case .moveUp, .moveDown, .moveLeft, .moveRight, .pageUp, .pageDown, .home, .end:
            return move(action)
        case .zoomIn: return zoomIn()
        case .zoomOut: return escape()
        case .back:
            if zoom == .block { zoom = .overview } else { status = "already at the whole machine" }
        case .offline: return startOffline()
        case .offlineNode: return startNodeOffline()
        case .online: return openOnlineChooser()
        case .runPause:
            running.toggle()
            status = running ? "running: \(stepsPerFrame) micro-steps a frame" : "paused: n steps, N runs a phase"
        case .step:
            advance(steps: 1)
        case .phase:
            guard machine.operation?.isFinished == false else {
                status = "N runs one phase of an offline or online in flight; none is (o starts one)"
                return [.bell]
            }
            let before = machine.events.count
            machine.stepPhase()
            notePhase()
            spotlight.observe(machine, events: machine.events(since: before))
            absorbEvents()
        case .stepFolio: return stepFolio()
        case .nextMigration: return runToNextMigration()
        case .lessons:
            status = "L opens the lessons (memtop lesson)"
            return [.bell]
        case .pinSpotlight:
            spotlight.pinned.toggle()
            status = spotlight.pinned ? "spotlight pinned on \(spotlight.followed.map { "pfn \($0.source)" } ?? "the next folio"); f follows again"
                                      : "spotlight follows each folio as it migrates"
            if !spotlight.pinned { spotlight.observe(machine, events: []) }
        case .faster, .slower:
            let next = speedIndex + (action == .faster ? 1 : -1)
            guard Speed.ladder.indices.contains(next) else {
                status = "speed is already at its \(action == .faster ? "fastest" : "slowest"): \(stepsPerFrame) micro-steps a frame"
                return [.bell]
            }
            speedIndex = next
            status = "speed: \(stepsPerFrame) micro-step\(stepsPerFrame == 1 ? "" : "s") a frame"
        case .colourMode:
            mode = mode.next
            status = "colours: \(mode.title)"
        case .workloadToggle:
            machine.workloadEnabled.toggle()
            status = "workload \(machine.workloadEnabled ? "on: processes fault, read and exit between steps" : "off: only the offline moves pages")"
        case .jump:
            modal = .jump("")
        case .refresh:
            status = "r reads the real machine again in live mode; this is the simulator"
            return [.bell]
        case .nextPane: cyclePane(by: 1)
        case .previousPane: cyclePane(by: -1)
        case .nextTab: nextTab()
        case .nextBlocker: return jumpToNextBlocker()
        case .click(let x, let y): return click(x: x, y: y)
        case .wheelUp(let x, let y): return wheel(x: x, y: y, up: true)
        case .wheelDown(let x, let y): return wheel(x: x, y: y, up: false)
        }
        return []
    }

    // MARK: the engine

    /// Runs `steps` engine micro-steps (fewer if the operation ends), then reads its events.
    mutating func advance(steps: Int) {
        let hadOperation = machine.operation?.isFinished == false
        for _ in 0..<steps {
            stepOnce()
            if hadOperation && machine.operation?.isFinished != false { break }
        }
        absorbEvents()
    }

    /// One engine micro-step, seen by the phase memory and the spotlight; returns its events
    /// (they stay in the machine for `absorbEvents()`).
    @discardableResult
    mutating func stepOnce() -> ArraySlice<Event> {
        let before = machine.events.count
        machine.step()
        notePhase()
        let new = machine.events(since: before)
        spotlight.observe(machine, events: new)
        return new
    }

    /// Remembers the operation's phase unless it is the rollback.
    mutating func notePhase() {
        guard let phase = machine.operation?.phase, phase != .undoIsolate, !(machine.operation?.isFinished ?? true) else { return }
        phaseReached = phase
    }

    /// Moves the engine's new events into the log and pauses on an outcome or a stall.
    mutating func absorbEvents() {
        for event in machine.drainEvents() {
            note(EventText.line(event, machine: machine), EventText.weight(event))
            if event.fn == "folio_copy", let p = event.pfn.flatMap(machine.addresses.enginePFN),
               let t = event.toPFN.flatMap(machine.addresses.enginePFN) {
                lastMigration = (PFN(p), PFN(t))
            }
        }
        guard let op = machine.operation else { return }
        if op.isFinished, !outcomeAnnounced {
            outcomeAnnounced = true
            explainingFailure = op.result?.outcome == .failed
            running = false
            note(EventText.outcome(op, addresses: machine.addresses), op.result?.errno == nil ? .important : .error)
            status = "\(EventText.outcome(op, addresses: machine.addresses)); paused (space runs the workload)"
        } else if let stall = op.stall, stall != announcedStall {
            announcedStall = stall
            running = false
            status = "no progress: paused. Esc sends a signal (the kernel backs off with EINTR)"
        }
    }

    /// `o`: offline the block under the cursor and run it at the current speed.
    mutating func startOffline() -> [Effect] {
        let name = machine.addresses.name(cursorBlockID)
        // An imported machine never gets a sysfs command: nothing is written to /sys.
        let text = machine.addresses.isIdentity
            ? "o: echo offline > /sys/devices/system/memory/\(name)/state"
            : "o: simulated offline_pages() of \(name), pfn \(viewRange(of: cursorBlockID).lowerBound); nothing is written to /sys"
        return beginOffline([cursorBlockID], what: name, note: text)
    }

    /// `X`: offline every online block of the cursor's node, lowest first: a node hot-remove.
    mutating func startNodeOffline() -> [Effect] {
        let node = machine.blocks[cursorBlock].node.raw
        let ids = machine.blocks(ofNode: node)
        return beginOffline(ids, what: "node\(node)",
                            note: "X: offline every block of node\(node) (\(ids.count) online), the last one clears N_MEMORY")
    }

    mutating func beginOffline(_ ids: [BlockID], what: String, note text: String) -> [Effect] {
        machine.clearOperation()
        do {
            try machine.startOffline(ids)
        } catch {
            status = "cannot offline \(what): \(error.description)"
            return [.bell]
        }
        announcedStall = nil
        spotlight.followed = nil
        phaseReached = nil
        outcomeAnnounced = false
        lastMigration = nil
        logScroll = 0
        // On a narrow screen the phases are what to watch.
        if layout.tabbed != nil { tab = .hotplug }
        note(text, .important)
        // A paused map stays paused: the operation is prepared and waits for n, m, M, N or Space.
        status = running ? "offlining \(what): space pauses, n steps, Esc cancels"
                         : "\(what) prepared, paused: n m M N step, space runs"
        return []
    }

    /// `O`: the chooser of the zones valid_zones allows for the block under the cursor.
    mutating func openOnlineChooser() -> [Effect] {
        guard machine.operation?.isFinished != false else {
            status = "cannot online: \(HotplugError.busy.description)"
            return [.bell]
        }
        guard machine.blocks[cursorBlock].state == .offline else {
            status = "\(machine.addresses.name(cursorBlockID)) is \(machine.blocks[cursorBlock].state.rawValue); O onlines an offline block"
            return [.bell]
        }
        let zones = machine.validZones(cursorBlockID)
        guard let first = zones.first else {
            status = "\(machine.addresses.name(cursorBlockID)) has no valid zone"
            return [.bell]
        }
        var choices = [OnlineChoice(type: .online, zone: first)]
        if let kernel = zones.first(where: { $0 != .movable }) { choices.append(OnlineChoice(type: .kernel, zone: kernel)) }
        if zones.contains(.movable) { choices.append(OnlineChoice(type: .movable, zone: .movable)) }
        modal = .online(choices: choices, selected: 0)
        return []
    }

    mutating func startOnline(_ choice: OnlineChoice) -> [Effect] {
        machine.clearOperation()
        do {
            try machine.startOnline([cursorBlockID], as: choice.type)
        } catch {
            status = "cannot online: \(error.description)"
            return [.bell]
        }
        lastMigration = nil
        outcomeAnnounced = false
        let name = machine.addresses.name(cursorBlockID)
        // An imported machine never gets a sysfs command: nothing is written to /sys.
        note(machine.addresses.isIdentity ? "O: echo \(choice.type.rawValue) > /sys/devices/system/memory/\(name)/state"
                                          : "O: simulated online_pages() of \(name); nothing is written to /sys", .important)
        status = "onlining \(name) into \(choice.zone)" + (running ? "" : ", paused: n steps, space runs")
        return []
    }

    /// Esc and Backspace: cancel an offline in flight (a signal: EINTR), else zoom out.
    mutating func escape() -> [Effect] {
        if let op = machine.operation, !op.isFinished, op.kind == .offline {
            guard !op.signalPending else {
                status = "the signal is already pending; the offline backs off at its next check"
                return []
            }
            machine.cancelOperation()
            running = true
            note("Esc: signal sent to the writer of 'state'; offline_pages backs off with -EINTR and undoes its work", .important)
            status = "cancelling: the kernel sees the signal at the top of its migration loop, then backs off (EINTR) and rolls back; + is faster"
            absorbEvents()
            return []
        }
        if zoom == .block {
            zoom = .overview
        } else {
            status = "already at the whole machine"
        }
        return []
    }

    // MARK: moving

    mutating func zoomIn() -> [Effect] {
        guard zoom == .overview else {
            let inFlight = machine.operation?.isFinished == false && machine.operation?.kind == .offline
            status = "already showing every page of \(machine.addresses.name(cursorBlockID)); " + (inFlight ? "Backspace zooms out (Esc cancels the offline)" : "Esc zooms out")
            return [.bell]
        }
        zoom = .block
        let range = viewRange(of: cursorBlockID)
        if !range.contains(cursorPFN) { cursorPFN = range.lowerBound }
        return []
    }

    mutating func move(_ action: Action) -> [Effect] {
        if scrollPane(action) { return [] }
        if zoom == .overview { moveBlock(action) } else { movePage(action) }
        return []
    }

    private mutating func moveBlock(_ action: Action) {
        let count = machine.blocks.count
        cursorBlock = overviewLayout.moved(action, from: cursorBlock, count: count)
        inspectorScroll = 0
        cursorPFN = viewRange(of: cursorBlockID).lowerBound
    }

    // MARK: modals

    /// The help takes Tab, the arrows and 1-5 to turn pages; q, Esc and ? close it.
    mutating func handleHelp(page: HelpPage, key: Key) -> [Effect] {
        if HelpPage.closes(key) {
            modal = nil
        } else if let next = page.after(key) {
            modal = .help(next)
        } else {
            return [.bell]
        }
        return []
    }

    mutating func handleModal(_ current: Modal, key: Key) -> [Effect] {
        switch current {
        case .help(let page):
            return handleHelp(page: page, key: key)
        case .jump(let text):
            return editJump(text, key: key)
        case .online(let choices, let selected):
            switch key {
            case .escape, .char("q"):
                modal = nil
                status = "online cancelled"
            case .up, .char("k"):
                modal = .online(choices: choices, selected: max(0, selected - 1))
            case .down, .char("j"):
                modal = .online(choices: choices, selected: min(choices.count - 1, selected + 1))
            case .enter:
                modal = nil
                return startOnline(choices[selected])
            case .char(let c) where c.wholeNumberValue.map { (1...choices.count).contains($0) } == true:
                modal = nil
                return startOnline(choices[(c.wholeNumberValue ?? 1) - 1])
            default:
                return [.bell]
            }
            return []
        }
    }
}
