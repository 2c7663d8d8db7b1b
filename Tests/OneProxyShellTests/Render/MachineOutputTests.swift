import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Clean machine output: under --format csv, standard output is CSV only (a CSV reader takes it as
/// it is), and a value shown in CSV keeps every table of its document.
@Suite("clean machine output")
struct MachineOutputTests {
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
