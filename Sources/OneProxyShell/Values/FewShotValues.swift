import Foundation
import OneProxyKit

/// A value that is a latency model over its space's encoding (`stack`): `predict`, `search lat=`
/// and `export` take any of these without knowing the concrete type.
public protocol ModelValue: ShellValue {
    var space: SpaceKind { get }
    /// The model `predict` and `search` evaluate: linear over the encoding, or over a richer
    /// feature family of the space.
    var latencyModel: any LatencyModel { get }
    /// How `search` names it, e.g. `s (stack of 3 proxies for pixel2)`.
    func modelDescription(variable: String) -> String
    /// The device name `predict` gives its column by default.
    var predictedDeviceName: String { get }
}

// MARK: - curve

/// `c = curve d proxy=P target=T`: SRCC against the number of target samples, per method.
public struct CurveValue: ShellValue {
    public var dataset: String
    public var proxy: String
    public var target: String
    public var pool: [String]
    public var sizes: [Int]
    public var repeats: Int
    public var seed: Int
    public var evaluated: Int
    public var points: [CurvePoint]

    public var typeName: String { "curve" }
    var methods: [String] { points.reduce(into: [String]()) { if !$0.contains($1.method) { $0.append($1.method) } } }
    func point(_ m: String, _ n: Int) -> CurvePoint? { points.first { $0.method == m && $0.n == n } }

    public var summary: String {
        let n = sizes.first ?? 0
        let best = methods.compactMap { m in point(m, n)?.mean.map { (m, $0) } }.max { $0.1 < $1.1 }
        return "few-shot curve \(proxy) → \(target) on \(dataset): \(methods.count) methods x n = \(sizes.map(String.init).joined(separator: ", ")), \(repeats) repeats (seed \(seed))"
            + (best.map { "; best at n=\(n): \($0.0) \(format4($0.1))" } ?? "")
    }

    /// method, n, mean, sd: one row per method and size (the CSV export).
    var longTable: Table {
        var t = Table(columns: ["method", "n", "mean", "sd"])
        t.rows = points.map { [.text($0.method), .integer($0.n), .number($0.mean, digits: 4), .number($0.sd, digits: 4)] }
        return t
    }

    var wideTable: Table {
        var t = Table(columns: ["method"] + sizes.map { "n=\($0)" })
        t.rows = methods.map { m in
            [.text(m)] + sizes.map { n in
                guard let p = point(m, n), let mean = p.mean else { return .text("—") }
                return .text(String(format: "%.4f ± %.4f", mean, p.sd ?? 0))
            }
        }
        t.title = "mean SRCC ± sd over \(repeats) repeats, on all \(evaluated) architectures \(target) measured"
        return t
    }

    public var figure: Figure {
        // A method over a rich feature family ("AdaProxy (all)") is drawn dashed in the colour of
        // its one-hot counterpart, so 10 curves need no more than the palette's 8 colours.
        let counterpart = ["AdaProxy": "AdaProxy", "target-only ridge": "target-only ridge", "stack + residual ridge": "stack + AdaProxy"]
        let shapes: [Series.PointShape] = [.circle, .square, .diamond, .triangle, .star]
        // The palette without its yellow (index 6): a thin yellow line is faint on white.
        let colours = [0, 1, 2, 3, 4, 5, 7]
        let series = methods.enumerated().map { (k, m) -> Series in
            let pts = sizes.compactMap { n in point(m, n).flatMap { p in p.mean.map { (Double(n), $0, p.sd ?? 0) } } }
            var s = Series(m, style: .linePoints, x: pts.map(\.0), y: pts.map(\.1), colour: colours[k % colours.count])
            // ± one standard deviation over the repeats, as a band; a shape per method.
            s.bandLow = pts.map { $0.1 - $0.2 }
            s.bandHigh = pts.map { $0.1 + $0.2 }
            s.shape = shapes[k % shapes.count]
            if m.hasSuffix(")"), let open = m.lastIndex(of: "("), let base = counterpart[String(m[..<open]).trimmingCharacters(in: .whitespaces)],
               let j = methods.firstIndex(of: base) {
                s.colour = colours[j % colours.count]
                s.dashed = true
            }
            return s
        }
        return .plot(Plot(title: "few-shot curve: \(proxy) → \(target)", x: Axis("target samples", scale: .log),
                          y: Axis("SRCC on all architectures"), series: series,
                          markers: [Marker(.horizontal, at: strongMonotonicity, label: "strong monotonicity")]))
    }

