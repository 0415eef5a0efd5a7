import ArgumentParser
import Foundation
import MemEngine

/// `memtop offline BLOCK --from DIR`: the simulated offline of a real block of a saved copy.
///
/// The block's real pages and the blocks that could take them are imported into the engine
/// (`CaptureImport`), and the engine's `offline_pages()` runs on them; the trace and the summary
/// name the real block id and the real pfns. A block that the kernel refuses before
/// `offline_pages()` runs (`valid_zones` "none", holes: EINVAL) gets that refusal and no
/// engine run.
struct CapturedOffline {
    var block: String
    var from: String
    var json: Bool
    var maxTicks: Int

    func run() throws {
        let text = block.hasPrefix("memory") ? String(block.dropFirst(6)) : block
        guard let id = Int(text), id >= 0 else {
            throw ValidationError("'\(block)' is not a memory block of the saved copy (a number such as 12, or memory12)")
        }
        try LiveError.exitingOnFailure {
            // A saved real-kernel run (scripts/kernel-check) holds one capture per block.
            let inRun = from + "/blocks/memory\(id)/capture"
            let source = try LiveSource.savedCopy(at: FileManager.default.fileExists(atPath: inRun) ? inRun : from)
            let capture: CaptureImport
            do {
                capture = try CaptureImport.load(block: id, from: source)
            } catch let bad as CaptureImport.BadInput {
                FileHandleOutput.standardError.write("memtop: \(bad)\n")
                throw ExitCode(2)
            }
            if let refused = capture.refusal {
                printRefusal(refused)
                throw ExitCode(1)
            }
            var m = capture.machine
            m.eventFilter = [.hotplug]
            do { try m.startOffline([capture.block]) } catch let e {
                FileHandleOutput.standardError.write("memtop: memory\(id): \(e)\n")
                throw ExitCode(2)
            }
            if !HotplugRunner(json: json, maxTicks: maxTicks).run(&m, verb: "offline") { throw ExitCode(1) }
        }
    }

    /// The EINVAL of `memory_block_offline()` (valid_zones "none") or of `offline_pages()`'s
    /// range checks, as a one-event trace and its summary.
    /// The kernel function that refuses `block`: `memory_block_offline()` for valid_zones
    /// "none" (before offline_pages() runs), else `offline_pages()`.
    static func refusingFunction(_ block: InspectReport.Block) -> String {
        block.validZones == ["none"] ? "memory_block_offline" : "offline_pages"
    }

    private func printRefusal(_ block: InspectReport.Block) {
        let reason = block.reason ?? "multizone range"
        let fn = Self.refusingFunction(block)
        let detail = fn == "memory_block_offline"
            ? "valid_zones reads \"none\" (the block spans zones or holes): -EINVAL before offline_pages()"
            : "\(reason): -EINVAL"
        var out = OutputBuffer()
        if json {
            out.line(JSONValue.object([("tick", .int(0)), ("fn", .string(fn)), ("block", .int(block.id)),
                                       ("pfn", .int(Int(block.startPfn))), ("detail", .string(detail))]).encoded)
            out.line(JSONValue.object([
                ("summary", .bool(true)), ("result", .string("failed")), ("errno", .string("EINVAL")),
                ("reason", .string(reason)), ("kernel_bug", .bool(false)), ("oops", .null), ("migrated", .int(0)),
                ("failed_migrations", .int(0)), ("retries", .int(0)), ("isolated_pageblocks", .int(0)),
                ("ticks", .int(0)), ("block", .int(block.id)), ("blocks", .array([.int(block.id)])),
                ("pgmigrate_success", .int(0)), ("pgmigrate_fail", .int(0)),
            ]).encoded)
        } else {
            out.line("       0  memory\(block.id)  \(fn) pfn \(PFN(Int(block.startPfn))): \(detail)")
            out.line("\nresult: offline of memory\(block.id) failed with EINVAL: \(reason)")
            out.line("pages migrated: 0, failed migrations: 0, retries: 0, pageblocks isolated: 0, ticks: 0")
        }
        out.flush()
    }
}
