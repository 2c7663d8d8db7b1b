/// An SVG figure of a correlation matrix: the paper's monotonicity heatmap.
///
/// Rows and columns follow `order` (e.g. `clusteredOrder(m)`; an `order` that is not a permutation
/// of 0..<d is replaced by the identity). Drawn by `Figure.svg()` from `Heatmap(matrix:order:title:)`:
/// viridis cells with their value (2 decimals, "n/a" when undefined), an outline (`class="strong"`)
/// on each off-diagonal cell >= 0.9 (strong monotonicity), a legend with the colour bar.
///
/// Guarantees: a complete standalone SVG document (names and title XML-escaped), the same matrix
/// always gives the same text; exactly one `class="cell"` rect per matrix entry and one
/// `class="strong"` rect per off-diagonal entry >= 0.9.
public func heatmapSVG(_ m: CorrelationMatrix, order: [Int], title: String) -> String {
    Figure.heatmap(Heatmap(matrix: m, order: order, title: title)).svg()
}

extension Heatmap {
    /// The heatmap of a correlation matrix in `order` (not a permutation of 0..<d: the identity):
    /// threshold 0.9 (strong monotonicity), the scale from the lowest value rounded down to a tenth
    /// (at least -1, at most 0.9) up to 1, counts for the tooltips.
    public init(matrix m: CorrelationMatrix, order: [Int], title: String) {
        let d = m.names.count
        let order = Set(order) == Set(0..<d) && order.count == d ? order : Array(0..<d)
        func at<T>(_ rows: [[T]], _ i: Int, _ j: Int) -> T? {
            i < rows.count && j < rows[i].count ? rows[i][j] : nil
        }
        let values = order.map { i in order.map { j in at(m.values, i, j) ?? nil } }
        let counts = m.counts.count == d ? order.map { i in order.map { j in at(m.counts, i, j) ?? 0 } } : []
        let lowest = values.flatMap { $0.compactMap { $0 } }.filter(\.isFinite).min() ?? 0
        let lower = max(-1, min(strongMonotonicity, (lowest * 10).rounded(.down) / 10))
        let name: String
        switch m.method {
        case .spearman: name = "SRCC"
        case .kendall: name = "Kendall tau-b"
        case .pearson: name = "Pearson r"
        }
        self.init(title: title, labels: order.map { m.names[$0] }, values: values, counts: counts,
                  scale: lower...1, threshold: strongMonotonicity, thresholdLabel: "\(name) \u{2265} \(strongMonotonicity): strong monotonicity",
                  valueLabel: name)
    }
}

/// `value` with exactly 2 decimals, rounded half away from zero, no "-0.00".
func fixed2(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let sign = hundredths < 0 ? "-" : ""
    let a = abs(hundredths)
    let frac = a % 100
    return "\(sign)\(a / 100).\(frac < 10 ? "0" : "")\(frac)"
}

/// `s` safe inside XML and HTML text and attribute values (the one escape of SVG, HTML pages and
/// notebooks): the five special characters escaped, control
/// characters XML cannot hold replaced by U+FFFD.
public func xmlEscape(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        // XML 1.0 has no place for other control characters, not even escaped.
        case _ where ch.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }:
            out += "\u{FFFD}"
        default: out.append(ch)
        }
    }
    return out
}
