import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Records every event, to check what the session reports and in which order.
final class EventLog: SessionObserver {
    var events: [SessionEvent] = []
    func receive(_ event: SessionEvent, from session: Session) { events.append(event) }
}

@Suite("Events and the notebook")
struct NotebookTests {
    let script = """
        d = load oneproxy-nb201
        srcc d true_vpu eagle_gtx
        m = srcc d
        heatmap m
        bogus d
        a = adapt d proxy=true_vpu target=eagle_gtx train=20 val=5 seed=2
        show a
        """

    @Test func theSessionEmitsStatementsThenTheirOutputsInOrder() throws {
        let (s, _) = try makeSession()
        let log = EventLog()
        s.subscribe(log)
        s.run(source: "d = load oneproxy-nb201; srcc d true_vpu eagle_gtx; nope", origin: "t")
        let kinds = log.events.map { e -> String in
            switch e {
            case .statement(let text, _, _): return "statement:" + text
            case .bound(let name, _, let shown): return "bound:\(name):\(shown)"
            case .show: return "show"
            case .display: return "display"
            case .diagnostic(let d): return "diagnostic:\(d.severity.rawValue)"
            case .progress: return "progress"
            }
        }
        #expect(kinds == ["statement:d = load oneproxy-nb201", "bound:d:false", "statement:srcc d true_vpu eagle_gtx", "bound:_:true",
                          "statement:nope", "diagnostic:error"])
    }

    @Test func theNotebookHoldsEveryStatementAndOutputInOrder() throws {
        let (s, _) = try makeSession()
        s.run(source: script, origin: "paper.ops")
        let entries = s.recorder.entries
        #expect(entries.map(\.statement) == script.split(separator: "\n").map(String.init))
        #expect(entries.map(\.line) == Array(1...7))
        // The failed statement keeps its error; the others their output.
        guard case .diagnostic(.error, let text) = entries[4].outputs.first else { Issue.record("no error on line 5"); return }
        #expect(text.contains("paper.ops:5:1: error: unknown command 'bogus'"))
        let html = notebookHTML(entries, header: NotebookHeader(date: Date(timeIntervalSince1970: 0), inputs: s.inputs))
        var position = html.startIndex
        for statement in script.split(separator: "\n") {
            let escaped = xmlEscape(String(statement))
            guard let r = html.range(of: escaped, range: position..<html.endIndex) else {
                Issue.record("statement missing or out of order: \(statement)")
                return
            }
            position = r.upperBound
        }
        #expect(html.contains("SRCC(true_vpu, eagle_gtx) = 0.6905 over 1999 architectures both measured"))
        #expect(html.contains("oneproxy-nb201: bundled dataset oneproxy-nb201"))
        #expect(html.contains("oneproxy \(oneproxyVersion)"))
        // Figures inline: the heatmap, the adaptation's two scatters and its λ path.
        #expect(html.components(separatedBy: "<svg ").count - 1 >= 4)
        #expect(!html.contains("<script"), "no scripts")
        #expect(!html.contains("http://") || html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://") == false,
                "nothing from the network")
        #expect(!html.contains("\u{1B}"), "no terminal escapes in the page")
    }

    @Test func aReplayedScriptMakesTheSameNotebookApartFromTheDate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-nb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var pages: [String] = []
        for k in 0..<2 {
            let (s, _) = try makeSession()
            s.run(source: script, origin: "paper.ops")
            let path = dir.appendingPathComponent("nb\(k).html").path
            try s.writeNotebook(to: path, date: Date(timeIntervalSince1970: Double(k) * 86_400 * 400))
            pages.append(try String(contentsOfFile: path, encoding: .utf8))
        }
        #expect(pages[0] != pages[1], "the dates differ")
        let undated = pages.map { $0.replacingOccurrences(of: #"<span class="date">[^<]*</span>"#, with: "", options: .regularExpression) }
        #expect(undated[0] == undated[1])
    }

    @Test func aUserFileIsNamedWithItsContentHash() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-nb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let csv = "arch_str,a_ms,b_ms\n" + (0..<5).map { i in
            "\(NB201.archString([i % 5, (i + 1) % 5, 2, 3, 4, 0])),\(Double(i) + 1),\(Double(i) * 2 + 1)\n"
        }.joined()
        let path = dir.appendingPathComponent("mine.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let (s, _) = try makeSession()
        #expect(s.run(source: "u = load \"\(path)\"", origin: "t"))
        #expect(s.inputs == [InputFile(dataset: "mine", source: path, sha256: sha256Hex(Array(csv.utf8)))])
        try s.writeNotebook(to: dir.appendingPathComponent("nb.md").path)
        let md = try String(contentsOfFile: dir.appendingPathComponent("nb.md").path, encoding: .utf8)
        #expect(md.contains(sha256Hex(Array(csv.utf8))))
        #expect(md.contains("```\nu = load"))
    }

    @Test func theNotebookCommandWritesWhatCameBeforeIt() throws {
        let (s, sink) = try makeSession()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-nb-\(UUID().uuidString).html").path
        #expect(s.run(source: "d = load oneproxy-nb201; devices d; notebook \"\(path)\"", origin: "t"))
        #expect(sink.stdout.contains("wrote 2 statements to \(path)"))
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("devices d"))
        #expect(!html.contains("notebook \""))
        #expect(!s.run(source: "notebook \"x.pdf\"", origin: "t"))
    }
}
