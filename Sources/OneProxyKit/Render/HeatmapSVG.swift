/// An SVG figure of a correlation matrix: the paper's monotonicity heatmap.
///
/// Rows and columns follow `order` (e.g. `clusteredOrder(m)`; an `order` that is not a permutation
/// of 0..<d is replaced by the identity). Each cell is coloured on a diverging scale (blue -1,
/// white 0, red +1, ColorBrewer RdBu), shows its value with 2 decimals ("n/a" in grey when
/// undefined), and cells with r >= 0.9 (strong monotonicity) get a thick black outline. Device
/// labels run along the left and the top, a legend on the right shows the colour scale and the
/// outline's meaning.
///
/// Guarantees: a complete standalone SVG document (names and title XML-escaped), pure string
/// building with no locale or terminal dependence, so the same matrix always gives the same text;
/// exactly one `class="cell"` rect per matrix entry and one `class="strong"` rect per entry >= 0.9.
public func heatmapSVG(_ m: CorrelationMatrix, order: [Int], title: String) -> String {
    let d = m.names.count
    let order = Set(order) == Set(0..<d) && order.count == d ? order : Array(0..<d)
    let cell = 44
    let labelChars = m.names.map(\.count).max() ?? 0
    let labelWidth = 12 + labelChars * 7
    let left = labelWidth + 10
    let top = 40 + labelWidth * 71 / 100 + 10   // rotated (-45 degree) column labels
    let gridSize = d * cell
    let legendX = left + gridSize + 30
    let legendHeight = max(160, min(gridSize, 320))
    let width = legendX + 150
    let height = max(top + gridSize + 30, top + legendHeight + 120)

    var s = ""
    s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\">\n"
    s += "<title>\(xmlEscape(title))</title>\n"
    s += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
    s += "<text x=\"\(left)\" y=\"24\" font-size=\"16\" font-weight=\"bold\">\(xmlEscape(title))</text>\n"

    // labels
    s += "<g font-size=\"11\" fill=\"#222222\">\n"
    for (p, i) in order.enumerated() {
        let cy = top + p * cell + cell / 2 + 4
        s += "<text x=\"\(left - 6)\" y=\"\(cy)\" text-anchor=\"end\">\(xmlEscape(m.names[i]))</text>\n"
        let cx = left + p * cell + cell / 2
        s += "<text x=\"\(cx)\" y=\"\(top - 6)\" transform=\"rotate(-45 \(cx) \(top - 6))\">\(xmlEscape(m.names[i]))</text>\n"
    }
    s += "</g>\n"

    // cells
    s += "<g font-size=\"11\" text-anchor=\"middle\">\n"
    var strong = ""
    for (p, i) in order.enumerated() {
        for (q, j) in order.enumerated() {
            let x = left + q * cell, y = top + p * cell
            let value = m.values[i][j]
            let fill = value.map(divergingColor) ?? "#d0d0d0"
            let tip = "\(xmlEscape(m.names[i])) / \(xmlEscape(m.names[j])): \(value.map { fixed2($0) } ?? "undefined"), n = \(m.counts[i][j])"
            s += "<rect class=\"cell\" x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\" stroke=\"#ffffff\" stroke-width=\"1\"><title>\(tip)</title></rect>\n"
            let ink = value.map { abs($0) > 0.65 ? "#ffffff" : "#222222" } ?? "#555555"
            s += "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" fill=\"\(ink)\">\(value.map { fixed2($0) } ?? "n/a")</text>\n"
            if let v = value, v >= 0.9 {
                strong += "<rect class=\"strong\" x=\"\(x + 2)\" y=\"\(y + 2)\" width=\"\(cell - 4)\" height=\"\(cell - 4)\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
            }
        }
    }
    s += "</g>\n<g>\n" + strong + "</g>\n"

    // legend: colour bar from +1 (top) to -1 (bottom)
    let methodName: String
    switch m.method {
    case .spearman: methodName = "Spearman (SRCC)"
    case .kendall: methodName = "Kendall tau-b"
    case .pearson: methodName = "Pearson r"
    }
    s += "<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">\n"
    for k in 0...8 {
        let v = 1 - Double(k) / 4
        s += "<stop offset=\"\(k * 100 / 8)%\" stop-color=\"\(divergingColor(v))\"/>\n"
    }
    s += "</linearGradient></defs>\n"
    s += "<g font-size=\"11\" fill=\"#222222\">\n"
    s += "<text x=\"\(legendX)\" y=\"\(top - 12)\" font-weight=\"bold\">\(methodName)</text>\n"
    s += "<rect x=\"\(legendX)\" y=\"\(top)\" width=\"18\" height=\"\(legendHeight)\" fill=\"url(#scale)\" stroke=\"#888888\"/>\n"
    for k in 0...4 {
        let v = 1 - Double(k) / 2
        let y = top + k * legendHeight / 4
        s += "<line x1=\"\(legendX + 18)\" y1=\"\(y)\" x2=\"\(legendX + 23)\" y2=\"\(y)\" stroke=\"#888888\"/>\n"
        s += "<text x=\"\(legendX + 27)\" y=\"\(y + 4)\">\(fixed2(v))</text>\n"
    }
    let ly = top + legendHeight + 24
    s += "<rect x=\"\(legendX)\" y=\"\(ly)\" width=\"18\" height=\"18\" fill=\"\(divergingColor(0.95))\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
    s += "<text x=\"\(legendX + 26)\" y=\"\(ly + 13)\">r &#8805; 0.90 (strong)</text>\n"
    s += "<rect x=\"\(legendX)\" y=\"\(ly + 28)\" width=\"18\" height=\"18\" fill=\"#d0d0d0\"/>\n"
    s += "<text x=\"\(legendX + 26)\" y=\"\(ly + 41)\">undefined</text>\n"
    s += "</g>\n</svg>\n"
    return s
}

/// ColorBrewer RdBu (5 classes) interpolated linearly in RGB: -1 blue, 0 near-white, +1 red.
func divergingColor(_ value: Double) -> String {
    let stops: [(Double, (Double, Double, Double))] = [
        (-1, (33, 102, 172)), (-0.5, (146, 197, 222)), (0, (247, 247, 247)),
        (0.5, (244, 165, 130)), (1, (178, 24, 43)),
    ]
    let v = max(-1, min(1, value.isNaN ? 0 : value))
    var k = 0
    while k < stops.count - 2 && v > stops[k + 1].0 { k += 1 }
    let (v0, c0) = stops[k], (v1, c1) = stops[k + 1]
    let t = (v - v0) / (v1 - v0)
    func channel(_ a: Double, _ b: Double) -> String {
        let x = Int((a + (b - a) * t).rounded())
        let hex = String(x, radix: 16)
        return hex.count == 1 ? "0" + hex : hex
    }
    return "#" + channel(c0.0, c1.0) + channel(c0.1, c1.1) + channel(c0.2, c1.2)
}

/// `value` with exactly 2 decimals, rounded half away from zero, no "-0.00".
func fixed2(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let sign = hundredths < 0 ? "-" : ""
    let a = abs(hundredths)
    let frac = a % 100
    return "\(sign)\(a / 100).\(frac < 10 ? "0" : "")\(frac)"
}

func xmlEscape(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(ch)
        }
    }
    return out
}
