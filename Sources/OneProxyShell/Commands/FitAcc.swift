import OneProxyKit

enum FitAccOptions {
    static let n = CommandOption.int("n", default: 200, range: 3...1_000_000, "how many random rows of known accuracy to train on (all of them when fewer are known)")
    static let seed = CommandOption.seed("the random draw")
}

let fitaccCommand = CommandSpec(
    name: "fitacc", category: .search,
    summary: "fit an accuracy predictor from the rows whose accuracy is known, for search acc=q",
    usage: [
        "q = fitacc d acc=cifar10 [n=200 seed=1]        # 200 random rows of known accuracy",
        "q = fitacc d acc=cifar10 rows=s                 # the rows of a sample (s = sample …) or a list",
        "q = fitacc d acc=cifar10 features=all           # NB201: onehot, live, pairs, counts, all (default auto)",
        "s = search d acc=q lat=pixel3 max=20ms          # search by predicted accuracy",
    ],
    options: [
        OptionHelp("acc", "the accuracy column to learn (cifar10, cifar100, imagenet16 on NB201; your CSV's acc_* columns)", completion: .accuracy),
        FitAccOptions.n.help,
        FitAccOptions.seed.help,
        OptionHelp("rows", "the trained rows instead of a draw: a list or a sample variable", completion: .rows),
        OptionHelp("features", "the feature family, or auto (default): every family of the space, the one with the highest leave-one-out SRCC kept"),
    ],
    details: """
        Ridge of the accuracy on a feature family of the space (METHOD.md section 9: NB201 onehot,
        live, pairs, counts, all; FBNet and OFA onehot, counts, all), with an unpenalised intercept,
        λ by exact leave-one-out among 25 values log-spaced over 1e-3..1e3 times the mean eigenvalue
        of the centred Gram matrix (and 1e12 times it, the intercept alone). With features=auto each
        family is fitted and the one whose leave-one-out predictions rank the trained accuracies
        best is kept: on NB201 (oneproxy-bench accpred, cifar100 and imagenet16, seeds 1..10) no
        single family is best at every size, and that rule comes within 0.01 of the best one at each
        (SRCC on the rows not trained 0.79 at 50 rows, counts 0.80; 0.84 at 200, the best; 0.88 at
        1000, all 0.88).

        The report gives every family's leave-one-out RMSE and SRCC, and where the dataset knows
        the accuracy of rows it did not train on, the SRCC there. search d acc=q ranks every
        candidate by the predicted accuracy (all 15625 NB201 architectures with lat=PREDICTOR).
        A predictor is a ranking, not an oracle (a linear model can predict more than 100): on
        NB201, the model it picks under a budget is further from the exhaustive optimum than the
        best of the rows it was trained on (see the README).
        """,
    examples: [
        "d = load oneproxy-nb201; q = fitacc d acc=cifar10; show q",
        "d = load help-nb201; q = fitacc d acc=cifar100 n=50 seed=2 features=live; s = search d acc=q lat=pixel3 max=median",
    ]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (dv, _) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    let column = try inv.trainedAccuracy(in: d)
    var family: String?
    if let e = inv.option("features"), case .word("auto") = e.value { family = nil } else { family = try inv.featureFamily(in: d) }
    if d.space.descriptor.featureFamilies.isEmpty {
        throw Diagnostic("\(d.name) has custom keys: no feature family is known for them, so no accuracy predictor", at: inv.commandName.location, length: inv.commandName.length)
    }
    let known = (0..<d.rowCount).filter { column.values[$0].isFinite }
    let rows: [Int], selection: String
    if let (given, loc) = try inv.rows("rows") {
        for key in ["n", "seed"] where inv.option(key) != nil {
            throw Diagnostic("\(key)= draws random rows; it does not go with rows=", at: loc.location, length: loc.length)
        }
        if let dup = firstDuplicate(given) { throw Diagnostic("row \(dup) is listed twice", at: loc.location, length: loc.length) }
        for r in given where !(0..<d.rowCount).contains(r) || !column.values[r].isFinite {
            throw Diagnostic((0..<d.rowCount).contains(r) ? "row \(r) has no \(column.name) accuracy" : "row \(r) is out of range (0..<\(d.rowCount))",
                             at: loc.location, length: loc.length)
        }
        guard given.count >= 3 else { throw Diagnostic("an accuracy predictor needs at least 3 rows, got \(given.count)", at: loc.location, length: loc.length) }
        rows = given
        selection = "\(given.count) given rows"
    } else {
        guard known.count >= 3 else {
            throw Diagnostic("\(d.name) knows \(column.name) on \(known.count) rows: an accuracy predictor needs at least 3", at: inv.commandName.location, length: inv.commandName.length)
        }
        let seed = try inv.get(FitAccOptions.seed)
        if !inv.has(FitAccOptions.n) && known.count < FitAccOptions.n.defaultValue {
            rows = known
            selection = "every row of known \(column.name) (\(known.count))"
            inv.note("\(d.name) knows \(column.name) on only \(known.count) rows: trained on all of them")
        } else {
            let n = try inv.get(FitAccOptions.n)
            guard n <= known.count else {
                throw Diagnostic("n=\(n) but \(d.name) knows \(column.name) on only \(known.count) rows", at: inv.option("n")!.location, length: inv.option("n")!.length,
                                 hint: "drop n= to train on all \(known.count)")
            }
            rows = sampleRows(candidates: known, count: n, seed: UInt64(seed))
            selection = "\(n) random rows of the \(known.count) with a known \(column.name) (seed \(seed))"
        }
    }
    let fit = try fitAccuracyModel(d, accuracy: column.name, rows: rows, family: family)
    // The truth on the known rows not trained, where there are any (all of NB201 for help-nb201).
    let trained = Set(rows)
    let rest = known.filter { !trained.contains($0) }
    var heldOut: Double?
    if !rest.isEmpty {
        let predicted = fit.model.predict(encoded: try encodingMatrix(d).selectingRows(rest))
        heldOut = spearman(predicted, rest.map { column.values[$0] }).value
    }
    return .value(AccuracyModelValue(dataset: d.name, accuracy: column.name, fit: fit, rows: rows, selection: selection,
                                     heldOutSRCC: heldOut, heldOutRows: rest.count))
}

