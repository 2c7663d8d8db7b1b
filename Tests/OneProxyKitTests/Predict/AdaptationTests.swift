import Foundation
import Testing
@testable import OneProxyKit

/// The notebook reproduction (METHOD.md §4) against Tests/fixture-scripts/predict_notebook.py, an
/// independent numpy/scipy implementation. SRCC values agree to 1e-6 (a few swapped near-ties among
/// 1999 predictions move SRCC by ~1e-9 each); chosen λ to 1e-9 relative; the raw SRCC to 1e-9.
@Suite struct NotebookReproductionTests {
    static let train = Array(PredictTestData.notebookRows[0..<60])
    static let val = Array(PredictTestData.notebookRows[60...])

    func load() throws -> (PredictTestData.Latencies, [String: Any]) {
        (try PredictTestData.oneProxyCSV(), try PredictTestData.fixture("notebook.json") as! [String: Any])
    }

    func adapt(_ data: PredictTestData.Latencies, _ sel: LambdaSelection, norm: AdaNorm = .l2, scale: Double = 1) throws -> AdaptationReport {
        try adaptProxy(X: data.x, proxyLatencies: data.columns["true_vpu_ms"]!.map { $0 * scale },
                       targetLatencies: data.columns["eagle_gtx_ms"]!.map { $0 * scale },
                       train: Self.train, val: Self.val, norm: norm, selection: sel)
    }

    @Test func baselinesAndUnpenalisedFit() throws {
        let (data, ref) = try load()
        let r = try adapt(data, .fixed(0))
        #expect(abs(r.srccRaw! - 0.690526859861756) < 1e-9)
        #expect(abs(r.srccRaw! - (ref["raw_srcc"] as! Double)) < 1e-9)
        #expect(abs(r.srccProxyFit! - (ref["proxy_fit_srcc"] as! Double)) < 1e-9)
        #expect(abs(r.srccAdapted! - (ref["lambda0_srcc_all"] as! Double)) < 1e-6)
        #expect(abs(r.srccAdapted! - 0.866) < 1e-3)  // METHOD.md's number
        #expect(abs(r.srccTrain! - (ref["lambda0_srcc_train"] as! Double)) < 1e-6)
        #expect(r.proxyPredictor.rank == 25)
        #expect(r.adaptedWeights.allSatisfy { abs($0) < 1e3 })
    }

    @Test func validationSelectionFallsBackToProxyFit() throws {
        let (data, ref) = try load()
        let v = ref["validation"] as! [String: Any]
        let r = try adapt(data, .validation)
        #expect(relClose(r.lambda, v["chosen_lambda"] as! Double, 1e-9))
        #expect(abs(r.srccAdapted! - (v["srcc_all"] as! Double)) < 1e-6)
        #expect(abs(r.srccAdapted! - 0.696) < 1e-3)
        #expect(r.b.allSatisfy { $0 == 0 })
        let grid = v["grid"] as! [Double]
        let path = v["path"] as! [[String: Double]]
        #expect(r.path.count == 26)
        for (e, p) in zip(r.path, path) {
            #expect(relClose(e.lambda, p["lambda"]!, 1e-9))
            #expect(abs(e.valSRCC! - p["val"]!) < 1e-6, "λ=\(e.lambda)")
            #expect(abs(e.trainSRCC! - p["train"]!) < 1e-6, "λ=\(e.lambda)")
            #expect(abs(e.allSRCC! - p["all"]!) < 1e-6, "λ=\(e.lambda)")
        }
        #expect(grid.count == 26)
        let to = ref["target_only_validation"] as! [String: Double]
        #expect(relClose(r.targetOnlyAlpha, to["alpha"]!, 1e-9))
        #expect(abs(r.srccTargetOnly! - to["srcc_all"]!) < 1e-6)
    }

