import Foundation
import OneProxyKit

/// `s = search …`: the exact Pareto front (and the best under a budget), or an evolution's result.
public struct SearchValue: ShellValue {
    /// The dataset given to search (reuse measures the front on its devices).
    public var dataset: Dataset
    /// The candidates: the dataset, or all 15625 NB201 architectures for a predictor.
    public var candidates: Dataset
    public var variable: String
    public var accuracyName: String
    /// The latency's source as users read it: a device, or `p (true_vpu's predictor)`.
    public var source: String
    /// The measured device, when the latency is one (reuse leaves it out of the targets).
    public var device: String?
    public var predicted: Bool
    public var accuracies: [Double]
    public var latencies: [Double]
    public var front: ParetoFront
    public var budget: Double?
    public var best: ParetoPoint?
    public var evolution: EvolutionResult?
    public var settings: EvolutionSettings?
    /// Whether degenerate architectures stayed among the candidates (degenerate=keep); reuse
    /// computes each target's front over the same set.
    public var keepsDegenerate = false
    /// The front figure zooms to the front's upper half (`zoom=off`: every architecture).
    public var zoom = true
    /// With acc=q (an accuracy predictor): the column it predicts, which reuse judges the front on.
    public var truthAccuracyName: String?
    /// A search for several devices at once: each device's budget and its search alone.
    public var joint: [JointConstraint]?
    /// Random search with the evolution's evaluations and seed, drawn beside it.
    public var randomBaseline: EvolutionResult?
    /// Degenerate candidates left out (degenerate=drop, the default).
    public var degenerateLeftOut = 0
    /// When the evolution drew from the whole space through predictors (FBNet, OFA: the dataset's
    /// rows are a sample), the space it searched, e.g. `the whole fbnet space (9^22 architectures)`;
    /// `best` is then the best of the rows, not the space's optimum.
    public var wholeSpace: String?

    public var typeName: String { "search" }

    var latencyWord: String { predicted ? "predicted latency" : "latency" }

    public var summary: String {
        if let e = evolution {
            return "evolution under \(formatMs(budget ?? 0)) on \(source): \(accuracyName) \(String(format: "%.2f", e.accuracy)) at \(formatMs(e.latency))"
                + (e.stopped ? " (stopped early)" : "") + exhaustiveComparison(e, short: true)
        }
        var s = "Pareto front of \(accuracyName) against \(source): \(front.points.count) of \(front.candidateCount - front.skipped) architectures"
        if let b = best, let budget { s += "; best under \(formatMs(budget)): \(accuracyName) \(String(format: "%.2f", b.accuracy)) at \(formatMs(b.latency))" }
        return s
    }

    /// How the evolution's result compares with the exact optimum under the same budget.
    func exhaustiveComparison(_ e: EvolutionResult, short: Bool) -> String {
        guard let opt = best else { return "" }
        if wholeSpace != nil {
            // The rows are a sample of the space: their best is a reference, not the optimum.
            let d = e.accuracy - opt.accuracy
            let rows = front.candidateCount - front.skipped
            let cmp = d >= 0 ? String(format: "%.2f above", d) : String(format: "%.2f below", -d)
            return short ? "; \(cmp) the best of the \(rows) rows"
                : "The best of \(candidates.name)'s \(rows) rows under the budget (by the same predictors) is \(candidates.keys[opt.index]) with \(String(format: "%.2f", opt.accuracy)): the evolution's pick is \(cmp) it."
        }
        if e.accuracy >= opt.accuracy { return short ? "; the exhaustive optimum" : "It is the exhaustive optimum under the budget (\(candidates.keys[opt.index]))." }
        let gap = String(format: "%.2f", opt.accuracy - e.accuracy)
        return short ? "; \(gap) below the exhaustive optimum" : "The exhaustive optimum under the budget is \(candidates.keys[opt.index]) with \(String(format: "%.2f", opt.accuracy)): \(gap) points more."
    }

    func architectureCells(_ row: Int) -> [Cell] {
        (candidates.nb201Index.map { [.integer($0[row])] } ?? []) + [.text(candidates.keys[row])]
    }

