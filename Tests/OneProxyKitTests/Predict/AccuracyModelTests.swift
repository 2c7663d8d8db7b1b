import Foundation
import Testing
@testable import OneProxyKit

@Suite("accuracy predictor: ridge over a feature family, the family chosen by leave-one-out SRCC")
struct AccuracyModelTests {
    static func doubles(_ any: Any?) -> [Double] { (any as! [Any]).map { ($0 as! NSNumber).doubleValue } }
    static func ints(_ any: Any?) -> [Int] { (any as! [Any]).map { ($0 as! NSNumber).intValue } }
    static func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }

    /// Every family's fit against a primal numpy solve with the hat matrix formed explicitly
    /// (Tests/fixture-scripts/predict_accuracy.py), on 60 rows of cifar100 (fewer rows than the
    /// pairs and all families have columns: the dual route) and 400 of imagenet16 (the primal
    /// route), and the family `features=auto` keeps. Tolerances: λ 1e-12 relative (the same grid),
    /// the leave-one-out path 1e-9 relative, SRCC 1e-9, weights and predictions 1e-8 relative to
    /// max(1, |value|) (an eigendecomposition against a direct solve).
    @Test(.tags(.heavy)) func matchesNumpyOnEveryFamily() throws {
        let fixture = try PredictTestData.fixture("accuracy.json") as! [String: [String: Any]]
        let all = try #require(try SpaceKind.nb201.descriptor.allArchitectures())
        let x = try encodingMatrix(all)
        let x50 = x.selectingRows(Array(0..<50))
        for (name, c) in fixture {
            let rows = Self.ints(c["rows"]), column = c["accuracy"] as! String
            let truth = try #require(all.accuracy(named: column)).values
            for (u, v) in zip(rows.map { truth[$0] }, Self.doubles(c["y"])) { #expect(abs(u - v) <= 1e-12, "\(name): bundled accuracy") }
            let families = c["families"] as! [String: [String: Any]]
            let auto = try fitAccuracyModel(all, accuracy: column, rows: rows)
            #expect(auto.chosen && auto.model.basis.family == c["auto"] as! String, "\(name): auto kept \(auto.model.basis.family)")
            #expect(auto.families.map(\.family) == SpaceKind.nb201.descriptor.featureFamilies)
            for score in auto.families {
                let r = try #require(families[score.family])
                let lambda = Self.number(r["lambda"])
                #expect(abs(score.lambda - lambda) <= 1e-12 * lambda, "\(name) \(score.family): λ \(score.lambda) vs \(lambda)")
                #expect(abs(score.looRMSE - Self.number(r["loo_rmse"])) <= 1e-9 * score.looRMSE, "\(name) \(score.family) LOO RMSE")
                #expect(abs((score.looSRCC ?? .nan) - Self.number(r["loo_srcc"])) <= 1e-9, "\(name) \(score.family) LOO SRCC")
            }
            // Each family's path, weights and predictions: the kept one from the auto fit, the
            // others refitted alone (on the 60-row case only: a 305-column fit is slow in debug).
            for (family, r) in families where family == auto.model.basis.family || rows.count <= 100 {
                let fit = family == auto.model.basis.family ? auto
                    : try fitAccuracyModel(space: .nb201, encoded: x.selectingRows(rows), accuracies: rows.map { truth[$0] }, family: family)
                #expect(fit.chosen == (fit.families.count > 1))
                for (k, (p, q)) in zip(fit.ridge.path, Self.doubles(r["loo_mse"])).enumerated() {
                    #expect(abs(p.looMSE - q) <= 1e-9 * q, "\(name) \(family) LOO[\(k)] \(p.looMSE) vs \(q)")
                }
                for (u, v) in zip(fit.model.weights, Self.doubles(r["weights"])) {
                    #expect(abs(u - v) <= 1e-8 * max(1, abs(v)), "\(name) \(family) weight \(u) vs \(v)")
                }
                #expect(abs(fit.model.intercept - Self.number(r["intercept"])) <= 1e-8 * max(1, abs(fit.model.intercept)))
                for (u, v) in zip(fit.model.predict(encoded: x50), Self.doubles(r["predictions_first50"])) {
                    #expect(abs(u - v) <= 1e-8 * max(1, abs(v)), "\(name) \(family): \(u) vs \(v)")
                }
            }
        }
    }

    /// Rows without a known accuracy, too few rows, and a space without families are errors.
    @Test func refusesWhatItCannotFit() throws {
        let all = try #require(try SpaceKind.nb201.descriptor.allArchitectures())
        #expect(throws: OneProxyError.self) { try fitAccuracyModel(all, accuracy: "cifar10", rows: [1, 2]) }
        #expect(throws: OneProxyError.self) { try fitAccuracyModel(all, accuracy: "cifar10", rows: [1, 2, 99_999]) }
        #expect(throws: OneProxyError.self) { try fitAccuracyModel(all, accuracy: "nope", rows: [1, 2, 3]) }
        var holes = all
        let k = try #require(holes.accuracies.firstIndex { $0.name == "cifar10" })
        holes.accuracies[k].values[7] = .nan
        #expect(throws: OneProxyError.self) { try fitAccuracyModel(holes, accuracy: "cifar10", rows: [5, 6, 7]) }
    }
}
