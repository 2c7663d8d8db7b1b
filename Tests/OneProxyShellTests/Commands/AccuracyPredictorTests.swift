import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

@Suite("fitacc and search acc=q")
struct AccuracyPredictorTests {
    /// The search by predicted accuracy picks, under the budget, the architecture the Kit's own fit
    /// ranks first (brute force over every row), and its true accuracy is measured against the
    /// exhaustive optimum under the same budget.
    @Test(.tags(.heavy)) func searchByPredictedAccuracyAgainstBruteForce() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load help-nb201; q = fitacc d acc=cifar10 n=200 seed=1; f = search d acc=q lat=pixel3 max=12ms", origin: "t"), "\(sink.stderr)")
        let q = try #require(s.value(of: "q") as? AccuracyModelValue)
        let f = try #require(s.value(of: "f") as? SearchValue)
        #expect(f.accuracyName == "predicted cifar10")
        #expect(f.summary.contains("predicted cifar10"))

        // The same fit from the Kit: 200 random rows of known cifar10, seed 1, the family by LOO SRCC.
        let d = try BundledDatasets.load("help-nb201")
        let truth = try #require(d.accuracy(named: "cifar10")).values
        let rows = sampleRows(candidates: Array(0..<d.rowCount), count: 200, seed: 1)
        #expect(q.rows == rows && q.fit.chosen)
        let kit = try fitAccuracyModel(d, accuracy: "cifar10", rows: rows)
        #expect(q.family == kit.model.basis.family && q.fit.ridge.lambda == kit.ridge.lambda)
        let predicted = try kit.model.predict(d)
        #expect(f.accuracies == predicted)