    var frontTable: Table {
        var t = Table(columns: ["row"] + (candidates.nb201Index != nil ? ["nb201_index"] : []) + [candidates.keyName, "accuracy", "latency_ms"])
        t.rows = front.points.map { p in
            [.integer(p.index)] + architectureCells(p.index) + [.number(p.accuracy, digits: 2), .number(p.latency, digits: 4)]
        }
        t.title = "the front: \(front.points.count) architectures, fastest first (accuracy is \(accuracyName), latency \(predicted ? "predicted by " : "measured on ")\(source))"
        return t
    }

    /// Every candidate in grey (thinned to at most 3000 for the drawing), the front as a
    /// staircase, the budget and the best model within it.
    var frontFigure: Figure {
        let valid = accuracies.indices.filter { accuracies[$0].isFinite && latencies[$0].isFinite }
        let stride = max(1, (valid.count + 2999) / 3000)
        let shown = Swift.stride(from: 0, to: valid.count, by: stride).map { valid[$0] }
        var series = [
            Series(stride == 1 ? "architectures (\(valid.count))" : "architectures (every \(stride)th of \(valid.count))", style: .points,
                   x: shown.map { latencies[$0] }, y: shown.map { accuracies[$0] }, colour: 7),
            Series("Pareto front (\(front.points.count))", style: .steps, x: front.points.map(\.latency), y: front.points.map(\.accuracy), colour: 0),
        ]
        var markers: [Marker] = []
        if let budget, let b = best {
            markers.append(Marker(.vertical, at: budget, label: "budget (ms)"))
            var s = Series(wholeSpace == nil ? "best under the budget (exhaustive)" : "best of the rows under the budget", style: .points, x: [b.latency], y: [b.accuracy], colour: 3)
            s.shape = .star
            s.emphasised = true
            series.append(s)
        }
        if let e = evolution {
            var s = Series("evolution's result", style: .points, x: [e.latency], y: [e.accuracy], colour: 2)
            s.shape = .diamond
            s.emphasised = true
            s.hollow = true
            series.append(s)
        }
        let region = zoom ? zoomRegion : nil
        return .plot(Plot(title: "\(accuracyName) against \(latencyWord) on \(device ?? source)" + (region != nil ? " (the front's upper half)" : ""),
                          x: Axis(latencyWord, unit: "ms", scale: .log, range: region?.x), y: Axis(accuracyName, unit: "%", range: region?.y),
                          series: series, markers: markers))
    }

    /// The region the front figure zooms to: the front points at or above the candidates' median
    /// accuracy (where a search's answer lies), with the budget and the results inside; the
    /// architectures outside it are counted in `zoomNote`. Nil when it would show everything.
    var zoomRegion: (x: ClosedRange<Double>, y: ClosedRange<Double>, outside: Int, median: Double)? {
        let valid = accuracies.indices.filter { accuracies[$0].isFinite && latencies[$0].isFinite && latencies[$0] > 0 }
        guard valid.count >= 10 else { return nil }
        let sortedAcc = valid.map { accuracies[$0] }.sorted()
        let median = sortedAcc[(sortedAcc.count - 1) / 2]
        let upper = front.points.filter { $0.accuracy >= median && $0.latency > 0 }
        guard let top = sortedAcc.last, let fastest = upper.map(\.latency).min(), let slowest = upper.map(\.latency).max() else { return nil }
        var lo = fastest, hi = slowest, yLo = median
        for x in [budget, best?.latency, evolution?.latency].compactMap({ $0 }) where x > 0 { lo = min(lo, x); hi = max(hi, x) }
        for y in [best?.accuracy, evolution?.accuracy].compactMap({ $0 }) { yLo = min(yLo, y) }
        if hi <= lo { hi = lo * 2 }
        let pad = Foundation.pow(hi / lo, 0.05)
        let xr = (lo / pad)...(hi * pad)
        let span = max(top - yLo, 1e-9)
        let yr = (yLo - 0.05 * span)...(top + 0.05 * span)
        let outside = valid.filter { !xr.contains(latencies[$0]) || !yr.contains(accuracies[$0]) }.count
        guard outside > 0 else { return nil }
        return (xr, yr, outside, median)
    }

