import Foundation
import Testing
@testable import MemEngine

/// Finds a machine, warmup and block for `memtop scenarios`' swapin-unmapped when a change to
/// the engine has moved its fixed seed off the swap-in window (ScenarioTests then fails):
/// `MEMTOP_SCENARIO_SEARCH=1 swift test --filter ScenarioFinder` prints the `memtop offline`
/// arguments of the first candidates. Off by default: it is a tool, and takes a minute.
@Suite("Scenario finder", .enabled(if: ProcessInfo.processInfo.environment["MEMTOP_SCENARIO_SEARCH"] != nil))
struct ScenarioFinderTests {
    @Test("swapin-unmapped: a block with a swap-in in flight when its offline reaches it")
    func swapinUnmapped() throws {
        var found: [String] = []
        for seed: UInt64 in 1...8 where found.count < 3 {
            // The default machine, heavy: memtop offline's MACHINE options for it.
            var m = try Machine(config: MachineConfig(seed: seed, workload: .heavy, without: [.swapinUnmappedSkip]), warmupTicks: 0)
            var tried = Set<Int>()
            for t in 1...40_000 where found.count < 3 {
                m.step()
                guard t % 25 == 0 else { continue }
                for io in m.inFlightIO where io.kind == .swapIn || io.kind == .swapInMap {
                    let b = Int(io.pfn) / m.geometry.pagesPerBlock
                    guard tried.insert(b * 1000 + t / 400).inserted else { continue }
                    var x = m
                    x.eventFilter = [.hotplug]
                    guard (try? x.startOffline([BlockID(b)])) != nil else { continue }
                    x.runOperation()
                    if x.operation?.result?.kernelBug == true {
                        found.append("\(b) --seed \(seed) --workload heavy --warmup \(t)")
                    }
                }
            }
        }
        print("swapin-unmapped candidates (check each with and without the fix):\n" + found.joined(separator: "\n"))
        #expect(!found.isEmpty)
    }
}
