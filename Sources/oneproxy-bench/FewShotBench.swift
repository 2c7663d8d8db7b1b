import Foundation
import OneProxyKit

/// Times the few-shot work: HELP's protocol on help-nb201 (6 targets, the 9-device pool, 10 and 20
/// samples, `HelpProtocol.methods`) with 10 draws, and a 10-repeat few-shot curve on
/// oneproxy-nb201 (true_vpu → eagle_gtx, n = 5, 10, 20, 40, 70, the curve command's methods with
/// every other device in the pool). Prints the benchmark's means beside HELP's. Python reference:
/// bench/fewshot.py (numpy/scipy, scipy.optimize.nnls for the stack).
func benchFewShot() throws {
    let python = pythonReference("fewshot")
    let d = try BundledDatasets.load("help-nb201")
    let x = try encodingMatrix(d)
    var pool: FewShotPool?
    let tPool = try medianSeconds(repeats: 3) {
        pool = try FewShotPool(x: x, proxies: HelpProtocol.nb201.pool.map { d.device(named: $0)! })
    }
    report("help pool: 9 proxy fits on 15625 x 31", seconds: tPool, python: python, key: "help_pool")
    let methods = HelpProtocol.nb201.methods(pool: pool!, rich: nil)
    var result: HelpBenchResult?
    let draws = Int(ProcessInfo.processInfo.environment["ONEPROXY_BENCH_DRAWS"] ?? "10") ?? 10
    let tHelp = try medianSeconds(repeats: 1) {
        result = try helpBenchmark(d, pool: pool!, methods: methods, draws: draws)
    }
    report("helpbench draws=\(draws) (\(methods.count) methods)", seconds: tHelp, python: python, key: "helpbench_draws\(draws)")
    let r = result!
    for (m, name) in r.methods.enumerated() {
        let s10 = r.summary(method: m, size: 0), s20 = r.summary(method: m, size: 1)
        print(String(format: "    %-24@ n10 %.4f ± %.4f   n20 %.4f ± %.4f", name as NSString,
                     s10.mean ?? .nan, s10.se ?? .nan, s20.mean ?? .nan, s20.se ?? .nan))
        let per = r.targets.indices.map { String(format: "%@ %.3f", r.targets[$0], r.deviceMean(method: m, size: 1, target: $0) ?? .nan) }
        print("      n20 per device: " + per.joined(separator: ", "))
    }

    let o = try BundledDatasets.load("oneproxy-nb201")
    var curve: [CurvePoint] = []
    let tCurve = try medianSeconds(repeats: 1) { curve = try benchCurveWork(o) }
    report("curve true_vpu→eagle_gtx, 10 repeats, 7 methods", seconds: tCurve, python: python, key: "curve_10")
    for p in curve where p.n == 10 || p.n == 70 {
        print(String(format: "    %-24@ n=%2d  %.4f ± %.4f", p.method as NSString, p.n, p.mean ?? .nan, p.sd ?? .nan))
    }
}

/// The curve both the fewshot and summary sections time: true_vpu → eagle_gtx on oneproxy-nb201,
/// 7 methods x 5 sizes x 10 repeats (the pool's fits included, as bench/fewshot.py does).
func benchCurveWork(_ o: Dataset) throws -> [CurvePoint] {
    let ox = try encodingMatrix(o)
    let target = o.device(named: "eagle_gtx")!
    let proxy = o.device(named: "true_vpu")!
    let pool = try FewShotPool(x: ox, proxies: o.devices.filter { $0.name != target.name })
    let context = try FewShotContext(pool: pool, target: target)
    let p = pool.index(of: "true_vpu")!
    let methods: [any FewShotMethod] = [
        RawProxyMethod(proxy: p, name: "raw proxy"), ProxyFitMethod(proxy: p, name: "proxy fit"),
        AdaProxyMethod(proxy: p, name: "AdaProxy"), TargetOnlyRidgeMethod(),
        BestProxyMethod(), StackMethod(adapt: false), StackMethod(adapt: true),
    ]
    let candidates = target.latencies.indices.filter { !target.latencies[$0].isNaN && !proxy.latencies[$0].isNaN }
    return try fewShotCurve(context, methods: methods, sizes: [5, 10, 20, 40, 70], repeats: 10, seed: 1, candidates: candidates)
}
