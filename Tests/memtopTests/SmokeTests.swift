import Testing
@testable import memtop
@Test func cliLinks() { #expect(Memtop.configuration.commandName == "memtop") }
