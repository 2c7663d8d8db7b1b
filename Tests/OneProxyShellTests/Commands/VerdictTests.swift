import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Verdicts sized to their evidence: under `minimumArchitecturesForVerdict` shared architectures a
/// correlation shows its bootstrap interval and makes no reuse claim.
@Suite("verdicts sized to their evidence")
struct VerdictTests {
    @Test func fewSharedArchitecturesGiveAnIntervalAndNoClaim() throws {
        let d = try BundledDatasets.load("oneproxy-nb201")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-verdict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("few.csv").path
        // true_vpu's own latencies on 5 rows: SRCC 1 with true_vpu, but only 5 architectures.
        let vpu = try #require(d.device(named: "true_vpu")).latencies
        let rows = (0..<d.rowCount).filter { !vpu[$0].isNaN }.prefix(5)
        try ("arch_str,cpu_ms\n" + rows.map { "\(d.keys[$0]),\(vpu[$0])" }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; u = load \"\(path)\"; m = merge d u; r = srcc m true_vpu cpu; show r; v = srcc m cpu", origin: "t"), "\(sink.stderr)")
        let r = try #require(s.value(of: "r") as? PairCorrelationValue)
        #expect(r.result.n == 5 && r.result.value == 1)
        let ci = try #require(r.interval)
        // The same interval as the Kit's bootstrap with the declared defaults.
        let m = try #require(s.value(of: "m") as? DatasetValue).dataset
        let cpu = try #require(m.device(named: "cpu")).latencies
        let direct = try #require(try bootstrapInterval(vpu, cpu, method: .spearman, level: 0.95, resamples: 1000, seed: 1))
        #expect(ci.low == direct.low && ci.high == direct.high && r.intervalAutomatic)
        #expect(sink.stdout.contains("too few to call monotonicity strong or weak"))
        #expect(!sink.stdout.contains("can be reused"))
        let v = try #require(s.value(of: "v") as? VectorCorrelationValue)
        #expect(v.table.rows.allSatisfy { row in if case .text(let t) = row[3] { return t.hasPrefix("too few") || t.hasPrefix("undefined") } else { return false } })
        // With all shared rows the verdict stands.
        #expect(s.run(source: "srcc d true_vpu eagle_gtx", origin: "t"))
        #expect(sink.stdout.contains("weak monotonicity"))
    }
}
