import OneProxyKit
import Testing
@testable import OneProxyShell

@Suite("top: looking at rows")
struct TopTests {
    @Test func theFastestUnderAnAccuracyFloorMatchAPlainFilterAndSort() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load help-nb201; t = top d by=pixel3 n=all where=\"cifar10 >= 93 and pixel3 < 20ms\"", origin: "t"))
        let t = try #require(s.value(of: "t") as? TableValue).table
        let d = try BundledDatasets.load("help-nb201")
        let pixel3 = try #require(d.device(named: "pixel3")).latencies, acc = try #require(d.accuracy(named: "cifar10")).values
        // Brute force: every row meeting both conditions, by latency, ties by row number.
        let expected = (0..<d.rowCount).filter { !pixel3[$0].isNaN && acc[$0] >= 93 && pixel3[$0] < 20 }
            .sorted { pixel3[$0] != pixel3[$1] ? pixel3[$0] < pixel3[$1] : $0 < $1 }
        #expect(t.rows.map { $0[0] } == expected.map { Cell.integer($0) })
        #expect(t.columns == ["row", "nb201_index", "arch_str", "pixel3_ms", "cifar10"])
        _ = sink
    }

    @Test func accuraciesRankBestFirstAndErrorsPointInsideTheCondition() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; t = top d by=cifar10 n=3", origin: "t"))
        let t = try #require(s.value(of: "t") as? TableValue).table
        let values = t.rows.compactMap { row -> Double? in if case .number(let v, _) = row.last { return v } else { return nil } }
        #expect(values.count == 3 && values[0] >= values[1] && values[1] >= values[2])
        #expect(!s.run(source: "top d by=cifar10 where=\"cifar10 >> 3\"", origin: "t"))
        #expect(sink.stderr.contains("t:1:33: error: expected <, <=, >, >= or = after cifar10"))
        #expect(!s.run(source: "top d by=cifar10 where=\"cifar1 > 3\"", origin: "t"))
        #expect(sink.stderr.contains("did you mean cifar10?"))
    }
}