    /// What the zoom leaves out, for the document.
    var zoomNote: String? {
        guard zoom, let r = zoomRegion else { return nil }
        return "the figure zooms to the front at or above the median \(accuracyName) (\(String(format: "%.2f", r.median))%): \(r.outside) architectures lie outside it; zoom=off shows all"
    }

    public var document: Document {
        if let e = evolution { return evolutionDocument(e) }
        var blocks: [Block] = [
            .heading("Pareto front of \(accuracyName) against \(latencyWord) on \(source), \(candidates.name)"),
            .text("\(front.points.count) architectures on the front, of \(front.candidateCount - front.skipped) with both values"
                + (joint != nil ? " that meet every other budget" : front.skipped > 0 ? " (\(front.skipped) left out: no \(latencyWord) or accuracy)" : "") + "."),
        ]
        if let note = degenerateNote { blocks.append(.note(note)) }
        if let joint {
            blocks.append(.text("the front is over \(joint[0].device)'s latency among the architectures that meet every other budget ("
                + joint.dropFirst().map { "\($0.device) ≤ \(formatMs($0.budget))" }.joined(separator: ", ") + ")"))
            blocks.append(.table(jointTable(joint)))
        }
        if let b = best, let budget {
            blocks.append(.text("best under \(formatMs(budget)): \(candidates.keys[b.index])" + (candidates.nb201Index.map { " (NB201 index \($0[b.index]))" } ?? "")
                + ", \(accuracyName) \(String(format: "%.2f", b.accuracy)) at \(formatMs(b.latency))"
                + (trueAccuracy(of: candidates.keys[b.index]).map { " (true \(truthAccuracyName!) \(String(format: "%.2f", $0)))" } ?? "")))
        }
        blocks.append(.figure(frontFigure))
        if let note = zoomNote { blocks.append(.note(note)) }
        blocks.append(.table(frontTable))
        if device != nil { blocks.append(.note("to measure this front on other devices: r = reuse NAME targets=[…] (NAME: the variable holding this search)")) }
        return Document(blocks)
    }

    func evolutionDocument(_ e: EvolutionResult) -> Document {
        let s = settings ?? EvolutionSettings()
        var blocks: [Block] = [
            .heading("Evolution under \(formatMs(budget ?? 0)) on \(source), " + (wholeSpace.map { "over \($0)" } ?? candidates.name)),
            .text("best found: \(e.key), \(accuracyName) \(String(format: "%.2f", e.accuracy)) at \(formatMs(e.latency))"
                + (trueAccuracy(of: e.key).map { " (true \(truthAccuracyName!) \(String(format: "%.2f", $0)))" } ?? "")),
            .note("population \(s.population), \(e.generations) of \(s.generations) generations, parents \(s.parentRatio), mutation \(s.mutationProbability), seed \(s.seed); "
                + "\(e.evaluations) accuracy evaluations" + (s.maxEvaluations.map { " (limit \($0))" } ?? "") + ", \(e.latencyChecks) latency checks"
                + (e.reachedEvaluationLimit ? "; stopped at the evaluation limit" : "")
                + (e.stopped ? "; stopped early (Ctrl-C): the best found so far" : "")),
        ]
        let cmp = exhaustiveComparison(e, short: false)
        if !cmp.isEmpty { blocks.append(.text(cmp)) }
        if let r = randomBaseline {
            blocks.append(.text("random search with the same \(r.evaluations) evaluations and seed: \(accuracyName) \(String(format: "%.2f", r.accuracy)) at \(formatMs(r.latency))"))
        }
        if let note = degenerateNote { blocks.append(.note(note)) }
        blocks.append(.figure(traceFigure(e)))
        blocks.append(.figure(frontFigure))
        if let note = zoomNote { blocks.append(.note(note)) }
        blocks.append(.note("export NAME \"e.csv\" writes the best, the final population and the history (best by generation); .json adds the best after each evaluation, evolution's and random search's"))
        return Document(blocks)
    }

