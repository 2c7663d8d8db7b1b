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

/// The ceiling of each family on HELP's targets: ridge (λ by leave-one-out) on EVERY row the
/// target measured, scored on its HELP query rows. No model linear over the family does better
/// from 20 samples, however it uses the pool.
func printFamilyCeilings(_ d: Dataset, _ proto: HelpProtocol) throws {
    for family in d.space.descriptor.featureFamilies {
        let f = try featureMatrix(d, family: family)
        let per = try proto.targets.map { name -> String in
            let t = d.device(named: name)!
            let rows = t.latencies.indices.filter { !t.latencies[$0].isNaN }
            let r = try dualRidge(features: f.selectingRows(rows), y: rows.map { t.latencies[$0] })
            let q = try proto.split(d, target: t).query
            let p = f.selectingRows(q).multiply(r.weights)
            return String(format: "%@ %.3f", name, spearman(p, q.map { t.latencies[$0] }).value ?? .nan)
        }
        print("    ceiling \(family) (ridge on every measured row, SRCC on the query): " + per.joined(separator: ", "))
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
        try printFamilyCeilings(d, proto)
        for (m, name) in r.methods.enumerated() {
            let s10 = r.summary(method: m, size: 0), s20 = r.summary(method: m, size: 1)
            print(String(format: "    %-32@ n10 %.4f ± %.4f   n20 %.4f ± %.4f", name as NSString,
                         s10.mean ?? .nan, s10.se ?? .nan, s20.mean ?? .nan, s20.se ?? .nan))
            let per = r.targets.indices.map { String(format: "%@ %.3f", r.targets[$0], r.deviceMean(method: m, size: 1, target: $0) ?? .nan) }
            print("      n20 per device: " + per.joined(separator: ", "))
        }
    }
}

/// Leave one device out over all 27 help-nb201 devices: each device is the target of a pool of
/// the other 26, with 20 random samples from its HELP candidates (no reference architectures),
/// scored on its HELP query rows; seeds 1001..1010. Prints each method's mean over the 27 devices
/// and its worst device.
func benchModelsAllDevices() throws {
    let d = try BundledDatasets.load("help-nb201")
    let full = try FewShotPool(x: try encodingMatrix(d), proxies: d.devices)
    let rich = try FeatureBasis(space: d.space, family: "all")
    var scores: [String: [(device: String, mean: Double)]] = [:]
    var order: [String] = []
    let start = Date()
    for (k, target) in d.devices.enumerated() {
        let pool = full.subset(full.names.indices.filter { $0 != k })
        let split = try HelpProtocol.nb201.split(d, target: target)
        let context = try FewShotContext(pool: pool, target: target, evalRows: split.query)
        var methods: [any FewShotMethod] = [
            BestProxyMethod(name: "best proxy + AdaProxy"), StackMethod(adapt: false), StackMethod(adapt: true),
            BlendedStackMethod(), TargetOnlyRidgeMethod(), FeatureRidgeMethod(basis: rich), StackResidualMethod(basis: rich),
        ]
        if let costs = PoolOpCosts(pool: pool, space: d.space) { methods.append(StackResidualMethod(basis: rich, opCosts: costs)) }
        if let p3 = pool.index(of: "pixel3") { methods.insert(try FeatureAdaProxyMethod(pool: pool, proxy: p3, basis: rich, name: "pixel3 + AdaProxy (all)"), at: 0) }
        for m in methods {
            if !order.contains(m.name) { order.append(m.name) }
            let v = (0..<10).compactMap { s -> Double? in
                let samples = sampleRows(candidates: split.candidates, count: 20, seed: 1001 + UInt64(s))
                return (try? m.fit(context, samples: samples)).flatMap { context.score($0) }
            }
            scores[m.name, default: []].append((target.name, v.reduce(0, +) / Double(max(v.count, 1))))
        }
    }
    print(String(format: "  help-nb201, each of 27 devices the target of the other 26, 20 random samples, seeds 1001..1010: %.1f s",
                 Date().timeIntervalSince(start)))
    for name in order {
        let v = scores[name]!
        let worst = v.min { $0.mean < $1.mean }!
        print(String(format: "    %-32@ mean %.4f over %d devices, worst %.3f (%@)", name as NSString,
                     v.map(\.mean).reduce(0, +) / Double(v.count), v.count, worst.mean, worst.device as NSString))
    }
}

/// Plan designs for the pool methods (`plan d n=20 pool=…`): each of help-nb201's 27 devices is a
/// new device, the pool is oneproxy-nb201's 18 devices (on help-nb201's rows), 20 planned rows,
/// `predictor`'s default method (the stack + residual ridge with op costs), SRCC on all 15625
/// architectures; plan seeds 1..5 per design. Then the checks: gold_6226 and titan_rtx_256
/// with plan seeds 1..10 and the default design.
func benchPlanPool() throws {
    let h = try BundledDatasets.load("help-nb201")
    let o = try BundledDatasets.load("oneproxy-nb201")
    let pool = try FewShotPool(x: try encodingMatrix(h), proxies: devicesOnRows(of: h, from: o))
    let rich = try FeatureBasis(space: h.space, family: "all")
    let method = StackResidualMethod(basis: rich, opCosts: PoolOpCosts(pool: pool, space: h.space)!)
    let candidates = Array(0..<h.rowCount)
    func score(_ target: Device, design: PlanDesign, seed: UInt64) throws -> Double {
        let rows = planPoolSamples(fitted: pool.fitted, candidates: candidates, n: 20, design: design, seed: seed)
        let context = try FewShotContext(pool: pool, target: target)
        return context.score(try method.fit(context, samples: rows)) ?? .nan
    }
    print("  help-nb201's 27 devices as new devices, pool = oneproxy-nb201's 18, 20 planned rows, stack + residual (all + op costs), seeds 1..5")
    var byDesign: [PlanDesign: [Double]] = [:]
    for design in PlanDesign.allCases {
        var perDevice: [Double] = []
        for t in h.devices {
            let v = try (1...5).map { try score(t, design: design, seed: UInt64($0)) }
            perDevice.append(v.reduce(0, +) / 5)
        }
        byDesign[design] = perDevice
        let worst = perDevice.indices.min { perDevice[$0] < perDevice[$1] }!
        print(String(format: "    %-10@ mean %.4f over 27 devices, worst %.3f (%@)", design.rawValue as NSString,
                     perDevice.reduce(0, +) / 27, perDevice[worst], h.devices[worst].name as NSString))
    }
    for other in [PlanDesign.stratified, .doptimal] {
        let diff = zip(byDesign[other]!, byDesign[.random]!).map { $0 - $1 }
        let m = diff.reduce(0, +) / Double(diff.count)
        let sd = (diff.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(diff.count - 1)).squareRoot()
        print(String(format: "    %@ − random: %+.4f ± %.4f (paired by device, standard error)", other.rawValue as NSString, m, sd / Double(diff.count).squareRoot()))
    }
    for name in ["gold_6226", "titan_rtx_256"] {
        let t = h.device(named: name)!
        let v = try (1...10).map { try score(t, design: .doptimal, seed: UInt64($0)) }
        print(String(format: "    check %@: plan seeds 1..10 (doptimal, plan's default for a pool): mean %.4f, min %.4f", name as NSString, v.reduce(0, +) / 10, v.min()!))
    }
}
