import Foundation
import Testing
import MemEngine
@testable import memtop

/// Page kinds per block against a direct count of the kpageflags bits, and the buddy-tail rule.
@Suite("Live page classification")
struct LivePageClassificationTests {
    // Bits counted by the test itself, straight from include/uapi/linux/kernel-page-flags.h.
    static let buddy: UInt64 = 1 << 10, lru: UInt64 = 1 << 5, slab: UInt64 = 1 << 7
    static let swapbacked: UInt64 = 1 << 14, nopage: UInt64 = 1 << 20, offline: UInt64 = 1 << 23
    static let pgtable: UInt64 = 1 << 26, reserved: UInt64 = 1 << 32
    static let head: UInt64 = 1 << 15, tail: UInt64 = 1 << 16, thp: UInt64 = 1 << 22
    static let mmap: UInt64 = 1 << 11, anon: UInt64 = 1 << 12, uptodate: UInt64 = 1 << 3, swapcache: UInt64 = 1 << 13

    @Test("kinds per block equal a direct count of the bits", .enabled(if: LiveFixtures.hasCapture))
    func kindsEqualBitCounts() throws {
        let flags = try LiveFixtures.u64Array("proc/kpageflags.xz")
        #expect(flags.count == 6_553_600)
        let report = try LiveInspector(source: LiveSource(root: LiveFixtures.firecracker)).report()
        #expect(report.blocks.count == 192)
        for block in report.blocks {
            let pages = try #require(block.pages, "block \(block.id) has counts")
            // One pass over the block with the test's own precedence: a compound tail is its
            // head's; buddy, gone, reserved, slab, page table, LRU (anon if swap-backed), user
            // pages off the LRU for a moment (anon/file), the rest.
            var expected = [String: UInt64]()
            var headKey: String?
            let user = Self.anon | Self.swapbacked | Self.mmap | Self.uptodate | Self.swapcache
            let kernelOnly = Self.slab | Self.pgtable | Self.reserved | Self.buddy | Self.nopage | Self.offline | (1 << 17)
            for raw in flags[Int(block.startPfn)..<Int(block.startPfn) + 32768] {
                var key: String
                if raw & Self.tail != 0, let head = headKey { key = head }
                else if raw & Self.buddy != 0 { key = "free" }
                else if raw & (Self.nopage | Self.offline) != 0 { key = "offline" }
                else if raw & Self.reserved != 0 { key = "reserved" }
                else if raw & Self.slab != 0 { key = "slab" }
                else if raw & Self.pgtable != 0 { key = "pagetable" }
                else if raw & Self.lru != 0 { key = raw & Self.swapbacked != 0 ? "anon" : "file" }
                else if raw & user != 0 && raw & kernelOnly == 0 { key = raw & (Self.swapbacked | Self.anon) != 0 ? "anon" : "file" }
                else { key = "rest" }
                if raw & Self.tail == 0 { headKey = raw & Self.head != 0 ? key : nil }
                expected[key, default: 0] += 1
            }
            #expect(pages.total == 32768)
            #expect(pages.free == expected["free", default: 0], "free of block \(block.id)")
            #expect(pages.offline == expected["offline", default: 0])
            #expect(pages.reserved == expected["reserved", default: 0])
            #expect(pages.slab == expected["slab", default: 0])
            #expect(pages.pagetable == expected["pagetable", default: 0])
            #expect(pages.lruAnon == expected["anon", default: 0])
            #expect(pages.lruFile == expected["file", default: 0])
            // Pages with no kind bit are split between "uninit" (whole blank pageblocks), "kernel"
            // (no flags) and "other".
            #expect(pages.uninit + pages.kernel + pages.other == expected["rest", default: 0])
            #expect(pages.uninit % 512 == 0)
        }
    }

    @Test("the capture's report: holes, multizone, deferred init", .enabled(if: LiveFixtures.hasCapture))
    func captureVerdicts() throws {
        let report = try LiveInspector(source: LiveSource(root: LiveFixtures.firecracker)).report()
        #expect(report.kernel == "6.18.44-fc-v595")
        #expect(report.blockSizeBytes == 134_217_728)
        #expect(report.unavailable.isEmpty)
        let block0 = try #require(report.blocks.first)
        #expect(block0.zone == "multizone")
        #expect(block0.offlinable == false)
        #expect(block0.blockers == [.init(pfn: 0, reason: "memory holes", kind: nil)])
        let dma32 = report.blocks.filter { $0.zone == "DMA32" }
        #expect(dma32.count == 23 && dma32.allSatisfy { $0.offlinable == true && $0.blockers.isEmpty })
        let busy = try #require(report.blocks.first { $0.id == 33 })
        #expect(busy.offlinable == false)
        #expect(busy.blockers.count == 8 && busy.blockerCount > 8)
        #expect(busy.blockers.map(\.pfn) == busy.blockers.map(\.pfn).sorted())
        let untouched = report.blocks.filter { $0.pages?.uninit == 32768 }
        #expect(untouched.count > 100 && untouched.allSatisfy { $0.offlinable == true })
        let buddy = try BuddyInfoParser.parse(try LiveFixtures.text("proc/buddyinfo"))
        for zone in report.zones {
            let expected = buddy.first { $0.zone == zone.name }?.freePages ?? 0
            #expect(zone.freePages == expected, "free pages of \(zone.name) are buddyinfo's")
        }
    }