    /// The best accuracy so far against accuracy evaluations, evolution's and random search's.
    func traceFigure(_ e: EvolutionResult) -> Figure {
        var markers: [Marker] = []
        if let opt = best { markers.append(Marker(.horizontal, at: opt.accuracy, label: wholeSpace == nil ? "exhaustive optimum" : "best of the \(front.candidateCount - front.skipped) rows")) }
        var series = [Series("evolution", style: .line, x: e.trace.indices.map { Double($0 + 1) }, y: e.trace, colour: 0)]
        if let r = randomBaseline {
            // Dashed: the evolution's first population is random search's first draws (the same
            // seed), so the two lines coincide at first.
            var rs = Series("random search (same seed: the first population is its first draws)", style: .line,
                            x: r.trace.indices.map { Double($0 + 1) }, y: r.trace, colour: 1)
            rs.dashed = true
            series.append(rs)
        }
        // The y axis starts where both have found something decent: the lower of their values after
        // a tenth of the evaluations, so the approach to the optimum is visible.
        let early = series.compactMap { s in s.y.isEmpty ? nil : s.y[min(s.y.count - 1, s.y.count / 10)] }
        let top = max(series.compactMap { $0.y.last }.max() ?? 0, best?.accuracy ?? 0)
        let lo = early.min() ?? top
        let range = top > lo ? (lo - 0.05 * (top - lo))...(top + 0.05 * (top - lo)) : nil
        return .plot(Plot(
            title: "best \(accuracyName) under the budget, by accuracy evaluations",
            x: Axis("accuracy evaluations", scale: .log), y: Axis(accuracyName, unit: "%", range: range),
            series: series, markers: markers))
    }

    /// The evolution's best, final population and history as one long table (`role` says which).
    func evolutionTable(_ e: EvolutionResult) -> Table {
        var t = Table(columns: ["role", "rank", "generation", candidates.keyName, "accuracy", "latency_ms", "best_accuracy"])
        t.rows = [[.text("best"), .integer(1), .text(""), .text(e.key), .number(e.accuracy, digits: 4), .number(e.latency, digits: 6), .text("")]]
        t.rows += e.population.enumerated().map { k, m in
            [.text("population"), .integer(k + 1), .text(""), .text(m.key), .number(m.accuracy, digits: 4), .number(m.latency, digits: 6), .text("")]
        }
        t.rows += e.history.enumerated().map { g, a in
            [.text("history"), .text(""), .integer(g), .text(""), .text(""), .text(""), .number(a, digits: 4)]
        }
        t.title = "evolution: the best, the final population (\(e.population.count), best first) and the best by generation (\(e.history.count))"
        return t
    }

    /// `export s "s.json"`: the front and the best within the budget (null without one), each
    /// architecture by row, key and NB201 index (absent outside NB201); with method=evolution, the
    /// evolution's pick, population, history and trace, and random search's beside it.
    struct JSONForm: Encodable, Sendable {
        struct Point: Encodable, Sendable { var row: Int, arch: String, accuracy, latency_ms: JSONNumber, nb201_index: Int? }
        struct Member: Encodable, Sendable { var arch: String, accuracy, latency_ms: JSONNumber }
        struct Random: Encodable, Sendable { var arch: String, accuracy, latency_ms: JSONNumber, evaluations: Int, trace: [JSONNumber] }
        struct Evolution: Encodable, Sendable {
            var arch: String, accuracy, latency_ms: JSONNumber, generations, evaluations, latency_checks: Int, evaluation_limit: JSONNullable<Int>
            var stopped, reached_evaluation_limit: Bool, history, trace: [JSONNumber], population: [Member]
        }
        var dataset, candidates, accuracy, latency: String, predicted: Bool, budget_ms: JSONNumber
        var front: [Point], best: JSONNullable<Point>, degenerate: String, degenerate_left_out: Int
        var evolution: Evolution?, random_search: Random?
    }