    public var document: Document {
        Document([
            .heading("Few-shot curve on \(dataset): proxy \(proxy) → target \(target)"),
            .text("samples drawn at random among the architectures both measured (seed \(seed) + repeat, nested across n); pool for the many-proxy methods: \(pool.joined(separator: ", "))"),
            .table(wideTable), .figure(figure),
        ])
    }

    /// `export c "c.json"`: the protocol, and one point per method, size and repeat (the long table's rows).
    struct JSONForm: Encodable, Sendable {
        var dataset, proxy, target: String, pool: [String], repeats, seed: Int, points: JSONValue
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(dataset: dataset, proxy: proxy, target: target, pool: pool, repeats: repeats, seed: seed, points: longTable.jsonValue)
    }

    public var exports: [ExportFormat] { [.csv, .json, .md, .svg, .html] }
    public func customExport(_ format: ExportFormat) throws -> String? {
        switch format {
        case .csv: return longTable.csv()
        case .svg: return figure.svg()
        default: return nil
        }
    }
}

// MARK: - stack

/// `s = stack d target=T proxies=[…]`: a non-negative stack of proxies' predictors, adapted.
public struct StackValue: ModelValue {
    public var dataset: String
    public var space: SpaceKind
    public var target: String
    public var stack: ProxyStack
    public var adaptation: LinearAdaptation?
    public var model: LinearLatencyModel
    public var samples: [Int]
    public var selectionText: String
    /// SRCC on every architecture the target measured: the adapted stack, the plain stack, each proxy's fit.
    public var srccAll: Double?
    public var srccStack: Double?
    public var srccProxies: [Double?]
    public var evaluated: Int
    /// `residual=FAMILY`: the ridge over a feature family on the stack's residuals (then `model` is
    /// the plain stack and `adaptation` nil).
    public struct Residual: Sendable {
        public var model: FeatureLatencyModel
        public var ridge: DualRidgeFit
        /// Whether the ridge also saw the pool's op costs (`opcosts=on`).
        public var opCosts = false
        var label: String { model.basis.family + (opCosts ? " + the pool's op costs" : "") }
    }
    public var residual: Residual?

    public var latencyModel: any LatencyModel { residual.map { $0.model } ?? model }
    public var typeName: String { "stack" }
    var used: [String] { zip(stack.proxies, stack.beta).filter { $0.1 > 0 }.map(\.0) }

    public var summary: String {
        "stack for \(target): \(used.count) of \(stack.proxies.count) proxies (\(used.joined(separator: ", "))), SRCC \(format4(srccAll))"
            + (adaptation.map { " after AdaProxy (λ = \(formatLambda($0.lambda)))" } ?? "")
            + (residual.map { " with a residual ridge over \($0.label) (λ = \(formatLambda($0.ridge.lambda)))" } ?? "") + ", \(selectionText)"
    }

    public func modelDescription(variable: String) -> String { "\(variable) (stack of \(used.count) proxies for \(target))" }
    public var predictedDeviceName: String { target + "_stack" }

    var weightsTable: Table {
        var t = Table(columns: ["proxy", "beta", "srcc_fit_all"])
        t.rows = stack.proxies.indices.map { [.text(stack.proxies[$0]), .number(stack.beta[$0], digits: 5), .number(srccProxies[$0], digits: 4)] }
        t.title = "non-negative weights of each proxy's predictor (intercept \(String(format: "%.4g", stack.intercept)) ms)"
        return t
    }

    public var document: Document {
        var t = Table(columns: ["predictor of \(target)", "srcc_all"])
        t.rows = [[.text("best single proxy fit"), .number(srccProxies.compactMap { $0 }.max(), digits: 4)],
                  [.text("stack (NNLS)"), .number(srccStack, digits: 4)]]
        if let a = adaptation { t.rows.append([.text("stack + AdaProxy (λ = \(formatLambda(a.lambda)), CV SRCC \(format4(a.cvSRCC)))"), .number(srccAll, digits: 4)]) }
        if let r = residual {
            t.rows.append([.text("stack + residual ridge over \(r.label) (λ = \(formatLambda(r.ridge.lambda)) by leave-one-out)"), .number(srccAll, digits: 4)])
        }
        return Document([
            .heading("Stack of proxies for \(target) on \(dataset), \(selectionText)"),
            .text("\(samples.count) samples; SRCC on all \(evaluated) architectures \(target) measured (the fit sees only the samples)"),
            .table(weightsTable), .table(t),
        ])
    }

