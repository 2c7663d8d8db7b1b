import Foundation
import OneProxyKit

/// search's options that are not evolution's (those are `EvolutionOptions`).
enum SearchOptions {
    static let method = CommandOption.word("method", ["exhaustive", "evolution"], default: "exhaustive",
                                           "exhaustive (the exact front over every candidate) or evolution (Once-for-All's search under max=)")
    static let zoom = CommandOption.word("zoom", ["on", "off"], default: "on",
                                         "on: the figure zooms to the front at or above the median accuracy and counts what lies outside; off shows every architecture")
    static let degenerate = CommandOption.word(
        "degenerate", ["drop", "keep"], default: "drop",
        "drop leaves out architectures that compute nothing (NB201's 341 disconnected cells: 10% accuracy at almost no latency), from the search and from reuse; keep puts them back")
}

let searchCommand = CommandSpec(
    name: "search", category: .search,
    summary: "the Pareto front of accuracy against latency (exhaustive), or the best under a budget by evolution",
    usage: [
        "s = search d acc=cifar10 lat=DEVICE [max=5ms]           # measured latencies of d's rows",
        "s = search d acc=cifar10 lat=p [max=5ms]                # a predictor (fit, adapt): all 15625 NB201 models",
        "s = search d acc=q lat=DEVICE [max=5ms]                 # q = fitacc d acc=cifar10: predicted accuracy",
        "s = search d acc=cifar10 lat=DEVICE max=5ms method=evolution [evaluations=3000 population=100 generations=500 seed=1]",
        "s = search d acc=cifar10 lat=DEVICE degenerate=keep     # NB201's disconnected cells back among the candidates",
        "s = search d acc=cifar10 lat=[pixel3, gold_6226] max=[20ms, 5ms]   # the best model that meets every budget",
        "s = search d acc=q lat=p max=50ms method=evolution      # FBNet, OFA: predictors for both sides search the whole space",
    ],
    options: [
        OptionHelp("acc", "the accuracy column to maximise (cifar10, cifar100, imagenet16 on NB201; your CSV's acc_* columns), or an accuracy predictor (q = fitacc …)", completion: .accuracy),
        OptionHelp("lat", "the latency to minimise: a device of the dataset (measured) or a predictor variable (fit or adapt); a list [D1, D2, …] with max=[B1, B2, …] keeps the models that meet every budget", completion: .latency),
        OptionHelp("max", "a latency budget (5ms, 0.005s), or median or pNN (that percentile of the latencies searched, so a script follows its machine): the result names the most accurate model within it"),
        SearchOptions.method.help,
    ] + EvolutionOptions.help + [
        SearchOptions.zoom.help,
        SearchOptions.degenerate.help,
    ],
    details: """
        Exhaustive search is exact: the front holds every architecture that no other beats on both
        accuracy and latency. With a predictor, NB201's 15625 architectures are all candidates (their
        accuracies are bundled); predictions <= 0 are left out and counted. Evolution (population
        \(EvolutionOptions.defaults.population), \(EvolutionOptions.defaults.generations) generations, \(Int(EvolutionOptions.defaults.parentRatio * 100))% distinct parents, mutation \(EvolutionOptions.defaults.mutationProbability) per gene, half the children by
        mutation, random immigrants when a generation finds nothing new) stops at \(EvolutionOptions.defaults.maxEvaluations ?? 0) accuracy
        evaluations; on help-nb201 it found the exhaustive optimum in 808 of 810 runs (27 devices,
        budgets at the 10, 50, 90% latency quantiles, 10 seeds), random search with as many
        evaluations in 391; where the optimum sits at the budget's edge with no strong neighbour
        within it (raspi4, cifar10, 20 ms) it found it for 7 of 20 seeds, random search for 14. It is seeded and
        reproducible, draws random search's best so far beside its own, and Ctrl-C stops it and
        keeps the best found so far. export writes its best, final population and history. Disconnected
        NB201 cells (no path from the cell's input to its output) score 10% and take almost no
        time, so they sit on most fronts: they are left out and counted (degenerate=keep).

        FBNet and OFA cannot be enumerated: exhaustive search ranks the dataset's rows. With a latency
        predictor (lat=p) and an accuracy predictor (acc=q), evolution draws from the whole space and
        compares its pick with the best of the rows by the same predictors.

        reuse s target=T then evaluates the front found on one device on other devices.
        """,
    examples: [
        "d = load help-nb201; s = search d acc=cifar10 lat=pixel3 max=20ms; show s",
        "d = load oneproxy-nb201; p = fit d true_vpu; s = search d acc=cifar100 lat=p max=2ms",
        "d = load help-nb201; e = search d acc=cifar10 lat=pixel3 max=20ms method=evolution generations=50",
    ]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (dv, dname) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    let accModel = try inv.accuracyModel(in: d)
    let accColumn = try accModel.map { AccuracyColumn(name: $0.label, values: try $0.predict(d)) } ?? inv.accuracyColumn(in: d, variable: dname.value)
    guard let latArg = inv.option("lat") else {
        throw Diagnostic("search needs lat=DEVICE or lat=PREDICTOR", at: inv.commandName.location, length: inv.commandName.length,
                         hint: "for example: search \(dname.value) acc=\(inv.option("acc")?.value.sourceText ?? accColumn.name) lat=\(d.deviceNames.first ?? "DEVICE")")
    }
    if case .list = latArg.value {
        var joint = try jointSearch(&inv, dataset: d, variable: dname.value, accuracy: accColumn, lat: latArg)
        joint.truthAccuracyName = accModel?.accuracy
        return .value(joint)
    }
    // max=median or max=pNN: a quantile of the latencies searched, so a script's budget follows the
    // machine it runs on; resolved once the latencies are known.
    var budgetQuantile: Double?
    if let e = inv.option("max"), case .word(let w) = e.value {
        if w == "median" { budgetQuantile = 0.5 } else if w.hasPrefix("p"), let q = Int(w.dropFirst()), (1...99).contains(q) {
            budgetQuantile = Double(q) / 100
        } else {
            throw Diagnostic("max takes a time such as 5ms, or median, or pNN (a percentile of the latencies searched), found \(w)", at: e.location, length: e.length)
        }
    }
    var budget = budgetQuantile == nil ? try inv.milliseconds("max") : nil
    if let b = budget, !(b > 0) {
        throw Diagnostic("max= must be a positive latency", at: inv.option("max")!.location, length: inv.option("max")!.length)
    }
    let method = try inv.get(SearchOptions.method)
    let keepDegenerate = try inv.get(SearchOptions.degenerate) == "keep"
    let source = try inv.latencySource(latArg, in: d)

    // The candidates: the dataset's rows with a measured latency, or with a predictor on NB201
    // every architecture of the space.
    var candidates: Dataset = d
    var accuracies = accColumn.values
    var latencies: [Double]
    var nonPositive = 0
    switch source {
    case .device(let dev):
        latencies = dev.latencies
    case .model(let model):
        if let all = try d.space.descriptor.allArchitectures() {
            candidates = all
            guard let a = try inv.candidateAccuracies(candidates, column: accColumn.name) else {
                throw Diagnostic("NAS-Bench-201's bundled accuracies are cifar10, cifar100 and imagenet16, not \(accColumn.name)",
                                 at: latArg.location, length: latArg.length)
            }
            accuracies = a.values
        }
        latencies = try model.predict(candidates)
    }
    let leftOut = leaveOutDegenerate(candidates, latencies: &latencies, keep: keepDegenerate)
    if source.isModel {
        for i in latencies.indices where !(latencies[i] > 0) && !leftOut.contains(i) { latencies[i] = .nan; nonPositive += 1 }
        if nonPositive > 0 { inv.warn("\(nonPositive) architectures have a predicted latency <= 0 and are left out") }
    }
    if !leftOut.isEmpty {
        inv.note("\(leftOut.count) \(candidates.space.descriptor.degenerateName) architectures left out; degenerate=keep puts them back")
    }
    if let q = budgetQuantile {
        let known = latencies.indices.filter { !latencies[$0].isNaN && !accuracies[$0].isNaN }.map { latencies[$0] }.sorted()
        if !known.isEmpty {
            // The lower of the two middle order statistics (type-1 quantile): a value that occurs.
            budget = known[min(known.count - 1, max(0, Int((q * Double(known.count)).rounded(.up)) - 1))]
            inv.note("max=\(q == 0.5 ? "median" : "p\(Int((q * 100).rounded()))") is \(formatMs(budget!)) (of \(known.count) latencies by \(source.name))")
        }
    }
    let front = try ParetoFront(accuracies: accuracies, latencies: latencies,
                                rows: leftOut.isEmpty ? nil : latencies.indices.filter { !leftOut.contains($0) })
    guard !front.points.isEmpty else {
        throw Diagnostic("no architecture has both \(accColumn.name) and a latency from \(source.name)", at: latArg.location, length: latArg.length)
    }
    var best: ParetoPoint?
    if let budget {
        best = front.bestUnder(budget: budget)
        if best == nil {
            let fastest = front.points[0]
            throw Diagnostic("no architecture meets max=\(formatMs(budget)): the fastest by \(source.name) takes \(formatMs(fastest.latency))",
                             at: inv.option("max")!.location, length: inv.option("max")!.length)
        }
    }
    var value = SearchValue(
        dataset: d, candidates: candidates, variable: dname.value, accuracyName: accColumn.name, source: source.name,
        device: source.deviceName, predicted: source.isModel, accuracies: accuracies, latencies: latencies,
        front: front, budget: budget, best: best)
    value.truthAccuracyName = accModel?.accuracy
    value.keepsDegenerate = keepDegenerate
    value.degenerateLeftOut = leftOut.count
    value.zoom = try inv.get(SearchOptions.zoom) == "on"

    if method == "evolution" {
        guard let budget else {
            throw Diagnostic("evolution searches under a budget: give max=, e.g. max=5ms", at: inv.commandName.location, length: inv.commandName.length)
        }
        guard let space = searchSpace(for: candidates.space) else {
            throw Diagnostic("evolution needs a space it can mutate (\(SpaceRegistry.all.filter { $0 is any SearchSpace }.map(\.id.rawValue).joined(separator: ", "))); \(d.name) is \(d.space.rawValue)", at: inv.commandName.location, length: inv.commandName.length)
        }
        let settings = try EvolutionOptions.read(&inv)
        // Where the candidates are not the whole space (FBNet, OFA: a dataset's rows), a predictor
        // answers for any architecture: evolution then draws from the whole space.
        let partial = space.architectureCount.map { candidates.keys.count < $0 } ?? true
        var wholeLatency: (@Sendable ([Int]) -> Double?)?
        var wholeAccuracy: (@Sendable ([Int]) -> Double?)?
        if partial {
            if case .model(let m) = source { wholeLatency = modelLatency(m.model, space: space) }
            if let q = accModel { wholeAccuracy = try modelAccuracy(q.fit.model, space: space) }
        }
        let result: EvolutionResult
        do {
            (result, value.randomBaseline) = try runEvolution(space, candidates: candidates, accuracies: accuracies, latencies: latencies,
                                                              budget: budget, settings: settings, context: inv.session.computeContext,
                                                              latency: wholeLatency, accuracy: wholeAccuracy, keepDegenerate: keepDegenerate)
        } catch is CancellationError {
            // Ctrl-C before the evolution had one architecture: there is no best so far to keep.
            throw Interrupted("before the evolution evaluated any architecture (it was preparing the candidates)")
        } catch let e as NoValidArchitecture {
            // Evolution draws from the whole space; a table covering a sliver of it rarely answers.
            let size = space.architectureCount.map { "all \($0)" } ?? "the more than 10^18"
            let known = wholeLatency != nil ? "have an accuracy" : wholeAccuracy != nil ? "have a latency" : "have both values"
            let fix = wholeLatency == nil && wholeAccuracy == nil
                ? "search them exactly (drop method=), or give a predictor for both (lat=p with p = fit …, acc=q with q = fitacc …) to search the whole space"
                : wholeLatency == nil ? "give lat= a predictor (p = fit \(dname.value) DEVICE) to search the whole space, or drop method= to search the rows exactly"
                : "give acc= an accuracy predictor (q = fitacc \(dname.value) acc=\(accColumn.name)) to search the whole space, or drop method= to search the rows exactly"
            throw Diagnostic(e.description, at: inv.commandName.location, length: inv.commandName.length,
                             hint: "evolution draws from \(size) architectures of the space, and only the \(front.candidateCount - front.skipped) rows of \(candidates.name) \(known): \(fix)")
        }
        if wholeLatency != nil && wholeAccuracy != nil {
            value.wholeSpace = space.architectureCount.map { "all \($0) \(space.id.rawValue) architectures" }
                ?? "the whole \(space.id.rawValue) space (\(spaceSizeText(space.choiceCounts)) architectures)"
        }
        if result.stopped {
            inv.warn("stopped after \(result.generations) of \(settings.generations) generations: the result is the best found so far, of \(result.evaluations) architectures evaluated (\(String(format: "%.2f", result.accuracy)) at \(formatMs(result.latency))); no random search was run beside it")
        }
        value.evolution = result
        value.settings = settings
    } else {
        for key in EvolutionOptions.names where inv.option(key) != nil {
            throw Diagnostic("\(key)= is for method=evolution", at: inv.option(key)!.location, length: inv.option(key)!.length)
        }
    }
    return .value(value)
}

