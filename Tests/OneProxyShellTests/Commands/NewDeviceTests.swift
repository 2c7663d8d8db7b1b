import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// The project's root, from this file's path (tests read the repository's own examples/).
let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The numpy/scipy reference of Tests/fixture-scripts/predict_new_device.py.
struct NewDeviceReference: Decodable {
    struct Adapt: Decodable { var chosen_lambda, srcc_cv, mape, within10, raw_srcc_on_samples: Double }
    struct Fit: Decodable { var srcc_cv, mape, within10: Double }
    var rows: [Int]
    var adapt: Adapt
    var fit: Fit

    static func load() throws -> NewDeviceReference {
        let url = projectRoot.appendingPathComponent("Tests/OneProxyKitTests/Fixtures/predict/new_device.json")
        return try JSONDecoder().decode(NewDeviceReference.self, from: Data(contentsOf: url))
    }
}

@Suite("A new device, end to end")
struct NewDeviceTests {
    let csv = projectRoot.appendingPathComponent("examples/new-device-samsung_a50.csv").path

    /// 20 measured rows, merged by a left join: adapt uses them all, says it is in-sample, and its
    /// out-of-fold SRCC and errors equal the numpy reference.
    @Test func adaptingToTwentyMeasuredRowsIsOutOfFoldAndMatchesNumpy() throws {
        let ref = try NewDeviceReference.load()
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; u = load \"\(csv)\"; m = merge d u; a = adapt m proxy=rice_pixel3 target=samsung_a50", origin: "t"), "\(sink.stderr)")
        let a = try #require(s.value(of: "a") as? AdaptationValue)
        let r = a.report
        #expect(r.inSample)
        #expect(r.train == ref.rows && r.val.isEmpty)
        #expect(r.errorRows == .outOfFold && r.errorCount == 20)
        #expect(abs(r.lambda - ref.adapt.chosen_lambda) <= 1e-9 * ref.adapt.chosen_lambda)
        #expect(abs((r.srccCV ?? .nan) - ref.adapt.srcc_cv) <= 1e-9)
        #expect(abs((r.mape ?? .nan) - ref.adapt.mape) <= 1e-9)
        #expect(abs((r.within10 ?? .nan) - ref.adapt.within10) <= 1e-12)
        #expect(abs((r.srccRaw ?? .nan) - ref.adapt.raw_srcc_on_samples) <= 1e-12)
        // The headline is out-of-fold, and the report says there are no held-out rows.
        #expect(a.summary.contains("out-of-fold SRCC 0.9494 (no held-out rows"))
        let text = renderValue(a, format: .table, width: 200)
        #expect(text.contains("no held-out rows"))
        #expect(text.contains("are optimistic") && text.contains("Time a few random architectures as a check"))
        #expect(text.contains("srcc_in_sample"))
        guard case .object(let json) = a.json else { Issue.record("not an object"); return }
        #expect(json["in_sample"] == .bool(true))
        #expect(json["srcc_cv"] == .num(r.srccCV) && json["mape"] == .num(r.mape) && json["within10"] == .num(r.within10))
    }

    /// A fully measured target: samples drawn as before, errors on the held-out rows.
    @Test func aBundledTargetKeepsItsHeldOutRows() throws {
        let (s, _) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; a = adapt d proxy=true_vpu target=eagle_gtx train=20 val=5 seed=2", origin: "t"))
        let a = try #require(s.value(of: "a") as? AdaptationValue)
        let r = a.report
        #expect(!r.inSample && r.errorRows == .heldOut && r.errorCount == 1999 - 25)
        // The held-out error, recomputed from the predictor itself.
        let d = try BundledDatasets.load("oneproxy-nb201")
        let y = try #require(d.device(named: "eagle_gtx")).latencies
        let p = r.predict(try encodingMatrix(d))
        let held = Set(0..<1999).subtracting(r.train + r.val).sorted()
        let e = held.map { abs(p[$0] - y[$0]) / y[$0] }
        #expect(abs((r.mape ?? .nan) - e.reduce(0, +) / Double(e.count)) <= 1e-12)
        #expect(abs((r.within10 ?? .nan) - Double(e.filter { $0 <= 0.1 }.count) / Double(e.count)) <= 1e-12)
    }

    @Test func aFitOnTwentyRowsReportsItsCrossValidation() throws {
        let ref = try NewDeviceReference.load()
        let (s, _) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; u = load \"\(csv)\"; m = merge d u; p = fit m samsung_a50", origin: "t"))
        let p = try #require(s.value(of: "p") as? PredictorValue)
        let v = try #require(p.validation)
        #expect(v.folds == 5)
        #expect(abs((v.srcc ?? .nan) - ref.fit.srcc_cv) <= 1e-9)
        #expect(abs((v.mape ?? .nan) - ref.fit.mape) <= 1e-9)
        #expect(abs((v.within10 ?? .nan) - ref.fit.within10) <= 1e-12)
        #expect(p.summary.contains("out-of-fold") && p.summary.contains("in-sample"))
    }

    @Test func plansAreReproducibleDistinctAndValid() throws {
        let (s, _) = try makeSession()
        for design in PlanDesign.allCases {
            #expect(s.run(source: "d = load oneproxy-nb201; p1 = plan d n=15 proxy=rice_edgetpu design=\(design.rawValue) seed=4; p2 = plan d n=15 proxy=rice_edgetpu design=\(design.rawValue) seed=4; p3 = plan d n=15 proxy=rice_edgetpu design=\(design.rawValue) seed=5", origin: "t"))
            let p1 = try #require(s.value(of: "p1") as? PlanValue), p2 = try #require(s.value(of: "p2") as? PlanValue)
            let p3 = try #require(s.value(of: "p3") as? PlanValue)
            #expect(p1.rows == p2.rows, "\(design) reproducible")
            #expect(p1.rows != p3.rows, "\(design) depends on the seed")
            #expect(Set(p1.rows).count == 15, "\(design) distinct")
            // Only rows the proxy measured (rice_edgetpu misses 259).
            let d = try BundledDatasets.load("oneproxy-nb201")
            let proxy = try #require(d.device(named: "rice_edgetpu"))
            #expect(p1.rows.allSatisfy { (0..<1999).contains($0) && !proxy.latencies[$0].isNaN }, "\(design) valid")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-plan-\(UUID().uuidString).csv").path
        #expect(s.run(source: "export p1 \"\(path)\"", origin: "t"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "nb201_index,arch_str" && lines.count == 16)
    }

    /// Each D-optimal pick maximises the determinant of the information matrix, checked by brute
    /// force: det(εI + Σ f fᵀ) over every remaining candidate, by Gaussian elimination.
    @Test func dOptimalPicksMaximiseTheDeterminant() throws {
        let d = try BundledDatasets.load("oneproxy-nb201")
        let x = try encodingMatrix(d)
        let w = try fitLinearPredictor(X: x, latencies: try #require(d.device(named: "eagle_cpu_855")).latencies).weights
        let candidates = Array(stride(from: 0, to: 1999, by: 17))  // 118 rows
        let picks = planSamples(X: x, weights: w, candidates: candidates, n: 6, design: .doptimal, seed: 3)
        let p = x.cols + 2
        func features(_ r: Int) -> [Double] {
            var f = [Double](repeating: 0, count: p)
            for j in 0..<x.cols { f[1 + j] = x[r, j] * w[j]; f[0] += f[1 + j] }
            f[p - 1] = 1
            return f
        }
        var diag = 0.0
        for r in candidates { diag += features(r).reduce(0) { $0 + $1 * $1 } }
        let eps = 1e-6 * diag / Double(candidates.count * p)
        func logDet(_ rows: [Int]) -> Double {
            var m = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
            for i in 0..<p { m[i][i] = eps }
            for r in rows { let f = features(r); for i in 0..<p { for j in 0..<p { m[i][j] += f[i] * f[j] } } }
            var sum = 0.0
            for c in 0..<p {
                let piv = (c..<p).max { abs(m[$0][c]) < abs(m[$1][c]) }!
                m.swapAt(c, piv)
                sum += log(abs(m[c][c]))
                for r in (c + 1)..<p {
                    let factor = m[r][c] / m[c][c]
                    for k in c..<p { m[r][k] -= factor * m[c][k] }
                }
            }
            return sum
        }
        for k in 1..<picks.count {
            let before = Array(picks.prefix(k))
            let chosen = logDet(before + [picks[k]])
            let best = candidates.filter { !before.contains($0) }.map { logDet(before + [$0]) }.max()!
            #expect(chosen >= best - 1e-6 * abs(best), "pick \(k)")
        }
    }

    /// Predictions <= 0 are left missing and counted: a linear model fit exactly on a latency that
    /// goes negative for some architectures (edge 1 = none, edge 0 not a 3x3 convolution).
    @Test func predictionsBelowZeroAreFlaggedNotShown() throws {
        func latency(_ codes: [Int]) -> Double { 1 + (codes[0] == 3 ? 10 : 0) - (codes[1] == 0 ? 9.5 : 0) + 0.1 * Double(codes[5]) }
        var keys: [String] = [], lat: [Double] = []
        var g = SeededGenerator(seed: 9)
        while keys.count < 300 {
            let codes = (0..<6).map { _ in g.nextBounded(5) }
            let key = NB201.archString(codes)
            if latency(codes) > 0, !keys.contains(key) { keys.append(key); lat.append(latency(codes)) }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-neg-\(UUID().uuidString).csv").path
        try ("arch_str,dev_ms\n" + zip(keys, lat).map { "\($0),\($1)\n" }.joined()).write(toFile: path, atomically: true, encoding: .utf8)
        let (s, sink) = try makeSession()
        #expect(s.run(source: "u = load \"\(path)\"; p = fit u dev; q = predict p", origin: "t"), "\(sink.stderr)")
        let q = try #require(s.value(of: "q") as? DatasetValue).dataset
        let predicted = try #require(q.device(named: "dev_fit")).latencies
        // Exactly the architectures the formula sends to <= 0: edge 1 none and edge 0 not conv 3x3.
        let expected = (0..<15625).filter { i in
            let codes = try! NB201.parse(q.keys[i])
            return latency(codes) <= 0
        }
        #expect(expected.count == 2500)
        #expect(predicted.indices.filter { predicted[$0].isNaN } == expected)
        #expect(sink.stderr.contains("2500 of 15625 predictions are <= 0 ms and are left missing"))
    }
}
