import OneProxyKit

enum CorrelateOptions {
    static let boot = CommandOption.int("boot", default: 1000, range: 10...1_000_000, "bootstrap resamples")
    static let seed = CommandOption.seed("the bootstrap's random seed")
}

enum HeatmapOptions {
    static let order = CommandOption.word("order", ["cluster", "name"], default: "cluster",
                                          "cluster (average-linkage clustering on 1 - r, so blocks of alike devices show) or name (the data's order)")
    static let method = CommandOption<CorrelationMethod>.choice("method", default: .spearman, "when given a dataset: which correlation")
}

/// `srcc`, `kendall` and `pearson` share one implementation: pair, one-against-all, or matrix.
func correlationCommand(_ method: CorrelationMethod) -> CommandSpec {
    let name = method.command
    return CommandSpec(
        name: name, category: .monotonicity,
        summary: "\(method.label) between devices: a pair, one against all, or the matrix of all pairs",
        usage: ["\(name) d A B [ci=0.95 boot=1000 seed=1]", "\(name) d A", "m = \(name) d [devices=[A, B, …]]"],
        positionals: Positionals([.dataset, .device]),
        options: [
            OptionHelp("ci", "a bootstrap interval over architectures at this level (pair only), e.g. 0.95"),
            CorrelateOptions.boot.help,
            CorrelateOptions.seed.help,
            OptionHelp("devices", "the matrix over these devices only", completion: .device),
        ],
        details: (method == .spearman
            ? "SRCC is Pearson's r of the average ranks (ties share their mean rank, as scipy.stats.spearmanr). SRCC >= \(strongMonotonicity) is strong latency monotonicity: search on the proxy, reuse on the target.\n"
            : method == .kendall ? "Kendall's tau-b (tie-corrected), O(n log n) as scipy.stats.kendalltau.\n" : "Pearson's linear correlation of the latencies.\n")
            + "Each pair uses the architectures both devices measured and says how many.",
        examples: method == .spearman
            ? ["d = load oneproxy-nb201; srcc d true_vpu eagle_gtx", "d = load oneproxy-nb201; srcc d true_vpu", "d = load oneproxy-nb201; m = srcc d"]
            : ["d = load oneproxy-nb201; \(name) d true_vpu eagle_gtx"]
    ) { inv in
        try inv.checkPositionalCount(max: 3)
        let (dv, dname) = try inv.variable(0, as: DatasetValue.self, "a dataset")
        let d = dv.dataset
        let p = inv.positionals
        if p.count == 3 {
            let a = try inv.device(p[1], in: d), b = try inv.device(p[2], in: d)
            if a.name == b.name { throw Diagnostic("compare two different devices", at: p[2].location, length: p[2].length) }
            let r = correlate(a.latencies, b.latencies, method: method)
            try requireShared(r, a.name, b.name, at: p[2])
            var value = PairCorrelationValue(dataset: d.name, variable: dname.value, a: a.name, b: b.name, method: method, result: r)
            if let level = try inv.double("ci", default: nil, range: 0.5...0.999) {
                let boot = try inv.get(CorrelateOptions.boot)
                let seed = try inv.get(CorrelateOptions.seed)
                guard let ci = try bootstrapInterval(a.latencies, b.latencies, method: method, level: level, resamples: boot, seed: seed,
                                                     context: inv.session.computeContext) else {
                    throw Diagnostic("no bootstrap interval: the correlation is undefined on the shared architectures", at: p[2].location, length: p[2].length)
                }
                value.interval = (level, ci.low, ci.high, boot, UInt64(seed), boot - ci.defined)
            } else if inv.option("boot") != nil || inv.option("seed") != nil {
                throw Diagnostic("boot= and seed= go with ci=, e.g. ci=0.95", at: inv.commandName.location, length: inv.commandName.length)
            } else if r.n < minimumArchitecturesForVerdict,
                      let ci = try bootstrapInterval(a.latencies, b.latencies, method: method, level: 0.95, resamples: CorrelateOptions.boot.defaultValue,
                                                     seed: CorrelateOptions.seed.defaultValue, context: inv.session.computeContext) {
                // Too few shared architectures for a verdict: the interval says how rough the value is.
                value.interval = (0.95, ci.low, ci.high, CorrelateOptions.boot.defaultValue, CorrelateOptions.seed.defaultValue,
                                  CorrelateOptions.boot.defaultValue - ci.defined)
                value.intervalAutomatic = true
            }
            return .value(value)
        }
        for key in ["ci", "boot", "seed"] where inv.option(key) != nil {
            throw Diagnostic("\(key)= is for one pair: \(name) \(dname.value) A B ci=0.95", at: inv.commandName.location, length: inv.commandName.length)
        }
        if p.count == 2 {
            let a = try inv.device(p[1], in: d)
            var entries: [(name: String, result: PairCorrelation)] = []
            for b in d.devices where b.name != a.name {
                try inv.session.cancellation.check()
                entries.append((b.name, atLeastThreeShared(correlate(a.latencies, b.latencies, method: method))))
            }
            entries.sort { ($0.result.value ?? -2) > ($1.result.value ?? -2) }
            return .value(VectorCorrelationValue(dataset: d.name, device: a.name, method: method, entries: entries))
        }
        var devices = d.devices
        if let list = try inv.wordList("devices") {
            devices = try list.map { try inv.device(.init(.word($0.value), at: $0.location, length: $0.length), in: d) }
            guard devices.count >= 2 else { throw Diagnostic("devices= needs at least two devices", at: list.first?.location ?? inv.commandName.location) }
        }
        let m = atLeastThreeShared(try correlationMatrix(names: devices.map(\.name), columns: devices.map(\.latencies), method: method,
                                                         context: inv.session.computeContext))
        return .value(MatrixCorrelationValue(dataset: d.name, matrix: m, order: clusteredOrder(m), asHeatmap: false))
    }
}