    @Test(arguments: [("cv5", 5), ("loo", 0)])
    func crossValidationSelection(name: String, folds: Int) throws {
        let (data, ref) = try load()
        let v = ref[name] as! [String: Any]
        let r = try adapt(data, .crossValidation(folds: folds == 0 ? nil : folds))
        #expect(relClose(r.lambda, v["chosen_lambda"] as! Double, 1e-9))
        #expect(abs(r.srccAdapted! - (v["srcc_all"] as! Double)) < 1e-6)
        #expect(r.srccAdapted! > 0.895 && r.srccAdapted! < 0.901)  // METHOD.md: 0.896-0.900
        for (e, s) in zip(r.path, v["cv_srcc"] as! [Double]) { #expect(abs(e.cvSRCC! - s) < 1e-6, "λ=\(e.lambda)") }
        for (e, s) in zip(r.path, v["all_srcc"] as! [Double]) { #expect(abs(e.allSRCC! - s) < 1e-6, "λ=\(e.lambda)") }
        if folds == 5 {
            let to = ref["target_only_cv5"] as! [String: Double]
            #expect(relClose(r.targetOnlyAlpha, to["alpha"]!, 1e-9))
            #expect(abs(r.srccTargetOnly! - to["srcc_all"]!) < 1e-6)
        }
    }

    /// λ is unit-free: latencies × 1000 give the same λ, a and b (1e-9 relative), predictions × 1000
    /// (1e-7 relative) and the same SRCCs; so does changing only the proxy's unit. (CV for l2,
    /// validation selection for the iterative l1/∞ solvers to keep the debug run short.)
    @Test(arguments: [AdaNorm.l2, .l1, .linf])
    func unitInvariance(norm: AdaNorm) throws {
        let (data, _) = try load()
        let sel: LambdaSelection = norm == .l2 ? .crossValidation(folds: 5) : .validation
        let base = try adapt(data, sel, norm: norm)
        let kilo = try adapt(data, sel, norm: norm, scale: 1000)
        #expect(relClose(base.lambda, kilo.lambda, 1e-9))
        #expect(relClose(base.a, kilo.a, 1e-7))
        for (u, v) in zip(base.b, kilo.b) { #expect(abs(u - v) <= 1e-7 * max(abs(base.a), 1)) }
        let p0 = base.predict(data.x), p1 = kilo.predict(data.x)
        for (u, v) in zip(p0, p1) { #expect(relClose(u * 1000, v, 1e-7)) }
        #expect(abs(base.srccAdapted! - kilo.srccAdapted!) < 1e-9)
        let proxyOnly = try adaptProxy(
            X: data.x, proxyLatencies: data.columns["true_vpu_ms"]!.map { $0 * 1000 },
            targetLatencies: data.columns["eagle_gtx_ms"]!, train: Self.train, val: Self.val, norm: norm,
            selection: sel)
        #expect(relClose(base.lambda, proxyOnly.lambda, 1e-9))
        for (u, v) in zip(p0, proxyOnly.predict(data.x)) { #expect(relClose(u, v, 1e-7)) }
    }
}

@Suite struct AdaptationInputTests {
    static func tiny() -> (Matrix, [Double], [Double]) {
        let c = AdaProxySolverTests.randomCase(seed: 11, n: 30)
        let proxy = c.x.multiply(c.w)
        return (c.x, proxy, c.y)
    }

    @Test func errorsNameTheProblem() {
        let (x, p, y) = Self.tiny()
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch let e as OneProxyError { return e.message } catch { return "\(error)" }
        }
        let out = message { _ = try adaptProxy(X: x, proxyLatencies: p, targetLatencies: y, train: [0, 1, 99], val: [3, 4], norm: .l2, selection: .validation) }
        #expect(out.contains("99") && out.contains("out of range"))
        var yMissing = y
        yMissing[5] = .nan
        let miss = message { _ = try adaptProxy(X: x, proxyLatencies: p, targetLatencies: yMissing, train: [0, 1, 5, 6], val: [3, 4], norm: .l2, selection: .validation) }
        #expect(miss.contains("row 5") && miss.contains("target"))
        var pMissing = p
        pMissing[6] = .nan
        let missP = message { _ = try adaptProxy(X: x, proxyLatencies: pMissing, targetLatencies: y, train: [0, 1, 5, 6], val: [3, 4], norm: .l2, selection: .validation) }
        #expect(missP.contains("row 6") && missP.contains("proxy"))
        let few = message { _ = try adaptProxy(X: x, proxyLatencies: p, targetLatencies: y, train: [0, 1], val: [3], norm: .l2, selection: .validation) }
        #expect(few.contains("too few"))
        let folds = message { _ = try adaptProxy(X: x, proxyLatencies: p, targetLatencies: y, train: [0, 1, 2], val: [3], norm: .l2, selection: .crossValidation(folds: 9)) }
        #expect(folds.contains("folds"))
        let twice = message { _ = try adaptProxy(X: x, proxyLatencies: p, targetLatencies: y, train: [0, 1, 2], val: [2, 3], norm: .l2, selection: .validation) }
        #expect(twice.contains("twice"))
    }

    /// The default grid is 0 plus 25 log-spaced values ending at λ_max (where b = 0).
    @Test func defaultGridSpansNoPenaltyToZeroB() throws {
        let (x, p, y) = Self.tiny()
        let r = try adaptProxy(X: x, proxyLatencies: p, targetLatencies: y, train: Array(0..<20), val: Array(20..<30), norm: .l1, selection: .validation)
        #expect(r.path.count == 26 && r.path[0].lambda == 0)
        let ratios = (2..<26).map { r.path[$0].lambda / r.path[$0 - 1].lambda }
        #expect(ratios.allSatisfy { abs($0 - pow(10, 4.0 / 24)) < 1e-9 })
        // At the last candidate b = 0: the adapted predictor ranks like the proxy fit.
        let last = try adaptProxy(X: x, proxyLatencies: p, targetLatencies: y, train: Array(0..<20), val: Array(20..<30), norm: .l1, selection: .fixed(r.path[25].lambda))
        #expect(last.b.allSatisfy { $0 == 0 })
        #expect(abs(last.srccAdapted! - last.srccProxyFit!) < 1e-12)
    }

    @Test func sampleRowsIsSeededAndDistinct() {
        let cands = Array(stride(from: 0, to: 200, by: 3))
        let s1 = sampleRows(candidates: cands, count: 20, seed: 42)
        #expect(s1 == sampleRows(candidates: cands, count: 20, seed: 42))
        #expect(s1 != sampleRows(candidates: cands, count: 20, seed: 43))
        #expect(Set(s1).count == 20 && s1.allSatisfy { cands.contains($0) })
        #expect(sampleRows(candidates: [1, 2], count: 5, seed: 1).sorted() == [1, 2])
    }
}
