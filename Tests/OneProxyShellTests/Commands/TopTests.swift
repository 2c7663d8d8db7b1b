import Foundation
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

@Suite("bootstrap on tiny data")
struct TinyBootstrapTests {
    /// Three architectures: a resample is constant when it draws one row three times, probability
    /// 3/27 = 1/9, so about 111 of 1000 resamples are undefined (binomial sd about 10).
    @Test func undefinedResamplesAreCountedAndSaid() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-tiny-\(UUID().uuidString).csv").path
        try """
            arch_str,a_ms,b_ms
            |none~0|+|none~0|none~1|+|none~0|none~1|none~2|,1,2
            |skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|,2,1
            |nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|none~2|,3,4

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let (s, sink) = try makeSession()
        #expect(s.run(source: "u = load \"\(path)\"; c = srcc u a b ci=0.9", origin: "t"))
        let c = try #require(s.value(of: "c") as? PairCorrelationValue)
        let dropped = try #require(c.interval?.dropped)
        #expect((71...151).contains(dropped), "\(dropped) undefined resamples")
        #expect(renderValue(c, format: .table).contains("\(dropped) of 1000 resamples had an undefined SRCC"))
        _ = sink
    }
}
