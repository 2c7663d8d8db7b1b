import OneProxyKit
import Testing

/// The O(n^2) definition of tau-b: sum of sign products over pairs / sqrt(pairs untied in x *
/// pairs untied in y).
private func bruteTauB(_ x: [Double], _ y: [Double]) -> Double? {
    var s = 0, nx = 0, ny = 0
    for i in 0..<x.count {
        for j in (i + 1)..<x.count {
            let dx = x[i] < x[j] ? 1 : (x[i] > x[j] ? -1 : 0)
            let dy = y[i] < y[j] ? 1 : (y[i] > y[j] ? -1 : 0)
            s += dx * dy
            nx += dx != 0 ? 1 : 0
            ny += dy != 0 ? 1 : 0
        }
    }
    guard nx > 0, ny > 0 else { return nil }
    return Double(s) / (Double(nx) * Double(ny)).squareRoot()
}

@Suite struct KendallTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func matchesBruteForceWithTies(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for trial in 0..<40 {
            let n = 2 + g.index(below: trial < 20 ? 12 : 300)
            let levelsX = 1 + g.index(below: 8), levelsY = 1 + g.index(below: n)
            var x = (0..<n).map { _ in Double(g.index(below: levelsX)) }
            let y = (0..<n).map { i in trial % 3 == 0 ? x[i] * 0.5 + Double(g.index(below: 3)) : Double(g.index(below: levelsY)) }
            if trial % 5 == 0 { x[g.index(below: n)] = .nan }   // one missing row
            let (a, b) = pairwiseComplete(x, y)
            let expected = bruteTauB(a, b)
            let r = kendall(x, y)
            #expect(r.n == a.count)
            if let expected {
                let v = r.value
                #expect(v != nil && abs(v! - expected) <= 1e-12, "n=\(n) \(String(describing: v)) vs \(expected)")
            } else {
                #expect(r.value == nil)
            }
        }
    }

    /// The matrix path (each column's order shared, C − D counted over the other column's
    /// positions) against the O(n²) definition: columns with few levels, many ties, none, and one
    /// column with a missing row; n = 5000 reaches every level of the blocked count (positions
    /// ≥ 4096), the smaller n the partial words and groups.
    @Test(arguments: [(11, 40), (12, 700), (13, 5000)])
    func matrixMatchesBruteForce(seed: UInt64, n: Int) {
        var g = SeededGenerator(seed: seed)
        let levels = [3, 50, n / 3, n * 4, n * 1000]
        var columns = levels.map { k in (0..<n).map { _ in Double(g.index(below: k)) } }
        columns.append(columns[3].map { $0 * 0.01 + Double(g.index(below: 7)) })  // correlated, tied
        var missing = columns[4]
        missing[g.index(below: n)] = .nan
        columns.append(missing)
        let names = columns.indices.map { "c\($0)" }
        let m = correlationMatrix(names: names, columns: columns, method: .kendall)
        for i in columns.indices {
            // (n = 5000: the adjacent pairs only, to keep the unoptimised brute force short)
            for j in columns.indices where j > i && (n < 1000 || j == i + 1) {
                let (a, b) = pairwiseComplete(columns[i], columns[j])
                let expected = bruteTauB(a, b)
                let v = m.values[i][j]
                #expect(m.counts[i][j] == a.count)
                #expect(v != nil && expected != nil && abs(v! - expected!) <= 1e-12,
                        "n=\(n) (\(i), \(j)): \(String(describing: v)) vs \(String(describing: expected))")
            }
        }
    }

    @Test func perfectAgreementAndReversal() {
        let x = (0..<1000).map { Double($0 % 97) }
        #expect(kendall(x, x).value == 1)
        #expect(kendall(x, x.map { -$0 }).value == -1)
    }
}
