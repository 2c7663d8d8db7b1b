import Foundation
import OneProxyKit

extension CorrelationMethod {
    /// The name users read: SRCC, Kendall's tau-b, Pearson's r.
    var label: String {
        switch self {
        case .spearman: return "SRCC"
        case .kendall: return "Kendall tau-b"
        case .pearson: return "Pearson r"
        }
    }

    /// The command that computes it.
    var command: String {
        switch self {
        case .spearman: return "srcc"
        case .kendall: return "kendall"
        case .pearson: return "pearson"
        }
    }
}

/// One pair of devices: `srcc d A B`.
public struct PairCorrelationValue: ShellValue {
    public var dataset: String
    /// The variable holding the dataset, for the suggested next command.
    public var variable: String
    public var a: String
    public var b: String
    public var method: CorrelationMethod
    public var result: PairCorrelation
    public var interval: (level: Double, low: Double, high: Double, resamples: Int, seed: UInt64, dropped: Int)?
    /// The interval was added because too few architectures were shared for a verdict (no ci= given).
    public var intervalAutomatic = false

    public var typeName: String { "correlation" }

    var valueText: String {
        guard let v = result.value else { return "undefined (\(result.undefinedReason ?? "no variation"))" }
        return String(format: "%.4f", v)
    }

    public var summary: String { "\(method.label)(\(a), \(b)) = \(valueText) over \(result.n) architectures" }

    public var document: Document {
        var blocks: [Block] = [.text("\(method.label)(\(a), \(b)) = \(valueText) over \(result.n) architectures both measured")]
        if let ci = interval {
            blocks.append(.text(String(format: "%.0f%% bootstrap interval: [%.4f, %.4f] (%d resamples, seed %llu)", ci.level * 100, ci.low, ci.high, ci.resamples, ci.seed)
                + (intervalAutomatic ? " — shown because few architectures are shared" : "")))
            if ci.dropped > 0 {
                blocks.append(.note("\(ci.dropped) of \(ci.resamples) resamples had an undefined \(method.label) (a device constant in the resample) and were dropped: with \(result.n) architectures the interval is rough"))
            }
        }
        if method == .spearman, result.value != nil, result.n < minimumArchitecturesForVerdict {
            blocks.append(.note("only \(result.n) architectures both measured: too few to call monotonicity strong or weak (at least \(minimumArchitecturesForVerdict) are needed); measure more before reusing a search or adapting"))
        } else if method == .spearman, let v = result.value {
            blocks.append(.note(v >= strongMonotonicity
                ? "strong latency monotonicity (>= \(strongMonotonicity)): architectures searched on \(a) can be reused on \(b) as they are"
                : "weak monotonicity (< \(strongMonotonicity)): adapt the proxy's predictor to the target (adapt \(variable) proxy=\(a) target=\(b))"))
        }
        return Document(blocks)
    }

    var table: Table {
        var columns = ["a", "b", "method", "value", "n"]
        var row: [Cell] = [.text(a), .text(b), .text(method.rawValue), .number(result.value, digits: 4), .integer(result.n)]
        if let ci = interval {
            columns += ["ci_level", "ci_low", "ci_high"]
            row += [.number(ci.level, digits: 2), .number(ci.low, digits: 4), .number(ci.high, digits: 4)]
        }
        return Table(columns: columns, rows: [row])
    }

    /// `export r "r.json"`: the pair, the value over n shared rows, why it is undefined when it is,
    /// and the bootstrap interval when one was asked for (those keys are absent otherwise).
    struct JSONForm: Encodable, Sendable {
        var a, b, method: String, value: JSONNumber, n: Int
        var undefined: String?
        var ci_level, ci_low, ci_high: JSONNumber?
        var resamples, seed, resamples_dropped: Int?
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(
            a: a, b: b, method: method.rawValue, value: JSONNumber(result.value), n: result.n,
            undefined: result.value == nil ? result.undefinedReason : nil,
            ci_level: interval.map { JSONNumber($0.level) }, ci_low: interval.map { JSONNumber($0.low) }, ci_high: interval.map { JSONNumber($0.high) },
            resamples: interval?.resamples, seed: interval.map { Int($0.seed) }, resamples_dropped: interval?.dropped)
    }

    public var exports: [ExportFormat] { [.csv, .json] }
    public func customExport(_ format: ExportFormat) throws -> String? { format == .csv ? table.csv() : nil }
}

/// One device against every other: `srcc d A`.
public struct VectorCorrelationValue: TabularValue {
    public var dataset: String
    public var device: String
    public var method: CorrelationMethod
    /// Other devices with their correlation to `device`, highest first (undefined last).
    public var entries: [(name: String, result: PairCorrelation)]

    public var typeName: String { "correlation" }

    public var summary: String {
        let strong = entries.filter { ($0.result.value ?? -2) >= strongMonotonicity && $0.result.n >= minimumArchitecturesForVerdict }.count
        return "\(method.label) of \(device) against \(entries.count) devices" + (method == .spearman ? " (\(strong) strong)" : "")
    }

    public var table: Table {
        var t = Table(title: "\(method.label) of \(device) against each device of \(dataset)", columns: ["device", method.command, "n", "monotone"])
        t.rows = entries.map { e in
            let strong = e.result.value.map { $0 >= strongMonotonicity } ?? false
            return [.text(e.name), .number(e.result.value, digits: 4), .integer(e.result.n),
                    .text(e.result.value == nil ? "undefined: \(e.result.undefinedReason ?? "")"
                        : e.result.n < minimumArchitecturesForVerdict ? "too few (n < \(minimumArchitecturesForVerdict))" : strong ? "strong" : "weak")]
        }
        t.styles = entries.map { e in [nil, e.result.value.map { $0 >= strongMonotonicity ? .strong : $0 < 0 ? .bad : .weak }, nil, nil] }
        return t
    }

