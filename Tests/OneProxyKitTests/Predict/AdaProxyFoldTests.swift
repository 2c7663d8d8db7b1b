import Foundation
import Testing
@testable import OneProxyKit

/// The cross-validation folds formed from the problem on all samples (`droppingSamples`), the
/// ridge path's root finder and the path's predictions (`pathPredictions`), against the plain
/// constructions and closed forms they replace.
@Suite struct AdaProxyFoldTests {
    static func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }

    /// A fold's set-up (A, r, q, ‖r‖², the quantities that give a and c) is `init` on the fold's
    /// samples bit for bit; its Gram matrix in the full problem's eigenbasis (the rank-k downdate:
    /// diag(e) − held-out rows − centring − the projection of t) equals V G_f Vᵀ with G_f formed
    /// from the fold's own A, to 1e-12·‖G‖_F; and G_f = Vᵀ(V G_f Vᵀ)V to the same tolerance (the
    /// fold's G lies in span(V)). Random NB201-shaped problems (rank deficient), 5 folds, and
    /// leave-one-out on a smaller one.
    @Test func foldSetUpAndReducedGram() {
        for (seed, n, folds) in [(UInt64(41), 60, 5), (42, 45, 5), (43, 30, 30)] {
            let c = AdaProxySolverTests.randomCase(seed: seed, n: n)
            let scale = AdaProxyScale(target: 1.7, proxy: 0.6)
            let full = AdaProxyProblem(x: c.x, weights: c.w, targets: c.y, scale: scale)
            let d = c.x.cols
            for fold in crossValidationFolds(count: n, folds: folds) {
                let rows = fold.training
                let direct = AdaProxyProblem(x: c.x.selectingRows(rows), weights: c.w, targets: rows.map { c.y[$0] }, scale: scale)
                let p = full.droppingSamples(fold.heldOut)
                #expect(p.n == direct.n && p.A == direct.A && p.r == direct.r && p.q == direct.q && p.rr == direct.rr)
                #expect(p.zMean == direct.zMean && p.tMean == direct.tMean && p.yMean == direct.yMean)
                #expect(p.ztc == direct.ztc && p.tcyc == direct.tcyc && p.tctc == direct.tctc)
                guard let rg = p.reducedGram else {
                    Issue.record("seed \(seed): a fold with n >= d has its reduced Gram matrix")
                    continue
                }
                let k = rg.k
                let g = direct.G
                let fro = g.storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
                // V G Vᵀ from the fold's own G
                var worst = 0.0
                for a in 0..<k {
                    for b in 0..<k {
                        var acc = 0.0
                        for i in 0..<d { for j in 0..<d { acc += rg.basis[a * d + i] * g[i, j] * rg.basis[b * d + j] } }
                        worst = max(worst, abs(acc - rg.gram[a * k + b]))
                    }
                }
                #expect(worst <= 1e-12 * fro, "seed \(seed) fold \(fold.heldOut): |VGVᵀ − reduced| = \(worst), ‖G‖ = \(fro)")
                // G from the reduced matrix
                var back = 0.0
                for i in 0..<d {
                    for j in 0..<d {
                        var acc = 0.0
                        for a in 0..<k { for b in 0..<k { acc += rg.basis[a * d + i] * rg.gram[a * k + b] * rg.basis[b * d + j] } }
                        back = max(back, abs(acc - g[i, j]))
                    }
                }
                #expect(back <= 1e-12 * fro, "seed \(seed) fold \(fold.heldOut): |G − VᵀMV| = \(back)")
            }
        }
    }

    /// The folds' solutions: p = 2 (every λ of the default grid) and λ = 0 for l1 and ∞ agree with
    /// the plain fold problem's to 1e-10 of max|b| (a and c to 1e-10 of their size); l1 and ∞ at
    /// λ > 0 use the fold's own G, so they are the plain problem's bit for bit. A fold with fewer
    /// samples than features is the plain problem (no reduced Gram matrix), bit for bit.
    @Test func foldSolutionsMatchThePlainFolds() {
        for (seed, n) in [(UInt64(44), 50), (45, 12)] {
            let c = AdaProxySolverTests.randomCase(seed: seed, n: n)
            let full = AdaProxyProblem(x: c.x, weights: c.w, targets: c.y)
            for fold in crossValidationFolds(count: n, folds: 5) {
                let rows = fold.training
                let direct = AdaProxyProblem(x: c.x.selectingRows(rows), weights: c.w, targets: rows.map { c.y[$0] })
                let p = full.droppingSamples(fold.heldOut)
                #expect((p.reducedGram == nil) == (rows.count < c.x.cols))
                for norm in AdaNorm.allCases {
                    let grid = defaultLambdaGrid(lambdaMax: direct.lambdaMax(norm))
                    let ours = p.solvePath(norm: norm, lambdas: grid), ref = direct.solvePath(norm: norm, lambdas: grid)
                    for (u, v) in zip(ours, ref) {
                        if p.reducedGram == nil || (norm != .l2 && v.lambda > 0) {
                            #expect(u == v, "seed \(seed) \(norm) λ=\(v.lambda)")
                            continue
                        }
                        let scaleB = max(Self.maxAbs(v.b), 1e-300)
                        #expect(Self.maxAbs(zip(u.b, v.b).map { $0 - $1 }) <= 1e-10 * scaleB, "seed \(seed) \(norm) λ=\(v.lambda) b")
                        #expect(abs(u.a - v.a) <= 1e-10 * max(abs(v.a), scaleB), "seed \(seed) \(norm) λ=\(v.lambda) a")
                        #expect(abs(u.c - v.c) <= 1e-10 * max(abs(v.c), 1), "seed \(seed) \(norm) λ=\(v.lambda) c")
                    }
                }
            }
        }
    }

    /// p = 2, closed form of the optimality condition: b ≠ 0 solves (G + ν I) b = q with
    /// ν = nλ/(2‖b‖) (scaled units), to 1e-11 of ‖q‖, at every λ below λ_max of the default grid;
    /// and ‖b‖ falls as λ grows (the root finder's path, warm-started, to 1e-12 relative).
    @Test func l2RootSolvesTheStationarityCondition() {
        for seed in UInt64(46)...48 {
            let c = AdaProxySolverTests.randomCase(seed: seed, n: 40)
            let scale = AdaProxyScale(target: 2.5, proxy: 0.3)
            let prob = AdaProxyProblem(x: c.x, weights: c.w, targets: c.y, scale: scale)
            let grid = defaultLambdaGrid(lambdaMax: prob.lambdaMax(.l2))
            let k = scale.target / scale.proxy
            let qn = prob.q.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var last = Double.infinity
            for s in prob.solvePath(norm: .l2, lambdas: grid) where s.lambda > 0 && s.lambda < grid.last! {
                let b = s.b.map { $0 / k }  // scaled units
                let nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(nb > 0 && nb <= last * (1 + 1e-12), "seed \(seed) λ=\(s.lambda) ‖b‖")
                last = nb
                let nu = Double(prob.n) * s.lambda / (2 * nb)
                let gb = prob.G.multiply(b)
                let res = (0..<prob.d).map { gb[$0] + nu * b[$0] - prob.q[$0] }
                #expect(Self.maxAbs(res) <= 1e-11 * qn, "seed \(seed) λ=\(s.lambda): residual \(Self.maxAbs(res)), ‖q‖ \(qn)")
            }
        }
    }

    /// `pathPredictions` equals the predictions of `solvePath`'s solutions (`predictAdapted`): for
    /// p = 2 to 1e-12 of the largest prediction (formed without the solutions), for l1 and ∞
    /// exactly (the same route); on a fold (reduced Gram) and on a problem with n < d.
    @Test func pathPredictionsMatchTheSolutions() {
        for (seed, n) in [(UInt64(49), 50), (50, 10)] {
            let c = AdaProxySolverTests.randomCase(seed: seed, n: n)
            let scale = AdaProxyScale(target: 0.8, proxy: 1.9)
            let full = AdaProxyProblem(x: c.x, weights: c.w, targets: c.y, scale: scale)
            let fold = crossValidationFolds(count: n, folds: 5)[2]
            for p in [full, full.droppingSamples(fold.heldOut)] {
                let rows = Array(fold.heldOut) + [0, n - 1]
                for norm in AdaNorm.allCases {
                    let grid = defaultLambdaGrid(lambdaMax: p.lambdaMax(norm)) + [3 * p.lambdaMax(norm)]
                    let ours = p.pathPredictions(norm: norm, lambdas: grid, x: c.x, weights: c.w, rows: rows)
                    let ref = predictAdapted(X: c.x, weights: c.w, solutions: p.solvePath(norm: norm, lambdas: grid), rows: rows)
                    #expect(ours.count == grid.count)
                    let top = ref.map(Self.maxAbs).max()!
                    for (u, v) in zip(ours, ref) {
                        if norm == .l2 {
                            #expect(Self.maxAbs(zip(u, v).map { $0 - $1 }) <= 1e-12 * top, "seed \(seed) n=\(p.n) l2")
                        } else {
                            #expect(u == v, "seed \(seed) n=\(p.n) \(norm)")
                        }
                    }
                }
            }
        }
    }
}
