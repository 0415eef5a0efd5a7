import Testing
@testable import memtop

@Suite("Key notation (--keys) and the key table")
struct TerminalKeyTests {
    @Test("plain characters are keys; <Name> names special keys, case-insensitively")
    func parseNames() throws {
        #expect(try KeyNotation.parse("qO/") == [.key(.char("q")), .key(.char("O")), .key(.char("/"))])
        #expect(try KeyNotation.parse("<Enter><esc><TAB><Space><Backspace>")
                == [.key(.enter), .key(.escape), .key(.tab), .key(.char(" ")), .key(.backspace)])
        #expect(try KeyNotation.parse("<Up><Down><Left><Right><PgUp><PgDn><Home><End>")
                == [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end].map(KeyEvent.key))
        #expect(try KeyNotation.parse("<F1><F10><F12>") == [.key(.function(1)), .key(.function(10)), .key(.function(12))])
        #expect(try KeyNotation.parse("<lt>a<gt>") == [.key(.char("<")), .key(.char("a")), .key(.char(">"))])
        #expect(try KeyNotation.parse("") == [])
    }

    @Test("ticks, clicks, wheel and resize carry their arguments")
    func parseArguments() throws {
        #expect(try KeyNotation.parse("o<tick:25>") == [.key(.char("o")), .tick(25)])
        #expect(try KeyNotation.parse("<click:10,4><WheelUp:1,2><wheeldown:0,0>")
                == [.key(.click(x: 10, y: 4)), .key(.wheelUp(x: 1, y: 2)), .key(.wheelDown(x: 0, y: 0))])
        #expect(try KeyNotation.parse("<Resize:100x30>") == [.resize(Size(cols: 100, rows: 30))])
    }

    @Test("a bad token is an error that names the token and its position")
    func parseErrors() {
        let cases: [(String, String, Int)] = [
            ("ab<Bogus>", "<Bogus>", 2), ("<F13>", "<F13>", 0), ("<tick:x>", "<tick:x>", 0),
            ("<tick:-1>", "<tick:-1>", 0), ("<click:1>", "<click:1>", 0), ("q<Enter", "<Enter", 1),
            ("<Resize:10>", "<Resize:10>", 0), ("<>", "<>", 0),
        ]
        for (text, token, offset) in cases {
            do {
                _ = try KeyNotation.parse(text)
                Issue.record("'\(text)' parsed")
            } catch {
                #expect(error.token == token, "\(text)")
                #expect(error.offset == offset, "\(text)")
                #expect(error.description.contains(token))
            }
        }
    }

    @Test("the standard table binds DESIGN.md's htop-like keys")
    func standardTable() {
        let table = KeyTable.standard
        let expected: [(Key, Action)] = [
            (.char("?"), .help), (.function(1), .help), (.char("q"), .quit), (.function(10), .quit),
            (.up, .moveUp), (.char("k"), .moveUp), (.down, .moveDown), (.char("j"), .moveDown),
            (.left, .moveLeft), (.char("h"), .moveLeft), (.right, .moveRight), (.char("l"), .moveRight),
            (.enter, .zoomIn), (.escape, .zoomOut), (.backspace, .back),
            (.char("o"), .offline), (.char("O"), .online), (.char(" "), .runPause),
            (.char("n"), .step), (.char("N"), .phase), (.char("m"), .stepFolio), (.char("M"), .nextMigration),
            (.char("f"), .pinSpotlight), (.char("L"), .lessons), (.char("+"), .faster), (.char("="), .faster),
            (.char("-"), .slower), (.char("c"), .colourMode), (.char("w"), .workloadToggle),
            (.char("/"), .jump), (.char("r"), .refresh), (.tab, .nextPane),
            (.pageUp, .pageUp), (.pageDown, .pageDown),
        ]
        for (key, action) in expected {
            #expect(table.action(for: key) == action, "\(key.displayName)")
        }
        #expect(table.action(for: .char("x")) == nil)
        #expect(table.action(for: .click(x: 3, y: 4)) == .click(x: 3, y: 4))
        #expect(table.action(for: .wheelDown(x: 0, y: 1)) == .wheelDown(x: 0, y: 1))
    }

    @Test("no key is bound twice, and the help rows list each action once with all its keys")
    func helpRows() {
        let keys = KeyTable.standard.bindings.map(\.key)
        #expect(Set(keys).count == keys.count)
        let rows = KeyTable.standard.helpRows
        #expect(rows.first.map { $0.keys } == "? F1")
        #expect(rows.contains { $0.keys == "Esc" && $0.action == .zoomOut })
        #expect(rows.contains { $0.keys == "Backspace" && $0.action == .back })
        #expect(rows.contains { $0.keys == "C-L" && $0.action == .redraw })
        #expect(Set(rows.map(\.action)).count == rows.count)
    }

    @Test("control characters from the terminal become the keys they stand for")
    func controlCharacters() {
        #expect(Key(character: "\r") == .enter)
        #expect(Key(character: "\n") == .enter)
        #expect(Key(character: "\t") == .tab)
        #expect(Key(character: "\u{1b}") == .escape)
        #expect(Key(character: "\u{7f}") == .backspace)
        #expect(Key(character: "é") == .char("é"))
    }
}