    /// `export s "s.json"`: the stack's proxies and β, the adapted model, and the residual model
    /// (null without one).
    struct JSONForm: Encodable, Sendable {
        struct Residual: Encodable, Sendable {
            var family: String, op_costs: Bool, lambda: JSONNumber, features: [String], weights: [JSONNumber], intercept: JSONNumber
        }
        var dataset, target: String, proxies: [String], beta: [JSONNumber], stack_intercept, lambda: JSONNumber
        var weights: [JSONNumber], intercept: JSONNumber, samples: [Int], srcc_all, srcc_stack: JSONNumber
        var residual: JSONNullable<Residual>
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(
            dataset: dataset, target: target, proxies: stack.proxies, beta: stack.beta.jsonNumbers, stack_intercept: JSONNumber(stack.intercept),
            lambda: JSONNumber(adaptation?.lambda), weights: model.weights.jsonNumbers, intercept: JSONNumber(model.intercept), samples: samples,
            srcc_all: JSONNumber(srccAll), srcc_stack: JSONNumber(srccStack),
            residual: JSONNullable(residual.map {
                .init(family: $0.model.basis.family, op_costs: $0.opCosts, lambda: JSONNumber($0.ridge.lambda), features: $0.model.basis.names,
                      weights: $0.model.weights.jsonNumbers, intercept: JSONNumber($0.model.intercept))
            }))
    }

    public var exports: [ExportFormat] { [.csv, .json, .md, .html] }
    public func customExport(_ format: ExportFormat) throws -> String? {
        if format == .csv {
            var t = Table(columns: ["column", "feature", "weight_ms"])
            // The model's weights over the encoding (with op costs, the stack's and theirs summed).
            let linear = residual?.model.base ?? model
            let names = featureNames(space: space, count: linear.weights.count)
            t.rows = linear.weights.enumerated().map { [.integer($0.offset), .text(names[$0.offset]), .number($0.element, digits: 6)] }
            t.rows.append([.integer(nil), .text("intercept"), .number(linear.intercept, digits: 6)])
            if let r = residual {
                for (k, w) in r.model.weights.enumerated() {
                    t.rows.append([.integer(k), .text("residual \(r.model.basis.family):\(r.model.basis.names[k])"), .number(w, digits: 6)])
                }
                t.rows.append([.integer(nil), .text("residual intercept"), .number(r.model.intercept, digits: 6)])
            }
            return t.csv()
        }
        return nil
    }
}

// MARK: - advise

/// `advise d target=T`: candidate proxies and stacks ranked by cross-validated SRCC on the samples.
public struct AdviceValue: ShellValue {
    public struct Candidate: Sendable {
        public var name: String
        public var cvSRCC: Double?
        public var low: Double?
        public var high: Double?
        /// On every architecture the target measured (what the advice cannot see), when known.
        public var srccAll: Double?
    }
    public var dataset: String
    public var target: String
    public var samples: [Int]
    public var selectionText: String
    public var candidates: [Candidate]
    public var strongVerdict: String
    public var moreSamples: String

    public var typeName: String { "advice" }
    public var summary: String {
        guard let best = candidates.first else { return "no candidate could be scored" }
        return "advice for \(target): \(best.name) (CV SRCC \(format4(best.cvSRCC)), 95% [\(format4(best.low)), \(format4(best.high))]); \(strongVerdict)"
    }

    var table: Table {
        // No check column when the target measured nothing beyond the samples (a new device).
        let checked = candidates.contains { $0.srccAll != nil }
        var t = Table(columns: ["rank", "candidate", "cv_srcc", "ci_low", "ci_high"] + (checked ? ["srcc_all"] : []))
        t.rows = candidates.enumerated().map { k, c in
            [.integer(k + 1), .text(c.name), .number(c.cvSRCC, digits: 4), .number(c.low, digits: 4), .number(c.high, digits: 4)]
                + (checked ? [.number(c.srccAll, digits: 4)] : [])
        }
        t.title = "candidates by leave-one-out SRCC on the \(samples.count) samples (each refitted without the held-out sample), 95% bootstrap intervals"
            + (checked ? "; srcc_all is the check on every architecture, which the advice does not see" : "; the target measured nothing beyond the samples, so there is no check on other architectures")
        return t
    }

    public var document: Document {
        Document([
            .heading("Advice for \(target) on \(dataset), \(selectionText)"),
            .table(table),
            .text("recommended: \(candidates.first?.name ?? "none")"),
            .note(strongVerdict), .note(moreSamples),
        ])
    }