    public var jsonForm: any Encodable & Sendable {
        func point(_ p: ParetoPoint) -> JSONForm.Point {
            .init(row: p.index, arch: candidates.keys[p.index], accuracy: JSONNumber(p.accuracy), latency_ms: JSONNumber(p.latency),
                  nb201_index: candidates.nb201Index?[p.index])
        }
        let evolutionForm = evolution.map { e in
            JSONForm.Evolution(
                arch: e.key, accuracy: JSONNumber(e.accuracy), latency_ms: JSONNumber(e.latency), generations: e.generations,
                evaluations: e.evaluations, latency_checks: e.latencyChecks, evaluation_limit: JSONNullable(settings?.maxEvaluations),
                stopped: e.stopped, reached_evaluation_limit: e.reachedEvaluationLimit, history: e.history.jsonNumbers, trace: e.trace.jsonNumbers,
                population: e.population.map { .init(arch: $0.key, accuracy: JSONNumber($0.accuracy), latency_ms: JSONNumber($0.latency)) })
        }
        let randomForm = evolution == nil ? nil : randomBaseline.map {
            JSONForm.Random(arch: $0.key, accuracy: JSONNumber($0.accuracy), latency_ms: JSONNumber($0.latency), evaluations: $0.evaluations,
                            trace: $0.trace.jsonNumbers)
        }
        return JSONForm(
            dataset: dataset.name, candidates: candidates.name, accuracy: accuracyName, latency: source, predicted: predicted,
            budget_ms: JSONNumber(budget), front: front.points.map(point), best: JSONNullable(best.map(point)),
            degenerate: keepsDegenerate ? "keep" : "drop", degenerate_left_out: degenerateLeftOut, evolution: evolutionForm, random_search: randomForm)
    }

    public var exports: [ExportFormat] { [.csv, .json, .md, .svg, .html] }

    public func customExport(_ format: ExportFormat) throws -> String? {
        switch format {
        case .csv: return evolution.map { evolutionTable($0).csv() } ?? frontTable.csv()
        case .svg: return document.figures.count > 1 ? combinedSVG(document.figures, columns: 2) : frontFigure.svg()
        default: return nil
        }
    }

    /// With acc=q, the true accuracy of an architecture where the candidates hold the column q
    /// predicts (NB201's bundled accuracies, a user's column), else nil.
    func trueAccuracy(of key: String) -> Double? {
        guard let truth = truthAccuracyName, let column = candidates.accuracy(named: truth) else { return nil }
        guard let r = candidates.keys.firstIndex(of: key) else { return nil }
        let v = column.values[r]
        return v.isFinite ? v : nil
    }

    /// Says how many degenerate candidates were left out, when any were.
    var degenerateNote: String? {
        guard degenerateLeftOut > 0 else { return nil }
        return "\(degenerateLeftOut) \(candidates.space.descriptor.degenerateName) architectures left out of the candidates; degenerate=keep puts them back"
    }

    /// The front's architectures as rows of `dataset` (the same rows when the candidates are the
    /// dataset; by NB201 index otherwise), and how many are not in it.
    func frontRowsInDataset() -> (rows: [Int], outside: Int) {
        let rows = front.points.map(\.index)
        if candidates.rowCount == dataset.rowCount && candidates.keys == dataset.keys { return (rows, 0) }
        var byKey: [String: Int] = [:]
        for (r, k) in dataset.keys.enumerated() { byKey[k] = r }
        let mapped = rows.compactMap { byKey[candidates.keys[$0]] }
        return (mapped, rows.count - mapped.count)
    }

    /// The accuracy of each row of `dataset` (its own column, or NB201's bundled one by index).
    func datasetAccuracies() throws -> [Double] {
        if let a = dataset.accuracy(named: accuracyName) { return a.values }
        // A search by predicted accuracy (acc=q) is judged on the true accuracies where the dataset
        // has them, else on the predictions it searched with.
        if let truth = truthAccuracyName {
            if let a = dataset.accuracy(named: truth) { return a.values }
            if candidates.keys == dataset.keys { return accuracies }
        }
        guard let idx = dataset.nb201Index, let all = candidates.accuracy(named: accuracyName) else {
            throw Diagnostic("\(dataset.name) has no \(accuracyName) accuracies to compare the fronts with")
        }
        return idx.map { all.values[$0] }
    }
}

/// `r = reuse s targets=[…]`: the proxy's front measured on each target.
public struct ReuseValue: ShellValue {
    public struct Entry: Sendable {
        public var target: String
        public var report: ReuseReport
        /// SRCC between the proxy and the target (when the search used a measured device).
        public var srcc: Double?
        /// For a search for several devices at once: the front searched on its first device alone
        /// (no other budget), reused on the same target.
        public var alone: ReuseReport?
    }

