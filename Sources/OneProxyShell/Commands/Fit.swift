import OneProxyKit

let fitCommand = CommandSpec(
    name: "fit", category: .predictors,
    summary: "fit a device's latency predictor: linear on the space's encoding, or ridge over a richer feature family",
    usage: ["p = fit d PROXY", "p = fit d PROXY features=all     # NB201: onehot, live, pairs, counts, all"],
    positionals: Positionals([.dataset, .device]),
    options: [OptionHelp("features", "the feature family (default onehot: least squares on the encoding; any other: ridge, λ by leave-one-out)")],
    details: """
        Least squares of the device's latencies on the architectures' encoding (NB201: 6 one-hot
        groups of 5 plus a constant, 31 columns of rank 25), rank-aware: the minimum-norm solution,
        so the weights stay small (the reference notebook's pseudo-inverse gives weights near 1e8
        that cancel). Rows the device did not measure are skipped. The SRCC of the fit on its own
        rows is in-sample; the report adds 5-fold cross-validation (leave-one-out under 10 rows):
        the SRCC and absolute error on rows each fold did not see.

        features=FAMILY fits a ridge over one of the space's feature families (METHOD.md section 9):
        NB201 onehot, live (a dead edge, on no input-to-output path of non-none edges, reads as
        none), pairs (two live ops on two edges), counts (live ops by type), all (the four
        together, 305 columns); FBNet and OFA onehot, counts, all. λ is chosen by exact
        leave-one-out among 25 values log-spaced over 1e-3..1e3 times the mean eigenvalue of the
        centred Gram matrix (and 1e12 times it, the intercept alone); the report gives the λ path,
        the leave-one-out SRCC and MAPE. The predictor works with predict, search and export.
        """,
    examples: ["d = load oneproxy-nb201; p = fit d true_vpu; show p", "d = load oneproxy-nb201; q = fit d true_vpu features=all"]
) { inv in
    try inv.checkPositionalCount(max: 2)
    let (dv, _) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    let dev = try inv.device(try inv.positional(1, "the proxy device"), in: d, role: "the proxy device")
    if let family = try inv.featureFamily(in: d), family != d.space.descriptor.featureFamilies[0] {
        return .value(try fitFeatureModel(d, device: dev, family: family))
    }
    let x = try encodingMatrix(d)
    let predictor = try fitLinearPredictor(X: x, latencies: dev.latencies)
    let fitted = predictor.predict(x)
    let measured = dev.latencies.filter { !$0.isNaN }.count
    var srccFit = spearman(fitted, dev.latencies)
    // A constant device gives fitted values equal up to rounding (1e-14 apart): their ranks are
    // noise, so the fit's SRCC is undefined rather than a number.
    let used = fitted.indices.filter { !dev.latencies[$0].isNaN }.map { fitted[$0] }
    if let lo = used.min(), let hi = used.max(), hi - lo <= 1e-12 * max(1, abs(hi)) {
        srccFit = PairCorrelation(value: nil, n: used.count, undefinedReason: "the device's latencies are constant")
    }
    let validation = try? crossValidateLinearFit(X: x, latencies: dev.latencies, folds: measured < 10 ? nil : 5)
    return .value(PredictorValue(dataset: d.name, space: d.space, device: dev.name, predictor: predictor,
                                 srccFit: srccFit, validation: validation))
}

let predictCommand = CommandSpec(
    name: "predict", category: .predictors,
    summary: "predicted latencies as a new device column, usable wherever a device's latencies are",
    usage: ["d2 = predict p d [name=NAME]", "all = predict p            # every architecture of NB201 (15625)", "d3 = predict a d            # an adapted predictor", "d4 = predict s d            # a stack (s = stack …)"],
    positionals: Positionals([.variables("a predictor", { $0 is any ModelValue }), .dataset]),
    options: [OptionHelp("name", "the new device's name (default: PROXY_fit, or TARGET_ada for an adaptation)")],
    details: "The result is the dataset with one more device, so srcc, kendall, heatmap and adapt take it as they take measurements.",
    examples: ["d = load oneproxy-nb201; p = fit d true_vpu; d2 = predict p d; srcc d2 true_vpu_fit eagle_gtx"]
) { inv in
    try inv.checkPositionalCount(max: 2)
    let first = try inv.positional(0, "a predictor (p = fit d PROXY) or an adaptation (a = adapt …)")
    let (v, located) = try inv.variable(first, as: (any ShellValue).self, "a predictor or an adaptation")
    let name = located.value
    guard let m = v as? any ModelValue else {
        throw Diagnostic("'\(name)' is \(withArticle(v.typeName)), expected a predictor (fit, adapt or stack)", at: first.location, length: first.length)
    }
    let space = m.space, defaultName = m.predictedDeviceName
    let model = m.latencyModel
    let predictLatencies: (Matrix) -> [Double] = { model.predict(rows: Array(0..<$0.rows), encoded: $0) }
    var d: Dataset
    if inv.positionals.count > 1 {
        d = try inv.variable(1, as: DatasetValue.self, "a dataset").0.dataset
        guard d.space == space else {
            throw Diagnostic("\(name) predicts \(space.rawValue) architectures; \(d.name) holds \(d.space.rawValue) ones", at: inv.positionals[1].location, length: inv.positionals[1].length)
        }
    } else {
        guard let all = try space.descriptor.allArchitectures() else {
            throw Diagnostic("only NAS-Bench-201 can be enumerated whole; give a dataset: predict \(name) d", at: first.location, length: first.length)
        }
        d = all
    }
    let deviceName = try inv.option("name").map { try inv.word($0, "a device name").value } ?? defaultName
    if d.device(named: deviceName) != nil {
        throw Diagnostic("\(d.name) already has a device '\(deviceName)': choose another with name=", at: first.location, length: first.length)
    }
    var predicted = predictLatencies(try encodingMatrix(d))
    // A linear model can predict a latency <= 0 for architectures far from its samples: such a
    // number is no latency, so it is left missing and counted, never shown.
    let nonPositive = predicted.indices.filter { !(predicted[$0] > 0) }
    for i in nonPositive { predicted[i] = .nan }
    if !nonPositive.isEmpty {
        inv.warn("\(nonPositive.count) of \(predicted.count) predictions are <= 0 ms and are left missing (the linear model extrapolates badly there)")
    }
    d.devices.append(Device(name: deviceName, latencies: predicted))
    return .value(DatasetValue(d))
}

extension Invocation {
    /// `key=FAMILY`: a feature family of the dataset's space (`ArchitectureSpace.featureFamilies`),
    /// or nil when the option is absent; a located error naming the space's families otherwise.
    mutating func featureFamily(_ key: String = "features", in d: Dataset) throws -> String? {
        guard let e = option(key) else { return nil }
        let family = try word(e, "a feature family").value
        let families = d.space.descriptor.featureFamilies
        guard families.contains(family) else {
            throw Diagnostic(families.isEmpty ? "\(d.name) has custom keys: no feature family is known for them"
                                              : "\(d.space.rawValue) has no feature family '\(family)'", at: e.location, length: e.length,
                             hint: families.isEmpty ? nil : "its families: " + families.joined(separator: ", "))
        }
        return family
    }
}
