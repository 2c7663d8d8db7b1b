import OneProxyKit
import Testing
@testable import OneProxyShell

/// Random input must never crash the lexer, the parser, the diagnostic renderer or completion, and
/// every diagnostic must point inside its statement's text.
@Suite("Fuzzing the language front end")
struct FuzzTests {
    static let pieces = [
        "d", "=", " ", "  ", "load", "oneproxy-nb201", "\"", "'", "[", "]", ",", ";", "\n", "#", "srcc", "1080ti_32",
        "5ms", "-", "-3", "1e", "e-", ".", "é", "λ", "\\", "\"a b\"", "x=", "[1, 2", "]]", "~", "/", "adapt", "proxy=",
        "\t", "\r\n", "0.5s", "%", "help", "🙂", "|none~0|+", "key=[a,", "==", "a=b=c",
    ]

    @Test func randomStatementsNeverCrashAndPointInside() throws {
        var g = SeededGenerator(seed: 2026)
        let (session, _) = try makeSession()
        for _ in 0..<3000 {
            let count = g.index(below: 12) + 1
            let text = (0..<count).map { _ in Self.pieces[g.index(below: Self.pieces.count)] }.joined()
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for result in Parser.parse(text) {
                switch result {
                case .success(let st):
                    #expect(!st.command.value.isEmpty)
                case .failure(let f):
                    if let loc = f.diagnostic.location {
                        #expect(loc.line >= 1 && loc.line <= lines.count, "\(text.debugDescription)")
                        #expect(loc.column >= 1 && loc.column <= lines[loc.line - 1].count + 1, "\(text.debugDescription)")
                    }
                    _ = f.diagnostic.render(source: text, origin: "fuzz", color: true)
                }
            }
            _ = Completer.candidates(line: text, session: session)
        }
    }
}
