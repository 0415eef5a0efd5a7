import Foundation
import MemEngine

/// A small saved copy cut from the firecracker capture, made once per test run: its text files,
/// memory blocks 0-7 and the first 8 blocks of kpageflags and kpagecount, plain, plus the same
/// arrays compressed (`*.xz` beside, under `xz/`) for the mutations that use them.
enum FuzzCorpus {
    static let blocks = 8
    static let pagesPerBlock = 32768

    /// The base directory, or nil when the capture or xz is missing.
    static let base: String? = {
        guard LiveFixtures.hasCapture, let xz = xzPath else { return nil }
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("memtop-fuzz-base-\(getpid())").path
        do {
            try? FileManager.default.removeItem(atPath: root)
            let memory = "sys/devices/system/memory"
            for dir in ["proc", memory, "xz"] {
                try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
            }
            let source = LiveFixtures.firecracker
            for name in ["zoneinfo", "buddyinfo", "pagetypeinfo", "vmstat", "meminfo", "iomem", "kernel-release"] {
                try copy(source + "/proc/" + name, to: root + "/proc/" + name)
            }
            for name in ["block_size_bytes", "auto_online_blocks"] {
                try copy(source + "/" + memory + "/" + name, to: root + "/" + memory + "/" + name)
            }
            for id in 0..<blocks {
                let dir = "/" + memory + "/memory\(id)"
                try FileManager.default.createDirectory(atPath: root + dir, withIntermediateDirectories: true)
                for name in try FileManager.default.contentsOfDirectory(atPath: source + dir) {
                    try copy(source + dir + "/" + name, to: root + dir + "/" + name)
                }
            }
            for name in ["kpageflags", "kpagecount"] {
                let bytes = try prefix(ofXZ: source + "/proc/\(name).xz", bytes: blocks * pagesPerBlock * 8, xz: xz)
                try Data(bytes).write(to: URL(fileURLWithPath: root + "/proc/" + name))
                try compress(root + "/proc/" + name, to: root + "/xz/\(name).xz", xz: xz)
            }
            return root
        } catch {
            return nil
        }
    }()

    static let xzPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/xz" }.first { access($0, X_OK) == 0 }
    }()

    private static func copy(_ from: String, to: String) throws {
        try Data(contentsOf: URL(fileURLWithPath: from)).write(to: URL(fileURLWithPath: to))
        chmod(to, 0o644)
    }

    private static func prefix(ofXZ path: String, bytes: Int, xz: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xz)
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var result: [UInt8] = []
        while result.count < bytes, let data = try pipe.fileHandleForReading.read(upToCount: bytes - result.count),
              !data.isEmpty {
            result += data
        }
        process.terminate()
        process.waitUntilExit()
        return result
    }

    private static func compress(_ path: String, to: String, xz: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xz)
        process.arguments = ["-c", "-0", path]
        FileManager.default.createFile(atPath: to, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: to))
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        try out.close()
    }
}

/// Makes a mutated copy of the corpus: seeded, so a failing case is reproduced by its seed.
///
/// Files are hard links to the base until mutated; a mutation replaces the file (unlink, then
/// write), never changing the base.
struct SavedCopyMutator {
    var random: SeededRandom
    let root: String
    /// What was done, for the failure message.
    private(set) var log: [String] = []

    static let memory = "sys/devices/system/memory"
    static let textFiles = [
        "proc/zoneinfo", "proc/buddyinfo", "proc/pagetypeinfo", "proc/vmstat", "proc/meminfo", "proc/iomem",
        "proc/kernel-release", memory + "/block_size_bytes", memory + "/auto_online_blocks",
        memory + "/memory0/state", memory + "/memory0/valid_zones", memory + "/memory3/phys_index",
        memory + "/memory5/state", memory + "/memory7/valid_zones", memory + "/memory1/removable",
    ]
    static let arrays = ["proc/kpageflags", "proc/kpagecount"]
    static let numbers = [
        "0", "-1", "1", "18446744073709551615", "18446744073709551616", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "99999999999999999999999999", "4294967296",
        "ffffffffffffffff", "fffffffffffff000", "8000000000000000", "80000000", "1e9", "0x10", "",
    ]

    /// Copies the base into `root` (hard links) and applies 1 to 3 mutations.
    init(seed: UInt64, base: String, root: String) throws {
        random = SeededRandom(seed: seed)
        self.root = root
        try Self.link(base, into: root)
        for _ in 0...random.below(3) { try mutate() }
    }

