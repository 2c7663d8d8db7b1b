import Foundation
import Testing
@testable import OneProxyKit

/// The fast paths against the straightforward ones they replace.
@Suite struct FastPathTests {
    /// Thin QR: R is upper triangular, RᵀR = AᵀA and Rᵀ(Qᵀb)₁..ₙ = Aᵀb (1e-12 relative to
    /// ‖A‖²_F·max|b|); and the QR-based least squares equals pinv(A)·b from the full SVD (1e-10)
    /// on a tall rank-deficient matrix (rank 5 of 9 columns, 300 rows).
    @Test func thinQRAndLeastSquares() {
        var g = SeededGenerator(seed: 21)
        let l = Matrix(rows: 300, cols: 5, storage: (0..<1500).map { _ in g.unit() - 0.5 })
        let rm = Matrix(rows: 5, cols: 9, storage: (0..<45).map { _ in g.unit() - 0.5 })
        let a = l.multiply(rm)
        let b = (0..<300).map { _ in g.unit() }
        let (r, qtb) = householderTriangularize(a, rhs: [b])
        for i in 0..<9 { for j in 0..<i { #expect(r[i, j] == 0) } }
        let ata = a.gram(), rtr = r.gram()
        let scale = a.storage.reduce(0) { $0 + $1 * $1 }
        for (u, v) in zip(ata.storage, rtr.storage) { #expect(abs(u - v) <= 1e-12 * scale) }
        let atb = a.multiplyTransposed(b), rtc = r.multiplyTransposed(qtb[0])
        for (u, v) in zip(atb, rtc) { #expect(abs(u - v) <= 1e-12 * scale) }
        let sol = leastSquares(a, b)
        let ref = a.pseudoInverse().multiply(b)
        let xn = ref.reduce(0) { max($0, abs($1)) }
        #expect(sol.rank == 5)
        for (u, v) in zip(sol.x, ref) { #expect(abs(u - v) <= 1e-10 * xn) }
    }

    /// Active-set refinement (l1, ∞) against the pure iterative solvers on a λ path: the same
    /// objective (1e-10 relative), fitted values to 1e-6 of the targets' spread, both within the
    /// duality-gap tolerance; and the refinement does cut the iterations.
    @Test func activeSetRefinementAgreesWithIterations() {
        var refinedIters = 0, pureIters = 0
        for seed in UInt64(31)...34 {
            let c = AdaProxySolverTests.randomCase(seed: seed, n: 40)
            let prob = AdaProxyProblem(x: c.x, weights: c.w, targets: c.y)
            let spread = populationStd(c.y)
            for norm in [AdaNorm.l1, .linf] {
                let grid = defaultLambdaGrid(lambdaMax: prob.lambdaMax(norm))
                let fast = prob.solvePath(norm: norm, lambdas: grid)
                let slow = prob.solvePath(norm: norm, lambdas: grid, activeSetRefinement: false)
                for (f, s) in zip(fast, slow) {
                    let of = prob.objective(x: c.x, targets: c.y, a: f.a, b: f.b, c: f.c, lambda: f.lambda, norm: norm)
                    let os = prob.objective(x: c.x, targets: c.y, a: s.a, b: s.b, c: s.c, lambda: s.lambda, norm: norm)
                    #expect(abs(of - os) <= 1e-10 * abs(os), "\(norm) λ=\(f.lambda): \(of) vs \(os)")
                    let pf = c.x.multiply((0..<c.w.count).map { c.w[$0] * (f.a + f.b[$0]) }).map { $0 + f.c }
                    let ps = c.x.multiply((0..<c.w.count).map { c.w[$0] * (s.a + s.b[$0]) }).map { $0 + s.c }
                    for (u, v) in zip(pf, ps) { #expect(abs(u - v) <= 1e-6 * spread, "\(norm) λ=\(f.lambda) fitted") }
                    #expect(f.dualityGap <= 1e-12 * 10 * spread * spread + 1e-300 || f.iterations == 0)
                    refinedIters += f.iterations
                    pureIters += s.iterations
                }
            }
        }
        #expect(refinedIters < pureIters)
    }
}