/// Runs the evolution with lookups of the candidates' accuracies and latencies by architecture,
/// then random search with as many accuracy evaluations and the same seed (the honest baseline
/// the figure draws beside it; nil when the evolution was stopped).
///
/// `latency` and `accuracy`, when given, answer for any architecture of the space (predictors);
/// else the candidates' values are looked up by architecture (a table of the rows).
func runEvolution<Space: SearchSpace>(
    _ space: Space, candidates: Dataset, accuracies: [Double], latencies: [Double], budget: Double,
    settings: EvolutionSettings, context: ComputeContext,
    latency: (@Sendable ([Int]) -> Double?)? = nil, accuracy: (@Sendable ([Int]) -> Double?)? = nil, keepDegenerate: Bool = true
) throws -> (EvolutionResult, EvolutionResult?) {
    let accTable = accuracy == nil ? try ArchitectureTable(space: space, keys: candidates.keys, values: accuracies) : nil
    let latTable = latency == nil ? try ArchitectureTable(space: space, keys: candidates.keys, values: latencies) : nil
    // A table already holds NaN for degenerate rows left out; a predictor must leave them out here.
    let acc: ([Int]) -> Double? = { g in accuracy.map { $0(g) } ?? accTable!.value(of: g) }
    let lat: ([Int]) -> Double? = { g in
        if let latency { return keepDegenerate || !space.isDegenerate(g) ? latency(g) : nil }
        return latTable!.value(of: g)
    }
    let e = try evolutionSearch(space: space, budget: budget, settings: settings, context: context, accuracy: acc, latency: lat)
    guard !e.stopped else { return (e, nil) }
    let r = try? randomSearch(space: space, budget: budget, maxEvaluations: max(1, e.evaluations), seed: settings.seed, context: context,
                              accuracy: acc, latency: lat)
    return (e, r)
}

