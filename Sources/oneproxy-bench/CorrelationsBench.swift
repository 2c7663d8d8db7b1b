import Foundation
import OneProxyKit

/// The `_ms` columns of a bundled CSV (no quoting in the bundled files; <= 0, NaN, empty = missing).
func latencyColumns(_ file: String) throws -> (names: [String], columns: [[Double]]) {
    let text = try String(contentsOf: BundledFiles.url(file), encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let picked = header.indices.filter { header[$0].hasSuffix("_ms") }
    var columns = [[Double]](repeating: [], count: picked.count)
    for line in lines {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        for (c, j) in picked.enumerated() {
            let v = j < fields.count ? Double(fields[j]) ?? .nan : .nan
            columns[c].append(v > 0 ? v : .nan)
        }
    }
    return (picked.map { header[$0] }, columns)
}

/// All-pairs correlation matrices over HELP NB201 (27 devices x 15625 models), against
/// bench/correlations.py (scipy, one call per pair) for the same work.
func benchCorrelations() throws {
    let (names, columns) = try latencyColumns("nb201_help_latency.csv")
    let python = pythonReference("correlations")
    print("\(names.count) devices x \(columns.first?.count ?? 0) models, \(names.count * (names.count - 1) / 2) pairs")
    for method in CorrelationMethod.allCases {
        var m: CorrelationMatrix?
        let t = medianSeconds(repeats: method == .kendall ? 7 : 25) {
            m = correlationMatrix(names: names, columns: columns, method: method)
        }
        report("\(method.rawValue) all pairs", seconds: t, python: python, key: "\(method.rawValue)_all_pairs")
        if method == .spearman {
            report("spearman all pairs (vs numpy corrcoef of ranks)", seconds: t, python: python, key: "spearman_numpy_rank_corrcoef")
            if let m { print("  strong pairs (SRCC >= 0.9): \(summarize(m).strongPairs) of \(summarize(m).totalPairs)") }
        }
    }
    let x = columns[names.firstIndex(of: "pixel3_ms")!], y = columns[names.firstIndex(of: "1080ti_1_ms")!]
    var ci: (low: Double, high: Double, defined: Int)?
    let t = try medianSeconds(repeats: 3) { ci = try bootstrapInterval(x, y, method: .spearman, resamples: 1000, seed: 1) }
    report("bootstrap SRCC, 1000 resamples, one pair", seconds: t, python: python, key: "bootstrap_spearman_1000")
    if let ci { print(String(format: "  pixel3 vs 1080ti_1: 95%% interval [%.4f, %.4f]", ci.low, ci.high)) }
}
