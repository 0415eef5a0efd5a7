import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads one of the per-pfn arrays (/proc/kpageflags, /proc/kpagecount): one little-endian u64
/// per pfn. On a machine the file is seekable and read with `pread` at `pfn * 8`; a saved copy
/// may be `NAME.xz`, streamed through an `xz -dc` subprocess and read forwards only.
///
/// Callers ask for ranges in increasing pfn order, a block (or a batch) at a time, so memory
/// stays at one batch however large the machine.
struct PageArrayReader: ~Copyable {
    private enum Backing {
        case file(fd: Int32)
        case xz(process: Process, output: FileHandle, errors: Pipe)
    }

    /// The path shown in messages (the .xz file for a compressed copy).
    let path: String
    private var backing: Backing
    /// Next pfn the xz stream will deliver.
    private var streamPFN: UInt64 = 0
    /// Set once the end of the data has been seen: pfns at or after it do not exist.
    private(set) var endPFN: UInt64?

    /// Opens `relative` ("proc/kpageflags") under the source, or `relative.xz` if only that exists.
    init(_ relative: String, in source: LiveSource, xz xzProgram: String? = Executables.find("xz"),
         timeout: Duration = PageArrayReader.xzTimeout) throws {
        let plain = source.path(relative)
        if source.exists(relative) || source.isMachine {
            let fd = try source.openRegularFile(relative)
            path = plain
            backing = .file(fd: fd)
            self.timeout = timeout
            return
        }
        let compressed = plain + ".xz"
        guard source.exists(relative + ".xz") else {
            throw LiveError.unreadable(path: plain, reason: "missing (nor \(relative).xz)")
        }
        // xz reads the archive from a descriptor checked to be a regular file: it can never
        // block on a FIFO, and it dies of SIGPIPE on its next write once memtop is gone.
        let input = try source.openRegularFile(relative + ".xz")
        defer { close(input) }
        guard let xz = xzProgram else { throw LiveError.xzMissing(path: compressed) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xz)
        process.arguments = ["-dc"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle(fileDescriptor: input, closeOnDealloc: false)
        do {
            try process.run()
        } catch {
            throw LiveError.xzFailed(path: compressed, status: -1, message: "\(error)")
        }
        path = compressed
        self.timeout = timeout
        backing = .xz(process: process, output: output.fileHandleForReading, errors: errors)
    }

    /// How long `xz -dc` may go without delivering a byte before it is killed: a sound archive
    /// delivers megabytes a second.
    static let xzTimeout: Duration = .seconds(30)
    private let timeout: Duration

    deinit {
        switch backing {
        case let .file(fd):
            close(fd)
        case let .xz(process, output, _):
            // SIGKILL, not terminate()'s SIGTERM, which a mask inherited from the parent may block.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? output.close()
            process.waitUntilExit()
        }
    }

    /// Reads the entries of `pfns` (at most what exists). A short result means the data ends
    /// inside the range; `endPFN` then says where.
    mutating func read(_ pfns: Range<UInt64>) throws -> [UInt64] {
        if let endPFN, pfns.lowerBound >= endPFN { return [] }
        let count = Int(pfns.upperBound - pfns.lowerBound)
        switch backing {
        case let .file(fd):
            return try readFile(fd: fd, pfns: pfns, count: count)
        case let .xz(process, output, errors):
            return try readStream(process: process, output: output, errors: errors, pfns: pfns, count: count)
        }
    }

    private mutating func readFile(fd: Int32, pfns: Range<UInt64>, count: Int) throws -> [UInt64] {
        var bytes = [UInt8](repeating: 0, count: count * 8)
        var filled = 0
        let (base, overflow) = pfns.lowerBound.multipliedReportingOverflow(by: 8)
        guard !overflow, base <= UInt64(Int64.max) else { endPFN = pfns.lowerBound; return [] }
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let start = buffer.baseAddress else { return 0 }
                return pread(fd, start + filled, buffer.count - filled, off_t(base) + off_t(filled))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw LiveError.unreadable(path: path, reason: Errno.current)
            }
            if n == 0 { break }
            filled += n
        }
        if filled < bytes.count {
            endPFN = pfns.lowerBound + UInt64(filled / 8)
            if filled % 8 != 0 {
                throw LiveError.wrongWidth(path: path, bytes: base + UInt64(filled))
            }
        }
        return Self.decode(bytes[0..<filled])
    }

    private mutating func readStream(process: Process, output: FileHandle, errors: Pipe,
                                     pfns: Range<UInt64>, count: Int) throws -> [UInt64] {
        guard pfns.lowerBound >= streamPFN else {
            throw LiveError.malformed(path: path, line: nil,
                                      detail: "internal: compressed copy read backwards at pfn \(pfns.lowerBound)")
        }
        // Skip forwards in bounded batches: the stream cannot seek.
        while streamPFN < pfns.lowerBound {
            let skip = Int(min(pfns.lowerBound - streamPFN, 65536))
            let got = try streamBytes(output, process: process, errors: errors, count: skip * 8)
            streamPFN += UInt64(got.count / 8)
            if got.count < skip * 8 { return [] }
        }
        let bytes = try streamBytes(output, process: process, errors: errors, count: count * 8)
        streamPFN += UInt64(bytes.count / 8)
        return Self.decode(bytes[...])
    }

    /// Reads up to `count` bytes; at end of stream checks xz's exit status and the width.
    private mutating func streamBytes(_ output: FileHandle, process: Process, errors: Pipe,
                                      count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            let data = try StreamRead.next(output.fileDescriptor, upTo: count - result.count,
                                           timeout: timeout, path: path) {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            guard !data.isEmpty else { break }
            result.append(contentsOf: data)
        }
        if result.count < count {
            process.waitUntilExit()
            let status = process.terminationStatus
            if status != 0 {
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw LiveError.xzFailed(path: path, status: status, message: message)
            }
            let total = streamPFN * 8 + UInt64(result.count)
            endPFN = total / 8
            if total % 8 != 0 { throw LiveError.wrongWidth(path: path, bytes: total) }
        }
        return result
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt64] {
        let count = bytes.count / 8
        return [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                guard let source = raw.baseAddress, let target = buffer.baseAddress else { return }
                memcpy(target, source, count * 8)
            }
            for i in 0..<count { buffer[i] = UInt64(littleEndian: buffer[i]) }
            initialized = count
        }
    }
}

/// Finds helper programs on PATH.
enum Executables {
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
