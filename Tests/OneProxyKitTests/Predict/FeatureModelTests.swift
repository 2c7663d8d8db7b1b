import Foundation
import Testing
@testable import OneProxyKit

@Suite("rich-basis models: dual ridge with exact leave-one-out, stack + residual ridge")
struct FeatureModelTests {
    static func doubles(_ any: Any?) -> [Double] { (any as! [Any]).map { ($0 as! NSNumber).doubleValue } }
    static func ints(_ any: Any?) -> [Int] { (any as! [Any]).map { ($0 as! NSNumber).intValue } }

    /// The dual ridge with its closed-form leave-one-out against a primal solve with n brute-force
    /// refits per λ (Tests/fixture-scripts/predict_models.py), on NB201's `all` family.
    @Test func dualRidgeMatchesPrimalBruteForce() throws {
        let fixture = try PredictTestData.fixture("models.json") as! [String: Any]
        let d = try BundledDatasets.load("help-nb201")
        let x = try encodingMatrix(d)
        for (target, value) in fixture {
            let primal = target == "counts_primal"  // 60 samples, 5 features: through the p × p Gram
            let basis = try FeatureBasis(space: .nb201, family: primal ? "counts" : "all")
            let r = primal ? value as! [String: Any] : (value as! [String: Any])["ridge"] as! [String: Any]
            let rows = Self.ints(r["rows"])
            let y = Self.doubles(r["y"])
            let fit = try dualRidge(features: basis.matrix(encoded: x.selectingRows(rows)), y: y)
            let grid = Self.doubles(r["grid"]), loo = Self.doubles(r["loo_mse"])
            #expect(fit.path.count == grid.count)
            for (k, p) in fit.path.enumerated() {
                #expect(abs(p.lambda - grid[k]) <= 1e-12 * grid[k], "\(target) λ[\(k)]")
                // Closed form against n refits: equal to 1e-9 relative (at λ = 1e12·mean the fit is the intercept).
                #expect(abs(p.looMSE - loo[k]) <= 1e-9 * loo[k], "\(target) LOO[\(k)] \(p.looMSE) vs \(loo[k])")
            }
            let chosen = grid[r["chosen"] as! Int]
            #expect(abs(fit.lambda - chosen) <= 1e-12 * chosen, "\(target): λ \(fit.lambda) vs \(chosen)")
            let pred = FeatureLatencyModel(basis: basis, base: nil, weights: fit.weights, intercept: fit.intercept)
                .predict(rows: Array(0..<50), encoded: x.selectingRows(Array(0..<50)))
            for (u, v) in zip(pred, Self.doubles(r["predictions_first50"])) {
                #expect(abs(u - v) <= 1e-9 * max(1, abs(v)), "\(target): \(u) vs \(v)")
            }
        }
    }

    /// The stack + residual ridge against numpy lstsq fits, scipy's NNLS and the primal ridge.
    /// The pool's rank-deficient least-squares fits agree with numpy to ~1e-12 relative; NNLS on
    /// them then to ~1e-9, so predictions are checked to 1e-7 relative (as the stack's own test).
    @Test func stackResidualMatchesNumpy() throws {
        let fixture = try PredictTestData.fixture("models.json") as! [String: Any]
        let d = try BundledDatasets.load("help-nb201")
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: HelpProtocol.nb201.pool.map { d.device(named: $0)! })
        let basis = try FeatureBasis(space: .nb201, family: "all")
        for (target, value) in fixture where target != "counts_primal" {
            let s = (value as! [String: Any])["stack_residual"] as! [String: Any]
            let rows = Self.ints(s["rows"])
            let context = try FewShotContext(pool: pool, target: d.device(named: target)!)
            let fit = try StackResidualMethod(basis: basis).fitDetailed(context, samples: rows)
            for (u, v) in zip(fit.stack.beta, Self.doubles(s["beta"])) { #expect(abs(u - v) <= 1e-7, "\(target) β") }
            let lambda = (s["lambda"] as! NSNumber).doubleValue
            #expect(abs(fit.ridge.lambda - lambda) <= 1e-7 * lambda, "\(target) λ \(fit.ridge.lambda) vs \(lambda)")
            let pred = fit.model.predict(rows: Array(0..<50), encoded: pool.x.selectingRows(Array(0..<50)))
            for (u, v) in zip(pred, Self.doubles(s["predictions_first50"])) {
                #expect(abs(u - v) <= 1e-7 * max(1, abs(v)), "\(target): \(u) vs \(v)")
            }
            // With the pool's op costs beside the family.
            let o = (value as! [String: Any])["stack_residual_opcosts"] as! [String: Any]
            let costs = try #require(PoolOpCosts(pool: pool, space: .nb201))
            let withCosts = try StackResidualMethod(basis: basis, opCosts: costs).fitDetailed(context, samples: rows)
            let lo = (o["lambda"] as! NSNumber).doubleValue
            #expect(abs(withCosts.ridge.lambda - lo) <= 1e-7 * lo, "\(target) λ with op costs")
            let predCosts = withCosts.model.predict(rows: Array(0..<50), encoded: pool.x.selectingRows(Array(0..<50)))
            for (u, v) in zip(predCosts, Self.doubles(o["predictions_first50"])) {
                #expect(abs(u - v) <= 1e-7 * max(1, abs(v)), "\(target) with op costs: \(u) vs \(v)")
            }
        }
    }

    /// λ → ∞ leaves the intercept alone; a feature that is an exact linear function of y is found
    /// at small λ (closed forms).
    @Test func dualRidgeLimits() throws {
        let f = Matrix([[0, 1], [1, 0], [2, 1], [3, 0], [4, 1]])
        let y = [1.0, 3, 5, 7, 9]  // y = 2·f0 + 1
        let big = try dualRidge(features: f, y: y, lambdas: [1e14])
        #expect(abs(big.intercept - 5) < 1e-9 && big.weights.allSatisfy { abs($0) < 1e-9 })
        let small = try dualRidge(features: f, y: y)
        #expect(small.looMSE < 1e-4)
        #expect(abs(small.weights[0] - 2) < 1e-2 && abs(small.weights[1]) < 1e-2)
        #expect(throws: OneProxyError.self) { try dualRidge(features: Matrix([[1], [2]]), y: [1, 2]) }
    }
}
