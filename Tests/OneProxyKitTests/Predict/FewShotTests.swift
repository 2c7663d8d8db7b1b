import Foundation
import Testing
@testable import OneProxyKit

@Suite("few-shot methods, stacks, curves and HELP's protocol")
struct FewShotTests {
    static func doubles(_ any: Any?) -> [Double] { (any as! [Any]).map { ($0 as! NSNumber).doubleValue } }

    /// NNLS against scipy.optimize.nnls (Tests/fixture-scripts/predict_stack_nnls.py).
    @Test func nnlsMatchesScipy() throws {
        let fixture = try PredictTestData.fixture("stack_nnls.json") as! [String: Any]
        for c in fixture["nnls"] as! [[String: Any]] {
            let name = c["name"] as! String
            let a = Matrix(rows: c["rows"] as! Int, cols: c["cols"] as! Int, storage: Self.doubles(c["a"]))
            let b = Self.doubles(c["b"])
            let x = nonNegativeLeastSquares(a, b)
            #expect(x.allSatisfy { $0 >= 0 }, "\(name)")
            let ax = a.multiply(x)
            let rnorm = zip(ax, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let expectedNorm = (c["residual_norm"] as! NSNumber).doubleValue
            // The optimum's residual is unique: within 1e-9 relative.
            #expect(abs(rnorm - expectedNorm) <= 1e-9 * max(1, expectedNorm), "\(name): \(rnorm) vs \(expectedNorm)")
            if name != "near_duplicate" {  // two columns 1e-9 apart: the split between them is not determined
                for (u, v) in zip(x, Self.doubles(c["x"])) { #expect(abs(u - v) <= 1e-9 * max(1, abs(v)), "\(name): \(x)") }
            }
        }
    }

    /// The stack of HELP's 9 pool predictors for pixel2 against numpy lstsq + scipy nnls.
    @Test func stackWeightsAreNonNegativeAndMatchScipy() throws {
        let fixture = try PredictTestData.fixture("stack_nnls.json") as! [String: Any]
        let d = try BundledDatasets.load("help-nb201")
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: HelpProtocol.nb201.pool.map { d.device(named: $0)! })
        let target = d.device(named: "pixel2")!
        for s in fixture["stack"] as! [[String: Any]] {
            let rows = (s["rows"] as! [Any]).map { ($0 as! NSNumber).intValue }
            let st = stackProxies(pool, proxies: Array(0..<9), samples: rows, y: rows.map { target.latencies[$0] })
            #expect(st.beta.allSatisfy { $0 >= 0 })
            #expect(st.proxies == HelpProtocol.nb201.pool)
            // The proxies' least-squares fits agree with numpy to ~1e-12 relative; NNLS then to 1e-7.
            for (u, v) in zip(st.beta, Self.doubles(s["beta"])) { #expect(abs(u - v) <= 1e-7, "\(st.beta)") }
            let c = (s["intercept"] as! NSNumber).doubleValue
            #expect(abs(st.intercept - c) <= 1e-7 * max(1, abs(c)))
            let pred = LinearLatencyModel(weights: st.weights, intercept: st.intercept).predict(pool.x.selectingRows(Array(0..<50)))
            for (u, v) in zip(pred, Self.doubles(s["predictions_first50"])) { #expect(abs(u - v) <= 1e-7 * max(1, abs(v))) }
        }
    }

    /// The blend is the mean of the plain stack and the stack + AdaProxy, fitted independently here.
    @Test func theBlendAveragesTheTwoStacks() throws {
        let d = try BundledDatasets.load("oneproxy-nb201")
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: ["true_vpu", "eagle_i7", "rice_pixel3"].map { d.device(named: $0)! })
        let context = try FewShotContext(pool: pool, target: d.device(named: "eagle_gtx")!)
        let rows = Array(PredictTestData.notebookRows.prefix(15))
        let blend = try #require(try BlendedStackMethod().fit(context, samples: rows).linear)
        let plain = try #require(try StackMethod(adapt: false).fit(context, samples: rows).linear)
        let adapted = try #require(try StackMethod(adapt: true).fit(context, samples: rows).linear)
        for j in blend.weights.indices { #expect(abs(blend.weights[j] - (plain.weights[j] + adapted.weights[j]) / 2) <= 1e-12 * max(1, abs(blend.weights[j]))) }
        #expect(abs(blend.intercept - (plain.intercept + adapted.intercept) / 2) <= 1e-12 * max(1, abs(blend.intercept)))
    }

    /// adaptLinear (leave-one-out) is the same fit as adaptProxy with .crossValidation(folds: nil).
    @Test func adaptLinearAgreesWithAdaptProxy() throws {
        let data = try PredictTestData.oneProxyCSV()
        let proxy = data.columns["true_vpu_ms"]!, target = data.columns["eagle_gtx_ms"]!
        let rows = Array(PredictTestData.notebookRows.prefix(12))
        let report = try adaptProxy(X: data.x, proxyLatencies: proxy, targetLatencies: target, train: rows, val: [],
                                    norm: .l2, selection: .crossValidation(folds: nil))
        let w = try fitLinearPredictor(X: data.x, latencies: proxy).weights
        let mine = try adaptLinear(x: data.x, weights: w, samples: rows, y: rows.map { target[$0] }, norm: .l2)
        #expect(abs(mine.lambda - report.lambda) <= 1e-12 * max(1, report.lambda))
        for (u, v) in zip(mine.model.weights, report.adaptedWeights) { #expect(abs(u - v) <= 1e-9 * max(1, abs(v))) }
        #expect(abs(mine.model.intercept - report.c) <= 1e-9 * max(1, abs(report.c)))
    }

    /// The same seed gives the same curve; another seed another; the raw proxy's point is the
    /// devices' SRCC over the rows both measured, whatever the samples.
    @Test func aCurveIsReproducibleForASeed() throws {
        let d = try BundledDatasets.load("oneproxy-nb201")
        let target = d.device(named: "eagle_gtx")!, proxy = d.device(named: "true_vpu")!
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: [proxy, d.device(named: "eagle_i7")!, d.device(named: "rice_pixel3")!])
        let context = try FewShotContext(pool: pool, target: target)
        let methods: [any FewShotMethod] = [RawProxyMethod(proxy: 0, name: "raw"), AdaProxyMethod(proxy: 0, name: "ada"), StackMethod(), TargetOnlyRidgeMethod()]
        let candidates = (0..<d.rowCount).filter { !proxy.latencies[$0].isNaN && !target.latencies[$0].isNaN }
        let a = try fewShotCurve(context, methods: methods, sizes: [5, 12], repeats: 3, seed: 7, candidates: candidates)
        let b = try fewShotCurve(context, methods: methods, sizes: [5, 12], repeats: 3, seed: 7, candidates: candidates)
        let c = try fewShotCurve(context, methods: methods, sizes: [5, 12], repeats: 3, seed: 8, candidates: candidates)
        #expect(a == b)
        #expect(a.map(\.values) != c.map(\.values))
        #expect(a.count == 8 && a.allSatisfy { $0.values.count == 3 })
        let raw = try #require(spearman(proxy.latencies, target.latencies).value)
        for p in a where p.method == "raw" { #expect(abs((p.mean ?? 0) - raw) < 1e-12) }
        // One repeat's AdaProxy value is an independent adaptProxy (LOO) scored on every target row.
        let draw = Array(sampleRows(candidates: candidates, count: 12, seed: 7).prefix(5))
        let r = try adaptProxy(X: pool.x, proxyLatencies: proxy.latencies, targetLatencies: target.latencies, train: draw, val: [],
                               norm: .l2, selection: .crossValidation(folds: nil))
        let ada = try #require(a.first { $0.method == "ada" && $0.n == 5 }?.values[0])
        #expect(abs(ada - (r.srccAdapted ?? .nan)) < 1e-9)
    }

    /// HELP's splits: counts, ranges, the middle-80% rule and the reference architectures.
    @Test func helpSplitsMatchTheDescription() throws {
        let d = try BundledDatasets.load("help-nb201")
        let index = try #require(d.nb201Index)
        for name in HelpProtocol.nb201.targets {
            let t = try #require(d.device(named: name))
            let s = try HelpProtocol.nb201.split(d, target: t)
            #expect(s.references.map { index[$0] } == [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462])
            #expect(s.query.count == 800, "\(name)")      // 1000 rows, 100 dropped at each end
            #expect(s.query.allSatisfy { (900..<1900).contains(index[$0]) })
            let refsInRange = s.references.filter { r in index[r] < 900 && HelpProtocol.middle80(Array(0..<900), latencies: t.latencies).contains(r) }
            #expect(s.candidates.count == 720 - refsInRange.count, "\(name)")
            #expect(s.candidates.allSatisfy { index[$0] < 900 && !s.references.contains($0) })
            // Middle 80%: no kept row is outside the 10th..90th order statistics, and every
            // strictly inside row is kept (ties at the edges are split by index).
            for (range, kept) in [(0..<900, s.candidates + s.references.filter { index[$0] < 900 }), (900..<1900, s.query)] {
                let lat = range.map { t.latencies[$0] }.sorted()
                let cut = lat.count / 10
                let lo = lat[cut], hi = lat[lat.count - cut - 1]
                let keptSet = Set(kept)
                for r in range {
                    let v = t.latencies[r]
                    if v > lo && v < hi && !s.references.contains(r) { #expect(keptSet.contains(r) || range.lowerBound == 0 && s.references.contains(r)) }
                    if keptSet.contains(r) && !s.references.contains(r) { #expect(v >= lo && v <= hi) }
                }
            }
        }
        // The leak METHOD.md mentions: reference 1462 has an index in the query range.
        #expect(HelpProtocol.nb201.queryRange.contains(1462))
    }

    @Test func helpBenchmarkShapesAndSeeds() throws {
        let d = try BundledDatasets.load("help-nb201")
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: HelpProtocol.nb201.pool.map { d.device(named: $0)! })
        let methods: [any FewShotMethod] = [StackMethod(adapt: false)]
        let r = try helpBenchmark(d, pool: pool, methods: methods, draws: 2)
        #expect(r.values[0][0].count == 6 && r.values[0][0].allSatisfy { $0.count == 2 })
        // Draw k = seed k: draw 1 alone is the second draw of two.
        let t = d.device(named: "pixel2")!
        let split = try HelpProtocol.nb201.split(d, target: t)
        let context = try FewShotContext(pool: pool, target: t, evalRows: split.query)
        let samples = split.references + sampleRows(candidates: split.candidates, count: 10, seed: 1)
        let v = context.score(try StackMethod(adapt: false).fit(context, samples: samples))
        #expect(v == r.values[0][1][2][1])
        let s = r.summary(method: 0, size: 1)
        let perDraw = (0..<2).map { k in (0..<6).map { r.values[0][1][$0][k]! }.reduce(0, +) / 6 }
        #expect(abs(s.mean! - (perDraw[0] + perDraw[1]) / 2) < 1e-12)
        #expect(abs(s.se! - abs(perDraw[0] - perDraw[1]) / 2) < 1e-12)  // sd/√2 of two values = |a−b|/2
    }

    /// HELP's FBNet protocol: targets, pool, reference rows and the counts of its split.
    @Test func helpFBNetSplitHasTheRightCountsAndDevices() throws {
        let p = HelpProtocol.fbnet
        #expect(p.targets == ["fpga", "raspi4", "eyeriss"])
        #expect(p.pool == ["1080ti_1", "1080ti_32", "1080ti_64", "silver_4114", "silver_4210r", "samsung_a50", "pixel3", "essential_ph_1", "samsung_s7"])
        #expect(Set(p.pool).isDisjoint(with: p.targets))
        #expect(p.published == ["raspi4": 0.887, "eyeriss": 0.943, "fpga": 0.892] && p.publishedMean == 0.910)
        let d = try BundledDatasets.load("help-fbnet")
        #expect(d.rowCount == 5000 && d.space == .fbnet)
        for name in p.pool { #expect(d.device(named: name) != nil, "\(name)") }
        for name in p.targets {
            let t = try #require(d.device(named: name))
            let s = try p.split(d, target: t)
            #expect(s.references == [3328, 3790, 3313, 890, 3052, 2538, 1640, 2514, 457, 2100])
            #expect(s.query.count == 800 && s.query.allSatisfy { (4000..<5000).contains($0) }, "\(name)")
            // 4000 sample rows, 400 dropped at each end, then the references that survived the cut.
            let middle = Set(HelpProtocol.middle80(Array(0..<4000), latencies: t.latencies))
            #expect(middle.count == 3200)
            #expect(s.candidates.count == 3200 - s.references.filter { middle.contains($0) }.count, "\(name)")
            #expect(s.candidates.allSatisfy { $0 < 4000 && middle.contains($0) && !s.references.contains($0) })
        }
    }

    /// seed=S: draw k uses seed S + k − 1, on either protocol. The seeds are what is checked, so
    /// the pool is three of the protocol's proxies fitted on their first 1000 rows (the full pool,
    /// 9 fits over 5000 rows, takes over a minute in a debug build; ONEPROXY_HEAVY=1 uses it).
    @Test(.tags(.heavy)) func helpBenchmarkSeedsShift() throws {
        let d = try BundledDatasets.load("help-fbnet")
        let proxies = HelpProtocol.fbnet.pool.map { d.device(named: $0)! }
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: heavyRuns ? proxies : proxies.prefix(3).map { p in
            Device(name: p.name, latencies: p.latencies.indices.map { $0 < 1000 ? p.latencies[$0] : .nan })
        })
        let m: [any FewShotMethod] = [StackMethod(adapt: false)]
        let two = try helpBenchmark(d, protocol: .fbnet, pool: pool, methods: m, draws: 2, seed: 1001)
        let one = try helpBenchmark(d, protocol: .fbnet, pool: pool, methods: m, draws: 1, seed: 1002)
        #expect(two.targets == HelpProtocol.fbnet.targets && two.seed == 1001)
        for t in 0..<3 { for size in 0..<2 { #expect(two.values[0][size][t][1] == one.values[0][size][t][0]) } }
        #expect(two.values[0][0][0][0] != one.values[0][0][0][0])
    }
}
