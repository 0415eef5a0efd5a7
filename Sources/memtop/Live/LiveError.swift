/// What went wrong reading one live-mode source, named by its path so the user knows exactly
/// which part of the report is missing.
enum LiveError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read (missing, permission, I/O error).
    /// The corresponding C errors are `ENOENT`, `EACCES`, `EPERM`, `EIO`.
    case unreadable(path: String, reason: String)
    /// The file was read but its content is not what the kernel writes.
    case malformed(path: String, line: Int?, detail: String)
    /// A `kpage*` array whose byte length is not a whole number of u64 entries.
    case wrongWidth(path: String, bytes: UInt64)
    /// `xz` is needed to read a compressed copy and is not installed.
    case xzMissing(path: String)
    /// `xz -dc` exited with an error (corrupt or truncated archive).
    case xzFailed(path: String, status: Int32, message: String)
    /// The `--from` directory itself cannot be used.
    case unusableRoot(path: String, reason: String)
    /// The `capture` directory cannot be created or written.
    case unusableDestination(path: String, reason: String)

    var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): \(reason)"
        case let .malformed(path, line, detail):
            if let line { return "\(path):\(line): \(detail)" }
            return "\(path): \(detail)"
        case let .wrongWidth(path, bytes):
            return "\(path): \(bytes) bytes is not a whole number of 8-byte entries"
        case let .xzMissing(path):
            return "\(path): cannot decompress: the 'xz' program is not installed (apt-get install xz-utils)"
        case let .xzFailed(path, status, message):
            let trimmed = message.split(separator: "\n").first.map(String.init) ?? ""
            return "\(path): xz -dc failed (exit \(status))" + (trimmed.isEmpty ? "" : ": \(trimmed)")
        case let .unusableRoot(path, reason):
            return "cannot read --from directory \(path): \(reason)"
        case let .unusableDestination(path, reason):
            return "cannot write capture directory \(path): \(reason)"
        }
    }
}

import ArgumentParser

extension LiveError {
    /// Runs a command's body; a `LiveError` that stops the whole command (an unusable --from
    /// directory) becomes one "memtop: ..." line on stderr and exit status 2, without
    /// ArgumentParser's "Error:" prefix and usage text.
    static func exitingOnFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as LiveError {
            FileHandleOutput.standardError.line("\(error)")
            throw ExitCode(2)
        }
    }
}
