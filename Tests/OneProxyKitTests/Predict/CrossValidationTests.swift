import Foundation
import Testing
@testable import OneProxyKit

/// The cross-validation engine (Predict/CrossValidation.swift) against brute force written here:
/// folds by their formula, every fold refitted by a direct solve of its normal equations (Gaussian
/// elimination with partial pivoting, no SVD), pooled out-of-fold scores, and the stated rules.
@Suite("cross-validation engine")
struct CrossValidationTests {
    /// A continuous random design (no tied predictions to make SRCC fragile) and a noisy linear y.
    static func data(seed: UInt64, n: Int, d: Int) -> (x: Matrix, y: [Double]) {
        var g = SeededGenerator(seed: seed)
        var x = Matrix(rows: n, cols: d)
        for i in 0..<n { for j in 0..<d { x[i, j] = g.unit() } }
        let beta = (0..<d).map { _ in 2 * g.unit() - 1 }
        let y = x.multiply(beta).map { $0 + 3 + 0.3 * (g.unit() - 0.5) }
        return (x, y)
    }

    /// Solves A z = b (A square, non-singular) by Gaussian elimination with partial pivoting.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var m = a, r = b
        let n = r.count
        for k in 0..<n {
            let p = (k..<n).max { abs(m[$0][k]) < abs(m[$1][k]) }!
            m.swapAt(k, p); r.swapAt(k, p)
            for i in (k + 1)..<n {
                let f = m[i][k] / m[k][k]
                for j in k..<n { m[i][j] -= f * m[k][j] }
                r[i] -= f * r[k]
            }
        }
        var z = [Double](repeating: 0, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            var s = r[k]
            for j in (k + 1)..<n { s -= m[k][j] * z[j] }
            z[k] = s / m[k][k]
        }
        return z
    }

    /// Ridge with an unpenalised intercept on `rows`, penalty `pen`·‖β‖², by its normal equations
    /// (XcᵀXc + pen·I) β = Xcᵀ yc; returns (β, c).
    static func ridge(_ x: Matrix, _ y: [Double], rows: [Int], pen: Double) -> ([Double], Double) {
        let m = Double(rows.count), d = x.cols
        let xm = (0..<d).map { j in rows.reduce(0) { $0 + x[$1, j] } / m }
        let ym = rows.reduce(0) { $0 + y[$1] } / m
        var a = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        var b = [Double](repeating: 0, count: d)
        for i in rows {
            for j in 0..<d {
                b[j] += (x[i, j] - xm[j]) * (y[i] - ym)
                for k in 0..<d { a[j][k] += (x[i, j] - xm[j]) * (x[i, k] - xm[k]) }
            }
        }
        for j in 0..<d { a[j][j] += pen }
        let beta = solve(a, b)
        return (beta, ym - zip(xm, beta).reduce(0) { $0 + $1.0 * $1.1 })
    }

    static func predict(_ x: Matrix, _ i: Int, _ m: ([Double], Double)) -> Double {
        m.1 + (0..<x.cols).reduce(0) { $0 + x[i, $1] * m.0[$1] }
    }

    /// argmax with ties (1e-12) to the larger λ, written out as the rule states it.
    static func bruteHighest(_ s: [Double?], _ l: [Double]) -> Int {
        let defined = s.indices.filter { s[$0] != nil }
        guard let top = defined.map({ s[$0]! }).max() else { return 0 }
        return defined.filter { s[$0]! >= top - 1e-12 }.max { l[$0] < l[$1] }!
    }

    @Test func foldsPartitionInOrder() {
        let f = crossValidationFolds(count: 12, folds: 5)
        #expect(f.map(\.heldOut) == [0..<2, 2..<4, 4..<7, 7..<9, 9..<12])  // ⌊f·12/5⌋
        for fold in f { #expect(fold.training == (0..<12).filter { !fold.heldOut.contains($0) }) }
        #expect(crossValidationFolds(count: 4, folds: nil).map(\.heldOut) == [0..<1, 1..<2, 2..<3, 3..<4])
        #expect(crossValidationFolds(count: 3, folds: 7) == crossValidationFolds(count: 3, folds: nil))
    }

    @Test func choiceRules() {
        let l = [0.0, 1, 2, 3]
        // Highest SRCC; within 1e-12 the larger λ; nil never wins.
        #expect(CVCriterion.pooledSRCC.choose([0.5, 0.9, 0.9 - 5e-13, nil], lambdas: l) == 2)
        #expect(CVCriterion.pooledSRCC.choose([0.5, 0.9, 0.9 - 5e-12, 0.1], lambdas: l) == 1)
        #expect(CVCriterion.pooledSRCC.choose([nil, nil, nil, nil], lambdas: l) == 0)
        // Lowest MSE; a later λ within a relative 1e-12 of the best so far replaces it.
        #expect(CVCriterion.meanSquaredError.choose([2, 1, 1 + 5e-13, 3], lambdas: l) == 2)
        #expect(CVCriterion.meanSquaredError.choose([2, 1, 1 + 5e-12, 3], lambdas: l) == 1)
    }

    /// The primal ridge's path (`ridgePath`, as `ridgeByCV` and the target-only baseline use it)
    /// equals a brute-force 5-fold and leave-one-out CV: out-of-fold predictions to 1e-8 relative,
    /// pooled SRCC to 1e-9, the same α, the same refit.
    @Test(arguments: [5, 0])
    func primalRidgeMatchesBruteForce(folds: Int) throws {
        let (x, y) = Self.data(seed: 3, n: 23, d: 6)
        let k: Int? = folds == 0 ? nil : folds
        let cv = try ridgePath(x: x, y: y, folds: crossValidationFolds(count: 23, folds: k))
        let n = 23, kk = k ?? n
        // The grid: 1e-4 .. 1e2 times the mean eigenvalue of XcᵀXc/n = trace/(n·d).
        let xm = (0..<x.cols).map { j in (0..<n).reduce(0) { $0 + x[$1, j] } / Double(n) }
        var trace = 0.0
        for i in 0..<n { for j in 0..<x.cols { trace += (x[i, j] - xm[j]) * (x[i, j] - xm[j]) } }
        let meanEigen = trace / Double(n * x.cols)
        let alphas = (0..<25).map { meanEigen * pow(10, -4 + 6 * Double($0) / 24) }
        for (u, v) in zip(cv.lambdas, alphas) { #expect(abs(u - v) <= 1e-12 * v) }
        var scores: [Double?] = []
        for (ai, alpha) in alphas.enumerated() {
            var oof = [Double](repeating: .nan, count: n)
            for f in 0..<kk {
                let held = Array((f * n / kk)..<((f + 1) * n / kk))
                let train = (0..<n).filter { !held.contains($0) }
                // (1/m)‖Xβ + c − y‖² + α‖β‖²: the normal equations carry m·α.
                let m = Self.ridge(x, y, rows: train, pen: Double(train.count) * alpha)
                for i in held { oof[i] = Self.predict(x, i, m) }
            }
            for (u, v) in zip(cv.outOfFold[ai], oof) { #expect(abs(u - v) <= 1e-8 * max(1, abs(v)), "α[\(ai)]") }
            scores.append(spearman(oof, y).value)
        }
        for (u, v) in zip(cv.scores, scores) { #expect(abs(u! - v!) <= 1e-9) }
        #expect(cv.chosen == Self.bruteHighest(scores, alphas))
        #expect(cv.chosen > 0 && cv.chosen < 24, "an interior α, so the rule is exercised")
        let refit = Self.ridge(x, y, rows: Array(0..<n), pen: Double(n) * alphas[cv.chosen])
        for (u, v) in zip(cv.model.weights, refit.0) { #expect(abs(u - v) <= 1e-8 * max(1, abs(v))) }
        #expect(abs(cv.model.intercept - refit.1) <= 1e-8 * max(1, abs(refit.1)))
    }

    /// `dualRidge`'s leave-one-out through the engine (closed-form folds, mean squared error, ties
    /// to the larger λ) against n direct refits per λ.
    @Test func dualRidgeMatchesLeaveOneOutRefits() throws {
        for (n, d) in [(9, 14), (30, 4)] {  // the n × n Gram, and the p × p one
            let (x, y) = Self.data(seed: UInt64(n), n: n, d: d)
            let fit = try dualRidge(features: x, y: y)
            var mse: [Double?] = []
            var loo: [[Double]] = []
            for (lambda, _) in fit.path {
                let p = (0..<n).map { i in Self.predict(x, i, Self.ridge(x, y, rows: (0..<n).filter { $0 != i }, pen: lambda)) }
                loo.append(p)
                mse.append(zip(y, p).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(n))
            }
            for (k, e) in fit.path.enumerated() { #expect(abs(e.looMSE - mse[k]!) <= 1e-8 * mse[k]!, "n=\(n) λ[\(k)]") }
            var best = 0
            for k in mse.indices where mse[k]! <= mse[best]! * (1 + 1e-12) { best = k }
            #expect(fit.lambda == fit.path[best].lambda)
            #expect(best > 0 && best < fit.path.count - 1, "an interior λ, so the rule is exercised")
            for (u, v) in zip(fit.looPredictions, loo[best]) { #expect(abs(u - v) <= 1e-8 * max(1, abs(v))) }
        }
    }

    /// AdaProxy's λ by the engine (`adaptLinear`, 5 folds and leave-one-out) against a brute-force
    /// CV that solves each fold at each λ on its own (`AdaProxyProblem.solve`, not the path).
    @Test(arguments: [5, 0])
    func adaProxyMatchesBruteForce(folds: Int) throws {
        let (x, y) = Self.data(seed: 17, n: 24, d: 5)
        let w = (0..<5).map { 0.5 + 0.2 * Double($0) }
        let k: Int? = folds == 0 ? nil : folds
        let fit = try adaptLinear(x: x, weights: w, samples: Array(0..<24), y: y, norm: .l2, folds: k)
        let n = 24, kk = k ?? n
        let pred = x.multiply(w)
        func sd(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
        }
        let scale = AdaProxyScale(target: sd(y), proxy: sd(pred))
        let grid = defaultLambdaGrid(lambdaMax: AdaProxyProblem(x: x, weights: w, targets: y, scale: scale).lambdaMax(.l2))
        var scores: [Double?] = []
        for lambda in grid {
            var oof = [Double](repeating: .nan, count: n)
            for f in 0..<kk {
                let held = Array((f * n / kk)..<((f + 1) * n / kk))
                let train = (0..<n).filter { !held.contains($0) }
                let s = AdaProxyProblem(x: x.selectingRows(train), weights: w, targets: train.map { y[$0] }, scale: scale).solve(norm: .l2, lambda: lambda)
                for i in held { oof[i] = s.c + (0..<5).reduce(0) { $0 + x[i, $1] * w[$1] * (s.a + s.b[$1]) } }
            }
            scores.append(spearman(oof, y).value)
        }
        let chosen = Self.bruteHighest(scores, grid)
        #expect(abs(fit.lambda - grid[chosen]) <= 1e-12 * max(1, grid[chosen]))
        #expect(abs(fit.cvSRCC! - scores[chosen]!) <= 1e-9)
        #expect(chosen > 0 && chosen < grid.count - 1, "an interior λ, so the rule is exercised")
    }

    /// `adapt`'s draw: `sampleRows` over the rows both devices measured; too many asked for throws.
    @Test func drawSamplesIsSampleRowsOnCommonRows() throws {
        let p = Device(name: "p", latencies: [1, .nan, 3, 4, 5, .nan, 7, 8])
        let t = Device(name: "t", latencies: [1, 2, .nan, 4, 5, 6, 7, 8])
        #expect(rowsMeasured(by: [p, t]) == [0, 3, 4, 6, 7])
        #expect(try drawSamples(count: 3, measuredBy: [p, t], seed: 9) == sampleRows(candidates: [0, 3, 4, 6, 7], count: 3, seed: 9))
        #expect(throws: OneProxyError.self) { try drawSamples(count: 6, measuredBy: [p, t], seed: 9) }
    }
}