    @Test func markedTailsAreFreeOnlyWhenFlagged() {
        var classifier = PageClassifier(buddyTails: .marked)
        classifier.pageblockPages = 8
        let flags: [UInt64] = [Self.buddy, 0, 0, 0, Self.buddy, Self.buddy, Self.lru, 0]
        let kinds = classifier.classify(start: 1024, flags: flags, counts: nil)
        #expect(kinds == [.free, .kernel, .kernel, .kernel, .free, .free, .lruFile, .kernel])
    }

    @Test func inferredTailsStopAtFlagsAndAlignment() {
        var classifier = PageClassifier(buddyTails: .inferred)
        classifier.pageblockPages = 16
        // Head at pfn 1024 (aligned far beyond 16): tails run until the first flagged page.
        var flags = [UInt64](repeating: 0, count: 16)
        flags[0] = Self.buddy
        flags[5] = Self.slab
        // A head at pfn 1030 (aligned to 2) covers 1030..1031 only.
        flags[6] = Self.buddy
        let counts = [UInt64](repeating: 0, count: 16)
        let kinds = classifier.classify(start: 1024, flags: flags, counts: counts)
        #expect(Array(kinds[0..<5]) == Array(repeating: .free, count: 5))
        #expect(kinds[5] == .slab)
        #expect(kinds[6] == .free && kinds[7] == .free)
        #expect(kinds[8] == .kernel)
        // A mapped page is never an inferred tail.
        var mapped = counts
        mapped[1] = 1
        var again = PageClassifier(buddyTails: .inferred)
        again.pageblockPages = 16
        #expect(again.classify(start: 1024, flags: flags, counts: mapped)[1] == .kernel)
    }

    @Test func blankPageblocksAreUninitialisedOthersNot() {
        var classifier = PageClassifier(buddyTails: .marked)
        classifier.pageblockPages = 4
        let flags: [UInt64] = [0, 0, 0, 0, 0, 0, 0, Self.reserved, Self.nopage, Self.offline, 0, 0]
        let kinds = classifier.classify(start: 0, flags: flags, counts: nil)
        #expect(kinds == [.uninit, .uninit, .uninit, .uninit, .kernel, .kernel, .kernel, .reserved,
                          .offline, .offline, .kernel, .kernel])
    }

    @Test("THP tails (MMAP|ANON|COMPOUND_TAIL|THP, mapcount 0) are anon LRU pages like their head, and movable")
    func compoundTailsFollowTheirHead() {
        var classifier = PageClassifier(buddyTails: .marked)
        classifier.pageblockPages = 8
        let thpHead = Self.head | Self.thp | Self.lru | Self.anon | Self.mmap | Self.swapbacked
        let thpTail = Self.tail | Self.thp | Self.anon | Self.mmap
        let slabHead = Self.head | Self.slab
        let flags: [UInt64] = [thpHead, thpTail, thpTail, thpTail, slabHead, Self.tail, Self.tail, Self.tail]
        let kinds = classifier.classify(start: 4096, flags: flags, counts: [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(kinds == [.lruAnon, .lruAnon, .lruAnon, .lruAnon, .slab, .slab, .slab, .slab])
        let tailFacts = PageClassifier.facts(flags: thpTail, kind: .lruAnon)
        #expect(tailFacts.compound && tailFacts.lru)
        #expect(Movability.unmovableReason(tailFacts, inMovableZone: false) == nil)
        // A slab tail reads refcount 0, but has_unmovable_pages() judges it by its head.
        var slabTail = PageClassifier.facts(flags: Self.tail, kind: .slab)
        slabTail.refcountZero = true
        #expect(Movability.unmovableReason(slabTail, inMovableZone: false) == .unmovable)
        // A scan that starts inside a THP still counts its tails as anon.
        var fresh = PageClassifier(buddyTails: .marked)
        fresh.pageblockPages = 8
        #expect(fresh.classify(start: 9000, flags: [thpTail], counts: nil) == [.lruAnon])
    }

    @Test("user pages off the LRU for a moment (in an LRU add batch) are LRU pages; HEAD-only pages are kernel pages")
    func batchedUserPages() {
        var classifier = PageClassifier(buddyTails: .marked)
        classifier.pageblockPages = 4
        let batchedAnon = Self.uptodate | Self.mmap | Self.anon | Self.swapbacked
        let kinds = classifier.classify(start: 8, flags: [batchedAnon, Self.uptodate, Self.head, Self.tail], counts: nil)
        #expect(kinds == [.lruAnon, .lruFile, .kernel, .kernel])
    }

    @Test func kernelReleaseChoosesTheTailRule() {
        #expect(BuddyTailRule.forKernel("6.18.44-fc-v595") == .marked)
        #expect(BuddyTailRule.forKernel("4.19.0") == .inferred)
        #expect(BuddyTailRule.forKernel(nil) == .marked)
        #expect(BuddyTailRule.forKernel("garbage") == .marked)
    }

    @Test func factsFeedMovability() {
        let slab = PageClassifier.facts(flags: Self.slab, kind: .slab)
        #expect(!slab.refcountZero && !slab.lru && slab.kindName == "slab")
        let free = PageClassifier.facts(flags: Self.buddy, kind: .free)
        #expect(free.buddy && free.refcountZero)
        #expect(PageClassifier.facts(flags: 0, kind: .kernel).kindName == "no flags")
        #expect(PageClassifier.facts(flags: Self.reserved, kind: .reserved).reserved)
    }
}
