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

/// The paper's threshold for strong latency monotonicity (SRCC >= 0.9).
let strongMonotonicity = 0.9

/// One pair of devices: `srcc d A B`.
public struct PairCorrelationValue: ShellValue {
    public var dataset: String
    /// The variable holding the dataset, for the suggested next command.
    public var variable: String
    public var a: String
    public var b: String
    public var method: CorrelationMethod
    public var result: PairCorrelation
    public var interval: (level: Double, low: Double, high: Double, resamples: Int, seed: UInt64)?

    public var typeName: String { "correlation" }

    var valueText: String {
        guard let v = result.value else { return "undefined (\(result.undefinedReason ?? "no variation"))" }
        return String(format: "%.4f", v)
    }

    public var summary: String { "\(method.label)(\(a), \(b)) = \(valueText) over \(result.n) architectures" }

    public func render(_ ctx: RenderContext) -> String {
        switch ctx.format {
        case .table, .markdown:
            var out = "\(method.label)(\(a), \(b)) = \(valueText) over \(result.n) architectures both measured"
            if let ci = interval {
                out += String(format: "\n%.0f%% bootstrap interval: [%.4f, %.4f] (%d resamples, seed %llu)", ci.level * 100, ci.low, ci.high, ci.resamples, ci.seed)
            }
            if method == .spearman, let v = result.value {
                out += v >= strongMonotonicity
                    ? "\nstrong latency monotonicity (>= 0.9): architectures searched on \(a) can be reused on \(b) as they are"
                    : "\nweak monotonicity (< 0.9): adapt the proxy's predictor to the target (adapt \(variable) proxy=\(a) target=\(b))"
            }
            return out + "\n"
        case .csv: return table.csv()
        case .json: return jsonObject()
        }
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

    func jsonObject() -> String {
        var fields = ["\"a\": \(jsonString(a))", "\"b\": \(jsonString(b))", "\"method\": \(jsonString(method.rawValue))",
                      "\"value\": \(jsonNumber(result.value))", "\"n\": \(result.n)"]
        if let ci = interval {
            fields += ["\"ci_level\": \(ci.level)", "\"ci_low\": \(ci.low)", "\"ci_high\": \(ci.high)", "\"resamples\": \(ci.resamples)", "\"seed\": \(ci.seed)"]
        }
        return "{" + fields.joined(separator: ", ") + "}\n"
    }

    public var exportExtensions: [String] { ["csv", "json"] }
    public func export(as ext: String) throws -> String { ext == "csv" ? table.csv() : jsonObject() }
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
        let defined = entries.compactMap(\.result.value)
        let strong = defined.filter { $0 >= strongMonotonicity }.count
        return "\(method.label) of \(device) against \(entries.count) devices" + (method == .spearman ? " (\(strong) strong)" : "")
    }

