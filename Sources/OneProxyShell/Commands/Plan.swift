import OneProxyKit

enum PlanOptions {
    static let n = CommandOption.int("n", default: 20, range: 1...100_000, "how many architectures to measure")
    static let seed = CommandOption.seed("the random start or draw")
}

enum ShortlistOptions {
    static let n = CommandOption.int("n", default: 5, range: 1...1000, "how many")
    static let margin = CommandOption.number("margin", default: 0.1, range: 0...10,
                                             "how far over the budget a prediction may be and still qualify, as the predictor errs", defaultText: "10%")
}

let planCommand = CommandSpec(
    name: "plan", category: .newDevice,
    summary: "which architectures to measure on a new device, chosen from what the proxy knows",
    usage: ["p = plan d n=20 proxy=P [design=doptimal|stratified|random] [seed=1]",
            "p = plan d n=20 [pool=all|DATASET|[A, B, …]] [design=…]    # for predictor and the pool methods"],
    options: [
        PlanOptions.n.help,
        OptionHelp("proxy", "the proxy whose linear predictor guides the choice (fit on every row it measured)", completion: .device),
        OptionHelp("pool", "without proxy=: plan for the pool methods (predictor, stack) from the pool's fits (default all: every bundled device of the space)", completion: .device),
        OptionHelp("design", "doptimal (default for proxy=: spread over AdaProxy's features, the best measured for one proxy), stratified (one per band of predicted latency) or random; with a pool, doptimal spreads the picks over the pool's fits", choices: PlanDesign.allCases.map(\.rawValue)),
        PlanOptions.seed.help,
    ],
    details: """
        Candidates are the rows the proxy measured. Measured on the bundled data (README, "A new
        device"): spreading the samples over AdaProxy's own features (greedy D-optimal) beats
        random picks for one proxy; export the plan for your measuring harness, measure, load the
        CSV, merge it (a left join) and adapt: every row the new device measured is a sample.
        """,
    examples: [
        "d = load oneproxy-nb201; p = plan d n=20 proxy=eagle_cpu_855; export p \"/tmp/oneproxy-plan.csv\"",
        "d = load oneproxy-nb201; plan d n=10 proxy=true_vpu design=stratified seed=3",
    ]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (dv, dname) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    guard let proxyArg = inv.option("proxy") else {
        // No proxy: a plan for the pool methods.
        let (proxies, poolText) = try inv.proxyPool("pool", in: d, excluding: "", default: .all)
        let n = try inv.get(PlanOptions.n)
        let design = try inv.choice("design", default: poolPlanDefault)
        let seed = try inv.get(PlanOptions.seed)
        let pool = try FewShotPool(x: try encodingMatrix(d), proxies: proxies, context: inv.session.computeContext)
        let candidates = Array(0..<d.rowCount)
        guard n <= candidates.count else {
            throw Diagnostic("n=\(n) but \(d.name) has \(candidates.count) architectures", at: inv.option("n")!.location, length: inv.option("n")!.length)
        }
        let rows = planPoolSamples(fitted: pool.fitted, candidates: candidates, n: n, design: design, seed: UInt64(seed))
        let mean = (0..<d.rowCount).map { r in pool.fitted.reduce(0) { $0 + $1[r] } / Double(max(pool.fitted.count, 1)) }
        return .value(PlanValue(
            rows: rows, keys: rows.map { d.keys[$0] }, keyName: d.keyName, nb201Index: d.nb201Index.map { idx in rows.map { idx[$0] } },
            predicted: rows.map { mean[$0] }, predictedBy: "the mean of the pool's linear predictors",
            how: "\(design.rawValue) design for the pool methods, pool: \(poolText) (seed \(seed))", dataset: d.name,
            next: "measure these on the new device (export the plan as .csv for your harness), then: u = load \"mine.csv\"; m = merge \(dname.value) u; p = predictor m target=NEW"))
    }
    if let e = inv.option("pool") {
        throw Diagnostic("pool= plans for the pool methods; proxy= plans for one proxy: give one", at: e.location, length: e.length)
    }
    let proxy = try inv.device(proxyArg, in: d, role: "the proxy device")
    let n = try inv.get(PlanOptions.n)
    let design = try inv.choice("design", default: PlanDesign.doptimal)
    let seed = try inv.get(PlanOptions.seed)
    let x = try encodingMatrix(d)
    let fit = try fitLinearPredictor(X: x, latencies: proxy.latencies)
    let candidates = (0..<d.rowCount).filter { !proxy.latencies[$0].isNaN }
    if n > candidates.count {
        throw Diagnostic("n=\(n) but \(proxy.name) measured only \(candidates.count) architectures", at: inv.option("n")!.location, length: inv.option("n")!.length)
    }
    let rows = planSamples(X: x, weights: fit.weights, candidates: candidates, n: n, design: design, seed: UInt64(seed))
    let predicted = fit.predict(x)
    return .value(PlanValue(
        rows: rows, keys: rows.map { d.keys[$0] }, keyName: d.keyName, nb201Index: d.nb201Index.map { idx in rows.map { idx[$0] } },
        predicted: rows.map { predicted[$0] }, predictedBy: "\(proxy.name)'s linear predictor",
        how: "\(design.rawValue) design from \(proxy.name) (seed \(seed))", dataset: d.name,
        next: "measure these on the new device (export the plan as .csv for your harness), then: u = load \"mine.csv\"; m = merge \(dname.value) u; a = adapt m proxy=\(proxy.name) target=NEW"))
}

