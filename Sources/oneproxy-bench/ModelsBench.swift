import Foundation
import OneProxyKit

/// The latency models of METHOD.md §9 on HELP's protocols (NB201 and FBNet), in the order the
/// selection rule asks for:
/// 1. validation (`models-val`): leave one pool device out — each of the 9 pool devices is the
///    target, the other 8 the pool, HELP's split on that device — seeds 1..10. Methods and
///    settings are chosen here only.
/// 2. test (`models-test`): HELP's six (NB201) and three (FBNet) targets, seeds 1001..1030,
///    reported once; and leave-one-device-out over all 27 help-nb201 devices with 20 random
///    samples (seeds 1001..1010): the mean and the worst device per method.
/// Timings: 30 draws of helpbench (NB201, every method) in release mode.
func benchModelsValidation() throws {
    for proto in [HelpProtocol.nb201, .fbnet] {
        let d = try BundledDatasets.load(proto.dataset)
        let x = try encodingMatrix(d)
        let full = try FewShotPool(x: x, proxies: proto.pool.map { d.device(named: $0)! })
        let rich = try? FeatureBasis(space: d.space, family: "all")
        var perMethod: [String: [[Double]]] = [:]  // method -> [size][device mean]
        var names: [String] = []
        for (k, held) in proto.pool.enumerated() {
            let pool = full.subset(full.names.indices.filter { $0 != k })
            let methods = proto.methods(pool: pool, rich: rich)
            names = methods.map(\.name)
            let r = try helpBenchmark(d, protocol: proto, pool: pool, methods: methods, draws: 10, seed: 1, targets: [held])
            for m in r.methods.indices {
                var v = perMethod[r.methods[m]] ?? [[], []]
                for s in 0..<2 { v[s].append(r.deviceMean(method: m, size: s, target: 0) ?? .nan) }
                perMethod[r.methods[m]] = v
            }
        }
        print("  \(proto.space): leave one pool device out (9 targets, pool of 8), seeds 1..10")
        for name in names {
            let v = perMethod[name]!
            func mean(_ a: [Double]) -> Double { a.reduce(0, +) / Double(a.count) }
            let worst = v[1].indices.min { v[1][$0] < v[1][$1] }!
            print(String(format: "    %-32@ n10 %.4f  n20 %.4f  worst n20 %.3f (%@)", name as NSString, mean(v[0]), mean(v[1]),
                         v[1][worst], proto.pool[worst] as NSString))
        }
    }
}

func benchModelsTest() throws {
    for proto in [HelpProtocol.nb201, .fbnet] {
        let d = try BundledDatasets.load(proto.dataset)
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: proto.pool.map { d.device(named: $0)! })
        let methods = proto.methods(pool: pool, rich: try? FeatureBasis(space: d.space, family: "all"))
        let start = Date()
        let r = try helpBenchmark(d, protocol: proto, pool: pool, methods: methods, draws: 30, seed: 1001)
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "  \(proto.space): HELP's targets, seeds 1001..1030 (30 draws, %d methods): %.2f s", methods.count, seconds))
        for (m, name) in r.methods.enumerated() {
            let s10 = r.summary(method: m, size: 0), s20 = r.summary(method: m, size: 1)
            print(String(format: "    %-32@ n10 %.4f ± %.4f   n20 %.4f ± %.4f", name as NSString,
                         s10.mean ?? .nan, s10.se ?? .nan, s20.mean ?? .nan, s20.se ?? .nan))
            let per = r.targets.indices.map { String(format: "%@ %.3f", r.targets[$0], r.deviceMean(method: m, size: 1, target: $0) ?? .nan) }
            print("      n20 per device: " + per.joined(separator: ", "))
        }
    }
}
