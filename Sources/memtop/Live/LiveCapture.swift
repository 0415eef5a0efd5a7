import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Saves a machine's memory state into a directory that `--from` reads: the /proc text files,
/// kpageflags and kpagecount compressed with `xz`, and the memory-block sysfs files (the nodeN
/// link becomes an empty file of that name).
///
/// It only reads from the source; everything is written under the destination through
/// `CaptureDirectory`, which never follows a link and refuses /proc, /sys and /dev before it
/// creates anything. Files that cannot be read are skipped and listed, the rest is written.
struct LiveCapture {
    let source: LiveSource
    let destination: String
    /// Replace an earlier capture in `destination` (else it must be empty or absent).
    var force = false

    struct Outcome: Equatable {
        var written: [String] = []
        /// "path: reason" for every file that was not captured.
        var skipped: [String] = []
        /// Things the user should know that are not failures (no xz: stored uncompressed).
        var notes: [String] = []
    }

    static let procTexts = ["zoneinfo", "buddyinfo", "pagetypeinfo", "vmstat", "meminfo", "iomem"]
    static let blockFiles = ["state", "online", "phys_index", "phys_device", "removable", "valid_zones"]

    /// Throws only when the destination cannot be used at all.
    func run() throws -> Outcome {
        let directory = try CaptureDirectory(destination, force: force, source: source)
        var outcome = Outcome()
        func write(_ bytes: [UInt8], to relative: String) throws { try directory.write(bytes, to: relative) }
        func copy(_ from: String, to: String) {
            do {
                let bytes = try source.readBytes(from, limit: 64 << 20)
                try write(bytes, to: to)
                outcome.written.append(to)
            } catch {
                outcome.skipped.append("\(error)")
            }
        }
        for name in Self.procTexts { copy("proc/" + name, to: "proc/" + name) }
        do {
            try write(Array((try source.kernelRelease() + "\n").utf8), to: "proc/kernel-release")
            outcome.written.append("proc/kernel-release")
        } catch {
            outcome.skipped.append("\(error)")
        }
        for name in ["kpageflags", "kpagecount"] {
            captureArray("proc/" + name, into: &outcome, directory: directory)
        }
        let memory = MemoryBlocks.directory
        copy(memory + "/block_size_bytes", to: memory + "/block_size_bytes")
        copy(memory + "/auto_online_blocks", to: memory + "/auto_online_blocks")
        do {
            for name in try source.list(memory) where name.hasPrefix("memory") && Int(name.dropFirst(6)) != nil {
                let dir = memory + "/" + name
                for file in Self.blockFiles where source.exists(dir + "/" + file) {
                    copy(dir + "/" + file, to: dir + "/" + file)
                }
                if let entries = try? source.list(dir) {
                    for node in entries where node.hasPrefix("node") && Int(node.dropFirst(4)) != nil {
                        do {
                            try write([], to: dir + "/" + node)
                        } catch {
                            outcome.skipped.append("\(error)")
                        }
                    }
                }
            }
        } catch {
            outcome.skipped.append("\(error)")
        }
        return outcome
    }

    /// kpageflags / kpagecount: compressed through `xz -c`, or stored plain when xz is missing.
    /// A saved copy's .xz file is copied as it is.
    private func captureArray(_ relative: String, into outcome: inout Outcome, directory: borrowing CaptureDirectory) {
        do {
            if !source.isMachine && !source.exists(relative) && source.exists(relative + ".xz") {
                let input = try source.openRegularFile(relative + ".xz")
                defer { close(input) }
                try pipeThrough(nil, input: input, to: relative + ".xz", in: directory)
                outcome.written.append(relative + ".xz")
                return
            }
            let input = try source.openRegularFile(relative)
            defer { close(input) }
            if let xz = Executables.find("xz") {
                try pipeThrough(xz, input: input, to: relative + ".xz", in: directory)
                outcome.written.append(relative + ".xz")
            } else {
                try pipeThrough(nil, input: input, to: relative, in: directory)
                outcome.written.append(relative)
                outcome.notes.append("\(relative): stored uncompressed: the 'xz' program is not installed")
            }
        } catch {
            outcome.skipped.append("\(error)")
        }
    }

    /// Copies `input` to the new file `relative`, through the program `xz -c` when given.
    private func pipeThrough(_ xz: String?, input: Int32, to relative: String,
                             in directory: borrowing CaptureDirectory) throws {
        let path = destination + "/" + relative
        let outFD = try directory.create(relative)
        defer { close(outFD) }
        guard let xz else {
            try copyFD(input, to: outFD, path: path)
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xz)
        process.arguments = ["-c", "-3"]
        process.standardInput = FileHandle(fileDescriptor: input, closeOnDealloc: false)
        // xz writes to memtop, which writes the file: xz dies of SIGPIPE with memtop, and a
        // stalled xz is stopped at the timeout.
        let output = Pipe()
        process.standardOutput = output
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch {
            throw LiveError.xzFailed(path: path, status: -1, message: "\(error)")
        }
        while true {
            let chunk = try StreamRead.next(output.fileHandleForReading.fileDescriptor, upTo: 1 << 20,
                                            timeout: PageArrayReader.xzTimeout, path: path, program: "xz -c") {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            if chunk.isEmpty { break }
            try FileDescriptorIO.writeAll(chunk[...], to: outFD, path: path)
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LiveError.xzFailed(path: path, status: process.terminationStatus,
                                     message: String(decoding: message, as: UTF8.self))
        }
    }

    private func copyFD(_ input: Int32, to output: Int32, path: String) throws {
        // Whole u64 entries: /proc/kpage* reject reads that are not a multiple of 8 bytes.
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LiveError.unreadable(path: path, reason: Errno.current)
            }
            if n == 0 { return }
            try FileDescriptorIO.writeAll(buffer[0..<n], to: output, path: path)
        }
    }
}
