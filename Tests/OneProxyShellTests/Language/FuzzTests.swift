import Foundation
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

/// Random and mutated command lines through the whole interpreter: no crash, no hang (each
/// statement is cancelled after a deadline), every error located in its statement, and a failed
/// statement changes no variable. Writes stay in a temporary folder (--safe).
@Suite("Fuzzing the interpreter")
struct InterpreterFuzzTests {
    static var cases: Int { ProcessInfo.processInfo.environment["ONEPROXY_FUZZ_CASES"].flatMap(Int.init) ?? 100 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["ONEPROXY_FUZZ_SEED"].flatMap(UInt64.init) ?? 7 }

    static let valid = [
        "srcc d true_vpu eagle_gtx", "kendall d true_vpu", "m = pearson d devices=[true_vpu, eagle_gtx, true_630]",
        "p = fit d true_vpu", "s = sample d n=20 seed=3", "a = adapt d proxy=true_vpu target=eagle_gtx train=20 val=5",
        "top d by=eagle_gtx n=3", "devices d", "vars", "show d", "del s", "set format=csv", "set format=table",
        "help adapt", "heatmap m", "export m \"m.csv\"", "save \"f\"", "u = load \"m.csv\"", "predict p d",
        "f = search d acc=cifar10 lat=eagle_gtx max=5ms", "r = reuse f", "e = merge d d", "run \"f.ops\"",
    ]
    static let junk = [
        " ", "=", "\"", "[", "]", ",", ";", "#", "-", "1e999", "0", "-1", "nan", "é", "λ", "x=", "=y", "..", "/", "~",
        "\n", "\t", "%", "ms", "overwrite=true", "folds=loo", "boot=10", "ci=0.9", "n=0", "seed=-1", "[1,2", "\"/etc/passwd\"",
        "d", "m", "p", "a", "zz", "load", "srcc", "adapt", "true_vpu", "eagle_gtx", "🙂", "\u{0}", "\\",
    ]

    static func mutate(_ line: String, _ g: inout SeededGenerator) -> String {
        var chars = Array(line)
        for _ in 0..<(g.index(below: 3) + 1) {
            let pos = chars.isEmpty ? 0 : g.index(below: chars.count + 1)
            switch g.index(below: 4) {
            case 0: chars.insert(contentsOf: Array(junk[g.index(below: junk.count)]), at: pos)
            case 1: if pos < chars.count { chars.remove(at: pos) }
            case 2: chars = Array(chars.prefix(pos))
            default:
                let words = line.split(separator: " ")
                if let w = words.randomElement(using: &g) { chars.insert(contentsOf: Array(" " + w), at: pos) }
            }
        }
        return String(chars)
    }

    @Test func randomAndMutatedCommandLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let sink = BufferSink()
        let session = Session(settings: Settings(), sink: sink, files: FileAccess(policy: .safe, workingFolder: dir.path))
        session.sessionsFolder = "sessions"
        #expect(session.run(source: "d = load oneproxy-nb201; m = srcc d; p = fit d true_vpu", origin: "setup"))
        final class Deadline: @unchecked Sendable { var at: UInt64 = 0 }
        let deadline = Deadline()
        session.isCancelled = { DispatchTime.now().uptimeNanoseconds > deadline.at }
        var g = SeededGenerator(seed: Self.seed)
        for _ in 0..<Self.cases {
            let line: String
            switch g.index(below: 3) {
            case 0: line = Self.mutate(Self.valid[g.index(below: Self.valid.count)], &g)
            case 1: line = (0..<(g.index(below: 8) + 1)).map { _ in Self.junk[g.index(below: Self.junk.count)] }.joined(separator: g.index(below: 2) == 0 ? " " : "")
            default: line = Self.valid[g.index(below: Self.valid.count)]
            }
            let before: [String] = session.variableOrder.map { "\($0): \(session.value(of: $0)!.summary)" }
            let errorsBefore = sink.stderr.components(separatedBy: "error:").count
            deadline.at = DispatchTime.now().uptimeNanoseconds + 5_000_000_000
            let ok = session.run(source: line, origin: "fuzz")
            let newErrors = String(sink.stderr.split(separator: "\n", omittingEmptySubsequences: false)
                .suffix(40).joined(separator: "\n"))
            if !ok {
                // (a line of several statements may bind before one fails; compare single statements)
                if Parser.parse(line).count == 1 {
                    let after: [String] = session.variableOrder.map { "\($0): \(session.value(of: $0)!.summary)" }
                    #expect(after == before, "\(line.debugDescription)")
                }
                #expect(sink.stderr.components(separatedBy: "error:").count > errorsBefore, "\(line.debugDescription)")
                #expect(newErrors.contains("fuzz:"), "errors are located: \(line.debugDescription)\n\(newErrors)")
            }
        }
    }
}
