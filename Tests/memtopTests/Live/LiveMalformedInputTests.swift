import Foundation
import Testing
@testable import memtop

/// Truncated, garbled, missing, oversized and wrongly sized inputs give errors, never traps.
@Suite("Live parsers on bad input")
struct LiveMalformedInputTests {
    static let zoneinfo = """
        Node 0, zone      DMA
          pages free     3840
                min      58
                spanned  4095
                present  3998
                managed  3840
          start_pfn:           1
        """

    @Test func zoneinfoParsesAMinimalZone() throws {
        let zones = try ZoneInfoParser.parse(Self.zoneinfo)
        #expect(zones == [ZoneInfo(node: 0, name: "DMA", startPFN: 1, spanned: 4095, present: 3998,
                                   managed: 3840, free: 3840, min: 58, low: nil, high: nil, pcpCount: 0, cpus: 0)])
    }

    @Test(arguments: [
        "",                                                   // empty
        "garbage\nmore garbage",                              // no Node line
        "Node 0, zone DMA\n  pages free 12\n",                // truncated: no spanned/present/managed
        "Node x, zone DMA\n",                                 // bad node
        "Node 0, zone DMA\n  pages free 1\n spanned 99999999999999999999999\n present 1\n managed 1\n",
        "Node 0, zone DMA\n  pages free -1\n spanned 1\n present 1\n managed 1\n start_pfn: 1\n",
        "Node 0, zone DMA\n  pages free 1\n spanned 5\n present 1\n managed 1\n",   // spans without start_pfn
        "Node 0, zone DMA\n  pages free 1\n spanned 5\n present 1\n managed 1\n start_pfn: 18446744073709551615\n",
    ])
    func zoneinfoRejects(_ text: String) {
        #expect(throws: LiveError.self) { try ZoneInfoParser.parse(text) }
    }

    @Test func zoneinfoTruncatedInTheMiddleOfTheRealFile() throws {
        guard LiveFixtures.hasCapture else { return }
        let text = try LiveFixtures.text("proc/zoneinfo")
        // Cut inside the DMA32 zone, before its spanned/present/managed lines.
        let cut = try #require(text.range(of: "Node 0, zone    DMA32\n  pages free"))
        #expect(throws: LiveError.self) { try ZoneInfoParser.parse(String(text[..<cut.upperBound])) }
    }

    @Test(arguments: [
        "",
        "Node 0, zone DMA 1 2 3\nNode 0, zone DMA32 1 2\n",     // differing widths
        "Node 0, zone DMA 1 x 3\n",                             // garbage count
        "Node 0, zone DMA\n",                                   // no counts
        "Node 0, zone DMA 18446744073709551615 18446744073709551615\n", // sum overflows
        "Node 0 zone DMA 1\n",                                  // no comma
    ])
    func buddyinfoRejects(_ text: String) {
        #expect(throws: LiveError.self) { try BuddyInfoParser.parse(text) }
    }

    @Test func pagetypeinfoReadsCappedCounts() throws {
        let text = """
            Page block order: 9
            Pages per block:  512

            Free pages count per migrate type at order       0      1
            Node    0, zone   Normal, type    Unmovable >100000      3
            Node    0, zone   Normal, type      Movable      2 >100000

            Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate
            Node 0, zone   Normal           57          565           18            0            4            2
            """
        let info = try PageTypeInfoParser.parse(text)
        #expect(info.free[0].counts == [CappedCount(value: 100000, isLowerBound: true), CappedCount(value: 3, isLowerBound: false)])
        #expect(info.free[1].counts[1].description == ">100000")
        #expect(info.blockCount(node: 0, zone: "Normal", type: "Isolate") == 2)
        #expect(info.blockCount(node: 0, zone: "Normal", type: "CMA") == 4)
    }

    @Test(arguments: [
        "Pages per block: 512\n",                                                        // no order
        "Page block order: 9\nPages per block: 500\nNode 0, zone N, type M 1\n",          // not 2^9
        "Page block order: 9\nPages per block: 512\nFree pages count per migrate type at order 0 1\nNode 0, zone N, type M 1\n",
        "Page block order: 9\nPages per block: 512\nNode 0, zone N 1 2\n",                // blocks without header
        "Page block order: 9\nPages per block: 512\nNode 0, zone N, type M >x\n",
        "Page block order: 99\nPages per block: 512\n",
    ])
    func pagetypeinfoRejects(_ text: String) {
        #expect(throws: LiveError.self) { try PageTypeInfoParser.parse(text) }
    }

    @Test func keyValueTablesRejectGarbage() {
        #expect(throws: LiveError.self) { try KeyValueTable.parse("nr_free_pages\n", path: "vmstat") }
        #expect(throws: LiveError.self) { try KeyValueTable.parse("a 1 2 3\n", path: "vmstat") }
        #expect(throws: LiveError.self) { try KeyValueTable.parse("MemTotal: lots kB\n", path: "meminfo") }
        #expect(throws: LiveError.self) { try KeyValueTable.parse("", path: "meminfo") }
    }

    @Test func iomemWithZeroedAddressesIsUnavailable() {
        let hidden = "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n"
        #expect(throws: LiveError.self) { try SystemRAM.parse(hidden, pageSize: 4096) }
        #expect(throws: LiveError.self) { try SystemRAM.parse("zzzz-1 : System RAM\n", pageSize: 4096) }
    }

    // MARK: saved copies on disk

    @Test func missingFilesAreReportedAndTheRestShown() throws {
        let dir = try LiveFixtures.temporaryDirectory("missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/proc", withIntermediateDirectories: true)
        try (Self.zoneinfo + "\n").write(toFile: dir + "/proc/zoneinfo", atomically: true, encoding: .utf8)
        let report = try LiveInspector(source: LiveSource.savedCopy(at: dir)).report()
        #expect(report.zones.count == 1)
        #expect(report.blocks.isEmpty)
        #expect(report.unavailable.contains { $0.contains("buddyinfo") })
        #expect(report.unavailable.contains { $0.contains("block_size_bytes") })
        #expect(report.kernel == nil)
    }

    @Test func unusableFromDirectoryIsOneError() {
        #expect(throws: LiveError.self) { try LiveSource.savedCopy(at: "/nonexistent/memtop-capture") }
        #expect(throws: LiveError.self) { try LiveSource.savedCopy(at: "/etc/hostname") }
    }

    /// A copy with a given kpageflags payload (plain or xz) and one 16-page block.
    static func tinyCopy(_ name: String, flags: [UInt8], compressed: Bool = false) throws -> String {
        let dir = try LiveFixtures.temporaryDirectory(name)
        let memory = dir + "/sys/devices/system/memory/memory0"
        try FileManager.default.createDirectory(atPath: memory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/proc", withIntermediateDirectories: true)
        try "10000\n".write(toFile: dir + "/sys/devices/system/memory/block_size_bytes", atomically: true, encoding: .utf8)
        try "online\n".write(toFile: memory + "/state", atomically: true, encoding: .utf8)
        try "Normal\n".write(toFile: memory + "/valid_zones", atomically: true, encoding: .utf8)
        let path = dir + "/proc/kpageflags" + (compressed ? ".xz" : "")
        try Data(flags).write(to: URL(fileURLWithPath: path))
        return dir
    }

    @Test func wrongWidthKPageFlagsIsAnError() throws {
        let dir = try Self.tinyCopy("width", flags: [UInt8](repeating: 0, count: 13))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var reader = try PageArrayReader("proc/kpageflags", in: LiveSource(root: dir))
        #expect(throws: LiveError.self) { try reader.read(0..<16) }
        let report = try LiveInspector(source: LiveSource(root: dir)).report()
        #expect(report.blocks.count == 1 && report.blocks[0].offlinable == nil)
        #expect(report.unavailable.contains { $0.contains("8-byte") })
    }

    @Test func truncatedKPageFlagsLeavesTheBlockUnjudged() throws {
        // 16 pfns per block (64 KiB block), only 10 entries present.
        let dir = try Self.tinyCopy("short", flags: [UInt8](repeating: 0, count: 80))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try LiveInspector(source: LiveSource(root: dir)).report()
        #expect(report.blocks[0].offlinable == nil)
        #expect(report.blocks[0].note?.contains("ends at pfn 10") == true)
    }

    @Test func garbledXZIsAnErrorNotAHang() throws {
        let dir = try Self.tinyCopy("xz", flags: Array("definitely not xz".utf8), compressed: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var reader = try PageArrayReader("proc/kpageflags", in: LiveSource(root: dir))
        #expect(throws: LiveError.self) { try reader.read(0..<16) }
        let report = try LiveInspector(source: LiveSource(root: dir)).report()
        #expect(report.blocks[0].offlinable == nil)
        #expect(report.unavailable.contains { $0.contains("xz -dc failed") })
    }

    @Test func hugeBlockSizeIsRejected() throws {
        let dir = try Self.tinyCopy("huge", flags: [])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ffffffffffffffffffff\n".write(toFile: dir + "/sys/devices/system/memory/block_size_bytes",
                                          atomically: true, encoding: .utf8)
        #expect(throws: LiveError.self) { try MemoryBlocks.read(from: LiveSource(root: dir)) }
        try "3000\n".write(toFile: dir + "/sys/devices/system/memory/block_size_bytes", atomically: true, encoding: .utf8)
        #expect(throws: LiveError.self) { try MemoryBlocks.read(from: LiveSource(root: dir)) }
    }
}
