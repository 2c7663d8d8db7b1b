import OneProxyKit

enum CurveOptions {
    static let repeats = CommandOption.int("repeats", default: 10, range: 1...10_000, "random draws per size")
    static let seed = CommandOption.int("seed", default: 1, range: 0...Int.max, "repeat r draws with seed+r")
}

let curveCommand = CommandSpec(
    name: "curve", category: .manyProxies,
    summary: "few-shot curve: SRCC against the number of target samples for the baselines, AdaProxy and the many-proxy methods",
    usage: ["c = curve d proxy=P target=T [n=[5, 10, 20, 40, 70, 100, 200]] [repeats=10] [seed=1] [pool=[A, B, …]] [norm=l2] [features=all]"],
    options: [
        OptionHelp("proxy", "the proxy of the single-proxy methods (raw proxy, proxy fit, AdaProxy)", completion: .device),
        OptionHelp("target", "the target device (its full measurements score every method)", completion: .device),
        OptionHelp("n", "the sample sizes (default [5, 10, 20, 40, 70, 100, 200], those the data allows; at least 3 each)"),
        CurveOptions.repeats.help,
        CurveOptions.seed.help,
        OptionHelp("pool", "the proxies of the many-proxy methods (default: every device but the target)", completion: .device),
        AdaptOptions.norm.help,
        OptionHelp("features", "the rich feature family of the three feature methods (default all; off leaves them out)"),
    ],
    details: """
        Methods: the raw proxy, the proxy's fit x·w, AdaProxy from the proxy, a target-only ridge,
        the pool's best proxy (the fit ranking the samples best) + AdaProxy, a non-negative stack of
        the pool's fits (NNLS), and the stack + AdaProxy; then, over the rich feature family
        (features=, default all where the space has one): AdaProxy from the proxy's ridge fit over
        it, a target-only ridge over it, and the stack + a residual ridge over it. The curve up to
        200 samples shows where a richer model starts to pay: with many samples a target-only model
        over the family reaches its ceiling, with few the pool's knowledge matters more. λ and the
        ridge's α are chosen by leave-one-out CV up to 20 samples, 5-fold above (the feature
        ridges: exact leave-one-out at every size). Repeat r draws one seeded permutation of
        the architectures both devices measured and uses its first n for every n, so sizes are
        nested and methods see the same samples. SRCC is on every architecture the target measured.
        export c "c.csv" writes method,n,mean,sd.
        """,
    examples: [
        "d = load oneproxy-nb201; c = curve d proxy=true_vpu target=eagle_gtx n=[5, 10] repeats=2 pool=[true_vpu, eagle_i7, rice_pixel3]; show c",
    ]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (dv, _) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    let (proxy, target) = try inv.proxyAndTarget(in: d, command: "curve")
    var sizes = [5, 10, 20, 40, 70, 100, 200]
    let sizesGiven = inv.option("n") != nil
    if let e = inv.option("n") {
        guard case .list(let items) = e.value, !items.isEmpty else {
            throw Diagnostic("n takes a list of sample sizes such as [5, 10, 20]", at: e.location, length: e.length)
        }
        sizes = try items.map { try inv.int($0, key: "n", range: 3...100_000) }
    }
    let repeats = try inv.get(CurveOptions.repeats)
    let seed = try inv.get(CurveOptions.seed)
    let norm = try inv.get(AdaptOptions.norm)
    var family: String? = d.space.descriptor.featureFamilies.contains("all") ? "all" : nil
    if case .word("off") = inv.option("features")?.value { family = nil } else if let f = try inv.featureFamily(in: d) { family = f }
    var poolDevices = try inv.devicePool("pool", in: d, excluding: target.name)
    if !poolDevices.contains(where: { $0.name == proxy.name }) { poolDevices.insert(proxy, at: 0) }
    let ctx = inv.session.computeContext
    let x = try encodingMatrix(d)
    let pool = try FewShotPool(x: x, proxies: poolDevices, context: ctx)
    let context = try FewShotContext(pool: pool, target: target)
    let p = pool.index(of: proxy.name)!
    var methods: [any FewShotMethod] = [
        RawProxyMethod(proxy: p, name: "raw proxy"), ProxyFitMethod(proxy: p, name: "proxy fit"),
        AdaProxyMethod(proxy: p, norm: norm, name: "AdaProxy"), TargetOnlyRidgeMethod(),
        BestProxyMethod(norm: norm), StackMethod(adapt: false), StackMethod(adapt: true, norm: norm),
    ]
    if let family {
        let basis = try FeatureBasis(space: d.space, family: family)
        methods += [
            try FeatureAdaProxyMethod(pool: pool, proxy: p, basis: basis, norm: norm, name: "AdaProxy (\(family))"),
            FeatureRidgeMethod(basis: basis), StackResidualMethod(basis: basis),
        ] as [any FewShotMethod]
    }
    let candidates = rowsMeasured(by: [proxy, target])
    if !sizesGiven { sizes = sizes.filter { $0 <= candidates.count } }
    guard let maxN = sizes.max(), maxN <= candidates.count else {
        throw Diagnostic("n=\(sizes.max() ?? 0) samples asked for, but only \(candidates.count) architectures have both latencies", at: inv.commandName.location, length: inv.commandName.length)
    }
    let points = try fewShotCurve(context, methods: methods, sizes: sizes, repeats: repeats, seed: UInt64(seed), candidates: candidates, compute: ctx)
    return .value(CurveValue(dataset: d.name, proxy: proxy.name, target: target.name, pool: pool.names, sizes: sizes, repeats: repeats,
                             seed: seed, evaluated: context.evalRows.count, points: points))
}

