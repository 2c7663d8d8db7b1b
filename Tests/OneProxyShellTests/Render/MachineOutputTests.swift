import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Clean machine output: under --format csv, standard output is CSV only (a CSV reader takes it as
/// it is), and a value shown in CSV keeps every table of its document.
@Suite("clean machine output")
struct MachineOutputTests {
    /// A device name holding ESC [2J (clear screen) reaches CSV on standard output as pictures
    /// (␛), never as the raw byte; the exported file keeps the data's bytes.
    @Test func csvStdoutShowsControlCharactersAsPictures() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-csv-esc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("esc.csv")
        try "arch,dev\u{1B}[2J_ms,other_ms\nA,1,2\nB,2,3\nC,3,1\n".write(to: csv, atomically: true, encoding: .utf8)
        for source in ["u = load \"\(csv.path)\"; devices u; show u", "u = load \"\(csv.path)\"; show u format=csv"] {
            let (s, sink) = try makeSession(format: source.hasSuffix("format=csv") ? .table : .csv)
            #expect(s.run(source: source, origin: "t"), "\(sink.stderr)")
            #expect(!sink.stdout.unicodeScalars.contains("\u{1B}") && !sink.stderr.unicodeScalars.contains("\u{1B}"))
            #expect(sink.stdout.contains("dev\u{241B}[2J"))
        }
        let (s, sink) = try makeSession()
        let out = folder.appendingPathComponent("out.csv")
        #expect(s.run(source: "u = load \"\(csv.path)\"; export u \"\(out.path)\"", origin: "t"), "\(sink.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8).contains("dev\u{1B}[2J"))
    }

    /// JSON Lines escape DEL and the C1 controls too (JSONEncoder escapes only U+0000–U+001F; the
    /// fuzz campaign found DEL from an echoed statement raw on stdout), and read back the same.
    @Test func jsonLinesEscapeDeleteAndC1() throws {
        let (s, sink) = try makeSession(format: .json)
        s.settings.echo = true
        _ = s.run(source: "x = merge how=\u{7F}a\u{9B}2J", origin: "t")
        let raw = sink.stdout + sink.stderr
        #expect(!raw.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) })
        let first = try #require(sink.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object["statement"] as? String == "x = merge how=\u{7F}a\u{9B}2J")
        #expect(JSONValue.string("\u{7F}").encoded() == "\"\\u007f\"")
    }

    @Test func csvStdoutHoldsOnlyCSV() throws {
        let (s, sink) = try makeSession(format: .csv)
        #expect(s.run(source: "d = load oneproxy-nb201; a = adapt d proxy=true_vpu target=eagle_gtx; show a", origin: "t"), "\(sink.stderr)")
        #expect(sink.stderr.contains("d: oneproxy-nb201: 1999 architectures") && sink.stderr.contains("a: AdaProxy true_vpu → eagle_gtx"))
        #expect(!sink.stdout.contains("architectures (nb201)"))
        // Two tables (the baselines, then the λ path), each with its header, a blank line between.
        let blocks = sink.stdout.components(separatedBy: "\n\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(blocks.count == 2)
        #expect(blocks[0].hasPrefix("predictor of eagle_gtx,srcc_all,srcc_cv\n"))
        #expect(blocks[1].hasPrefix("lambda,srcc_cv,srcc_all,chosen\n"))
        // Every line of each block has its header's number of fields (quoted commas aside).
        let a = try #require(s.value(of: "a") as? AdaptationValue)
        #expect(blocks[1].split(separator: "\n").count == a.report.path.count + 1)
    }
}