        // Brute force: the most accurate by prediction within 12 ms on pixel3, ties to the faster, then the lower row.
        let lat = try #require(d.device(named: "pixel3")).latencies
        let within = lat.indices.filter { lat[$0] <= 12 }
        let pick = within.max { a, b in
            predicted[a] != predicted[b] ? predicted[a] < predicted[b] : (lat[a] != lat[b] ? lat[a] > lat[b] : a > b)
        }!
        let best = try #require(f.best)
        #expect(best.index == pick)
        let optimum = within.map { truth[$0] }.max()!
        let exhaustive = try #require(try ParetoFront(accuracies: truth, latencies: lat).bestUnder(budget: 12))
        #expect(exhaustive.accuracy == optimum)
        #expect(truth[best.index] <= optimum)
        // The numbers the README's table is made of, for this one search.
        print("fitacc n=200 seed=1 (\(q.family)), pixel3 <= 12 ms: true cifar10 \(truth[best.index]) vs optimum \(optimum)")
    }

    /// With a latency predictor the candidates are all 15625 NB201 architectures, their accuracy
    /// predicted too; evolution takes the predicted accuracies as well.
    @Test func withALatencyPredictorEveryArchitectureIsPredicted() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "h = load oneproxy-nb201; q = fitacc h acc=cifar100 features=live; p = fit h true_vpu; f = search h acc=q lat=p max=2ms", origin: "t"), "\(sink.stderr)")
        let q = try #require(s.value(of: "q") as? AccuracyModelValue)
        let f = try #require(s.value(of: "f") as? SearchValue)
        #expect(q.family == "live" && !q.fit.chosen && q.rows.count == 200 && q.heldOutRows == 1799)
        #expect(f.candidates.rowCount == NB201.architectureCount && f.predicted)
        #expect(f.accuracies == (try q.predict(f.candidates)))
        #expect(s.run(source: "e = search h acc=q lat=p max=2ms method=evolution population=20 generations=5", origin: "t"), "\(sink.stderr)")
        #expect((s.value(of: "e") as? SearchValue)?.summary.contains("predicted cifar100") == true)
        // Reuse judges a front found by predicted accuracy on the true accuracies: on the device
        // searched, the recovered share is the true front's points the predicted front holds.
        #expect(s.run(source: "g = search h acc=q lat=rice_pixel3; r = reuse g target=rice_pixel3", origin: "t"), "\(sink.stderr)")
        let r = try #require(s.value(of: "r") as? ReuseValue)
        let truth = try #require(try BundledDatasets.load("oneproxy-nb201").accuracy(named: "cifar100")).values
        let g = try #require(s.value(of: "g") as? SearchValue)
        #expect(try g.datasetAccuracies() == truth)
        #expect(r.entries.count == 1 && r.entries[0].report.frontRecall < 1)
    }

    /// rows= trains on exactly the given rows; a sparsely known column trains on all its rows and
    /// says so; the exports carry the fit.
    @Test func rowsSparseColumnsAndExports() throws {
        let (s, sink) = try makeSession()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-fitacc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let d = try BundledDatasets.load("oneproxy-nb201")
        // 12 architectures, 9 with a known accuracy (acc_top), one device.
        var csv = "arch_str,dev_ms,acc_top\n"
        for r in 0..<12 { csv += "\"\(d.keys[r])\",\(1 + Double(r)),\(r % 4 == 3 ? "" : String(60 + Double(r * 7 % 11)))\n" }
        let csvPath = dir.appendingPathComponent("mine.csv").path
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        #expect(s.run(source: "u = load \"\(csvPath)\"; q = fitacc u", origin: "t"), "\(sink.stderr)")
        #expect(sink.stderr.contains("knows top on only 9 rows: trained on all of them"), "\(sink.stderr)")
        let q = try #require(s.value(of: "q") as? AccuracyModelValue)
        #expect(q.rows == [0, 1, 2, 4, 5, 6, 8, 9, 10] && q.heldOutRows == 0)

        #expect(s.run(source: "h = load oneproxy-nb201; r = sample [5, 9, 14, 20, 33, 41, 57, 60]; a = fitacc h acc=imagenet16 rows=r features=counts", origin: "t"), "\(sink.stderr)")
        let a = try #require(s.value(of: "a") as? AccuracyModelValue)
        #expect(a.rows == [5, 9, 14, 20, 33, 41, 57, 60] && a.family == "counts" && a.heldOutRows == 1999 - 8)
        let json = dir.appendingPathComponent("a.json").path, weights = dir.appendingPathComponent("a.csv").path
        #expect(s.run(source: "export a \"\(json)\"; export a \"\(weights)\"", origin: "t"), "\(sink.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(o["family"] as? String == "counts" && o["accuracy"] as? String == "imagenet16" && o["rows_trained"] as? Int == 8)
        #expect(o["chosen_by"] as? String == "given" && (o["weights"] as? [Any])?.count == 5)
        for key in ["lambda", "loo_rmse", "loo_srcc", "srcc_held_out", "intercept", "families"] { #expect(o[key] != nil, "\(key)") }
        #expect(try String(contentsOfFile: weights, encoding: .utf8).hasPrefix("column,feature,weight\n"))
    }

    @Test func errorsSayWhatToDo() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; q = fitacc d acc=cifar10 n=20", origin: "t"), "\(sink.stderr)")
        let cases: [(String, String)] = [
            ("fitacc d acc=cifar1", "did you mean cifar10?"),
            ("fitacc d", "fitacc needs acc=COLUMN"),
            ("fitacc d acc=cifar10 n=5000", "n=5000 but oneproxy-nb201 knows cifar10 on only 1999 rows"),
            ("fitacc d acc=cifar10 rows=[1, 2, 3] n=3", "n= draws random rows; it does not go with rows="),
            ("fitacc d acc=cifar10 rows=[1, 2]", "needs at least 3 rows"),
            ("fitacc d acc=cifar10 rows=[1, 2, 5000]", "row 5000 is out of range"),
            ("fitacc d acc=cifar10 features=deep", "nb201 has no feature family 'deep'"),
            ("g = load help-fbnet; search g acc=q lat=pixel3", "q predicts the accuracy of nb201 architectures; help-fbnet holds fbnet ones"),
        ]
        for (source, message) in cases {
            #expect(!s.run(source: source, origin: "t"), "\(source)")
            #expect(sink.stderr.contains(message), "\(source): \(sink.stderr)")
        }
    }
}
