import Foundation
@testable import memtop

/// Where the real captures and the built binary are, found from this file's path so that the
/// tests run the same from any working directory. CI puts shared/ beside the clone.
enum LiveFixtures {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let capturesDir = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/captures")
    static let firecracker = capturesDir.appendingPathComponent("firecracker-6.18-idle").path

    static var hasCapture: Bool {
        FileManager.default.fileExists(atPath: firecracker + "/proc/zoneinfo")
    }

    static var isRoot: Bool { getuid() == 0 }

    static var hasKPageFlags: Bool { isRoot && FileManager.default.isReadableFile(atPath: "/proc/kpageflags") }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: firecracker + "/" + relative, encoding: .utf8)
    }

    /// The built `memtop`: beside the test bundle, else in any of the repo's build folders.
    static var binary: String? {
        var candidates: [String] = []
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        candidates.append(bundleDir.appendingPathComponent("memtop").path)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("memtop").path)
        if let names = try? FileManager.default.contentsOfDirectory(atPath: repoRoot.path) {
            for name in names.sorted() where name.hasPrefix(".build") {
                candidates.append(repoRoot.appendingPathComponent(name + "/debug/memtop").path)
            }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Decompresses an .xz file with the xz program itself and decodes little-endian u64s:
    /// the tests' own route to the page arrays, independent of `PageArrayReader`.
    static func u64Array(_ relative: String) throws -> [UInt64] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xz", "-dc", firecracker + "/" + relative]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data.withUnsafeBytes { raw in
            (0..<raw.count / 8).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
    }

    /// Runs a program and returns its exit status, stdout and stderr.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so neither can fill and stall the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while reader.isExecuting || !reader.isFinished { usleep(1000) }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory(_ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("memtop-live-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