    static func link(_ base: String, into root: String) throws {
        let files = FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for relative in files.sorted() where !relative.hasPrefix("xz") {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDir)
            if isDir.boolValue {
                try FileManager.default.createDirectory(atPath: root + "/" + relative, withIntermediateDirectories: true)
            } else {
                try FileManager.default.linkItem(atPath: base + "/" + relative, toPath: root + "/" + relative)
            }
        }
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[random.below(items.count)] }

    private func path(_ relative: String) -> String { root + "/" + relative }

    /// The first 16 MiB of a file (a sparse 1 GiB array is not read whole), or nothing.
    private func read(_ relative: String) -> [UInt8] {
        var info = stat()
        guard lstat(path(relative), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              let handle = FileHandle(forReadingAtPath: path(relative)) else { return [] }
        defer { try? handle.close() }
        return ((try? handle.read(upToCount: 16 << 20)) ?? nil).map { [UInt8]($0) } ?? []
    }

    /// Replaces whatever is at `relative` with `bytes` (a new inode: the base is untouched).
    private func replace(_ relative: String, with bytes: [UInt8]) throws {
        try? FileManager.default.removeItem(atPath: path(relative))
        try Data(bytes).write(to: URL(fileURLWithPath: path(relative)))
    }

    private func remove(_ relative: String) {
        try? FileManager.default.removeItem(atPath: path(relative))
    }

    mutating func mutate() throws {
        let kind = random.below(100)
        switch kind {
        case 0..<40: try mutateText(pick(Self.textFiles))
        case 40..<55: try mutateBlocks()
        case 55..<80: try mutateArray(pick(Self.arrays))
        case 80..<92: try mutateCompressed(pick(Self.arrays))
        default: try replaceWithSpecial(pick(Self.textFiles + Self.arrays))
        }
    }

    private mutating func mutateText(_ file: String) throws {
        let (bytes, what) = Self.mutatedText(read(file), random: &random)
        log.append("\(file): \(what)")
        try replace(file, with: bytes)
    }

    /// One mutation of a text file's bytes, and what it was: a cut, garbage bytes, odd numbers,
    /// extra columns, a doubled line, or nothing left.
    static func mutatedText(_ input: [UInt8], random: inout SeededRandom) -> ([UInt8], String) {
        func pick<T>(_ items: [T]) -> T { items[random.below(items.count)] }
        var bytes = input
        var lines: [String] { String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        switch random.below(7) {
        case 0:
            let keep = bytes.isEmpty ? 0 : random.below(bytes.count)
            bytes.removeSubrange(keep...)
            return (bytes, "cut to \(keep) bytes")
        case 1:
            let garbage: [UInt8] = [0, 1, 9, 10, 13, 27, 0x7f, 0xff, 0xc3, 0x20, 0x3a, 0x2d, 0x30, 0x39]
            for _ in 0...random.below(8) where !bytes.isEmpty {
                bytes[random.below(bytes.count)] = random.chance(permille: 500) ? pick(garbage) : UInt8(random.below(256))
            }
            return (bytes, "garbage bytes")
        case 2, 3:
            var tokens = String(decoding: bytes, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let numeric = tokens.indices.filter { i in tokens[i].first.map { $0.isHexDigit } ?? false }
            var what: [String] = []
            for _ in 0...random.below(3) where !numeric.isEmpty {
                let i = pick(numeric)
                let number = pick(numbers)
                // Keep a line end that was part of the token.
                tokens[i] = number + (tokens[i].hasSuffix("\n") ? "\n" : "")
                what.append("token \(i) = \(number)")
            }
            return (Array(tokens.joined(separator: " ").utf8), what.joined(separator: ", "))
        case 4:
            var all = lines
            guard !all.isEmpty else { return (bytes, "nothing") }
            let i = random.below(all.count)
            all[i] += " 7 7 7 " + pick(numbers)
            return (Array(all.joined(separator: "\n").utf8), "extra columns on line \(i)")
        case 5:
            var all = lines
            guard !all.isEmpty else { return (bytes, "nothing") }
            let i = random.below(all.count)
            all.insert(all[i], at: i)
            return (Array(all.joined(separator: "\n").utf8), "line \(i) twice")
        default:
            return ([], "empty")
        }
    }

    private mutating func mutateBlocks() throws {
        let memory = Self.memory
        switch random.below(4) {
        case 0:
            let id = pick(["8", "9", "40", "200", "4095", "33554431", "33554432", "2147483648",
                           "9223372036854775807", "18446744073709551615"])
            try addBlock("memory" + id)
        case 1:
            try addBlock(pick(["memory-1", "memory01", "memoryx", "memory", "memory 3", "memory\u{1}2",
                               "memory\n4", "memory+5", "memory٣"]))
        case 2:
            let block = "memory\(random.below(FuzzCorpus.blocks))"
            let file = pick(["state", "valid_zones", "phys_index", "node0", "removable"])
            remove(memory + "/" + block + "/" + file)
            log.append("\(block)/\(file) removed")
        default:
            try replace(memory + "/block_size_bytes",
                        with: Array((pick(["0", "1", "1000", "80000000", "8000000000", "ffffffffffffffff", "-1",
                                           "4000", "10000000000", "zz"]) + "\n").utf8))
            log.append("block_size_bytes: \(String(decoding: read(memory + "/block_size_bytes"), as: UTF8.self))")
        }
    }

    private mutating func addBlock(_ name: String) throws {
        let dir = Self.memory + "/" + name
        try FileManager.default.createDirectory(atPath: path(dir), withIntermediateDirectories: true)
        try replace(dir + "/state", with: Array(pick(["online\n", "offline\n", "going-offline\n", "??\n"]).utf8))
        try replace(dir + "/valid_zones", with: Array(pick(["Normal\n", "Movable\n", "none\n", "DMA32 Normal\n"]).utf8))
        try replace(dir + "/phys_index", with: Array((pick(Self.numbers) + "\n").utf8))
        try replace(dir + "/node0", with: [])
        log.append("extra block \(name.debugDescription)")
    }

    private mutating func mutateArray(_ file: String) throws {
        var bytes = read(file)
        switch random.below(5) {
        case 0:
            let keep = pick([0, 8, 7, 13, 4096, bytes.count - 1, random.below(max(1, bytes.count))])
            bytes.removeSubrange(min(max(0, keep), bytes.count)...)
            log.append("\(file): cut to \(keep) bytes")
        case 1:
            // Sparse: a hole of zeros past the end (or the file made longer with ftruncate).
            let size = pick([bytes.count * 2, bytes.count + 5, 1 << 30])
            try replace(file, with: bytes)
            truncate(path(file), off_t(size))
            log.append("\(file): sparse to \(size) bytes")
            return
        case 2:
            // Random flags over a stretch of pages: every page a distinct value.
            let start = random.below(max(1, bytes.count / 8))
            let count = min(bytes.count / 8 - start, 1 + random.below(FuzzCorpus.pagesPerBlock * 3))
            for page in start..<(start + max(0, count)) {
                let value = random.next()
                for b in 0..<8 { bytes[page * 8 + b] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(b))) }
            }
            log.append("\(file): \(count) random entries from pfn \(start)")
        case 3:
            let value = pick([UInt64.max, 1 << 63, 1 << 62, 0xFFFF_FFFF])
            for _ in 0..<(1 + random.below(64)) where bytes.count >= 8 {
                let page = random.below(bytes.count / 8)
                for b in 0..<8 { bytes[page * 8 + b] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(b))) }
            }
            log.append("\(file): entries set to \(value)")
        default:
            remove(file)
            log.append("\(file): removed")
            return
        }
        try replace(file, with: bytes)
    }

    private mutating func mutateCompressed(_ file: String) throws {
        guard let base = FuzzCorpus.base else { return }
        var compressed = (try? Data(contentsOf: URL(fileURLWithPath: base + "/xz/" + (file as NSString).lastPathComponent + ".xz")))
            .map { [UInt8]($0) } ?? []
        switch random.below(4) {
        case 0: log.append("\(file): as .xz")
        case 1:
            compressed.removeSubrange(random.below(max(1, compressed.count))...)
            log.append("\(file): short .xz")
        case 2:
            for _ in 0...random.below(16) where !compressed.isEmpty {
                compressed[random.below(compressed.count)] = UInt8(random.below(256))
            }
            log.append("\(file): garbage in .xz")
        default:
            // Both: the plain file wins; the .xz is garbage.
            try replace(file + ".xz", with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3])
            log.append("\(file): plain and a bad .xz")
            return
        }
        remove(file)
        try replace(file + ".xz", with: compressed)
    }

    /// A FIFO, a link (to a device, a folder, itself, nothing) or a folder where a file was.
    private mutating func replaceWithSpecial(_ file: String) throws {
        var target = file
        if Self.arrays.contains(file) && random.chance(permille: 500) {
            remove(file)
            target = file + ".xz"
        }
        remove(target)
        switch random.below(6) {
        case 0:
            mkfifo(path(target), 0o644)
            log.append("\(target): FIFO")
        case 1, 2:
            let to = pick(["/dev/zero", "/dev/urandom", "/", "loop", "/nonexistent", "/etc/passwd", "."])
            symlink(to == "loop" ? path(target) : to, path(target))
            log.append("\(target): link to \(to)")
        case 3:
            mkdir(path(target), 0o755)
            log.append("\(target): a folder")
        case 4:
            symlink("/dev/zero", path(target))
            log.append("\(target): link to /dev/zero")
        default:
            log.append("\(target): removed")
        }
    }
}
