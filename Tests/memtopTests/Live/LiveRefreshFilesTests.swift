import Foundation
import Testing
@testable import memtop

/// Live mode's refresh keeps the files it rereads open (`OpenFiles`) and rereads a memory
/// block's other files only when its `state` changed: what it shows must still follow the
/// files, and a block that goes away must be a clear absence, not a stale answer.
@Suite struct LiveRefreshFilesTests {
    /// A copy of the firecracker capture's memory block directory that the test may change.
    func copyOfBlocks(_ name: String) throws -> String {
        let dir = try LiveFixtures.temporaryDirectory(name)
        try FileManager.default.createDirectory(atPath: dir + "/sys/devices/system", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: LiveFixtures.firecracker + "/sys/devices/system/memory",
                                         toPath: dir + "/sys/devices/system/memory")
        return dir
    }

    /// Rewrites a file in place (same inode), as sysfs shows new contents through an open file.
    func rewrite(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func aKeptFileShowsWhatItHoldsNow() throws {
        let dir = try copyOfBlocks("kept")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = LiveSource(root: dir)
        let files = OpenFiles()
        let state = "sys/devices/system/memory/memory5/state"
        #expect(try files.readText(state, in: source) == "online\n")
        try rewrite(dir + "/" + state, "offline\n")
        #expect(try files.readText(state, in: source) == "offline\n")
        #expect(files.opens == 1 && files.rereads == 1)
    }

    @Test func aRefreshReadsOneFileABlockAndFollowsStateChanges() throws {
        let dir = try copyOfBlocks("state")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = LiveSource(root: dir)
        let files = OpenFiles()
        let first = try MemoryBlocks.read(from: source, files: files)
        let opened = files.opens
        // Nothing changed: the same answer, every block's state reread through its open file.
        let second = try MemoryBlocks.read(from: source, files: files, previous: first)
        #expect(second == first)
        #expect(files.opens == opened)
        #expect(files.rereads >= first.blocks.count)
        // memory5 went offline: its state and valid_zones are read afresh.
        let block = dir + "/sys/devices/system/memory/memory5"
        try rewrite(block + "/state", "offline\n")
        try rewrite(block + "/valid_zones", "DMA32 Normal\n")
        let third = try MemoryBlocks.read(from: source, files: files, previous: second)
        let five = try #require(third.blocks.first { $0.id == 5 })
        #expect(five.state == "offline")
        #expect(five.validZones == ["DMA32", "Normal"])
    }

    @Test func aBlockThatWentAwayIsGoneNotStale() throws {
        let dir = try copyOfBlocks("removed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = LiveSource(root: dir)
        let files = OpenFiles()
        let first = try MemoryBlocks.read(from: source, files: files)
        #expect(first.blocks.contains { $0.id == 5 })
        try FileManager.default.removeItem(atPath: dir + "/sys/devices/system/memory/memory5")
        let second = try MemoryBlocks.read(from: source, files: files, previous: first)
        #expect(!second.blocks.contains { $0.id == 5 })
        #expect(second.blocks.count == first.blocks.count - 1)
        // Its kept file was closed: reading it now is the clear error of a missing file.
        #expect(throws: LiveError.self) {
            try files.readText("sys/devices/system/memory/memory5/state", in: source)
        }
    }
}
