import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Evolution over a whole space through predictors (FBNet's 9^22 architectures), the paper's
/// MobileNet-V2 example, and the true accuracy of a search by predicted accuracy.
@Suite("search over whole spaces")
struct WholeSpaceSearchTests {
    /// With lat=p and acc=q on FBNet, evolution draws architectures no row holds; its pick's latency
    /// and accuracy equal the predictors' closed forms (weights · encoding), within the budget.
    @Test func evolutionOverTheWholeFBNetSpaceUsesThePredictors() throws {
        let (s, sink) = try makeSession()
        let csv = projectRoot.appendingPathComponent("examples/mobilenet/fbnet-standin-accuracy.csv").path
        #expect(s.run(source: """
            d = load help-fbnet; u = load "\(csv)"; m = merge d u; p = fit m samsung_s7; q = fitacc m acc=standin n=300 seed=2
            e = search m acc=q lat=p max=50ms method=evolution population=40 evaluations=600 seed=3
            """, origin: "t"), "\(sink.stderr)")
        let e = try #require(s.value(of: "e") as? SearchValue)
        let r = try #require(e.evolution)
        #expect(e.wholeSpace == "the whole fbnet space (9^22 architectures)")
        let d = try BundledDatasets.load("help-fbnet")
        let genes = try FBNetSpace().parse(r.key)
        let x = FBNetSpace().encoding(genes)
        // Closed forms: the linear predictor's weights, the accuracy model's basis row and weights.
        let p = try #require(s.value(of: "p") as? PredictorValue)
        let lat = zip(x, p.predictor.weights).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(lat - r.latency) <= 1e-9 * max(1, abs(lat)))
        #expect(r.latency <= 50)
        let q = try #require(s.value(of: "q") as? AccuracyModelValue)
        let phi = try FeatureBasis(space: .fbnet, family: q.fit.model.basis.family).matrix(encoded: Matrix(rows: 1, cols: x.count, storage: x))
        let acc = (0..<phi.cols).reduce(q.fit.model.intercept) { $0 + phi[0, $1] * q.fit.model.weights[$1] }
        #expect(abs(acc - r.accuracy) <= 1e-9 * max(1, abs(acc)))
        // 600 evaluations over 9^22 architectures: the pick is all but surely none of the 5000 rows.
        #expect(!d.keys.contains(r.key))
        #expect(r.evaluations == 600)
        #expect(e.summary.contains("the best of the 5000 rows"), "\(e.summary)")
    }

    /// A column (not a predictor) covers only the rows: evolution over FBNet says so and names the fix.
    @Test func evolutionWithAColumnOnFBNetNamesThePredictorItNeeds() throws {
        let (s, sink) = try makeSession()
        let csv = projectRoot.appendingPathComponent("examples/mobilenet/fbnet-standin-accuracy.csv").path
        #expect(s.run(source: "d = load help-fbnet; u = load \"\(csv)\"; m = merge d u; p = fit m samsung_s7", origin: "t"), "\(sink.stderr)")
        #expect(!s.run(source: "e = search m acc=standin lat=p max=50ms method=evolution evaluations=200", origin: "t"))
        #expect(sink.stderr.contains("fitacc m acc=standin"), "\(sink.stderr)")
        #expect(!s.run(source: "e = search m acc=standin lat=samsung_s7 max=50ms method=evolution evaluations=200", origin: "t"))
        #expect(sink.stderr.contains("give a predictor for both"), "\(sink.stderr)")
    }

    /// A search by predicted accuracy on NB201 names its pick's true accuracy (the bundled column).
    @Test func aSearchByPredictedAccuracyShowsTheTrueAccuracy() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load help-nb201; q = fitacc d acc=cifar10 n=200 seed=1; f = search d acc=q lat=pixel3 max=20ms; show f", origin: "t"), "\(sink.stderr)")
        let f = try #require(s.value(of: "f") as? SearchValue)
        let b = try #require(f.best)
        let d = try BundledDatasets.load("help-nb201")
        let truth = try #require(d.accuracy(named: "cifar10")).values[try #require(d.keys.firstIndex(of: f.candidates.keys[b.index]))]
        #expect(sink.stdout.contains("(true cifar10 \(String(format: "%.2f", truth)))"), "\(sink.stdout.prefix(2000))")
    }

    /// reuse of a search for several devices leaves all of them out of the targets, and compares
    /// with the first device's search alone: those columns equal reuse of a plain search on it.
    @Test func reuseOfAJointSearchComparesWithTheFirstDeviceAlone() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: """
            d = load help-nb201; j = search d acc=cifar10 lat=[pixel3, gold_6226] max=[20ms, 5ms]; r = reuse j
            a = search d acc=cifar10 lat=pixel3; ra = reuse a targets=[fpga, titanx_1]
            """, origin: "t"), "\(sink.stderr)")
        let r = try #require(s.value(of: "r") as? ReuseValue), ra = try #require(s.value(of: "ra") as? ReuseValue)
        #expect(r.entries.count == 25 && !r.entries.contains { $0.target == "pixel3" || $0.target == "gold_6226" })
        for plain in ra.entries {
            let e = try #require(r.entries.first { $0.target == plain.target })
            #expect(e.alone?.hypervolumeRatio == plain.report.hypervolumeRatio)
            #expect(e.alone?.accuracyLostMean == plain.report.accuracyLostMean)
            // The joint front holds only models within gold_6226's 5 ms: it covers less of the target's front.
            #expect(try #require(e.report.hypervolumeRatio) < (try #require(plain.report.hypervolumeRatio)))
        }
    }
}
