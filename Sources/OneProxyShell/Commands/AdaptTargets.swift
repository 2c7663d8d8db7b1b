import OneProxyKit

/// `adapt d proxy=P targets=[…]` (or `targets=all`): one AdaProxy run per target with the same
/// options as `adapt`, as one table: raw, proxy fit, adapted and target-only SRCC per target.
func adaptTargets(_ inv: inout Invocation) throws -> CommandOutput {
    try inv.checkPositionalCount(max: 1)
    let (dv, _) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    guard let proxyArg = inv.option("proxy") else {
        throw Diagnostic("adapt needs proxy=DEVICE", at: inv.commandName.location, length: inv.commandName.length)
    }
    let proxy = try inv.device(proxyArg, in: d, role: "the proxy device")
    if inv.option("target") != nil {
        throw Diagnostic("give target= or targets=, not both", at: inv.commandName.location, length: inv.commandName.length)
    }
    for key in ["samples", "lambda", "select"] where inv.option(key) != nil {
        throw Diagnostic("\(key)= is for one target; with targets= each target draws its own samples (train=, val=, seed=) and λ is chosen by CV",
                         at: inv.option(key)!.location, length: inv.option(key)!.length)
    }
    let targetsArg = inv.option("targets")!
    var targets: [Device]
    if case .word("all") = targetsArg.value, d.device(named: "all") == nil {
        targets = d.devices.filter { $0.name != proxy.name }
    } else {
        targets = try inv.devicePool("targets", in: d, excluding: proxy.name)
    }
    // The same options as adapt's, read through the same declarations.
    let norm = try inv.get(AdaptOptions.norm)
    let folds = try inv.get(AdaptOptions.folds)
    let trainN = try inv.get(AdaptOptions.train)
    let valN = try inv.get(AdaptOptions.val)
    let seed = try inv.get(AdaptOptions.seed)
    let x = try encodingMatrix(d)
    var table = Table(columns: ["target", "srcc_raw", "srcc_proxy_fit", "srcc_adapted", "srcc_target_only", "lambda", "needs_adaptation"])
    var needing: [String] = []
    for t in targets {
        try inv.session.computeContext.check()
        // The same draw as `adapt d proxy=P target=T train= val= seed=`.
        let rows = try drawSamples(count: trainN + valN, measuredBy: [proxy, t], seed: seed)
        let r = try adaptProxy(X: x, proxyLatencies: proxy.latencies, targetLatencies: t.latencies, train: Array(rows.prefix(trainN)),
                               val: Array(rows.dropFirst(trainN)), norm: norm, selection: .crossValidation(folds: folds))
        let needs = (r.srccRaw ?? 0) < strongMonotonicity
        if needs { needing.append(t.name) }
        table.rows.append([.text(t.name), .number(r.srccRaw, digits: 4), .number(r.srccProxyFit, digits: 4), .number(r.srccAdapted, digits: 4),
                           .number(r.srccTargetOnly, digits: 4), .number(r.lambda, digits: 5), .text(needs ? "yes" : "no")])
    }
    table.title = "AdaProxy from \(proxy.name) on \(d.name), \(trainN + valN) random samples per target (seed \(seed)), λ by \(folds.map { "\($0)-fold" } ?? "leave-one-out") CV, \(norm.rawValue); SRCC on every architecture each target measured; needs_adaptation: raw SRCC < \(strongMonotonicity)"
    let summary = "AdaProxy from \(proxy.name) to \(targets.count) targets: \(needing.count) need adaptation (raw SRCC < \(strongMonotonicity))"
        + (needing.isEmpty ? "" : ": " + needing.joined(separator: ", "))
    return .value(TableValue(typeName: "adaptations", table: table, summary: summary))
}