    public var table: Table {
        var t = Table(title: "\(method.label) of \(device) against each device of \(dataset)", columns: ["device", method.command, "n", "monotone"])
        t.rows = entries.map { e in
            let strong = e.result.value.map { $0 >= strongMonotonicity } ?? false
            return [.text(e.name), .number(e.result.value, digits: 4), .integer(e.result.n),
                    .text(e.result.value == nil ? "undefined: \(e.result.undefinedReason ?? "")" : strong ? "strong" : "weak")]
        }
        t.styles = entries.map { e in [nil, e.result.value.map(heatStyle), nil, nil] }
        if method == .spearman { t.notes = [summary + "; strong means >= 0.9 (reuse the proxy's search as it is)"] }
        return t
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

    var monotonicity: MonotonicitySummary { summarize(matrix, strong: strongMonotonicity, duplicate: 0.995) }

    public var summary: String {
        let d = matrix.names.count
        return "\(matrix.method.label) matrix of \(d) devices over \(dataset): " + summaryLine(short: true)
    }

    func summaryLine(short: Bool = false) -> String {
        let s = monotonicity
        var parts = ["\(s.strongPairs) of \(s.totalPairs) pairs >= 0.9"]
        if let w = s.weakest { parts.append(String(format: "weakest %@–%@ %.3f", w.a, w.b, w.value)) }
        if s.undefinedPairs > 0 { parts.append("\(s.undefinedPairs) undefined") }
        if !s.nearDuplicates.isEmpty {
            let list = s.nearDuplicates.prefix(short ? 2 : 10).map { String(format: "%@ ~ %@ (%.3f)", $0.a, $0.b, $0.value) }
            parts.append("near-duplicates: " + list.joined(separator: ", ") + (s.nearDuplicates.count > (short ? 2 : 10) ? ", …" : ""))
        }
        return parts.joined(separator: "; ")
    }

    public func render(_ ctx: RenderContext) -> String {
        switch ctx.format {
        case .table: return grid(ctx)
        case .csv: return csv()
        case .json: return json()
        case .markdown: return markdown()
        }
    }

    /// The terminal drawing: numbered rows, cells of 4 characters, coloured when colour is on.
    func grid(_ ctx: RenderContext) -> String {
        let names = order.map { matrix.names[$0] }
        let nameWidth = names.map(\.count).max() ?? 0
        let reset = ctx.color ? "\u{1B}[0m" : ""
        // Cells of 5 characters (" .98 "); when that is wider than the terminal, 3 (" 98", x100).
        let compact = nameWidth + 4 + 5 * order.count > ctx.width
        let cellWidth = compact ? 3 : 5
        var out = "\(matrix.method.label) over \(dataset)" + (asHeatmap ? " (devices ordered by clustering; order=name keeps the data's order)" : "") + "\n"
        out += String(repeating: " ", count: nameWidth + 4) + order.indices.map { String(format: "%\(cellWidth)d", $0 + 1) }.joined() + "\n"
        for (r, i) in order.enumerated() {
            out += String(format: "%3d ", r + 1) + names[r].padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            for j in order {
                let v = matrix.values[i][j]
                let strong = asHeatmap && i != j && (v ?? 0) >= strongMonotonicity
                if compact {
                    // Two digits per cell: 0.92 is 92, anything from 0.985 up is 99, the diagonal a dot.
                    let text = i == j ? "  ·" : v.map { String(format: "%3d", min(99, Int(($0 * 100).rounded()))) } ?? " --"
                    if ctx.color, let v { out += heatStyle(v) + text + reset } else { out += strong ? "*" + text.dropFirst() : text }
                    continue
                }
                let text = " " + (v.map(cellText) ?? "  --")
                if ctx.color, let v {
                    out += heatStyle(v) + text + " " + reset
                } else {
                    out += text + (strong ? "*" : " ")
                }
            }
            while out.hasSuffix(" ") { out.removeLast() }
            out += "\n"
        }
        if compact { out += "values x100 (92 = 0.92; 99 = 0.985 or more) to fit \(ctx.width) columns; set width=N or export for full precision\n" }
        if asHeatmap {
            out += ctx.color
                ? "legend: " + [(-0.5, "< 0"), (0.2, "0–.5"), (0.6, ".5–.7"), (0.8, ".7–.9"), (0.95, ">= .9 strong")].map { heatStyle($0.0) + " \($0.1) " + reset }.joined(separator: " ") + "\n"
                : "legend: * marks SRCC >= 0.9 (strong monotonicity)" + (compact ? " (*92)" : "") + "; -- undefined\n"
        }
        out += summaryLine() + "\n"
        return out
    }

    func csv() -> String {
        var out = "device," + matrix.names.map(csvField).joined(separator: ",") + "\n"
        for (i, name) in matrix.names.enumerated() {
            out += csvField(name) + "," + matrix.values[i].map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") + "\n"
        }
        return out
    }

    func json() -> String {
        let values = matrix.values.map { "[" + $0.map(jsonNumber).joined(separator: ", ") + "]" }.joined(separator: ",\n    ")
        let counts = matrix.counts.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }.joined(separator: ",\n    ")
        return "{\n  \"method\": \(jsonString(matrix.method.rawValue)),\n  \"devices\": [" + matrix.names.map(jsonString).joined(separator: ", ")
            + "],\n  \"values\": [\n    \(values)\n  ],\n  \"counts\": [\n    \(counts)\n  ]\n}\n"
    }

    func markdown() -> String {
        var t = Table(columns: ["device"] + order.map { matrix.names[$0] })
        t.rows = order.map { i in [.text(matrix.names[i])] + order.map { j in .number(matrix.values[i][j], digits: 2) } }
        t.notes = [summaryLine()]
        return t.markdown()
    }

    public var exportExtensions: [String] { ["csv", "json", "md", "svg"] }

    public func export(as ext: String) throws -> String {
        switch ext {
        case "csv": return csv()
        case "json": return json()
        case "md": return markdown()
        default: return heatmapSVG(matrix, order: order, title: "\(matrix.method.label) of device latencies, \(dataset)")
        }
    }
}

/// `.98` style: 4 characters, two decimals, no leading zero.
func cellText(_ v: Double) -> String {
    if v >= 0.995 { return "1.00" }
    let s = String(format: "%.2f", v)
    let trimmed = s.hasPrefix("0.") ? String(s.dropFirst()) : s.hasPrefix("-0.") ? "-" + s.dropFirst(2) : s
    return String(repeating: " ", count: max(0, 4 - trimmed.count)) + trimmed
}

/// The ANSI background for a correlation: strong pairs (>= 0.9) stand out in green.
func heatStyle(_ v: Double) -> String {
    switch v {
    case 0.9...: return "\u{1B}[1;97;42m"
    case 0.7..<0.9: return "\u{1B}[30;102m"
    case 0.5..<0.7: return "\u{1B}[30;103m"
    case 0..<0.5: return "\u{1B}[30;43m"
    default: return "\u{1B}[97;41m"
    }
}
