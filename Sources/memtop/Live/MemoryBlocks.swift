/// One directory /sys/devices/system/memory/memoryN.
///
/// Kernel: drivers/base/memory.c (`state_show`, `valid_zones_show`, `phys_index_show`,
/// `removable_show`); the nodeN entry is a link to the node (an empty file in a saved copy).
struct MemoryBlockInfo: Equatable, Sendable {
    var id: Int
    /// "online", "offline", "going-offline" as the kernel writes it; nil if unreadable.
    var state: String?
    /// Zones the block may be onlined to (offline) or is in (online); "none" for an online block
    /// that spans several zones.
    var validZones: [String]?
    /// First section number of the block (hex in sysfs).
    var physIndex: UInt64?
    var removable: Bool?
    var node: Int?
    /// Files of this block that could not be read or parsed.
    var problems: [String] = []
}

/// /sys/devices/system/memory: the block size and every memory block.
struct MemoryBlocks: Equatable, Sendable {
    var blockSizeBytes: UInt64
    /// "online", "online_movable", "offline", ... (auto_online_blocks); nil if unreadable.
    var autoOnline: String?
    var blocks: [MemoryBlockInfo]
    /// Block folders left out because they cannot be real (past the largest physical address).
    var ignored: [String] = []

    static let directory = "sys/devices/system/memory"
    /// Kernel: MAX_PHYSMEM_BITS, arch/x86/include/asm/sparsemem.h (5-level paging).
    static let maxPhysicalAddressBits: UInt64 = 52

    /// Reads the directory. Throws only when the block size itself is unavailable: without it
    /// no block can be placed. Per-block problems are kept in `MemoryBlockInfo.problems`.
    ///
    /// With `files`, the files stay open for the next read. With `previous`, an online block
    /// whose `state` still reads the same keeps what it had for the other files (its
    /// `phys_index` and node never change; its `valid_zones` only with its state), so a
    /// refresh reads one file a block.
    static func read(from source: LiveSource, files: OpenFiles? = nil, previous: MemoryBlocks? = nil) throws -> MemoryBlocks {
        let sizePath = directory + "/block_size_bytes"
        let sizeText = try files?.readText(sizePath, in: source) ?? source.readText(sizePath)
        let sizeProc = ProcText(path: source.path(sizePath), text: sizeText)
        let size = try sizeProc.hexNumber(sizeText.trimmingWhitespace[...], line: 0)
        guard size >= 4096, size & (size - 1) == 0, size <= 1 << 40 else {
            throw sizeProc.error(0, "block size \(size) is not a power of two between 4 KiB and 1 TiB")
        }
        let autoPath = directory + "/auto_online_blocks"
        let auto = try? (files?.readText(autoPath, in: source) ?? source.readText(autoPath)).trimmingWhitespace
        let known = previous?.blockSizeBytes == size
            ? Dictionary(previous?.blocks.map { ($0.id, $0) } ?? [], uniquingKeysWith: { a, _ in a }) : [:]
        var blocks: [MemoryBlockInfo] = []
        var ignored: [String] = []
        // A saved copy is untrusted: a block id is used to compute pfns, so it must stay below
        // the largest physical address Linux supports (MAX_PHYSMEM_BITS, 52 on x86_64).
        let maxBlocks = (UInt64(1) << maxPhysicalAddressBits) / size
        for name in try source.list(directory) where name.hasPrefix("memory") {
            // Only the kernel's own spelling (memory%u): "memory01" would be a second block 1.
            guard let id = Int(name.dropFirst("memory".count)), id >= 0, name == "memory\(id)" else { continue }
            guard UInt64(id) < maxBlocks else {
                ignored.append("\(source.path(directory + "/" + name)): ignored: "
                               + "beyond the largest physical address (2^\(maxPhysicalAddressBits) bytes)")
                continue
            }
            blocks.append(readBlock(id: id, at: directory + "/" + name, from: source, files: files, known: known[id]))
        }
        if let files {
            // A block that went away (hot-removed): its kept files are closed.
            let now = Set(blocks.map(\.id))
            for gone in known.keys where !now.contains(gone) {
                files.forget(under: source.path(directory + "/memory\(gone)/"))
            }
        }
        blocks.sort { $0.id < $1.id }
        return MemoryBlocks(blockSizeBytes: size, autoOnline: auto, blocks: blocks, ignored: ignored)
    }

    private static func readBlock(id: Int, at dir: String, from source: LiveSource, files: OpenFiles?,
                                  known: MemoryBlockInfo?) -> MemoryBlockInfo {
        var block = MemoryBlockInfo(id: id)
        // Only `state` is read on every refresh, so only it is kept open.
        func text(_ file: String) -> String? {
            do {
                let relative = dir + "/" + file
                let kept = file == "state" ? files : nil
                return try (kept?.readText(relative, in: source, limit: 4096)
                            ?? source.readText(relative, limit: 4096)).trimmingWhitespace
            } catch {
                block.problems.append("\(error)")
                return nil
            }
        }
        block.state = text("state")
        if let known, known.problems.isEmpty, block.problems.isEmpty, known.state == "online", block.state == known.state {
            return known
        }
        block.validZones = text("valid_zones").map { $0[...].words.map(String.init) }
        if let index = text("phys_index") {
            let proc = ProcText(path: source.path(dir + "/phys_index"), text: index)
            do { block.physIndex = try proc.hexNumber(index[...], line: 0) } catch { block.problems.append("\(error)") }
        }
        if let removable = text("removable") {
            block.removable = removable == "1" ? true : removable == "0" ? false : nil
        }
        if let names = try? source.list(dir) {
            block.node = names.lazy.compactMap { name -> Int? in
                guard name.hasPrefix("node") else { return nil }
                return Int(name.dropFirst(4))
            }.first
        }
        return block
    }
}