/// `9^22`-style text for a space's size from its choice counts (equal counts), else their product
/// in scientific notation.
func spaceSizeText(_ counts: [Int]) -> String {
    if let c = counts.first, counts.allSatisfy({ $0 == c }) { return "\(c)^\(counts.count)" }
    let log10 = counts.reduce(0.0) { $0 + Foundation.log10(Double($1)) }
    return String(format: "about 10^%.1f", log10)
}

let reuseCommand = CommandSpec(
    name: "reuse", category: .search,
    summary: "evaluate a front found on one device on other devices: recall, accuracy lost, hypervolume",
    usage: ["r = reuse s target=T", "r = reuse s targets=[T1, T2, …]", "r = reuse s          # every other device of the dataset"],
    positionals: Positionals([.variables("a search", { $0 is SearchValue })]),
    options: [
        OptionHelp("target", "one target device", completion: .device),
        OptionHelp("targets", "several target devices (default: every device of the search's dataset but the proxy)", completion: .device),
    ],
    details: """
        The architectures on the proxy's front are measured on each target (the dataset's rows) and
        compared with the target's own exact front over the same candidates (the search's
        degenerate= choice holds). front_recall is the share of the target front's distinct
        (accuracy, latency) points that some reused architecture has exactly, so twins count once
        whichever the proxy kept. Accuracy lost is, at each such point's latency as a budget, its
        accuracy minus the best reused architecture's within the budget (mean and worst); a budget
        no reused architecture meets costs the point's accuracy minus the worst candidate's (the
        hypervolume's reference: having no model counts as the worst), so the mean covers every
        budget; lost_mean_met is the mean over the met budgets alone, budgets_unmet counts the
        others. hypervolume_ratio compares the areas both fronts dominate, against the worst
        accuracy and the slowest latency of the candidates. A search for several devices at once
        (lat=[D1, D2, …]) leaves them all out of the default targets and adds lost_mean_alone and
        hypervolume_alone: the same measures for the front searched on D1 alone.
        """,
    examples: [
        "d = load help-nb201; s = search d acc=cifar10 lat=pixel3; reuse s targets=[pixel2, gold_6226, titan_rtx_256]",
        "d = load oneproxy-nb201; s = search d acc=cifar10 lat=rice_pixel3; r = reuse s; export r \"/tmp/oneproxy-reuse.json\"",
    ]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (s, sname) = try inv.variable(0, as: SearchValue.self, "a search result (s = search …)")
    let d = s.dataset
    if inv.option("target") != nil && inv.option("targets") != nil {
        throw Diagnostic("give target= or targets=, not both", at: inv.commandName.location, length: inv.commandName.length)
    }
    var targets: [Device]
    if let t = inv.option("target") {
        targets = [try inv.device(t, in: d, role: "a target device")]
    } else if let list = try inv.wordList("targets") {
        targets = try list.map { try inv.device(.init(.word($0.value), at: $0.location, length: $0.length), in: d, role: "a target device") }
    } else {
        // Every device but the ones searched on (a joint search's devices all count as searched).
        let searched = Set(s.joint?.map(\.device) ?? s.device.map { [$0] } ?? [])
        targets = d.devices.filter { !searched.contains($0.name) }
    }
    guard !targets.isEmpty else {
        throw Diagnostic("\(d.name) has no other device to reuse \(sname.value) on", at: sname.location, length: sname.length)
    }
    // The front's architectures as rows of the dataset (a predictor's front covers all of NB201).
    let (rows, outside) = s.frontRowsInDataset()
    guard !rows.isEmpty else {
        throw Diagnostic("none of the \(s.front.points.count) architectures on \(sname.value)'s front is in \(d.name)", at: sname.location, length: sname.length)
    }
    if outside > 0 { inv.note("\(outside) of the front's \(s.front.points.count) architectures are not in \(d.name): left out") }
    let accuracies = try s.datasetAccuracies()
    // Each target's own front is over the candidates the search kept (degenerate=).
    let dropped = s.keepsDegenerate ? [] : Set(degenerateRows(d))
    let candidateRows = dropped.isEmpty ? nil : d.keys.indices.filter { !dropped.contains($0) }
    if !dropped.isEmpty {
        inv.note("the targets' fronts leave out the \(dropped.count) \(d.space.descriptor.degenerateName) architectures too, as \(sname.value) did")
    }
    // A joint search is compared with the front searched on its first device alone (no other
    // budget), reused on the same targets.
    var aloneRows: [Int]?
    if let joint = s.joint, let first = d.device(named: joint[0].device) {
        let valid = (candidateRows ?? Array(d.keys.indices)).filter { accuracies[$0].isFinite && first.latencies[$0].isFinite }
        aloneRows = try ParetoFront(accuracies: accuracies, latencies: first.latencies, rows: valid).points.map(\.index)
    }
    var entries: [ReuseValue.Entry] = []
    for t in targets {
        try inv.session.computeContext.check()
        let report = try reuseReport(proxyFront: rows, targetLatencies: t.latencies, accuracies: accuracies, candidates: candidateRows)
        let srcc = s.device.flatMap { p in d.device(named: p) }.map { correlate($0.latencies, t.latencies, method: .spearman).value } ?? nil
        var entry = ReuseValue.Entry(target: t.name, report: report, srcc: srcc)
        if let aloneRows {
            entry.alone = try reuseReport(proxyFront: aloneRows, targetLatencies: t.latencies, accuracies: accuracies, candidates: candidateRows)
        }
        entries.append(entry)
    }
    return .value(ReuseValue(search: s, entries: entries, frontRows: rows))
}

