import OneProxyKit

let adaptCommand = CommandSpec(
    name: "adapt", category: .predictors,
    summary: "AdaProxy: adapt the proxy's linear predictor to a target from a few measured samples",
    usage: [
        "a = adapt d proxy=P target=T [train=60 val=10 seed=1] [norm=l2] [select=cv folds=5]",
        "a = adapt d proxy=P target=T samples=[r1, r2, …] train=60   # the first 60 rows train, the rest validate",
        "a = adapt d proxy=P target=T lambda=0                      # a fixed λ, fit on the training rows",
    ],
    options: [
        OptionHelp("proxy", "the proxy device (its predictor is fit on every architecture it measured)", completion: .device),
        OptionHelp("target", "the target device (only the sampled rows' latencies are used to adapt)", completion: .device),
        AdaptOptions.train.help,
        AdaptOptions.val.help,
        AdaptOptions.seed.help,
        OptionHelp("samples", "the sampled row numbers instead of a random draw: a list, or a sample variable (s = sample …)", completion: .rows),
        AdaptOptions.norm.help,
        AdaptOptions.select.help,
        AdaptOptions.folds.help,
        OptionHelp("lambda", "a fixed λ instead of a choice (0 = no penalty); λ is unit-free"),
        OptionHelp("features", "the feature family the proxy is fit and adapted over (default onehot; NB201 also live, pairs, counts, all)"),
        OptionHelp("targets", "several targets at once, [T1, T2, …] or all: one table of raw, adapted and target-only SRCC", completion: .device),
    ],
    details: """
        Solves min over a, b, c of (1/n)‖X(w∘(a+b)) + c − y‖² + λ‖b‖_p exactly for every λ of a
        26-value path from 0 to the λ where b = 0; latencies are divided by their standard deviation
        first, so λ does not depend on the unit. The report shows the honest baselines beside it:
        the raw proxy's SRCC, the proxy fit's, and a ridge model on the same samples with no proxy.

        A new device measured on a few architectures (merged into a dataset by a left join, so it
        has latencies on at most 70 rows, or on fewer than half of them) needs no samples=: every
        row it measured is a sample. With no measured row outside the samples, the headline is the
        out-of-fold SRCC of cross-validation and the report says the other figures are in-sample.
        Every report gives the absolute error in the target's unit (MAPE and the share within ±10%)
        on rows the model was not fitted on.

        features=FAMILY fits the proxy by least squares over a richer feature family of the space
        (fit d P features=… lists them; all = 305 columns on NB201) and adapts that predictor:
        AdaProxy over a rich basis. The result predicts any architecture of the space.
        """,
    examples: [
        "d = load oneproxy-nb201; a = adapt d proxy=true_vpu target=eagle_gtx; show a",
        "d = load oneproxy-nb201; adapt d proxy=true_vpu target=eagle_gtx train=20 val=5 select=cv folds=loo norm=l1",
    ]
) { inv in
    if inv.option("targets") != nil { return try adaptTargets(&inv) }
    try inv.checkPositionalCount(max: 1)
    let (dv, _) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    guard let proxyArg = inv.option("proxy") else {
        throw Diagnostic("adapt needs proxy=DEVICE", at: inv.commandName.location, length: inv.commandName.length, hint: "for example: adapt d proxy=true_vpu target=eagle_gtx")
    }
    guard let targetArg = inv.option("target") else {
        throw Diagnostic("adapt needs target=DEVICE", at: inv.commandName.location, length: inv.commandName.length, hint: "for example: adapt d proxy=\(proxyArg.value.sourceText) target=eagle_gtx")
    }
    let proxy = try inv.device(proxyArg, in: d, role: "the proxy device")
    let target = try inv.device(targetArg, in: d, role: "the target device")
    if proxy.name == target.name {
        throw Diagnostic("the proxy and the target are the same device (\(proxy.name))", at: targetArg.location, length: targetArg.length)
    }
    let norm = try inv.get(AdaptOptions.norm)
    let lambda = try inv.double("lambda", default: nil, range: 0...1e12)
    let selectName = try inv.get(AdaptOptions.select)
    if lambda != nil, inv.option("select") != nil {
        throw Diagnostic("give either lambda= (a fixed λ) or select= (a choice of λ), not both", at: inv.commandName.location, length: inv.commandName.length)
    }
    var folds = try inv.get(AdaptOptions.folds)

    // The samples: given row numbers, or a seeded draw among rows both devices measured.
    var rows: [Int]
    var trainCount: Int
    let seed = try inv.get(AdaptOptions.seed)
    var how: String
    if let (given, loc) = try inv.rows("samples") {
        if inv.option("seed") != nil { throw Diagnostic("seed= draws random samples; it does not go with samples=", at: loc.location, length: loc.length) }
        rows = given
        let val = try inv.int("val", default: -1, range: 0...100_000)
        trainCount = try inv.int("train", default: val >= 0 ? rows.count - val : rows.count - min(10, rows.count / 5), range: 1...100_000)
        if trainCount > rows.count || (val >= 0 && trainCount + val != rows.count) {
            throw Diagnostic("samples= has \(rows.count) rows: train=\(trainCount)\(val >= 0 ? " and val=\(val)" : "") do not add up to it", at: loc.location, length: loc.length)
        }
        how = "\(rows.count) given samples"
    } else if inv.option("train") == nil, inv.option("val") == nil, inv.option("seed") == nil,
              let measured = newDeviceRows(proxy: proxy, target: target, rowCount: d.rowCount) {
        // A new device measured on a few architectures: every row it measured is a sample.
        rows = measured
        trainCount = rows.count
        how = "all \(rows.count) rows \(target.name) measured"
        if inv.option("folds") == nil, rows.count < 10 { folds = nil }
    } else {
        let trainN = try inv.get(AdaptOptions.train)
        let valN = try inv.get(AdaptOptions.val)
        rows = try drawSamples(count: trainN + valN, measuredBy: [proxy, target], seed: seed)
        trainCount = trainN
        how = "\(trainN + valN) random samples (seed \(seed))"
    }
    let train = Array(rows.prefix(trainCount)), val = Array(rows.dropFirst(trainCount))
    let selection: LambdaSelection
    if let lambda {
        selection = .fixed(lambda)
        how += ", λ fixed at \(formatLambda(lambda))"
    } else if selectName == "val" {
        selection = .validation
        how += ", λ chosen by validation SRCC"
    } else {
        selection = .crossValidation(folds: folds)
        how += ", λ chosen by " + (folds.map { "\($0)-fold" } ?? "leave-one-out") + " CV"
    }
    if case .validation = selection, rows.count == trainCount {
        throw Diagnostic("select=val needs validation rows: give val=N (or use select=cv)", at: inv.commandName.location, length: inv.commandName.length)
    }
    var basis: FeatureBasis?
    if let family = try inv.featureFamily(in: d) {
        basis = try FeatureBasis(space: d.space, family: family)
        how += ", over the \(family) features"
    }
    let x = try basis.map { try featureMatrix(d, family: $0.family) } ?? encodingMatrix(d)
    let report = try adaptProxy(X: x, proxyLatencies: proxy.latencies, targetLatencies: target.latencies,
                                train: train, val: val, norm: norm, selection: selection, context: inv.session.computeContext)
    // λ at the top of its path: b = 0, the samples did not support adapting this proxy, and the
    // result is the proxy's own fit rescaled. Say so, and name the command that uses the pool.
    if case .crossValidation = selection, let top = report.path.last?.lambda, report.lambda >= top, report.path.count > 1 {
        inv.warn("λ was chosen at the top of its path: the samples do not support adapting \(proxy.name) to \(target.name), so this is \(proxy.name)'s own fit rescaled; one proxy may be weak here: try p = predictor \(inv.positionals.first?.value.sourceText ?? "d") target=\(target.name), which compares it with the pool's stacks")
    }
    let evaluated = target.latencies.filter { !$0.isNaN }.count
    let predicted = report.predict(x)
    let both = rowsMeasured(by: [proxy, target])
    let scatter = AdaptationScatter(rows: both, target: both.map { target.latencies[$0] }, proxy: both.map { proxy.latencies[$0] },
                                    adapted: both.map { predicted[$0] })
    return .value(AdaptationValue(dataset: d.name, space: d.space, proxy: proxy.name, target: target.name, report: report,
                                  evaluated: evaluated, selectionText: how, scatter: scatter, basis: basis))
}

/// Whether a target that measured `measured` of a dataset's `rowCount` rows is a new device, whose
/// every measured row is a sample by default: at most 70 rows, or fewer than half the dataset's.
func isSparselyMeasured(_ measured: Int, rowCount: Int) -> Bool { measured <= 70 || 2 * measured < rowCount }

/// The rows a sparsely measured target (a new device) measured together with the proxy, when it
/// measured at most 70 rows or fewer than half of the dataset's; nil for a fully measured target.
func newDeviceRows(proxy: Device, target: Device, rowCount: Int) -> [Int]? {
    let measured = target.latencies.indices.filter { !target.latencies[$0].isNaN }
    guard isSparselyMeasured(measured.count, rowCount: rowCount) else { return nil }
    return measured.filter { !proxy.latencies[$0].isNaN }
}
