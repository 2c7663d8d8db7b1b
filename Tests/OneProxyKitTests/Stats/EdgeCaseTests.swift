import Foundation
import OneProxyKit
import Testing

@Suite struct EdgeCaseTests {
    static let cases: [String] = [
        "heavy_ties", "ties_negative", "constant_x", "constant_after_missing", "all_missing", "n2",
        "n2_tied", "missing_mix", "one_shared",
    ]

    /// Small hand-made inputs against scipy (edge_cases.json), 1e-12.
    @Test(arguments: cases)
    func matchesScipy(name: String) throws {
        let file = try StatsFixtures.load("edge_cases.json", as: EdgeCaseFile.self)
        let c = try #require(file.cases[name])
        let x = c.x.map { $0 ?? .nan }, y = c.y.map { $0 ?? .nan }
        for (method, expected) in [(CorrelationMethod.spearman, c.spearman), (.kendall, c.kendall), (.pearson, c.pearson)] {
            let r = correlate(x, y, method: method)
            #expect(r.n == c.n, "\(name) \(method) n")
            if let expected {
                let v = try #require(r.value, "\(name) \(method) should be defined")
                #expect(abs(v - expected) <= 1e-12, "\(name) \(method): \(v) vs \(expected)")
                #expect(r.undefinedReason == nil)
            } else {
                #expect(r.value == nil, "\(name) \(method) should be undefined")
                #expect(r.undefinedReason != nil, "\(name) \(method) needs a reason")
            }
            // the matrix gives the same
            let m = correlationMatrix(names: ["x", "y"], columns: [x, y], method: method)
            #expect(m.counts[0][1] == c.n)
            #expect(m.values[0][1] == r.value || abs((m.values[0][1] ?? 9) - (r.value ?? -9)) <= 1e-12)
        }
    }

    @Test func constantColumnIsNilNeverNaN() {
        let x = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]   // mean is not exactly 0.1 in floating point
        let y = [1.0, 3, 2, 5, 4, 7, 6]
        for method in CorrelationMethod.allCases {
            let r = correlate(x, y, method: method)
            #expect(r.value == nil)
            #expect(r.undefinedReason?.contains("constant") == true)
            #expect(r.n == 7)
            let m = correlationMatrix(names: ["c", "y"], columns: [x, y], method: method)
            #expect(m.values[0][1] == nil && m.values[1][0] == nil)
            #expect(m.values[0][0] == nil, "a constant column does not correlate with itself")
            #expect(m.values[1][1] == 1)
            #expect(!m.values.joined().contains { $0?.isNaN == true })
        }
    }

    @Test func averageRanksGiveTiesTheirMeanRank() {
        // scipy.stats.rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]) by hand
        let r = averageRanks([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])
        #expect(r == [4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8])
        #expect(averageRanks([]) == [])
        #expect(averageRanks([7]) == [1])
    }

    /// The radix path (n >= 256) against a plain definition: rank = #less + (#equal + 1) / 2.
    @Test func averageRanksLargeInputWithTies() {
        var g = SeededGenerator(seed: 11)
        var x = (0..<600).map { _ in Double(g.index(below: 40)) * 0.25 - 3 }
        for i in stride(from: 0, to: 600, by: 50) { x[i] = -0.0 }   // -0.0 == 0.0: one tie group
        x += (0..<300).map { _ in g.unit() * 1e-3 }                  // many distinct, one bucket region
        let r = averageRanks(x)
        for i in stride(from: 0, to: x.count, by: 7) {
            let less = x.filter { $0 < x[i] }.count, equal = x.filter { $0 == x[i] }.count
            #expect(r[i] == Double(less) + Double(equal + 1) / 2)
        }
        #expect(r.reduce(0, +) == Double(900 * 901 / 2))
    }

    @Test func missingValuesAreDroppedPairwise() {
        let x = [1.0, .nan, 3, 4, 5, 6]
        let y = [2.0, 1, .nan, 3, 5, 4]
        let r = spearman(x, y)
        // shared rows: (1,2), (4,3), (5,5), (6,4): ranks x 1 2 3 4, y 1 2 4 3 -> 1 - 6*2/(4*15) = 0.8
        #expect(r.n == 4)
        #expect(abs(r.value! - 0.8) < 1e-12)
    }
}
