#if canImport(Glibc)
import Glibc
#endif

/// Minimal unbuffered writes to stdout/stderr without Foundation's FileHandle.
enum FileHandleOutput {
    case standardOutput, standardError

    func write(_ text: String) {
        let fd: Int32 = self == .standardOutput ? 1 : 2
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf -> Int in
                guard let base = buf.baseAddress else { return -1 }
                return Glibc.write(fd, base + offset, buf.count - offset)
            }
            if n <= 0 { break }
            offset += n
        }
    }
}

extension FileHandleOutput {
    /// The stream is a terminal (a person is watching it, not a pipe or a file).
    var isTerminal: Bool { Glibc.isatty(self == .standardOutput ? 1 : 2) == 1 }
}
