import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

@Suite("many proxies in the shell: curve, adapt targets=, stack, advise, helpbench")
struct ManyProxiesShellTests {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-many-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The CSV has exactly method,n,mean,sd; each mean/sd is that of its repeats' values.
    @Test(.tags(.heavy)) func curveExportColumns() throws {
        let (s, sink) = try makeSession()
        let path = try tempDir().appendingPathComponent("c.csv").path
        #expect(s.run(source: "d = load oneproxy-nb201; c = curve d proxy=true_vpu target=eagle_gtx n=[5, 8] repeats=2 pool=[true_vpu, eagle_i7]; export c \"\(path)\"", origin: "t"), "\(sink.stderr)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "method,n,mean,sd")
        #expect(lines.count == 1 + 10 * 2)
        let c = try #require(s.value(of: "c") as? CurveValue)
        for (line, p) in zip(lines.dropFirst(), c.points) {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(f.count == 4 && String(f[0]) == p.method && Int(f[1]) == p.n)
            let v = p.values.compactMap { $0 }
            let mean = v.reduce(0, +) / Double(v.count)
            let sd = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)).squareRoot()
            #expect(abs(Double(f[2])! - mean) < 1e-12 && abs(Double(f[3])! - sd) < 1e-12)
        }
        // The figure: one line-and-points series per method.
        guard case .plot(let plot) = c.figure else { Issue.record("not a plot"); return }
        #expect(plot.series.count == 10 && plot.series.allSatisfy { $0.style == .linePoints && $0.x == [5, 8] })
        // The three methods over the rich family: dashed, in their one-hot counterpart's colour.
        let byName = Dictionary(uniqueKeysWithValues: plot.series.map { ($0.name, $0) })
        for (rich, base) in [("AdaProxy (all)", "AdaProxy"), ("target-only ridge (all)", "target-only ridge"), ("stack + residual ridge (all)", "stack + AdaProxy")] {
            #expect(byName[rich]!.dashed && !byName[base]!.dashed && byName[rich]!.colour == byName[base]!.colour, "\(rich)")
        }
        #expect(c.figure.svg().components(separatedBy: "stroke-dasharray=\"6 3\"").count - 1 == 3)
    }

    /// Each row of adapt targets= equals a single adapt run's JSON numbers.
    @Test func adaptTargetsRowsAgreeWithSingleRuns() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; m = adapt d proxy=true_vpu targets=[eagle_gtx, rice_pixel3, true_630] train=20 val=5 seed=3", origin: "t"), "\(sink.stderr)")
        let m = try #require(s.value(of: "m") as? TableValue)
        #expect(m.table.rows.count == 3)
        for row in m.table.rows {
            guard case .text(let target) = row[0] else { Issue.record("no target"); continue }
            #expect(s.run(source: "a = adapt d proxy=true_vpu target=\(target) train=20 val=5 seed=3", origin: "t"))
            let a = try #require(s.value(of: "a") as? AdaptationValue)
            let expected = [a.report.srccRaw, a.report.srccProxyFit, a.report.srccAdapted, a.report.srccTargetOnly, a.report.lambda]
            for (cell, e) in zip(row[1...5], expected) {
                guard case .number(let v, _) = cell else { Issue.record("not a number"); continue }
                #expect(v == e, "\(target)")
            }
        }
        #expect(s.run(source: "all = adapt d proxy=true_vpu targets=all train=10 val=5", origin: "t"), "\(sink.stderr)")
        #expect((s.value(of: "all") as? TableValue)?.table.rows.count == 17)
    }

    /// A stack is a predictor: predict's column and search's latencies are its linear model.
    @Test func aStackIsAPredictor() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; st = stack d target=eagle_gtx proxies=[true_vpu, eagle_i7, rice_pixel3] n=12 seed=2; d2 = predict st d; f = search d acc=cifar10 lat=st", origin: "t"), "\(sink.stderr)")
        let st = try #require(s.value(of: "st") as? StackValue)
        #expect(st.stack.beta.allSatisfy { $0 >= 0 })
        let d2 = try #require((s.value(of: "d2") as? DatasetValue)?.dataset)
        let col = try #require(d2.device(named: "eagle_gtx_stack")).latencies
        let x = try encodingMatrix(d2)
        let expected = st.model.predict(x)
        #expect(zip(col, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        // srcc_all is SRCC of that column against the target.
        let t = try #require(d2.device(named: "eagle_gtx")).latencies
        #expect(abs((spearman(col, t).value ?? 0) - (st.srccAll ?? -1)) < 1e-12)
        let f = try #require(s.value(of: "f") as? SearchValue)
        #expect(f.candidates.rowCount == NB201.architectureCount)
        for p in f.front.points.prefix(3) {
            let enc = try NB201.encoding(f.candidates.keys[p.index])
            let v = zip(enc, st.model.weights).reduce(st.model.intercept) { $0 + $1.0 * $1.1 }
            #expect(abs(v - p.latency) <= 1e-9 * max(1, abs(v)))
        }
    }

    /// advise ranks by its own cross-validated SRCC, recomputed here by leave-one-out refits.
    @Test func adviseRanksByLeaveOneOut() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; a = advise d target=eagle_gtx proxies=[true_vpu, eagle_i7] samples=[275, 1165, 1735, 1643, 1564, 129, 522, 241]", origin: "t"), "\(sink.stderr)")
        let a = try #require(s.value(of: "a") as? AdviceValue)
        #expect(a.candidates.count == 4)
        let cvs = a.candidates.map { $0.cvSRCC ?? -2 }
        #expect(cvs == cvs.sorted(by: >))
        // true_vpu + AdaProxy by hand: refit without each sample, predict it.
        let d = try BundledDatasets.load("oneproxy-nb201")
        let rows = [275, 1165, 1735, 1643, 1564, 129, 522, 241]
        let x = try encodingMatrix(d)
        let proxy = d.device(named: "true_vpu")!.latencies, target = d.device(named: "eagle_gtx")!.latencies
        var oof: [Double] = []
        for i in rows.indices {
            let rest = rows.indices.filter { $0 != i }.map { rows[$0] }
            let r = try adaptProxy(X: x, proxyLatencies: proxy, targetLatencies: target, train: rest, val: [], norm: .l2, selection: .crossValidation(folds: nil))
            oof.append(r.predict(x.selectingRows([rows[i]]))[0])
        }
        let expected = spearman(oof, rows.map { target[$0] }).value
        let got = a.candidates.first { $0.name == "true_vpu + AdaProxy" }?.cvSRCC
        #expect(got != nil && abs(got! - expected!) < 1e-9)
        #expect(a.strongVerdict.contains("strong monotonicity"))
    }

    /// helpbench's JSON has the documented shape and matches the Kit's numbers.
    @Test(.tags(.heavy)) func helpbenchJSON() throws {
        let (s, sink) = try makeSession()
        let path = try tempDir().appendingPathComponent("h.json").path
        #expect(s.run(source: "h = helpbench draws=1; export h \"\(path)\"", origin: "t"), "\(sink.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let methods = try #require(obj["methods"] as? [String: Any])
        #expect(Set(methods.keys) == ["pixel3 + AdaProxy", "best proxy + AdaProxy", "stack (NNLS)", "stack + AdaProxy", "stack blend", "target-only ridge",
                                      "pixel3 + AdaProxy (all)", "target-only ridge (all)", "stack + residual ridge (all)",
                                      "stack + residual ridge (all + pool op costs)"])
        let h = try #require(s.value(of: "h") as? HelpBenchValue)
        for (m, name) in h.result.methods.enumerated() {
            let entry = try #require(methods[name] as? [String: Any])
            for (si, key) in ["n10", "n20"].enumerated() {
                let n = try #require(entry[key] as? [String: Any])
                let devices = try #require(n["devices"] as? [String: Double])
                #expect(Set(devices.keys) == Set(HelpProtocol.nb201.targets))
                let mean = try #require(n["mean"] as? Double)
                #expect(abs(mean - devices.values.reduce(0, +) / 6) < 1e-12)  // one draw: the mean of the devices
                #expect(abs(mean - h.result.summary(method: m, size: si).mean!) < 1e-15)
            }
        }
    }

    /// helpbench space=fbnet runs HELP's FBNet protocol; a bad space is a located error.
    @Test(.tags(.heavy)) func helpbenchFBNet() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "h = helpbench draws=1 seed=1001 space=fbnet", origin: "t"), "\(sink.stderr)")
        let h = try #require(s.value(of: "h") as? HelpBenchValue)
        #expect(h.result.targets == ["fpga", "raspi4", "eyeriss"] && h.result.protocol.dataset == "help-fbnet" && h.result.seed == 1001)
        #expect(h.result.methods.contains("stack + residual ridge (all)"))
        #expect(h.summary.contains("help-fbnet") && h.summary.contains("HELP 0.910"))
        #expect(!s.run(source: "g = helpbench space=ofa", origin: "t"))
        #expect(sink.stderr.contains("space") && s.value(of: "g") == nil)
    }

    /// fit features=all is a predictor predict and search take; an unknown family is named.
    @Test(.tags(.heavy)) func fitFeaturesIsAPredictor() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; q = fit d true_vpu features=all; d2 = predict q d; f = search d acc=cifar10 lat=q max=5ms", origin: "t"), "\(sink.stderr)")
        let q = try #require(s.value(of: "q") as? FeatureFitValue)
        #expect(q.model.basis.width == 305 && q.rowsUsed == 1999)
        // The prediction column is the model's: the exact leave-one-out SRCC is below the in-sample one.
        #expect(q.srccLOO! <= q.srccFit! && q.srccLOO! > 0.9)
        #expect(!s.run(source: "r = fit d true_vpu features=triples", origin: "t"))
        #expect(sink.stderr.contains("no feature family 'triples'") && sink.stderr.contains("onehot, live, counts, pairs, all"))
    }

    /// adapt features=all: AdaProxy over the rich family; predict evaluates the same model the
    /// report scored (its SRCC on every row the target measured is the report's).
    @Test(.tags(.heavy)) func adaptOverARichFamily() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; a = adapt d proxy=true_vpu target=eagle_gtx features=all; d2 = predict a d name=ada", origin: "t"), "\(sink.stderr)")
        let a = try #require(s.value(of: "a") as? AdaptationValue)
        #expect(a.basis?.family == "all" && a.report.adaptedWeights.count == 305)
        let d2 = try #require((s.value(of: "d2") as? DatasetValue)?.dataset)
        // The model predict uses, on every row through the one-hot encoding, ranks as the report did.
        let x = try encodingMatrix(d2)
        let p = a.latencyModel.predict(rows: Array(0..<x.rows), encoded: x)
        let direct = try featureMatrix(d2, family: "all").multiply(a.report.adaptedWeights).map { $0 + a.report.c }
        #expect(zip(p, direct).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) })
        let v = spearman(p, d2.device(named: "eagle_gtx")!.latencies).value!
        #expect(abs(v - a.report.srccAdapted!) < 1e-12, "\(v) vs \(a.report.srccAdapted!)")
        // predict leaves predictions <= 0 missing; every other row is the model's.
        let ada = d2.device(named: "ada")!.latencies
        #expect(ada.indices.allSatisfy { ada[$0].isNaN ? p[$0] <= 0 : ada[$0] == p[$0] })
    }

    /// stack residual=all opcosts=on: the exported weights (encoding, then the residual over the
    /// family) reproduce the model search and predict evaluate.
    @Test(.tags(.heavy)) func stackResidualExportReproducesTheModel() throws {
        let (s, sink) = try makeSession()
        let path = try tempDir().appendingPathComponent("s.csv").path
        #expect(s.run(source: "d = load help-nb201; s = stack d target=pixel2 n=20 residual=all opcosts=on; export s \"\(path)\"", origin: "t"), "\(sink.stderr)")
        let v = try #require(s.value(of: "s") as? StackValue)
        let r = try #require(v.residual)
        #expect(r.opCosts && r.model.basis.family == "all")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        let cells = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let values = cells.map { Double($0.last!)! }
        #expect(values.count == 31 + 1 + 305 + 1)
        let d = try #require((s.value(of: "d") as? DatasetValue)?.dataset)
        let rows = Array(0..<40)
        let x = try encodingMatrix(d).selectingRows(rows)
        let phi = try featureMatrix(d, family: "all").selectingRows(rows)
        let fromCSV = x.multiply(Array(values[0..<31])).enumerated().map { i, e in
            e + values[31] + zip(phi.row(i), values[32..<337]).reduce(0) { $0 + $1.0 * $1.1 } + values[337]
        }
        let model = v.latencyModel.predict(rows: rows, encoded: x)
        for (a, b) in zip(fromCSV, model) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "\(a) vs \(b)") }
    }
}
