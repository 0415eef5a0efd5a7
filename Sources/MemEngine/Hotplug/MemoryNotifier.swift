/// A memory notifier event that a notifier may refuse: `memory_notify()` returns its error
/// (`notifier_to_errno()`) and the operation backs off. Kernel: include/linux/memory.h.
public enum MemoryNotifyAction: String, Codable, Sendable, CaseIterable {
    /// `online_pages()` asks before the pages are freed to the buddy; a refusal ends in
    /// `MEM_CANCEL_ONLINE` and the block stays offline.
    case goingOnline = "MEM_GOING_ONLINE"
    /// `offline_pages()` asks once the range is isolated; a refusal is "notifier failure".
    case goingOffline = "MEM_GOING_OFFLINE"
}

/// An error a notifier returns, as `-errno`.
public enum NotifierErrno: String, Codable, Sendable, CaseIterable {
    case ENOMEM, EBUSY, EINVAL

    /// The negative value the notifier returns (and the sysfs write fails with).
    public var value: Int {
        switch self {
        case .ENOMEM: -12
        case .EBUSY: -16
        case .EINVAL: -22
        }
    }
}

extension Machine {
    /// `memory_notify()`: calls the memory notifier chain and returns the first error a
    /// notifier gave, or nil. The chain's only notifier that refuses here is the kernel's own
    /// fault injector, lib/memory-notifier-error-inject.c (`notifierErrorInject`, what writing
    /// to /sys/kernel/debug/notifier-error-inject/memory/actions/<ACTION>/error sets); it
    /// prints "Injecting error (-12) to MEM_GOING_ONLINE" at KERN_INFO when it fires.
    mutating func memoryNotify(_ action: MemoryNotifyAction, block: Int) -> NotifierErrno? {
        emit(.hotplug, "memory_notify", block: block, detail: EventDetail(action.rawValue))
        guard let error = notifierErrorInject[action] else { return nil }
        message("Injecting error (\(error.value)) to \(action.rawValue)", level: .info)
        return error
    }
}