    /// The sorted bar chart: one bar per device, the 0.9 line for SRCC.
    public var figure: Figure {
        let lo = min(0, entries.compactMap(\.result.value).min() ?? 0)
        return .bars(BarChart(
            title: "\(method.label) of \(device) against each device, \(dataset)",
            labels: entries.map(\.name), values: entries.map(\.result.value),
            axis: Axis(method.label, range: lo...1),
            marker: method == .spearman ? Marker(.vertical, at: strongMonotonicity, label: "strong monotonicity") : nil))
    }

    public var document: Document {
        var blocks: [Block] = [.table(table), .figure(figure)]
        if method == .spearman { blocks.append(.note(summary + "; strong means >= \(strongMonotonicity) (reuse the proxy's search as it is)")) }
        return Document(blocks)
    }
}

/// All pairs: `m = srcc d`; `heatmap m` draws it.
public struct MatrixCorrelationValue: ShellValue {
    public var dataset: String
    public var matrix: CorrelationMatrix
    /// The display order (`clusteredOrder` by default for heatmaps; data order otherwise).
    public var order: [Int]
    /// True when drawn as a heatmap (coloured cells, legend); false for the plain matrix view.
    public var asHeatmap: Bool

    public var typeName: String { asHeatmap ? "heatmap" : "correlation" }

    var monotonicity: MonotonicitySummary { summarize(matrix) }

    public var summary: String {
        let d = matrix.names.count
        return "\(matrix.method.label) matrix of \(d) devices over \(dataset): " + summaryLine(short: true)
    }

    func summaryLine(short: Bool = false) -> String {
        let s = monotonicity
        // 0.9 is the method's threshold for SRCC; Kendall's tau and Pearson's r have none.
        var parts = matrix.method == .spearman ? ["\(s.strongPairs) of \(s.totalPairs) pairs >= \(strongMonotonicity)"] : ["\(s.totalPairs) pairs"]
        if let w = s.weakest { parts.append(String(format: "weakest %@–%@ %.3f", w.a, w.b, w.value)) }
        if s.undefinedPairs > 0 { parts.append("\(s.undefinedPairs) undefined") }
        if !s.nearDuplicates.isEmpty {
            let list = s.nearDuplicates.prefix(short ? 2 : 10).map { String(format: "%@ ~ %@ (%.3f)", $0.a, $0.b, $0.value) }
            parts.append("near-duplicates: " + list.joined(separator: ", ") + (s.nearDuplicates.count > (short ? 2 : 10) ? ", …" : ""))
        }
        return parts.joined(separator: "; ")
    }

    /// True when the display order is the clustered one (the title says which order it is).
    var isClusteredOrder: Bool { order == clusteredOrder(matrix) && order != Array(matrix.names.indices) }

    /// The heatmap figure in the display order, its colour scale fitted to the data's range.
    public var figure: Figure {
        let names = order.map { matrix.names[$0] }
        let values = order.map { i in order.map { j in matrix.values[i][j] } }
        let counts = order.map { i in order.map { j in matrix.counts[i][j] } }
        let offDiagonal = order.indices.flatMap { r in order.indices.compactMap { c in r == c ? nil : values[r][c] } }
        // Most SRCCs lie in 0.2–1.0: a scale from the data's floor (to a tenth) to 1 tells 0.69 from 0.89.
        let low = ((offDiagonal.min() ?? 0) * 10).rounded(.down) / 10
        let orderText = isClusteredOrder ? "devices ordered by clustering" : "devices in the data's order"
        return .heatmap(Heatmap(
            title: "\(matrix.method.label) over \(dataset) (\(orderText))",
            labels: names, values: values, counts: counts, scale: min(low, strongMonotonicity)...1,
            threshold: matrix.method == .spearman ? strongMonotonicity : nil,
            thresholdLabel: matrix.method == .spearman ? "SRCC >= \(strongMonotonicity): strong monotonicity" : "",
            valueLabel: matrix.method.label))
    }

    public var document: Document {
        Document([.figure(figure), .note(summaryLine())])
    }

    func csv() -> String {
        var out = "device," + matrix.names.map(csvField).joined(separator: ",") + "\n"
        for (i, name) in matrix.names.enumerated() {
            out += csvField(name) + "," + matrix.values[i].map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// `export h "h.json"`: the matrix in the dataset's device order, the shared-row counts, and the
    /// clustered order the heatmap draws.
    struct JSONForm: Encodable, Sendable {
        var method, dataset: String, devices: [String], values: [[JSONNumber]], counts: [[Int]], order: [String]
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(method: matrix.method.rawValue, dataset: dataset, devices: matrix.names, values: matrix.values.map(\.jsonNumbers),
                 counts: matrix.counts, order: order.map { matrix.names[$0] })
    }

    func markdown() -> String {
        var t = Table(columns: ["device"] + order.map { matrix.names[$0] })
        t.rows = order.map { i in [.text(matrix.names[i])] + order.map { j in .number(matrix.values[i][j], digits: 2) } }
        t.notes = [summaryLine()]
        return t.markdown()
    }

    public var exports: [ExportFormat] { [.csv, .json, .md, .svg, .html] }

    public func customExport(_ format: ExportFormat) throws -> String? {
        switch format {
        case .csv: return csv()
        case .md: return markdown()
        default: return nil
        }
    }
}