    /// `export a "a.json"`: the recommendation, the verdicts, and every candidate's row.
    struct JSONForm: Encodable, Sendable {
        var dataset, target: String, samples: [Int], recommended, strong_monotonicity, more_samples: String, candidates: JSONValue
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(dataset: dataset, target: target, samples: samples, recommended: candidates.first?.name ?? "",
                 strong_monotonicity: strongVerdict, more_samples: moreSamples, candidates: table.jsonValue)
    }
}

// MARK: - helpbench

/// `h = helpbench`: HELP's protocol, every method beside HELP's published numbers.
public struct HelpBenchValue: ShellValue {
    public var result: HelpBenchResult

    public var typeName: String { "helpbench" }
    public var summary: String {
        let r = result
        let parts = r.methods.indices.map { m -> String in
            let s = r.summary(method: m, size: 1)
            return "\(r.methods[m]) \(format3(s.mean))"
        }
        return "HELP's protocol on \(r.protocol.dataset), \(r.draws) draws (seeds \(r.seed)..\(r.seed + UInt64(r.draws) - 1)), mean SRCC at 20 samples: " + parts.joined(separator: ", ") + String(format: " (HELP %.3f)", r.protocol.publishedMean)
    }

    func table(size s: Int) -> Table {
        let r = result
        let withHelp = r.sizes[s] == 20
        var t = Table(columns: ["device"] + (withHelp ? ["HELP"] : []) + r.methods)
        for (ti, name) in r.targets.enumerated() {
            t.rows.append([.text(name)] + (withHelp ? [.number(r.protocol.published[name], digits: 3)] : [])
                + r.methods.indices.map { .number(r.deviceMean(method: $0, size: s, target: ti), digits: 3) })
        }
        t.rows.append([.text("mean")] + (withHelp ? [.number(r.protocol.publishedMean, digits: 3)] : [])
            + r.methods.indices.map { .number(r.summary(method: $0, size: s).mean, digits: 3) })
        t.rows.append([.text("se")] + (withHelp ? [.text("")] : [])
            + r.methods.indices.map { .number(r.summary(method: $0, size: s).se, digits: 3) })
        t.title = "\(r.sizes[s]) target samples (\(r.sizes[s] == 20 ? "the 10 reference architectures + 10 random" : "10 random")), SRCC on the query architectures, mean over \(r.draws) draws; se = standard error of the \(r.targets.count)-device mean over draws"
        return t
    }

    public var document: Document {
        let p = result.protocol
        let what = p.space == "nb201" ? "NB201 architectures" : "FBNet rows"
        var blocks: [Block] = [
            .heading("HELP's few-shot protocol on \(p.dataset) (\(result.draws) draws, draw k uses seed \(result.seed) + k − 1)"),
            .text("targets: \(p.targets.joined(separator: ", ")); pool: \(p.pool.joined(separator: ", ")); samples from \(what) \(p.sampleRange.lowerBound)..\(p.sampleRange.upperBound - 1), query \(p.queryRange.lowerBound)..\(p.queryRange.upperBound - 1), both the middle 80% by the target's latency"),
            .table(table(size: 0)), .table(table(size: 1)),
        ]
        if p.space == "nb201" {
            blocks.append(.note("HELP's reference architecture 1462 lies inside the query range (a small leak of HELP's protocol, kept as it is)"))
        }
        return Document(blocks)
    }

    /// `export h "h.json"`: for each method and sample size (`n10`, `n20`, …), the mean SRCC over
    /// devices and draws, its standard error, and each device's mean.
    struct JSONForm: Encodable, Sendable {
        struct Cell: Encodable, Sendable { var mean, se: JSONNumber, devices: [String: JSONNumber] }
        var methods: [String: [String: Cell]], draws: Int
    }

    public var jsonForm: any Encodable & Sendable {
        let r = result
        var methods: [String: [String: JSONForm.Cell]] = [:]
        for (m, name) in r.methods.enumerated() {
            for (s, n) in r.sizes.enumerated() {
                let sum = r.summary(method: m, size: s)
                var devices: [String: JSONNumber] = [:]
                for (t, dev) in r.targets.enumerated() { devices[dev] = JSONNumber(r.deviceMean(method: m, size: s, target: t)) }
                methods[name, default: [:]]["n\(n)"] = .init(mean: JSONNumber(sum.mean), se: JSONNumber(sum.se), devices: devices)
            }
        }
        return JSONForm(methods: methods, draws: r.draws)
    }

    public var exports: [ExportFormat] { [.json, .csv, .md, .html] }
}

func format3(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "undefined" }