    /// The first device of a joint search, whose search alone `Entry.alone` reuses.
    var aloneDevice: String? { search.joint?.first?.device }

    public var search: SearchValue
    public var entries: [Entry]
    /// The front's rows in the dataset.
    public var frontRows: [Int]

    public var typeName: String { "reuse" }

    public var summary: String {
        let hv = entries.compactMap(\.report.hypervolumeRatio)
        let worst = entries.min { ($0.report.hypervolumeRatio ?? 2) < ($1.report.hypervolumeRatio ?? 2) }
        return "front of \(search.source) reused on \(entries.count) target\(entries.count == 1 ? "" : "s"): mean hypervolume ratio "
            + String(format: "%.3f", hv.isEmpty ? .nan : hv.reduce(0, +) / Double(hv.count))
            + (worst.map { String(format: ", worst %@ %.3f", $0.target, $0.report.hypervolumeRatio ?? .nan) } ?? "")
    }

    var table: Table {
        var t = Table(columns: ["target"] + (search.device != nil ? ["srcc"] : [])
            + ["front_recall", "recovered", "accuracy_lost_mean", "accuracy_lost_max", "lost_mean_met", "budgets_unmet", "hypervolume_ratio"]
            + (aloneDevice != nil ? ["lost_mean_alone", "hypervolume_alone"] : []))
        t.rows = entries.map { e in
            let r = e.report
            return [.text(e.target)] + (search.device != nil ? [.number(e.srcc, digits: 4)] : [])
                + [.number(r.frontRecall, digits: 3), .text("\(r.recovered)/\(r.targetPoints)"),
                   .number(r.accuracyLostMean, digits: 3), .number(r.accuracyLostMax, digits: 3), .number(r.accuracyLostMeanMet, digits: 3),
                   .integer(r.budgetsUnmet), .number(r.hypervolumeRatio, digits: 4)]
                + (aloneDevice != nil ? [.number(e.alone?.accuracyLostMean, digits: 3), .number(e.alone?.hypervolumeRatio, digits: 4)] : [])
        }
        t.styles = entries.map { e in
            [nil] + (search.device != nil ? [e.srcc.map { $0 >= strongMonotonicity ? .strong : .weak }] : [])
                + [nil, nil, nil, nil, nil, e.report.budgetsUnmet > 0 ? .weak : nil, e.report.hypervolumeRatio.map { $0 >= 0.99 ? .strong : .weak }]
                + (aloneDevice != nil ? [nil, nil] : [])
        }
        t.title = "the \(frontRows.count) architectures of \(search.source)'s front (\(search.accuracyName)), measured on each target"
        return t
    }

    /// Both fronts on one target: the target's own and the reused architectures.
    func figure(_ e: Entry) -> Figure {
        let lat = search.dataset.device(named: e.target)?.latencies ?? []
        let acc = (try? search.datasetAccuracies()) ?? []
        let reused = frontRows.filter { $0 < lat.count && lat[$0].isFinite && acc[$0].isFinite }
        let own = e.report.targetFront.points
        return .plot(Plot(
            title: "\(search.source)'s front reused on \(e.target): hypervolume ratio \(e.report.hypervolumeRatio.map { String(format: "%.3f", $0) } ?? "undefined")",
            x: Axis("latency on \(e.target)", unit: "ms", scale: .log), y: Axis(search.accuracyName, unit: "%"),
            series: [
                Series("\(e.target)'s own front (\(own.count))", style: .steps, x: own.map(\.latency), y: own.map(\.accuracy), colour: 0),
                Series("front of \(search.device ?? "the proxy") (\(reused.count))", style: .points, x: reused.map { lat[$0] }, y: reused.map { acc[$0] }, colour: 1),
                Series("its front on \(e.target)", style: .steps, x: e.report.reusedFront.points.map(\.latency), y: e.report.reusedFront.points.map(\.accuracy), colour: 1),
            ]))
    }

