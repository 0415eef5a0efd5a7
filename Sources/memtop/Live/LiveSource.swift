#if canImport(Glibc)
import Glibc
#endif

/// Where live mode reads from: this machine ("/") or a saved copy with the same relative layout
/// (`DIR/proc/...`, `DIR/sys/devices/system/memory/...`). Reading never writes anything.
struct LiveSource: Sendable, Equatable {
    /// The directory that stands for "/"; always ends without a trailing slash except for "/".
    let root: String

    /// This machine's own /proc and /sys.
    static let machine = LiveSource(root: "/")

    init(root: String) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed.isEmpty ? "/" : trimmed
    }

    /// A saved copy: checks that the directory can be listed, so that a typo is one clear error
    /// rather than a report where everything is "unavailable".
    static func savedCopy(at directory: String) throws -> LiveSource {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw LiveError.unusableRoot(path: directory, reason: Errno.current)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw LiveError.unusableRoot(path: directory, reason: "not a directory")
        }
        guard let dir = opendir(directory) else {
            throw LiveError.unusableRoot(path: directory, reason: Errno.current)
        }
        closedir(dir)
        return LiveSource(root: directory)
    }

    var isMachine: Bool { root == "/" }

    /// The absolute path of a file given relative to the root ("proc/zoneinfo").
    func path(_ relative: String) -> String {
        root == "/" ? "/" + relative : root + "/" + relative
    }

    /// Whether the relative path exists (file, directory or link).
    func exists(_ relative: String) -> Bool {
        var info = stat()
        return lstat(path(relative), &info) == 0
    }

    /// Reads a whole text file. /proc files report size 0, so this reads until end of file,
    /// bounded so that a wrong path (a device, a huge file) cannot stall the report.
    func readText(_ relative: String, limit: Int = 16 << 20) throws -> String {
        let bytes = try readBytes(relative, limit: limit)
        return String(decoding: bytes, as: UTF8.self)
    }

    func readBytes(_ relative: String, limit: Int) throws -> [UInt8] {
        let full = path(relative)
        let fd = try openRegularFile(relative)
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while result.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LiveError.unreadable(path: full, reason: Errno.current)
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        if result.count >= limit {
            throw LiveError.malformed(path: full, line: nil, detail: "larger than \(limit) bytes")
        }
        return result
    }

    /// Opens a file for reading; the caller closes it. O_NONBLOCK, so that a FIFO planted in a
    /// saved copy cannot hang the open, and only a regular file is accepted (/proc and /sys files
    /// are regular), so that no read can block on a FIFO, a socket or a device.
    func openRegularFile(_ relative: String) throws -> Int32 {
        let full = path(relative)
        let fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw LiveError.unreadable(path: full, reason: Errno.current) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw LiveError.unreadable(path: full, reason: "not a regular file")
        }
        return fd
    }

    /// Names inside a directory, sorted; throws when the directory cannot be listed.
    func list(_ relative: String) throws -> [String] {
        let full = path(relative)
        guard let dir = opendir(full) else {
            throw LiveError.unreadable(path: full, reason: Errno.current)
        }
        defer { closedir(dir) }
        return DirectoryListing.names(in: dir)
    }

    /// The kernel release: /proc/sys/kernel/osrelease on a machine, proc/kernel-release in a copy.
    func kernelRelease() throws -> String {
        let candidates = isMachine
            ? ["proc/sys/kernel/osrelease"]
            : ["proc/kernel-release", "proc/sys/kernel/osrelease"]
        var firstError: Error?
        for relative in candidates {
            do {
                let text = try readText(relative).trimmingWhitespace
                guard !text.isEmpty else {
                    throw LiveError.malformed(path: path(relative), line: nil, detail: "empty")
                }
                return text
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? LiveError.unreadable(path: path(candidates[0]), reason: "missing")
    }
}

/// The text of the current C `errno`, as the shell would print it.
enum Errno {
    static var current: String { String(cString: strerror(errno)) }
}

/// Reading an open directory (`opendir`, `fdopendir`).
enum DirectoryListing {
    /// The names an open directory lists, without "." and "..", sorted.
    static func names(in dir: OpaquePointer) -> [String] {
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
