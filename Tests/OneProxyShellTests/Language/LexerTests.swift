import Testing
@testable import OneProxyShell

@Suite("Lexer")
struct LexerTests {
    func kinds(_ s: String) -> [TokenKind] { Lexer.tokenize(s).map(\.kind) }

    @Test func assignmentWithDatasetName() {
        #expect(kinds("d = load oneproxy-nb201") == [.word("d"), .equals, .word("load"), .word("oneproxy-nb201")])
    }

    @Test func deviceNamesMayStartWithDigits() {
        #expect(kinds("srcc d 1080ti_32 titan_rtx_256") == [.word("srcc"), .word("d"), .word("1080ti_32"), .word("titan_rtx_256")])
    }

    @Test(arguments: [
        ("60", 60.0, nil as String?), ("5ms", 5, "ms"), ("0.005s", 0.005, "s"), ("1e-3", 0.001, nil),
        ("-2.5", -2.5, nil), ("250us", 250, "us"), ("90%", 90, "%"), (".5", 0.5, nil),
    ])
    func numbersWithUnits(text: String, value: Double, unit: String?) {
        #expect(kinds(text) == [.number(value, unit: unit)])
    }

    @Test func stringsListsOptionsCommentsSeparators() {
        let k = kinds(#"a = adapt d proxy=true_vpu samples=[1, 2,3] # note"# + "\n" + #"save "s/x \"q\".ops"; vars"#)
        #expect(k == [
            .word("a"), .equals, .word("adapt"), .word("d"), .word("proxy"), .equals, .word("true_vpu"),
            .word("samples"), .equals, .leftBracket, .number(1, unit: nil), .comma, .number(2, unit: nil), .comma,
            .number(3, unit: nil), .rightBracket, .separator, .word("save"), .string("s/x \"q\".ops"), .separator, .word("vars"),
        ])
    }

    @Test func locationsAreOneBasedLineAndColumn() {
        let t = Lexer.tokenize("vars\n  show  é_x")
        #expect(t.map(\.location) == [
            SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 5),
            SourceLocation(line: 2, column: 3), SourceLocation(line: 2, column: 9),
        ])
        #expect(t.last?.kind == .word("é_x"))
    }

    @Test func unterminatedStringIsAnInvalidTokenAtItsQuote() {
        let t = Lexer.tokenize(#"save "abc"#)
        #expect(t.count == 2)
        #expect(t[1].location == SourceLocation(line: 1, column: 6))
        guard case .invalid(let why) = t[1].kind else { Issue.record("expected invalid"); return }
        #expect(why.contains("unterminated string"))
    }

    @Test func aSignedWordIsNotANumber() {
        guard case .invalid(let why)? = kinds("-3x").first else { Issue.record("expected invalid"); return }
        #expect(why.contains("not a number"))
    }
}
