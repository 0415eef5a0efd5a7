import Testing
@testable import MemEngine
@Test func engineLinks() { #expect(MemEngineVersion.value == "0.1.0") }