/// What `lat=` named: a device's measurements or a predictor.
enum LatencySource {
    case device(Device)
    case model(LatencyModelValue)

    var name: String {
        switch self {
        case .device(let d): return d.name
        case .model(let m): return m.name
        }
    }

    var deviceName: String? { if case .device(let d) = self { return d.name } else { return nil } }
    var isModel: Bool { if case .model = self { return true } else { return false } }
}

/// A predictor variable: a model of the space's architectures (linear over the encoding or over a
/// richer feature family).
struct LatencyModelValue {
    var name: String
    var space: SpaceKind
    var model: any LatencyModel

    /// Predicted latencies of every row of a dataset of the model's space.
    func predict(_ d: Dataset) throws -> [Double] {
        let x = try encodingMatrix(d)
        return model.predict(rows: Array(0..<x.rows), encoded: x)
    }
}

/// Leaves out the candidates' degenerate architectures (`ArchitectureSpace.isDegenerate`: NB201's
/// disconnected cells) unless `keep`: their latencies become NaN, so neither the front, a budget's
/// percentile, evolution's lookups nor the figure sees them. Returns the rows left out.
func leaveOutDegenerate(_ candidates: Dataset, latencies: inout [Double], keep: Bool) -> Set<Int> {
    guard !keep else { return [] }
    let rows = degenerateRows(candidates)
    for r in rows { latencies[r] = .nan }
    return Set(rows)
}