/// A correlation over fewer than 3 shared architectures says nothing (2 points always give ±1):
/// shown as undefined, with the reason.
func atLeastThreeShared(_ r: PairCorrelation) -> PairCorrelation {
    guard r.n < 3, r.value != nil else { return r }
    return PairCorrelation(value: nil, n: r.n, undefinedReason: "only \(r.n) shared architecture\(r.n == 1 ? "" : "s")")
}

func atLeastThreeShared(_ m: CorrelationMatrix) -> CorrelationMatrix {
    var m = m
    for i in m.names.indices { for j in m.names.indices where i != j && m.counts[i][j] < 3 { m.values[i][j] = nil } }
    return m
}

/// A pair needs at least 3 shared architectures to mean anything.
func requireShared(_ r: PairCorrelation, _ a: String, _ b: String, at e: Located<Expr>) throws {
    if r.n < 3 {
        throw Diagnostic("\(a) and \(b) share \(r.n) measured architecture\(r.n == 1 ? "" : "s"); a correlation needs at least 3", at: e.location, length: e.length)
    }
}

let srccCommand = correlationCommand(.spearman)
let kendallCommand = correlationCommand(.kendall)
let pearsonCommand = correlationCommand(.pearson)

let heatmapCommand = CommandSpec(
    name: "heatmap", category: .monotonicity,
    summary: "draw a correlation matrix as a heatmap, devices ordered by clustering",
    usage: ["heatmap m [order=cluster|name]", "heatmap d [method=spearman|kendall|pearson]"],
    positionals: Positionals([.variables("a dataset or a correlation matrix", { $0 is DatasetValue || $0 is MatrixCorrelationValue })]),
    options: [
        HeatmapOptions.order.help,
        HeatmapOptions.method.help,
    ],
    details: "Cells >= \(strongMonotonicity) (strong monotonicity) stand out: green with colour, * without. export h \"fig.svg\" writes the figure.",
    examples: ["d = load oneproxy-nb201; m = srcc d; heatmap m", "d = load help-fbnet; h = heatmap d order=name; export h \"/tmp/fbnet.svg\""]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let arg = try inv.positional(0, "a correlation matrix or a dataset")
    var value: MatrixCorrelationValue
    if case .word(let n) = arg.value, inv.session.value(of: n) is DatasetValue {
        let (dv, _) = try inv.variable(arg, as: DatasetValue.self, "a dataset")
        let method = try inv.get(HeatmapOptions.method)
        let d = dv.dataset
        let m = atLeastThreeShared(try correlationMatrix(names: d.deviceNames, columns: d.devices.map(\.latencies), method: method,
                                                         context: inv.session.computeContext))
        value = MatrixCorrelationValue(dataset: d.name, matrix: m, order: Array(m.names.indices), asHeatmap: true)
    } else {
        let (m, _) = try inv.variable(arg, as: MatrixCorrelationValue.self, "a correlation matrix (m = srcc d)")
        value = m
        value.asHeatmap = true
    }
    let order = try inv.get(HeatmapOptions.order)
    value.order = order == "cluster" ? clusteredOrder(value.matrix) : Array(value.matrix.names.indices)
    return .value(value)
}