extension Invocation {
    /// proxy= and target=, both devices of d and different.
    mutating func proxyAndTarget(in d: Dataset, command: String) throws -> (Device, Device) {
        guard let proxyArg = option("proxy") else {
            throw Diagnostic("\(command) needs proxy=DEVICE", at: commandName.location, length: commandName.length)
        }
        let target = try targetDevice(in: d, command: command)
        let proxy = try device(proxyArg, in: d, role: "the proxy device")
        if proxy.name == target.name {
            throw Diagnostic("the proxy and the target are the same device (\(proxy.name))", at: proxyArg.location, length: proxyArg.length)
        }
        return (proxy, target)
    }

    mutating func targetDevice(in d: Dataset, command: String) throws -> Device {
        guard let t = option("target") else {
            throw Diagnostic("\(command) needs target=DEVICE", at: commandName.location, length: commandName.length)
        }
        return try device(t, in: d, role: "the target device")
    }

    /// A list of devices of d (`key=[A, B]`), or every device but `excluding`.
    mutating func devicePool(_ key: String, in d: Dataset, excluding: String) throws -> [Device] {
        guard let list = try wordList(key) else { return d.devices.filter { $0.name != excluding } }
        var out: [Device] = []
        for name in list {
            let dev = try device(Located(.word(name.value), at: name.location, length: name.length), in: d)
            if dev.name == excluding { throw Diagnostic("\(key)= cannot hold \(excluding) (the \(key == "targets" ? "proxy" : "target"))", at: name.location, length: name.length) }
            if out.contains(where: { $0.name == dev.name }) { throw Diagnostic("\(dev.name) is listed twice", at: name.location, length: name.length) }
            out.append(dev)
        }
        guard !out.isEmpty else { throw Diagnostic("\(key)= is empty", at: commandName.location, length: commandName.length) }
        return out
    }

    /// `samples=` (a list or a sample variable), a seeded draw of `n=` rows the target measured, or,
    /// with neither and a sparsely measured target (a new device: at most 70 rows or under half of
    /// the dataset's), every row it measured.
    mutating func fewShotSamples(in d: Dataset, target: Device, defaultN: Int) throws -> (rows: [Int], text: String) {
        let nOption = FewShotOptions.n(defaultN)
        if let (given, loc) = try rows("samples") {
            for key in ["n", "seed"] where option(key) != nil {
                throw Diagnostic("\(key)= draws random samples; it does not go with samples=", at: loc.location, length: loc.length)
            }
            if let dup = firstDuplicate(given) { throw Diagnostic("row \(dup) is listed twice", at: loc.location, length: loc.length) }
            for r in given where r < 0 || r >= d.rowCount || target.latencies[r].isNaN {
                throw Diagnostic(r < 0 || r >= d.rowCount ? "sample row \(r) is out of range (0..<\(d.rowCount))" : "sample row \(r) has no \(target.name) latency",
                                 at: loc.location, length: loc.length)
            }
            guard given.count >= 3 else { throw Diagnostic("at least 3 samples are needed, got \(given.count)", at: loc.location, length: loc.length) }
            return (given, "\(given.count) given samples")
        }
        let candidates = (0..<d.rowCount).filter { !target.latencies[$0].isNaN }
        if !has(nOption), isSparselyMeasured(candidates.count, rowCount: d.rowCount), candidates.count >= 3 {
            return (candidates, "every row \(target.name) measured (\(candidates.count))")
        }
        let n = try get(nOption)
        let seed = try get(FewShotOptions.seed)
        guard n <= candidates.count else {
            throw Diagnostic("n=\(n) but \(target.name) measured only \(candidates.count) architectures", at: commandName.location, length: commandName.length)
        }
        return (sampleRows(candidates: candidates, count: n, seed: seed), "\(n) random samples (seed \(seed))")
    }
}
