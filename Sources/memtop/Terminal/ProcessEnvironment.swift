#if canImport(Glibc)
import Glibc
#endif

/// The process's environment variables, read at the edge (NO_COLOR, TERM, locale).
struct ProcessEnvironment: Sendable {
    private let override: [String: String]?

    /// The real environment.
    init() { override = nil }

    /// A fixed environment, for tests.
    init(_ variables: [String: String]) { override = variables }

    subscript(name: String) -> String? {
        if let override { return override[name] }
        return getenv(name).map { String(cString: $0) }
    }
}