extension Invocation {
    /// fitacc's `acc=`: an accuracy column of the dataset (or its only one).
    mutating func trainedAccuracy(in d: Dataset) throws -> AccuracyColumn {
        let names = d.accuracies.map(\.name)
        guard !names.isEmpty else {
            throw Diagnostic("\(d.name) has no accuracy column to learn from", at: commandName.location, length: commandName.length,
                             hint: "load a CSV with an acc_NAME column and merge it, then acc=NAME")
        }
        guard let e = option("acc") else {
            if names.count == 1 { return try checkedAccuracy(d.accuracies[0], at: nil) }
            throw Diagnostic("fitacc needs acc=COLUMN", at: commandName.location, length: commandName.length,
                             hint: "accuracy columns of \(d.name): " + names.joined(separator: ", "))
        }
        let name = try word(e, "an accuracy column")
        guard let a = d.accuracy(named: name.value) else {
            throw Diagnostic("\(d.name) has no accuracy column '\(name.value)'", at: e.location, length: e.length,
                             hint: nearestName(to: name.value, in: names).map { "did you mean \($0)?" } ?? "accuracy columns of \(d.name): " + names.joined(separator: ", "))
        }
        return try checkedAccuracy(a, at: e)
    }

    /// `a` when every accuracy lies within ±`maximumAccuracy`; else an error at `e` naming the
    /// first value beyond it. (Load bounds latencies at 1e9 ms but not accuracies: 1e299 in an
    /// accuracy column made fitacc's RMSE inf and filled reuse's tables with 300-digit numbers.)
    func checkedAccuracy(_ a: AccuracyColumn, at e: Located<Expr>?) throws -> AccuracyColumn {
        guard let row = a.values.firstIndex(where: { !$0.isNaN && !(abs($0) <= maximumAccuracy) }) else { return a }
        let at = e.map { ($0.location, $0.length) } ?? (commandName.location, commandName.length)
        throw Diagnostic("\(a.name) holds \(a.values[row]) at row \(row): an accuracy is a percentage, and values beyond ±\(formatNumberLiteral(maximumAccuracy)) are refused",
                         at: at.0, length: at.1, hint: "fix or drop the value in the CSV (an empty cell is a missing accuracy)")
    }

    /// search's `acc=q` with q a variable holding an accuracy predictor (and no accuracy column of
    /// the dataset by that name): the predictor, checked against the dataset's space; nil otherwise.
    mutating func accuracyModel(in d: Dataset) throws -> AccuracyModelValue? {
        guard let e = option("acc"), case .word(let w) = e.value, d.accuracy(named: w) == nil,
              session.value(of: w) is AccuracyModelValue else { return nil }
        let (q, _) = try variable(e, as: AccuracyModelValue.self, "an accuracy predictor")
        guard q.space == d.space else {
            throw Diagnostic("\(w) predicts the accuracy of \(q.space.rawValue) architectures; \(d.name) holds \(d.space.rawValue) ones", at: e.location, length: e.length)
        }
        return q
    }

    /// search's accuracy column for acc=q: the predicted accuracy of every row of `d`, labelled
    /// `predicted COLUMN`; nil when acc= names no accuracy predictor.
    mutating func predictedAccuracyColumn(in d: Dataset) throws -> AccuracyColumn? {
        try accuracyModel(in: d).map { AccuracyColumn(name: $0.label, values: try $0.predict(d)) }
    }

    /// The candidates' accuracies for search: predicted with acc=q, else the candidates' column.
    mutating func candidateAccuracies(_ candidates: Dataset, column: String) throws -> AccuracyColumn? {
        try predictedAccuracyColumn(in: candidates) ?? candidates.accuracy(named: column)
    }
}

/// The largest accuracy magnitude fitacc and search take (accuracies are percentages; the bound
/// keeps squares and products of accuracies and latencies finite).
let maximumAccuracy = 1e6