/// The design `plan … pool=` uses by default. Measured in `oneproxy-bench plan-pool` (README, "A new
/// device"): D-optimal on the pool's fits scored +0.002 ± 0.001 over random on 27 new devices and
/// lifted the worst (pixel2) from 0.879 to 0.899; stratified tied with random.
let poolPlanDefault = PlanDesign.doptimal

let shortlistCommand = CommandSpec(
    name: "shortlist", category: .newDevice,
    summary: "the few architectures to measure to confirm the best choice under a budget of a predicted search",
    usage: ["c = shortlist s [n=5] [margin=10%]"],
    positionals: Positionals([.variables("a search", { $0 is SearchValue })]),
    options: [
        ShortlistOptions.n.help,
        ShortlistOptions.margin.help,
    ],
    details: """
        From a search whose latency is predicted and that has a budget (search d acc=… lat=a max=…):
        the architectures on the predicted Pareto front whose predicted latency is within the
        budget plus the margin, most accurate first. Each is the best choice for some budget near
        yours, and the list steps down in latency, so it holds a model that really meets the
        budget even when the predictor errs by the margin. Measure them on the device; the most
        accurate that meets the budget is the choice. export c as .csv for the harness.
        """,
    examples: ["d = load oneproxy-nb201; p = fit d true_vpu; s = search d acc=cifar10 lat=p max=3ms; shortlist s n=5"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (s, sname) = try inv.variable(0, as: SearchValue.self, "a search result (s = search … lat=PREDICTOR max=…)")
    guard let budget = s.budget else {
        throw Diagnostic("\(sname.value) has no budget: search again with max=, e.g. max=5ms", at: sname.location, length: sname.length)
    }
    let n = try inv.get(ShortlistOptions.n)
    let margin = try inv.get(ShortlistOptions.margin)
    let limit = budget * (1 + margin)
    // The front is sorted by latency with accuracy rising: walk it down from the limit.
    let rows = s.front.points.filter { $0.latency <= limit }.reversed().prefix(n).map(\.index)
    guard !rows.isEmpty else {
        throw Diagnostic("no architecture is predicted within \(formatMs(limit))", at: sname.location, length: sname.length)
    }
    let c = s.candidates
    let list = Array(rows)
    return .value(PlanValue(
        rows: list, keys: list.map { c.keys[$0] }, keyName: c.keyName, nb201Index: c.nb201Index.map { idx in list.map { idx[$0] } },
        predicted: list.map { s.latencies[$0] }, predictedBy: s.source,
        how: "the \(list.count) most accurate (\(s.accuracyName)) on the predicted front within \(formatMs(budget)) + \(String(format: "%.0f", margin * 100))%",
        dataset: c.name, extra: [(s.accuracyName, list.map { s.accuracies[$0] })],
        next: "measure these on the device to confirm which meets \(formatMs(budget)); the first that does is the choice"))
}
