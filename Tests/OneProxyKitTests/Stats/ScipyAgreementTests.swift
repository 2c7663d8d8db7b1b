import Foundation
import OneProxyKit
import Testing

/// Every pair of every bundled latency file against scipy 1.17 (spearmanr, kendalltau tau-b,
/// pearsonr on the pairwise-complete rows), absolute tolerance 1e-9.
@Suite struct ScipyAgreementTests {
    static let tolerance = 1e-9

    @Test(arguments: StatsFixtures.latencyFiles, CorrelationMethod.allCases)
    func matrixMatchesScipy(file: String, method: CorrelationMethod) throws {
        let data = try TestCSV.msColumns(file)
        let fixture = try StatsFixtures.pairs(file)
        #expect(data.names == fixture.names)
        #expect(data.columns.first?.count == fixture.rows)
        let m = correlationMatrix(names: data.names, columns: data.columns, method: method)
        let expected = fixture.values(method)
        var k = 0
        var worst = 0.0
        for i in 0..<data.names.count {
            for j in (i + 1)..<data.names.count {
                #expect(m.counts[i][j] == fixture.n[k], "\(file) \(data.names[i])/\(data.names[j]) n")
                #expect(m.counts[j][i] == fixture.n[k])
                if let e = expected[k], let v = m.values[i][j] {
                    worst = max(worst, abs(v - e))
                    #expect(abs(v - e) <= Self.tolerance, "\(file) \(method) \(data.names[i])/\(data.names[j]): \(v) vs scipy \(e)")
                } else {
                    #expect(m.values[i][j] == nil && expected[k] == nil, "\(file) \(method) \(data.names[i])/\(data.names[j]) definedness")
                }
                #expect(m.values[j][i] == m.values[i][j])
                k += 1
            }
        }
        #expect(k == fixture.n.count)
        #expect(worst <= Self.tolerance)
    }

    /// The single-pair functions against scipy on the pairs that exercise ties and missing values:
    /// every pair involving a heavily tied column (eyeriss, fpga, phones) or the edgetpu column
    /// (259 missing) of the OneProxy file, and of the HELP NB201 file's tied columns with one GPU.
    @Test(arguments: CorrelationMethod.allCases)
    func pairFunctionsMatchScipy(method: CorrelationMethod) throws {
        for (file, focus) in [
            ("nb201_oneproxy_latency.csv", ["rice_edgetpu_ms", "rice_eyeriss_ms", "rice_fpga_ms"]),
            ("nb201_help_latency.csv", ["eyeriss_ms", "essential_ph_1_ms", "samsung_a50_ms"]),
        ] {
            let data = try TestCSV.msColumns(file)
            let fixture = try StatsFixtures.pairs(file)
            let d = data.names.count
            var k = 0
            var checked = 0
            for i in 0..<d {
                for j in (i + 1)..<d {
                    defer { k += 1 }
                    let a = data.names[i], b = data.names[j]
                    if file.hasPrefix("nb201_help") {
                        // the big file: only pairs among the focus columns and 1080ti_1 (debug-mode time)
                        let set = focus + ["1080ti_1_ms"]
                        if !(set.contains(a) && set.contains(b)) { continue }
                    } else if !(focus.contains(a) || focus.contains(b)) {
                        continue
                    }
                    let r = correlate(data.columns[i], data.columns[j], method: method)
                    #expect(r.n == fixture.n[k])
                    let e = fixture.values(method)[k]
                    #expect(r.value != nil && e != nil)
                    if let v = r.value, let e {
                        #expect(abs(v - e) <= Self.tolerance, "\(file) \(method) \(data.names[i])/\(data.names[j]): \(v) vs \(e)")
                    }
                    checked += 1
                }
            }
            #expect(checked >= 3)
        }
    }

    @Test func edgetpuPairsUseSharedRows() throws {
        let data = try TestCSV.msColumns("nb201_oneproxy_latency.csv")
        let tpu = data.column("rice_edgetpu_ms")
        #expect(tpu.filter(\.isNaN).count == 259)
        let r = spearman(tpu, data.column("rice_pixel3_ms"))
        #expect(r.n == 1999 - 259)
    }
}
