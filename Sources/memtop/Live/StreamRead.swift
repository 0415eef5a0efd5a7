#if canImport(Glibc)
import Glibc
#endif

/// Reads from a pipe with a deadline, so that a stalled helper program (`xz -dc`) cannot hang
/// memtop: no data within `timeout` ends the read with an error.
enum StreamRead {
    /// Up to `count` bytes from `fd`; empty at end of stream. Calls `onTimeout` (which kills the
    /// writer) and throws when nothing arrives within `timeout`.
    static func next(_ fd: Int32, upTo count: Int, timeout: Duration, path: String, program: String = "xz -dc",
                     onTimeout: () -> Void) throws -> [UInt8] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else {
                onTimeout()
                throw LiveError.unreadable(path: path, reason: "\(program) delivered nothing for \(timeout); stopped it")
            }
            let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(clamping: ms))
            if ready < 0 {
                if errno == EINTR { continue }
                throw LiveError.unreadable(path: path, reason: Errno.current)
            }
            if ready == 0 { continue }
            var bytes = [UInt8](repeating: 0, count: count)
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw LiveError.unreadable(path: path, reason: Errno.current)
            }
            bytes.removeLast(count - n)
            return bytes
        }
    }
}
