import ArgumentParser
import MemEngine

/// Refuses a simulated machine this computer cannot hold: the engine's estimate of its state
/// against MemAvailable in /proc/meminfo, so that a large `--memory` is one clear message, not
/// minutes of swapping or an allocation failure (exit 134) halfway through the boot.
enum MemoryBudget {
    /// Throws a ValidationError (exit 2) when `config` needs more than is available.
    static func check(_ config: MachineConfig, available: UInt64? = availableBytes()) throws {
        let needed = UInt64(config.estimatedFootprintBytes)
        guard let available, needed > available else { return }
        throw ValidationError("--memory \(ByteSize.format(config.memoryBytes)) needs about "
                              + "\(ByteSize.format(Int(clamping: needed))) for the model, more than the "
                              + "\(ByteSize.format(Int(clamping: available))) this computer has available")
    }

    /// MemAvailable of this machine, or nil when it cannot be read (the check is then skipped:
    /// `MachineConfig.maximumMemoryBytes` still bounds the model).
    static func availableBytes() -> UInt64? {
        guard let text = try? LiveSource.machine.readText("proc/meminfo"),
              let table = try? KeyValueTable.parse(text, path: "/proc/meminfo"),
              let kib = table["MemAvailable"] else { return nil }
        return kib.multipliedReportingOverflow(by: 1024).overflow ? nil : kib * 1024
    }
}