    public var document: Document {
        var blocks: [Block] = [.heading("Reusing the front found on \(search.source) (\(search.candidates.name))"), .table(table)]
        let shown: [Entry]
        if entries.count <= 3 {
            shown = entries
        } else {
            shown = entries.min { ($0.report.hypervolumeRatio ?? 2) < ($1.report.hypervolumeRatio ?? 2) }.map { [$0] } ?? []
            if let w = shown.first { blocks.append(.note("the figure shows the weakest target, \(w.target); reuse with target=T draws another")) }
        }
        blocks += shown.map { .figure(figure($0)) }
        if let dev = aloneDevice {
            let joint = entries.compactMap(\.report.hypervolumeRatio), alone = entries.compactMap { $0.alone?.hypervolumeRatio }
            func mean(_ v: [Double]) -> String { v.isEmpty ? "undefined" : String(format: "%.3f", v.reduce(0, +) / Double(v.count)) }
            blocks.append(.text("searched on every device at once, the front's mean hypervolume ratio on these targets is \(mean(joint)); searched on \(dev) alone, \(mean(alone))"))
            blocks.append(.note("lost_mean_alone, hypervolume_alone: the same measures for the front searched on \(dev) alone (no other device's budget), reused on the same target"))
        }
        blocks.append(.note(ReuseValue.definitions))
        return Document(blocks)
    }

    /// `export r "r.json"`: the measures for each target (`definitions` says what each is); after a
    /// joint search, `alone` holds the same measures for the front searched on its first device alone.
    struct JSONForm: Encodable, Sendable {
        struct Alone: Encodable, Sendable { var accuracy_lost_mean, hypervolume_ratio, front_recall: JSONNumber }
        struct Target: Encodable, Sendable {
            var front_recall: JSONNumber, recovered, target_front_points, target_front_size: Int
            var accuracy_lost_mean, accuracy_lost_max, accuracy_lost_mean_met, accuracy_lost_max_met: JSONNumber
            var budgets, budgets_unmet: Int, unmet_reference_accuracy, hypervolume_ratio, srcc: JSONNumber
            var alone: Alone?
        }
        var proxy, accuracy, dataset: String, front_size: Int, targets: [String: Target]
    }

    public var jsonForm: any Encodable & Sendable {
        var targets: [String: JSONForm.Target] = [:]
        for e in entries {
            let r = e.report
            targets[e.target] = .init(
                front_recall: JSONNumber(r.frontRecall), recovered: r.recovered, target_front_points: r.targetPoints,
                target_front_size: r.targetFront.points.count,
                accuracy_lost_mean: JSONNumber(r.accuracyLostMean), accuracy_lost_max: JSONNumber(r.accuracyLostMax),
                accuracy_lost_mean_met: JSONNumber(r.accuracyLostMeanMet), accuracy_lost_max_met: JSONNumber(r.accuracyLostMaxMet),
                budgets: r.targetPoints, budgets_unmet: r.budgetsUnmet, unmet_reference_accuracy: JSONNumber(r.referenceAccuracy),
                hypervolume_ratio: JSONNumber(r.hypervolumeRatio), srcc: JSONNumber(e.srcc),
                alone: e.alone.map { .init(accuracy_lost_mean: JSONNumber($0.accuracyLostMean), hypervolume_ratio: JSONNumber($0.hypervolumeRatio),
                                           front_recall: JSONNumber($0.frontRecall)) })
        }
        return JSONForm(proxy: search.source, accuracy: search.accuracyName, dataset: search.dataset.name, front_size: frontRows.count, targets: targets)
    }

    /// The measures' definitions, as the report's note and `reuse`'s help say them.
    static let definitions = "front_recall: share of the target front's distinct (accuracy, latency) points that some reused architecture has exactly (twins count once); "
        + "accuracy lost: at each of those points' latencies as a budget, its accuracy minus the best reused one within the budget (points); "
        + "a budget no reused architecture meets costs the point's accuracy minus the worst candidate's (the hypervolume's reference), so the mean covers every budget; "
        + "lost_mean_met: the mean over met budgets only; hypervolume_ratio: area dominated by the reused front over the target front's, on the target"

    public var exports: [ExportFormat] { [.csv, .json, .md, .svg, .html] }

    public func customExport(_ format: ExportFormat) throws -> String? {
        switch format {
        case .csv: return table.csv()
        case .svg: return entries.count == 1 ? figure(entries[0]).svg() : combinedSVG(entries.map(figure), columns: 2)
        default: return nil
        }
    }
}
