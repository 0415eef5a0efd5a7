import MemEngine
import Testing
@testable import memtop

@Suite("App: jump targets")
struct AppJumpTargetTests {
    @Test("pfns in hex and decimal, blocks as memoryN or bN, case and spaces forgiven")
    func good() throws {
        func parse(_ t: String) -> JumpTarget? { try? JumpTarget.parse(t, pageCount: 262144, blockCount: 128).get() }
        #expect(parse("0x1E000") == .pfn(PFN(0x1e000)))
        #expect(parse(" 122880 ") == .pfn(PFN(122880)))
        #expect(parse("memory60") == .block(BlockID(60)))
        #expect(parse("B7") == .block(BlockID(7)))
    }

    @Test("garbage, past the end and empty input are refused with a message")
    func bad() {
        for text in ["", "0x", "memory", "memory128", "0x40000", "-3", "hello", "0xzz"] {
            guard case .failure(let e) = JumpTarget.parse(text, pageCount: 262144, blockCount: 128) else {
                Issue.record("accepted '\(text)'")
                continue
            }
            #expect(!e.message.isEmpty)
        }
    }
}
