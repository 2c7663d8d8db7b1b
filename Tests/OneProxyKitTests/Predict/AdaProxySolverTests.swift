import Foundation
import Testing
@testable import OneProxyKit

@Suite struct AdaProxySolverTests {
    struct Case {
        var x: Matrix
        var w: [Double]
        var y: [Double]
    }

    /// A random problem shaped like NB201: one-hot groups plus a constant column (rank deficient).
    static func randomCase(seed: UInt64, n: Int = 25, groups: Int = 3, k: Int = 4) -> Case {
        var g = SeededGenerator(seed: seed)
        let d = groups * k + 1
        var x = Matrix(rows: n, cols: d)
        for i in 0..<n {
            for gr in 0..<groups { x[i, gr * k + g.index(below: k)] = 1 }
            x[i, d - 1] = 1
        }
        let w = (0..<d).map { _ in 0.2 + 1.8 * g.unit() }
        let truth = w.map { $0 * (0.5 + g.unit()) }
        let y = x.multiply(truth).map { $0 + 0.05 * (g.unit() - 0.5) }
        return Case(x: x, w: w, y: y)
    }

    /// Agreement with cvxpy/CLARABEL (tolerances 1e-12) on 36 problems: our objective is never
    /// above cvxpy's by more than 1e-8 relative, never below by more than 1e-6 relative (cvxpy's own
    /// accuracy), and the fitted values agree to 1e-4 of the targets' spread. Both with the
    /// active-set refinement (the default) and with the pure iterative solvers.
    @Test(arguments: [true, false])
    func matchesCvxpy(activeSetRefinement: Bool) throws {
        let cases = try PredictTestData.fixture("adaproxy_cvxpy.json") as! [[String: Any]]
        #expect(cases.count == 36)
        for c in cases {
            let n = c["rows"] as! Int, d = c["cols"] as! Int
            let x = Matrix(rows: n, cols: d, storage: c["x"] as! [Double])
            let w = c["w"] as! [Double], y = c["y"] as! [Double]
            let norm = AdaNorm(rawValue: c["norm"] as! String)!
            let lam = c["lambda"] as! Double
            let prob = AdaProxyProblem(x: x, weights: w, targets: y)
            let s = prob.solve(norm: norm, lambda: lam, activeSetRefinement: activeSetRefinement)
            let ours = prob.objective(x: x, targets: y, a: s.a, b: s.b, c: s.c, lambda: lam, norm: norm)
            let ref = c["objective"] as! Double
            // Our objective function evaluated at cvxpy's point reproduces cvxpy's value.
            let atRef = prob.objective(x: x, targets: y, a: c["a"] as! Double, b: c["b"] as! [Double], c: c["c"] as! Double, lambda: lam, norm: norm)
            #expect(relClose(atRef, ref, 1e-10), "objective function \(norm) λ=\(lam)")
            #expect(ours <= ref * (1 + 1e-8), "\(norm) λ=\(lam): ours \(ours) cvxpy \(ref)")
            #expect(ours >= ref * (1 - 1e-6), "\(norm) λ=\(lam): ours \(ours) cvxpy \(ref)")
            let fitted = x.multiply((0..<d).map { w[$0] * (s.a + s.b[$0]) }).map { $0 + s.c }
            let spread = populationStd(y)
            for (u, v) in zip(fitted, c["fitted"] as! [Double]) { #expect(abs(u - v) <= 1e-4 * spread, "\(norm) λ=\(lam) fitted") }
        }
    }

    /// No random perturbation of (a, b, c), at scales 1e-1 .. 1e-7, lowers the objective (beyond
    /// 1e-13 relative rounding), for all three norms and λ from 0 to beyond λ_max.
    @Test func noPerturbationIsBetter() {
        for seed in UInt64(1)...3 {
            let c = Self.randomCase(seed: seed)
            let prob = AdaProxyProblem(x: c.x, weights: c.w, targets: c.y)
            for norm in AdaNorm.allCases {
                let lmax = prob.lambdaMax(norm)
                for lam in [0, 1e-3 * lmax, 0.05 * lmax, 0.5 * lmax, 2 * lmax] {
                    let s = prob.solve(norm: norm, lambda: lam)
                    let f0 = prob.objective(x: c.x, targets: c.y, a: s.a, b: s.b, c: s.c, lambda: lam, norm: norm)
                    var g = SeededGenerator(seed: seed * 100 + 7)
                    for trial in 0..<60 {
                        let eps = pow10(-1 - Double(trial % 7))
                        let da = eps * (g.unit() - 0.5), dc = eps * (g.unit() - 0.5)
                        let b2 = s.b.map { $0 + eps * (g.unit() - 0.5) * (trial % 3 == 0 ? 0 : 1) }
                        let f = prob.objective(x: c.x, targets: c.y, a: s.a + da, b: b2, c: s.c + dc, lambda: lam, norm: norm)
                        #expect(f >= f0 - 1e-13 * abs(f0), "\(norm) λ=\(lam) ε=\(eps)")
                    }
                }
            }
        }
    }

    /// KKT: the gradient in a and c vanishes and −∇_b loss ∈ λ ∂‖b‖_p (tolerance 1e-6 of the
    /// gradient's scale (2/n)‖Zᵀy‖∞).
    @Test func subgradientOptimality() {
        for seed in UInt64(4)...6 {
            let c = Self.randomCase(seed: seed, n: 30)
            let prob = AdaProxyProblem(x: c.x, weights: c.w, targets: c.y)
            let n = Double(c.x.rows), d = c.x.cols
            var z = c.x
            for i in 0..<c.x.rows { for j in 0..<d { z[i, j] *= c.w[j] } }
            let scaleG = 2 / n * z.multiplyTransposed(c.y).reduce(0) { max($0, abs($1)) }
            let tol = 1e-6 * scaleG
            for norm in AdaNorm.allCases {
                let lmax = prob.lambdaMax(norm)
                for lam in [1e-3 * lmax, 0.05 * lmax, 0.5 * lmax, 2 * lmax] {
                    let s = prob.solve(norm: norm, lambda: lam)
                    let res = zip(z.multiply(s.b.map { $0 + s.a }), c.y).map { $0 + s.c - $1 }
                    let gb = z.multiplyTransposed(res).map { 2 / n * $0 }
                    #expect(abs(2 / n * res.reduce(0, +)) <= tol, "∂c \(norm)")
                    #expect(abs(gb.reduce(0, +)) <= tol * Double(d), "∂a \(norm)")
                    let bmax = s.b.reduce(0) { max($0, abs($1)) }
                    switch norm {
                    case .l2:
                        let nb = primalNorm(s.b, .l2)
                        if nb > 0 {
                            for j in 0..<d { #expect(abs(gb[j] + lam * s.b[j] / nb) <= tol, "l2 j=\(j)") }
                        } else { #expect(primalNorm(gb, .l2) <= lam + tol) }
                    case .l1:
                        for j in 0..<d {
                            if s.b[j] != 0 { #expect(abs(gb[j] + lam * (s.b[j] > 0 ? 1 : -1)) <= tol, "l1 j=\(j)") }
                            else { #expect(abs(gb[j]) <= lam + tol, "l1 zero j=\(j)") }
                        }
                    case .linf:
                        if bmax == 0 { #expect(primalNorm(gb, .l1) <= lam + tol); break }
                        var total = 0.0
                        for j in 0..<d {
                            if abs(s.b[j]) >= bmax * (1 - 1e-7) {
                                #expect(-gb[j] * (s.b[j] > 0 ? 1 : -1) >= -tol, "linf sign j=\(j)")
                                total += abs(gb[j])
                            } else { #expect(abs(gb[j]) <= tol, "linf free j=\(j)") }
                        }
                        #expect(abs(total - lam) <= tol * Double(d), "linf Σ|g| = λ")
                    }
                }
            }
        }
    }

    /// l2: λ refers to the non-squared norm: the returned b satisfies λ = 2μ‖b‖ with b the ridge
    /// solution for μ, i.e. b beats the b = 0 and the λ = 0 solutions, and ‖b‖ decreases with λ.
    @Test func l2PathIsMonotone() {
        let c = Self.randomCase(seed: 9, n: 40)
        let prob = AdaProxyProblem(x: c.x, weights: c.w, targets: c.y)
        let lmax = prob.lambdaMax(.l2)
        let grid = defaultLambdaGrid(lambdaMax: lmax)
        let path = prob.solvePath(norm: .l2, lambdas: grid)
        let norms = path.map { primalNorm($0.b, .l2) }
        for i in 1..<norms.count { #expect(norms[i] <= norms[i - 1] * (1 + 1e-12)) }
        #expect(norms.last == 0)
        #expect(norms[0] > 0)
    }

    @Test func proxLinfClipsAtProjectionThreshold() {
        // v = (3, -1, 0.5), ρ = 2: projection onto the ℓ1 ball of radius 2 is (2, 0, 0) (θ = 1),
        // so the prox is v − proj = (1, -1, 0.5).
        let p = proxLinf([3, -1, 0.5], radius: 2)
        #expect(zip(p, [1.0, -1.0, 0.5]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(proxLinf([0.5, -0.5], radius: 2) == [0, 0])
    }
}

private func pow10(_ e: Double) -> Double { pow(10, e) }
