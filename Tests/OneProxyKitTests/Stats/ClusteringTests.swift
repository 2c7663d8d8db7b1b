import OneProxyKit
import Testing

@Suite struct ClusteringTests {
    /// Two blocks interleaved by index: {0, 2, 4} (r 0.90..0.95) and {1, 3, 5} (r 0.80..0.85),
    /// r = 0.1 across. Worked by hand below (distance 1 - r); the leaves come out block by block.
    @Test func recoversBlocks() {
        let names = ["a0", "b1", "a2", "b3", "a4", "b5"]
        var v = [[Double?]](repeating: [Double?](repeating: 0.1, count: 6), count: 6)
        func set(_ i: Int, _ j: Int, _ r: Double) { v[i][j] = r; v[j][i] = r }
        for i in 0..<6 { v[i][i] = 1 }
        set(0, 2, 0.95); set(0, 4, 0.90); set(2, 4, 0.92)
        set(1, 3, 0.85); set(1, 5, 0.80); set(3, 5, 0.82)
        let m = CorrelationMatrix(names: names, values: v, counts: [[Int]](repeating: [Int](repeating: 10, count: 6), count: 6), method: .spearman)
        // merges: (0,2) at 0.05 -> id 6; (6,4) at mean(0.10, 0.08) = 0.09 -> id 7;
        // (1,3) at 0.15 -> id 8; (8,5) at mean(0.20, 0.18) = 0.19 -> id 9; (7,9) -> root.
        // pre-order, lower id on the left: 7 -> (4, 6) -> 4, then 6 -> 0, 2; 9 -> (5, 8) -> 5, 1, 3.
        #expect(clusteredOrder(m) == [4, 0, 2, 5, 1, 3])
    }

    @Test func undefinedCountsAsUnrelatedAndOrderIsPermutation() {
        let m = CorrelationMatrix(
            names: ["p", "q", "r"], values: [[1, nil, 0.9], [nil, nil, nil], [0.9, nil, 1]],
            counts: [[3, 3, 3], [3, 3, 3], [3, 3, 3]], method: .kendall)
        let order = clusteredOrder(m)
        #expect(order.sorted() == [0, 1, 2])
        #expect(order == [1, 0, 2])   // (0,2) first -> id 3; then (1, 3) at distance 1: 1 left of 3
        #expect(clusteredOrder(CorrelationMatrix(names: [], values: [], counts: [], method: .spearman)) == [])
    }

    /// scipy.cluster.hierarchy.leaves_list(linkage(squareform(1 - SRCC), "average")) on every
    /// bundled file (scipy computed its SRCC itself).
    @Test(arguments: StatsFixtures.latencyFiles)
    func matchesScipyLeaves(file: String) throws {
        let data = try TestCSV.msColumns(file)
        let fixture = try StatsFixtures.cluster(file)
        let m = correlationMatrix(names: data.names, columns: data.columns, method: .spearman)
        #expect(m.names == fixture.names)
        #expect(clusteredOrder(m) == fixture.leaves)
    }
}
