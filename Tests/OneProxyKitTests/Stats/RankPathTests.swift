import Foundation
import Testing
@testable import OneProxyKit

/// The short-input and path routes of `averageRanks` against the general one.
@Suite struct RankPathTests {
    /// The small-input path (n < 128, a merge sort) and the path that re-sorts a previous order
    /// (any starting order, then reversed values) give the ranks of the general route (dense
    /// ranks, then their averages) exactly, and the plain definition rank = #less +
    /// (#equal + 1)/2: every size 0 to 127 with ties, −0.0 beside 0.0, reversed and sorted input.
    @Test func averageRanksSmallInputsMatchTheGeneralRoute() {
        var g = SeededGenerator(seed: 12)
        for n in 0..<128 {
            let groups = max(1, n / 3)
            var cases: [[Double]] = [(0..<n).map { _ in Double(g.index(below: groups)) - 2 }]
            cases.append((0..<n).map { _ in g.unit() })
            cases.append((0..<n).map { Double(n - $0) })
            cases.append((0..<n).map { (i: Int) -> Double in i % 5 == 0 ? -0.0 : (i % 5 == 1 ? 0.0 : Double(i % 7)) })
            for x in cases {
                let dense = denseRanks(x)
                let general = averageRanks(dense: dense.ranks, distinct: dense.distinct)
                let small = averageRanksBySorting(x)
                #expect(small == general, "n=\(n)")
                var order: [Int32] = (0..<Int32(n)).reversed().map { $0 }  // any starting order
                #expect(averageRanks(x, from: &order) == general, "n=\(n) from an order")
                #expect(order.map { x[Int($0)] } == x.sorted(), "n=\(n): the order is left sorted")
                #expect(averageRanks(x.map { -$0 }, from: &order) == averageRanks(x.map { -$0 }), "n=\(n) reversed values")
                #expect(averageRanks(x) == general, "n=\(n)")
                for i in x.indices {
                    let less = x.filter { $0 < x[i] }.count, equal = x.filter { $0 == x[i] }.count
                    #expect(small[i] == Double(less) + Double(equal + 1) / 2, "n=\(n) i=\(i)")
                }
            }
        }
    }
}
