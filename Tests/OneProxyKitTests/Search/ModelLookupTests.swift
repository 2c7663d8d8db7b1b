import Foundation
import Testing
@testable import OneProxyKit

/// Search's per-architecture predictors (`modelLatency`, `modelAccuracy`) agree with the models'
/// batch predictions on every row of a bundled dataset, so evolution over a whole space sees the
/// same numbers the exhaustive search does on the rows.
@Suite("predictors as search lookups")
struct ModelLookupTests {
    @Test(arguments: ["help-fbnet", "help-ofa"])
    func oneArchitectureAtATimeMatchesTheBatch(dataset: String) throws {
        let d = try BundledDatasets.load(dataset)
        let space = try #require(searchSpace(for: d.space))
        let x = try encodingMatrix(d)
        let dev = d.devices[0]
        let fit = try fitLinearPredictor(X: x, latencies: dev.latencies)
        let model = LinearLatencyModel(weights: fit.weights, intercept: 0)
        let batch = model.predict(rows: Array(0..<x.rows), encoded: x)
        try check(space, d: d, model: model, batch: batch)
        // Measured latencies answer only for rows: no whole-space lookup.
        let none = lookupIsNil(space, MeasuredLatencyModel(device: dev.name, latencies: dev.latencies))
        #expect(none)
    }

    private func check<S: SearchSpace>(_ space: S, d: Dataset, model: any LatencyModel, batch: [Double]) throws {
        let f = try #require(modelLatency(model, space: space))
        for r in stride(from: 0, to: d.rowCount, by: 97) {
            let v = f(try space.parse(d.keys[r]))
            if batch[r] > 0 { #expect(abs(try #require(v) - batch[r]) <= 1e-9 * abs(batch[r])) } else { #expect(v == nil) }
        }
    }

    private func lookupIsNil<S: SearchSpace>(_ space: S, _ m: any LatencyModel) -> Bool { modelLatency(m, space: space) == nil }

    @Test func anAccuracyModelOfAnotherSpaceIsRefused() throws {
        let nb = try BundledDatasets.load("help-nb201")
        let x = try encodingMatrix(nb)
        let acc = try #require(nb.accuracy(named: "cifar10")).values
        let rows = Array(0..<300)
        let fit = try fitAccuracyModel(space: .nb201, encoded: x.selectingRows(rows), accuracies: rows.map { acc[$0] }, family: "onehot")
        #expect(throws: OneProxyError.self) { _ = try modelAccuracy(fit.model, space: FBNetSpace()) }
        let f = try modelAccuracy(fit.model, space: NB201Space())
        let batch = fit.model.predict(encoded: x)
        for r in stride(from: 0, to: nb.rowCount, by: 211) {
            #expect(abs(try #require(f(try NB201Space().parse(nb.keys[r]))) - batch[r]) <= 1e-9 * max(1, abs(batch[r])))
        }
    }
}
