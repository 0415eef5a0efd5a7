import Foundation
import Testing
@testable import memtop

/// The /proc and sysfs parsers against a real capture, each checked by an independent route.
@Suite("Live parsers on the firecracker capture", .enabled(if: LiveFixtures.hasCapture,
       "../shared/captures/firecracker-6.18-idle is not beside the repository"))
struct LiveParserTests {
    @Test func zoneinfoMatchesTheLinesOfTheFile() throws {
        let text = try LiveFixtures.text("proc/zoneinfo")
        let zones = try ZoneInfoParser.parse(text)
        #expect(zones.map(\.name) == ["DMA", "DMA32", "Normal", "Movable", "Device"])
        // Independent: the n-th "spanned"/"managed"/"pages free" line belongs to the n-th zone.
        func column(_ key: String) -> [UInt64] {
            text.split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ")
                guard words.count >= 2, words[0] == key else { return nil }
                return UInt64(words[1])
            }
        }
        #expect(zones.map(\.spanned) == column("spanned"))
        #expect(zones.map(\.present) == column("present"))
        #expect(zones.map(\.managed) == column("managed"))
        #expect(zones.compactMap(\.startPFN) == column("start_pfn:"))
        let free = text.split(separator: "\n").filter { $0.hasPrefix("  pages free") }
            .compactMap { UInt64($0.split(separator: " ").last ?? "") }
        #expect(zones.map(\.free) == free)
        #expect(zones[0].span == 1..<4096)
        #expect(zones[3].span == nil)
    }

    @Test func buddyinfoFreePagesEqualTheZoneCounters() throws {
        let rows = try BuddyInfoParser.parse(try LiveFixtures.text("proc/buddyinfo"))
        let zones = try ZoneInfoParser.parse(try LiveFixtures.text("proc/zoneinfo"))
        for row in rows {
            // Independent sum over the raw columns of the line.
            let line = try LiveFixtures.text("proc/buddyinfo").split(separator: "\n")
                .first { $0.contains(" \(row.zone) ") }
            let columns = (line ?? "").split(separator: " ").dropFirst(4).compactMap { UInt64($0) }
            var sum: UInt64 = 0
            for (order, count) in columns.enumerated() { sum += count * (1 << UInt64(order)) }
            #expect(row.freePages == sum)
            let zone = zones.first { $0.name == row.zone }
            #expect(zone?.free == sum, "zoneinfo 'pages free' of \(row.zone)")
        }
        #expect(rows.map(\.zone) == ["DMA", "DMA32", "Normal"])
    }

    @Test func pagetypeinfoFreeListsAddUpToBuddyinfo() throws {
        let info = try PageTypeInfoParser.parse(try LiveFixtures.text("proc/pagetypeinfo"))
        let buddy = try BuddyInfoParser.parse(try LiveFixtures.text("proc/buddyinfo"))
        #expect(info.pageblockOrder == 9 && info.pagesPerBlock == 512)
        #expect(info.blockTypes == ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"])
        for row in buddy {
            let lists = info.free.filter { $0.zone == row.zone }
            #expect(lists.count == 5)
            let perOrder = (0..<row.counts.count).map { order in lists.reduce(0) { $0 + $1.counts[order].value } }
            // The two files were read a moment apart; order-0 blocks come and go fastest.
            #expect(perOrder.dropFirst() == row.counts.dropFirst(), "free lists of \(row.zone) per order")
            #expect(perOrder[0].distance(to: row.counts[0]).magnitude < 100)
        }
        #expect(info.blockCount(node: 0, zone: "Normal", type: "Unmovable") == 57)
        #expect(info.blockCount(node: 0, zone: "DMA32", type: "Movable") == 1528)
        #expect(info.blockCount(node: 0, zone: "Normal", type: "Isolate") == 0)
    }

    @Test func vmstatAndMeminfoKeepEveryLine() throws {
        let vmstatText = try LiveFixtures.text("proc/vmstat")
        let vmstat = try KeyValueTable.parse(vmstatText, path: "vmstat")
        #expect(vmstat.entries.count == vmstatText.split(separator: "\n").count)
        let zones = try ZoneInfoParser.parse(try LiveFixtures.text("proc/zoneinfo"))
        let zoneFree = zones.reduce(0) { $0 + $1.free }
        // vmstat and zoneinfo are read at slightly different moments; within a few pcp batches.
        let nrFree = try #require(vmstat["nr_free_pages"])
        #expect(nrFree > zoneFree / 2 && nrFree < zoneFree * 2)
        let meminfo = try KeyValueTable.parse(try LiveFixtures.text("proc/meminfo"), path: "meminfo")
        #expect(meminfo["MemTotal"] == 24684096)
        #expect(meminfo["HugePages_Total"] == 0)
    }

    @Test func iomemSystemRAMRanges() throws {
        let ram = try SystemRAM.parse(try LiveFixtures.text("proc/iomem"), pageSize: 4096)
        #expect(ram.ranges == [1..<0x9f, 0x100..<0xc0000, 0x100000..<0x640000])
        #expect(ram.pages(in: 0..<32768) < 32768)
        #expect(ram.pages(in: 32768..<65536) == 32768)
    }

    @Test func memoryBlocksMatchTheDirectory() throws {
        let source = LiveSource(root: LiveFixtures.firecracker)
        let memory = try MemoryBlocks.read(from: source)
        #expect(memory.blockSizeBytes == 0x8000000)
        #expect(memory.autoOnline == "offline")
        let dirs = try FileManager.default.contentsOfDirectory(
            atPath: LiveFixtures.firecracker + "/sys/devices/system/memory").filter { $0.hasPrefix("memory") }
        #expect(memory.blocks.count == dirs.count)
        #expect(memory.blocks.allSatisfy { $0.problems.isEmpty && $0.node == 0 && $0.state == "online" })
        #expect(memory.blocks.allSatisfy { $0.physIndex == UInt64($0.id) })
        #expect(memory.blocks.first?.validZones == ["none"])
        #expect(memory.blocks.first { $0.id == 5 }?.validZones == ["DMA32"])
        #expect(try source.kernelRelease() == "6.18.44-fc-v595")
    }
}
