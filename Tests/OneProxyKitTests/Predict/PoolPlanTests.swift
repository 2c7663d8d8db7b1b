import Testing
@testable import OneProxyKit

@Suite("plans for the pool methods")
struct PoolPlanTests {
    /// Stratified picks one row per stratum of the mean standardised fit; every design gives n
    /// distinct candidates and the same rows for the same seed.
    @Test func poolPlanDesigns() throws {
        let o = try BundledDatasets.load("oneproxy-nb201")
        let pool = try FewShotPool(x: try encodingMatrix(o), proxies: Array(o.devices.prefix(6)))
        let candidates = Array(stride(from: 0, to: o.rowCount, by: 2))
        for design in PlanDesign.allCases {
            let a = planPoolSamples(fitted: pool.fitted, candidates: candidates, n: 12, design: design, seed: 4)
            #expect(a.count == 12 && Set(a).count == 12 && a.allSatisfy { $0 % 2 == 0 })
            #expect(a == planPoolSamples(fitted: pool.fitted, candidates: candidates, n: 12, design: design, seed: 4))
        }
        // The stratified score, computed here from the definition.
        let z: [[Double]] = pool.fitted.map { v in
            let vals = candidates.map { v[$0] }
            let m = vals.reduce(0, +) / Double(vals.count)
            let sd = (vals.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(vals.count)).squareRoot()
            return vals.map { ($0 - m) / sd }
        }
        let score = candidates.indices.map { c in z.reduce(0) { $0 + $1[c] } }
        let order = candidates.indices.sorted { score[$0] != score[$1] ? score[$0] < score[$1] : $0 < $1 }
        let s = planPoolSamples(fitted: pool.fitted, candidates: candidates, n: 10, design: .stratified, seed: 2)
        for (k, row) in s.enumerated() {
            let lo = k * order.count / 10, hi = (k + 1) * order.count / 10
            #expect(order[lo..<hi].map { candidates[$0] }.contains(row), "stratum \(k)")
        }
    }
}
