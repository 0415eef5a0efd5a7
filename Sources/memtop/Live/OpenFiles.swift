#if canImport(Glibc)
import Glibc
#endif

/// The text files live mode reads again on every refresh (/proc/zoneinfo, /proc/vmstat, each
/// memory block's `state`, ...), kept open and read again with `pread` from offset 0, which
/// makes /proc's and sysfs's `seq_file` show the file afresh. An idle `memtop live` opened and
/// closed about 970 files a refresh on a 24 GiB machine of 192 blocks.
///
/// A reference type because it owns file descriptors, which must be closed exactly once and
/// must not be duplicated by copying a value (as the terminal handle owns the terminal). Only
/// the thread that runs live mode's loop uses it.
final class OpenFiles: @unchecked Sendable {
    /// Descriptors kept open at most; further files are opened and closed on each read, so that
    /// a machine with thousands of blocks stays well under the process's descriptor limit.
    static let limit = 512

    private var descriptors: [String: Int32] = [:]
    /// Reads that went through a kept descriptor, and files opened (for the tests).
    private(set) var rereads = 0
    private(set) var opens = 0

    init() {}

    deinit {
        for fd in descriptors.values { close(fd) }
    }

    /// The whole text of `relative` under `source`, bounded by `limit` bytes as
    /// `LiveSource.readText`. A file that vanished (a block hot-removed: sysfs answers ENODEV)
    /// is dropped and opened again, which throws `LiveError.unreadable` with the reason.
    func readText(_ relative: String, in source: LiveSource, limit: Int = 16 << 20) throws -> String {
        let key = source.path(relative)
        if let fd = descriptors[key] {
            if let bytes = readAll(fd, limit: limit) {
                rereads += 1
                guard bytes.count < limit else {
                    throw LiveError.malformed(path: key, line: nil, detail: "larger than \(limit) bytes")
                }
                return String(decoding: bytes, as: UTF8.self)
            }
            forget(key)
        }
        opens += 1
        let fd = try source.openRegularFile(relative)
        guard let bytes = readAll(fd, limit: limit) else {
            let reason = Errno.current
            close(fd)
            throw LiveError.unreadable(path: key, reason: reason)
        }
        if descriptors.count < Self.limit {
            descriptors[key] = fd
        } else {
            close(fd)
        }
        guard bytes.count < limit else {
            throw LiveError.malformed(path: key, line: nil, detail: "larger than \(limit) bytes")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Closes the files under `prefix` (a block that went away).
    func forget(under prefix: String) {
        for key in descriptors.keys where key.hasPrefix(prefix) { forget(key) }
    }

    private func forget(_ key: String) {
        if let fd = descriptors.removeValue(forKey: key) { close(fd) }
    }

    /// Everything from offset 0 to the end (or `limit` bytes), or nil on an error.
    private func readAll(_ fd: Int32, limit: Int) -> [UInt8]? {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(65536, max(4096, limit)))
        while result.count < limit {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(result.count)) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
            // A sysfs attribute is shown whole by one read (at most a page): a short read is
            // its end, and saves a second call per block and refresh.
            if limit <= 4096 && n < chunk.count { break }
        }
        return result
    }
}
