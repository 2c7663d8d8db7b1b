import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

@Suite("predictor, pools across datasets, every measured row of a new device")
struct PredictorTests {
    let csv = projectRoot.appendingPathComponent("examples/new-device-samsung_a50.csv").path

    /// A new device merged into oneproxy-nb201: stack, advise and predictor use its 20 measured
    /// rows and say so; predictor's default pool adds help-nb201's devices but not help-nb201's own
    /// samsung_a50; its prediction ranks all 15625 architectures near the truth.
    @Test(.tags(.heavy)) func aNewDeviceUsesEveryRowAndTheWholePool() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: """
            d = load oneproxy-nb201; u = load "\(csv)"; m = merge d u
            p = predictor m target=samsung_a50; st = stack m target=samsung_a50; a = advise m target=samsung_a50 proxies=[true_vpu, eagle_i7, rice_pixel3]
            h = load help-nb201; h2 = predict p h name=a50_pred
            """, origin: "t"), "\(sink.stderr)")
        let p = try #require(s.value(of: "p") as? PredictorChoiceValue)
        #expect(p.samples.count == 20 && p.selectionText == "every row samsung_a50 measured (20)")
        #expect(p.pool == "44 devices (18 of oneproxy-nb201+new-device-samsung_a50, 26 of help-nb201)")
        #expect(p.srccHeldOut == nil && renderValue(p, format: .table, width: 200).contains("no measured row outside the samples"))
        #expect((s.value(of: "st") as? StackValue)?.samples.count == 20)
        #expect((s.value(of: "a") as? AdviceValue)?.samples.count == 20)
        let h2 = try #require((s.value(of: "h2") as? DatasetValue)?.dataset)
        let v = spearman(h2.device(named: "a50_pred")!.latencies, h2.device(named: "samsung_a50")!.latencies).value!
        #expect(v > 0.95, "\(v)")
        // n= still draws from a fully measured target, and pool= takes a dataset or a list.
        #expect(s.run(source: "q = predictor d target=eagle_gtx n=12 pool=[true_vpu, eagle_i7, rice_pixel3]", origin: "t"), "\(sink.stderr)")
        #expect((s.value(of: "q") as? PredictorChoiceValue)?.pool == "3 devices of oneproxy-nb201")
        #expect(!s.run(source: "x = predictor m target=samsung_a50 pool=help-fbnet", origin: "t"))
        #expect(sink.stderr.contains("help-fbnet holds fbnet architectures"))
    }

    /// adapt says when λ sits at the top of its path (the proxy's own fit) and names predictor.
    @Test func adaptNamesTheBetterCommandWhenOneProxyIsWeak() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "h = load help-nb201; a = adapt h proxy=eyeriss target=pixel2 train=20 val=0 seed=3", origin: "t"), "\(sink.stderr)")
        let a = try #require(s.value(of: "a") as? AdaptationValue)
        #expect(a.report.lambda == a.report.path.last!.lambda)
        #expect(sink.stderr.contains("top of its path") && sink.stderr.contains("predictor h target=pixel2"))
        #expect(s.run(source: "b = adapt h proxy=pixel3 target=gold_6226 train=20 val=0 seed=3", origin: "t"))
        let b = try #require(s.value(of: "b") as? AdaptationValue)
        #expect(b.report.lambda < b.report.path.last!.lambda)
        #expect(sink.stderr.components(separatedBy: "top of its path").count == 2)  // only the first warned
    }

    /// A script: statements that fail only because an earlier one did not bind a variable are
    /// summarised in one line naming that failure; a statement typed on its own still reports.
    @Test func knockOnErrorsAreSummarised() throws {
        let (s, sink) = try makeSession()
        let ok = s.run(source: """
            d = load oneproxy-nb201
            a = adapt d proxy=nope target=eagle_gtx
            b = predict a d
            srcc b eagle_gtx true_vpu
            c = fit d true_vpu
            """, origin: "script.ops")
        #expect(!ok)
        #expect(s.value(of: "c") != nil)
        #expect(sink.stderr.contains("2 statements skipped: they use a, which line 2 failed to bind; --bail stops at the first error"), "\(sink.stderr)")
        #expect(!sink.stderr.contains("no variable named"))
        #expect(!s.run(source: "e = predict a d", origin: "t"))
        #expect(sink.stderr.contains("no variable named 'a'"))
    }

    /// search max=median / max=pNN: the budget is that order statistic of the latencies searched.
    @Test func budgetsFollowTheMachine() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; a = search d acc=cifar10 lat=true_vpu max=median; b = search d acc=cifar10 lat=true_vpu max=p10", origin: "t"), "\(sink.stderr)")
        let d = try #require((s.value(of: "d") as? DatasetValue)?.dataset)
        let acc = d.accuracy(named: "cifar10")!.values, lat = d.device(named: "true_vpu")!.latencies
        let known = lat.indices.filter { !lat[$0].isNaN && !acc[$0].isNaN }.map { lat[$0] }.sorted()
        let a = try #require(s.value(of: "a") as? SearchValue), b = try #require(s.value(of: "b") as? SearchValue)
        #expect(a.budget == known[(known.count + 1) / 2 - 1])
        #expect(b.budget == known[Int((0.1 * Double(known.count)).rounded(.up)) - 1])
        #expect(sink.stderr.contains("max=median is"))
        #expect(!s.run(source: "c = search d acc=cifar10 lat=true_vpu max=p100", origin: "t"))
        #expect(sink.stderr.contains("or median, or pNN"))
    }

    /// plan without proxy=: a plan for the pool methods; proxy= and pool= together are refused.
    @Test func planForThePool() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; p = plan d n=10 pool=oneproxy-nb201 seed=3", origin: "t"), "\(sink.stderr)")
        let p = try #require(s.value(of: "p") as? PlanValue)
        #expect(p.rows.count == 10 && p.how.contains("doptimal design for the pool methods, pool: 18 devices (18 of oneproxy-nb201)"))
        let d = try #require((s.value(of: "d") as? DatasetValue)?.dataset)
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: d.devices)
        #expect(p.rows == planPoolSamples(fitted: pool.fitted, candidates: Array(0..<d.rowCount), n: 10, design: .doptimal, seed: 3))
        #expect(!s.run(source: "q = plan d n=5 proxy=true_vpu pool=all", origin: "t"))
        #expect(sink.stderr.contains("give one"))
    }
}