extension Invocation {
    /// The accuracy column `acc=` names, or the dataset's only one; clear errors where none exists.
    mutating func accuracyColumn(in d: Dataset, variable: String) throws -> AccuracyColumn {
        guard !d.accuracies.isEmpty else {
            throw Diagnostic("\(d.name) has no accuracy column: search maximises accuracy", at: commandName.location,
                             length: commandName.length,
                             hint: d.space == .nb201
                                ? "the bundled NB201 datasets carry cifar10, cifar100 and imagenet16"
                                : "FBNet and OFA have no bundled accuracies: load a CSV with an acc_NAME column and merge it, then acc=NAME")
        }
        guard let e = option("acc") else {
            if d.accuracies.count == 1 { return try checkedAccuracy(d.accuracies[0], at: nil) }
            throw Diagnostic("search needs acc=COLUMN", at: commandName.location, length: commandName.length,
                             hint: "accuracy columns of \(d.name): " + d.accuracies.map(\.name).joined(separator: ", "))
        }
        let name = try word(e, "an accuracy column")
        guard let a = d.accuracy(named: name.value) else {
            let hint = nearestName(to: name.value, in: d.accuracies.map(\.name)).map { "did you mean \($0)?" }
                ?? "accuracy columns of \(d.name): " + d.accuracies.map(\.name).joined(separator: ", ")
            throw Diagnostic("\(d.name) has no accuracy column '\(name.value)'", at: e.location, length: e.length, hint: hint)
        }
        return try checkedAccuracy(a, at: e)
    }

    /// `lat=`: a device of the dataset, or a variable holding a predictor of the same space.
    mutating func latencySource(_ e: Located<Expr>, in d: Dataset) throws -> LatencySource {
        if case .word(let w) = e.value, d.device(named: w) == nil, session.value(of: w) != nil {
            let (v, _) = try variable(e, as: (any ShellValue).self, "a predictor")
            guard let m = v as? any ModelValue else {
                throw Diagnostic("'\(w)' is \(withArticle(v.typeName)): lat= takes a device or a predictor (fit, adapt, stack)", at: e.location, length: e.length)
            }
            let model = LatencyModelValue(name: m.modelDescription(variable: w), space: m.space, model: m.latencyModel)
            guard model.space == d.space else {
                throw Diagnostic("\(w) predicts \(model.space.rawValue) architectures; \(d.name) holds \(d.space.rawValue) ones", at: e.location, length: e.length)
            }
            return .model(model)
        }
        return .device(try device(e, in: d, role: "a device or a predictor"))
    }
}

func formatMs(_ v: Double) -> String { String(format: "%.4g ms", v) }
