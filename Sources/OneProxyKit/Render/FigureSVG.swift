// The SVG back-end: every figure as a complete standalone SVG document, built as a string with no
// locale, clock or randomness, so the same figure always gives the same bytes.

extension Figure {
    /// The figure as a complete standalone SVG document (`<?xml …?>`, one `<svg>` root with width,
    /// height and viewBox, a `<title>`, a white background, Helvetica/Arial).
    ///
    /// Guarantees: well-formed XML with every text and attribute escaped; numbers written with a
    /// fixed number of decimals and no locale, so identical figures give byte-identical documents;
    /// elements carry CSS classes naming what they draw (`axis x`, `axis y`, `tick`, `axis-title`,
    /// `series`, `point`, `marker`, `legend`, `cell`, `strong`, `bar`) so tools and tests can find them.
    public func svg() -> String {
        switch self {
        case .plot(let p): return plotSVG(p)
        case .heatmap(let h): return heatmapFigureSVG(h)
        case .bars(let b): return barsSVG(b)
        }
    }
}

// MARK: - Writer

/// The one SVG-writing helper: accumulates elements and wraps them in the document.
struct SVGWriter {
    var width: Double
    var height: Double
    private(set) var body = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A coordinate or length with 2 decimals, no locale.
    static func num(_ v: Double) -> String { formatFixed(v, decimals: 2) }

    static func escape(_ s: String) -> String { xmlEscape(s) }

    /// `name="value"` pairs, values escaped (numbers pass through `num` before they get here).
    static func attributes(_ attrs: [(String, String)]) -> String {
        attrs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// An element on its own line: self-closing, or with escaped text, or with raw (already
    /// escaped) children.
    mutating func element(_ name: String, _ attrs: [(String, String)], text: String? = nil, children: String? = nil) {
        let open = "<" + name + SVGWriter.attributes(attrs)
        if let text {
            body += open + ">" + SVGWriter.escape(text) + "</\(name)>\n"
        } else if let children {
            body += open + ">" + children + "</\(name)>\n"
        } else {
            body += open + "/>\n"
        }
    }

    mutating func open(_ name: String, _ attrs: [(String, String)] = []) {
        body += "<" + name + SVGWriter.attributes(attrs) + ">\n"
    }

    mutating func close(_ name: String) { body += "</\(name)>\n" }

    mutating func raw(_ s: String) { body += s }

    mutating func text(_ s: String, x: Double, y: Double, _ extra: [(String, String)] = []) {
        element("text", [("x", SVGWriter.num(x)), ("y", SVGWriter.num(y))] + extra, text: s)
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ extra: [(String, String)] = []) {
        element("line", [("x1", SVGWriter.num(x1)), ("y1", SVGWriter.num(y1)), ("x2", SVGWriter.num(x2)), ("y2", SVGWriter.num(y2))] + extra)
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ extra: [(String, String)] = [], children: String? = nil) {
        element("rect", [("x", SVGWriter.num(x)), ("y", SVGWriter.num(y)), ("width", SVGWriter.num(w)), ("height", SVGWriter.num(h))] + extra, children: children)
    }

    /// The whole document: XML declaration, root, title, white background, then the body.
    func document(title: String) -> String {
        let w = SVGWriter.num(width), h = SVGWriter.num(height)
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        s += "<title>\(SVGWriter.escape(title))</title>\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
        return s + body + "</svg>\n"
    }
}

/// A rough text width in pixels for Helvetica at `size` (no font metrics without a renderer).
private func textWidth(_ s: String, size: Double) -> Double { Double(s.count) * size * 0.58 }

// MARK: - Plot

private func plotSVG(_ p: Plot) -> String {
    let n = SVGWriter.num
    var w = SVGWriter(width: 640, height: 420)
    let x0 = 72.0, x1 = 616.0, y0 = 44.0, y1 = 362.0
    let xs = p.series.flatMap(\.x), ys = p.series.flatMap(\.y)
    let xmap = AxisMap.fit(p.x, data: xs, extra: p.markers.filter { $0.orientation == .vertical }.map(\.value))
    let bands = p.series.flatMap { ($0.bandLow ?? []) + ($0.bandHigh ?? []) }
    let ymap = AxisMap.fit(p.y, data: ys + bands, extra: p.markers.filter { $0.orientation == .horizontal }.map(\.value))
    func px(_ v: Double) -> Double? { xmap.fraction(v).map { x0 + $0 * (x1 - x0) } }
    func py(_ v: Double) -> Double? { ymap.fraction(v).map { y1 - $0 * (y1 - y0) } }
    func inside(_ f: Double?) -> Bool { f.map { $0 >= -1e-9 && $0 <= 1 + 1e-9 } ?? false }

    w.text(p.title, x: x0, y: 26, [("font-size", "15"), ("font-weight", "bold"), ("class", "figure-title")])
    w.element("defs", [], children: "<clipPath id=\"plot-area\"><rect x=\"\(n(x0))\" y=\"\(n(y0))\" width=\"\(n(x1 - x0))\" height=\"\(n(y1 - y0))\"/></clipPath>")

    // Grid lines first, under everything.
    let xticks = xmap.ticks(maxCount: 7).filter { inside(xmap.fraction($0)) }
    let yticks = ymap.ticks(maxCount: 7).filter { inside(ymap.fraction($0)) }
    w.open("g", [("class", "grid"), ("stroke", "#eeeeee"), ("stroke-width", "1")])
    for t in xticks { if let x = px(t) { w.line(x, y0, x, y1) } }
    for t in yticks { if let y = py(t) { w.line(x0, y, x1, y) } }
    w.close("g")

    // Axes: ticks with labels, and the titles.
    w.open("g", [("class", "axis x"), ("font-size", "11"), ("fill", "#222222")])
    for (t, label) in zip(xticks, tickLabels(xticks, log: xmap.log)) {
        guard let x = px(t) else { continue }
        w.open("g", [("class", "tick")])
        w.line(x, y1, x, y1 + 5, [("stroke", "#444444")])
        w.text(label, x: x, y: y1 + 18, [("text-anchor", "middle")])
        w.close("g")
    }
    w.text(p.x.title + (p.x.scale == .log ? " (log scale)" : ""), x: (x0 + x1) / 2, y: 404, [("class", "axis-title"), ("text-anchor", "middle"), ("font-size", "12")])
    if xmap.zeroSlot {
        // The break between 0 and the log scale: a white gap across the plot and // on the axis.
        let bx = x0 + AxisMap.breakAt * (x1 - x0)
        w.rect(bx - 3, y0, 6, y1 - y0, [("class", "axis-break"), ("fill", "#ffffff")])
        w.open("g", [("class", "axis-break"), ("stroke", "#444444"), ("stroke-width", "1.2")])
        w.line(bx - 6, y1 + 5, bx - 1, y1 - 5)
        w.line(bx + 1, y1 + 5, bx + 6, y1 - 5)
        w.close("g")
    }
    w.close("g")
    w.open("g", [("class", "axis y"), ("font-size", "11"), ("fill", "#222222")])
    for (t, label) in zip(yticks, tickLabels(yticks, log: ymap.log)) {
        guard let y = py(t) else { continue }
        w.open("g", [("class", "tick")])
        w.line(x0 - 5, y, x0, y, [("stroke", "#444444")])
        w.text(label, x: x0 - 8, y: y + 4, [("text-anchor", "end")])
        w.close("g")
    }
    let ymid = (y0 + y1) / 2
    w.text(p.y.title + (p.y.scale == .log ? " (log scale)" : ""), x: 18, y: ymid, [("class", "axis-title"), ("text-anchor", "middle"), ("font-size", "12"), ("transform", "rotate(-90 18 \(n(ymid)))")])
    w.close("g")

    // The diagonal y = x, sampled where both axes show the same values (a curve when one is log).
    if p.diagonal {
        let a = max(xmap.lo, ymap.lo), b = min(xmap.hi, ymap.hi)
        if b > a, let fa = xmap.fraction(a), let fb = xmap.fraction(b) {
            let pts = (0...64).compactMap { k -> String? in
                let v = xmap.value(at: fa + (fb - fa) * Double(k) / 64)
                guard let x = px(v), let y = py(v) else { return nil }
                return n(x) + "," + n(y)
            }
            if pts.count >= 2 {
                w.element("polyline", [("class", "diagonal"), ("points", pts.joined(separator: " ")), ("fill", "none"), ("stroke", "#999999"), ("stroke-width", "1"), ("stroke-dasharray", "5 4")])
            }
        }
    }

    // Series, clipped to the plot area; emphasised ones last, on top.
    for s in p.series.filter({ !$0.emphasised }) + p.series.filter(\.emphasised) {
        let colour = Figure.paletteColour(s.colour)
        w.open("g", [("class", "series"), ("data-name", s.name), ("clip-path", "url(#plot-area)")])
        let mapped: [(Double, Double)?] = zip(s.x, s.y).map { x, y in
            guard let X = px(x), let Y = py(y) else { return nil }
            return (X, Y)
        }
        // Lines do not cross an axis break: a point at 0 before it stands alone.
        let joined: [(Double, Double)?] = xmap.zeroSlot ? zip(s.x, mapped).map { $0 == 0 ? nil : $1 } : mapped
        switch s.style {
        case .points:
            for case let (x, y)? in mapped {
                if s.emphasised || s.shape != .dot {
                    pointShape(&w, s.shape == .dot ? .circle : s.shape, x: x, y: y, size: s.emphasised ? (s.hollow ? 10 : 7) : 4.5, colour: colour,
                               emphasised: s.emphasised, hollow: s.hollow)
                } else {
                    w.element("circle", [("class", "point"), ("cx", n(x)), ("cy", n(y)), ("r", "2"), ("fill", colour), ("fill-opacity", "0.55")])
                }
            }
        case .line, .linePoints:
            // The band first, under the line: upper edge forward, lower edge back.
            if let lowY = s.bandLow, let highY = s.bandHigh, lowY.count == s.x.count, highY.count == s.x.count {
                let upper = zip(s.x, highY).compactMap { x, y -> String? in px(x).flatMap { X in py(y).map { n(X) + "," + n($0) } } }
                let lower = zip(s.x, lowY).compactMap { x, y -> String? in px(x).flatMap { X in py(y).map { n(X) + "," + n($0) } } }
                if upper.count >= 2, upper.count == lower.count {
                    w.element("polygon", [("class", "band"), ("points", (upper + lower.reversed()).joined(separator: " ")), ("fill", colour), ("fill-opacity", "0.15"), ("stroke", "none")])
                }
            }
            // A gap where a point cannot be drawn (non-finite, or not positive on a log axis).
            for run in runs(joined) where run.count >= 2 {
                w.element("polyline", [("points", run.map { n($0.0) + "," + n($0.1) }.joined(separator: " ")), ("fill", "none"), ("stroke", colour), ("stroke-width", "1.5")]
                          + (s.dashed ? [("stroke-dasharray", "6 3")] : []))
            }
            if s.style == .linePoints || xmap.zeroSlot {
                for (k, point) in mapped.enumerated() {
                    guard let (x, y) = point, s.style == .linePoints || s.x[k] == 0 else { continue }
                    if s.shape != .dot {
                        // A distinct shape per curve, so curves read apart without colour.
                        pointShape(&w, s.shape, x: x, y: y, size: 4.5, colour: colour, emphasised: false, hollow: false)
                    } else {
                        w.element("circle", [("class", "point"), ("cx", n(x)), ("cy", n(y)), ("r", "3"), ("fill", colour)])
                    }
                }
            }
        case .steps:
            let sorted = zip(s.x, s.y).filter { px($0.0) != nil && py($0.1) != nil }.sorted { $0.0 < $1.0 }
            if let first = sorted.first, let fx = px(first.0), let fy = py(first.1) {
                var d = "M" + n(fx) + " " + n(fy)
                for (x, y) in sorted.dropFirst() {
                    guard let X = px(x), let Y = py(y) else { continue }
                    d += " H" + n(X) + " V" + n(Y)
                }
                w.element("path", [("d", d), ("fill", "none"), ("stroke", colour), ("stroke-width", "1.5")])
            }
        }
        w.close("g")
    }

    // Markers: dashed lines across the plot area, labelled.
    for m in p.markers {
        let label = "\(m.label) (\(shortNumber(m.value)))"
        switch m.orientation {
        case .vertical:
            guard inside(xmap.fraction(m.value)), let x = px(m.value) else { continue }
            w.open("g", [("class", "marker"), ("font-size", "10"), ("fill", "#333333")])
            w.line(x, y0, x, y1, [("stroke", "#333333"), ("stroke-width", "1"), ("stroke-dasharray", "4 3")])
            let right = x + 4 + textWidth(label, size: 10) < x1
            w.text(label, x: right ? x + 4 : x - 4, y: y1 - 6, [("text-anchor", right ? "start" : "end")])
            w.close("g")
        case .horizontal:
            guard inside(ymap.fraction(m.value)), let y = py(m.value) else { continue }
            w.open("g", [("class", "marker"), ("font-size", "10"), ("fill", "#333333")])
            w.line(x0, y, x1, y, [("stroke", "#333333"), ("stroke-width", "1"), ("stroke-dasharray", "4 3")])
            w.text(label, x: x1 - 4, y: y > y0 + 14 ? y - 4 : y + 12, [("text-anchor", "end")])
            w.close("g")
        }
    }

    // Legend: in the inside corner holding the fewest points (top-left wins ties).
    var entries: [(String, String)] = p.series.map { ($0.name, "series") }
    entries += p.markers.map { ("\($0.label) (\(shortNumber($0.value)))", "marker") }
    if p.diagonal { entries.append(("y = x", "diagonal")) }
    if !entries.isEmpty {
        let lw = min(x1 - x0 - 16, 34 + (entries.map { textWidth($0.0, size: 11) }.max() ?? 0))
        let lh = 8 + 16 * Double(entries.count)
        let corners = [(x0 + 8, y0 + 8), (x1 - 8 - lw, y0 + 8), (x0 + 8, y1 - 8 - lh), (x1 - 8 - lw, y1 - 8 - lh)]
        let all = p.series.flatMap { s in zip(s.x, s.y).compactMap { x, y -> (Double, Double)? in
            guard let X = px(x), let Y = py(y) else { return nil }
            return (X, Y)
        } }
        // Points within 8 px of the box count as covered (their marks and lines reach into it).
        let counts = corners.map { c in all.filter { $0.0 >= c.0 - 8 && $0.0 <= c.0 + lw + 8 && $0.1 >= c.1 - 8 && $0.1 <= c.1 + lh + 8 }.count }
        let best = counts.indices.min { counts[$0] < counts[$1] } ?? 0
        var (lx, ly) = corners[best]
        // Every inside corner would cover points: the legend goes to the right of the plot, and
        // the figure widens (and grows taller if the legend needs it).
        if counts[best] > 0 {
            lx = x1 + 16
            ly = y0
            w.width = lx + lw + 12
            w.height = max(w.height, ly + lh + 12)
        }
        w.open("g", [("class", "legend"), ("font-size", "11"), ("fill", "#222222")])
        w.rect(lx, ly, lw, lh, [("fill", "#ffffff"), ("fill-opacity", "0.85"), ("stroke", "#cccccc")])
        for (k, entry) in entries.enumerated() {
            let cy = ly + 12 + 16 * Double(k)
            if k < p.series.count {
                let s = p.series[k], colour = Figure.paletteColour(s.colour)
                switch s.style {
                case .points:
                    if s.emphasised || s.shape != .dot {
                        pointShape(&w, s.shape == .dot ? .circle : s.shape, x: lx + 15, y: cy, size: s.emphasised ? 5.5 : 3.5, colour: colour,
                                   emphasised: s.emphasised, hollow: s.hollow, swatch: true)
                    } else {
                        w.element("circle", [("class", "swatch"), ("cx", n(lx + 15)), ("cy", n(cy)), ("r", "3.5"), ("fill", colour)])
                    }
                case .line, .steps, .linePoints:
                    w.line(lx + 6, cy, lx + 24, cy, [("class", "swatch"), ("stroke", colour), ("stroke-width", "2")] + (s.dashed ? [("stroke-dasharray", "4 2")] : []))
                    if s.style == .linePoints {
                        if s.shape != .dot {
                            pointShape(&w, s.shape, x: lx + 15, y: cy, size: 4, colour: colour, emphasised: false, hollow: false, swatch: true)
                        } else {
                            w.element("circle", [("class", "swatch"), ("cx", n(lx + 15)), ("cy", n(cy)), ("r", "3"), ("fill", colour)])
                        }
                    }
                }
            } else {
                let colour = entry.1 == "marker" ? "#333333" : "#999999"
                w.line(lx + 6, cy, lx + 24, cy, [("class", "swatch"), ("stroke", colour), ("stroke-dasharray", "4 3")])
            }
            w.text(entry.0, x: lx + 30, y: cy + 4)
        }
        w.close("g")
    }

    w.rect(x0, y0, x1 - x0, y1 - y0, [("class", "frame"), ("fill", "none"), ("stroke", "#444444")])
    return w.document(title: p.title)
}

/// Consecutive non-nil runs of a sequence (a polyline breaks where a point cannot be drawn).
func runs<T>(_ items: [T?]) -> [[T]] {
    var out: [[T]] = [], current: [T] = []
    for item in items {
        if let item { current.append(item) } else if !current.isEmpty { out.append(current); current = [] }
    }
    if !current.isEmpty { out.append(current) }
    return out
}

// MARK: - Heatmap

private func heatmapFigureSVG(_ h: Heatmap) -> String {
    let n = SVGWriter.num
    let d = h.labels.count
    let cell = 44.0
    let labelChars = Double(h.labels.map(\.count).max() ?? 0)
    let labelWidth = 12 + labelChars * 7
    let left = labelWidth + 10
    let top = 40 + labelWidth * 0.71 + 10   // room for the column labels rotated by -45 degrees
    let grid = Double(d) * cell
    let legendX = left + grid + 30
    let legendHeight = max(160, min(grid, 320))
    let legendTexts = [h.valueLabel, h.threshold == nil ? "" : h.thresholdLabel, "undefined"]
    let legendWidth = max(150, 40 + (legendTexts.map { textWidth($0, size: 11) }.max() ?? 0))
    var w = SVGWriter(width: legendX + legendWidth, height: max(top + grid + 30, top + legendHeight + 120))

    w.text(h.title, x: left, y: 24, [("font-size", "16"), ("font-weight", "bold"), ("class", "figure-title")])

    w.open("g", [("class", "labels"), ("font-size", "11"), ("fill", "#222222")])
    for (p, name) in h.labels.enumerated() {
        w.text(name, x: left - 6, y: top + Double(p) * cell + cell / 2 + 4, [("text-anchor", "end")])
        let cx = left + Double(p) * cell + cell / 2
        w.text(name, x: cx, y: top - 6, [("transform", "rotate(-45 \(n(cx)) \(n(top - 6)))")])
    }
    w.close("g")

    w.open("g", [("class", "cells"), ("font-size", "11"), ("text-anchor", "middle")])
    var strong = SVGWriter(width: 0, height: 0)
    for i in 0..<d {
        for j in 0..<d {
            let x = left + Double(j) * cell, y = top + Double(i) * cell
            let value = h.value(i, j)
            let rgb = value.map { viridisRGB(h.position($0)) }
            var tip = "\(h.labels[i]) / \(h.labels[j]): \(value.map { fixed2($0) } ?? "undefined")"
            if i < h.counts.count, j < h.counts[i].count { tip += ", n = \(h.counts[i][j])" }
            w.rect(x, y, cell, cell, [("class", "cell"), ("fill", rgb.map(hexColour) ?? "#d0d0d0"), ("stroke", "#ffffff"), ("stroke-width", "1")],
                   children: "<title>\(SVGWriter.escape(tip))</title>")
            let ink = rgb.map { prefersDarkInk($0) ? "#111111" : "#ffffff" } ?? "#555555"
            w.text(value.map { fixed2(heatmapShownValue($0, threshold: h.threshold)) } ?? "n/a", x: x + cell / 2, y: y + cell / 2 + 4, [("fill", ink)])
            if h.isStrong(i, j) {
                // The outline contrasts with the cell: black on light cells, white on dark ones.
                let stroke = rgb.map { prefersDarkInk($0) ? "#000000" : "#ffffff" } ?? "#000000"
                strong.rect(x + 2.5, y + 2.5, cell - 5, cell - 5, [("class", "strong"), ("fill", "none"), ("stroke", stroke), ("stroke-width", "2")])
            }
        }
    }
    w.close("g")
    w.open("g", [("class", "marks")])
    w.raw(strong.body)
    w.close("g")

    // Legend: the colour bar from the scale's top (upper bound) down to its bottom.
    var stops = ""
    for k in 0...8 {
        stops += "<stop offset=\"\(k * 100 / 8)%\" stop-color=\"\(hexColour(viridisRGB(1 - Double(k) / 8)))\"/>"
    }
    w.element("defs", [], children: "<linearGradient id=\"scale\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">" + stops + "</linearGradient>")
    w.open("g", [("class", "legend"), ("font-size", "11"), ("fill", "#222222")])
    w.text(h.valueLabel, x: legendX, y: top - 12, [("font-weight", "bold")])
    w.rect(legendX, top, 18, legendHeight, [("fill", "url(#scale)"), ("stroke", "#888888")])
    let lo = h.scale.lowerBound, hi = h.scale.upperBound
    if hi > lo {
        let ticks = niceTicks(h.scale, maxCount: 6)
        for (t, label) in zip(ticks, tickLabels(ticks)) {
            let y = top + (hi - t) / (hi - lo) * legendHeight
            w.line(legendX + 18, y, legendX + 23, y, [("class", "tick"), ("stroke", "#888888")])
            w.text(label, x: legendX + 27, y: y + 4)
        }
    }
    var ly = top + legendHeight + 24
    if h.threshold != nil {
        w.rect(legendX, ly, 18, 18, [("fill", hexColour(viridisRGB(0.95))), ("stroke", "#000000"), ("stroke-width", "2")])
        w.text(h.thresholdLabel, x: legendX + 26, y: ly + 13)
        ly += 28
    }
    if h.hasUndefined {
        w.rect(legendX, ly, 18, 18, [("fill", "#d0d0d0")])
        w.text("undefined", x: legendX + 26, y: ly + 13)
    }
    w.close("g")
    return w.document(title: h.title)
}

// MARK: - Bar chart

private func barsSVG(_ b: BarChart) -> String {
    let shown = b.labels.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 }
    let left = 16 + (shown.map { textWidth($0, size: 11) }.max() ?? 0)
    let x0 = left, x1 = max(left + 300, 560.0)
    let top = 60.0, pitch = 22.0, barHeight = 14.0
    let axisY = top + pitch * Double(b.values.count) + 6
    var w = SVGWriter(width: x1 + 80, height: axisY + 56)
    let map = AxisMap.fitBars(b.axis, data: b.values.compactMap { $0 }, extra: b.marker.map { [$0.value] } ?? [])
    func px(_ v: Double) -> Double { x0 + max(0, min(1, map.fraction(v) ?? 0)) * (x1 - x0) }
    let zero = px(0)

    w.text(b.title, x: 16, y: 26, [("font-size", "15"), ("font-weight", "bold"), ("class", "figure-title")])
    let ticks = map.ticks(maxCount: 7)
    w.open("g", [("class", "grid"), ("stroke", "#eeeeee")])
    for t in ticks { w.line(px(t), top - 4, px(t), axisY) }
    w.close("g")

    w.open("g", [("class", "bars"), ("font-size", "11")])
    for (k, label) in shown.enumerated() {
        let y = top + pitch * Double(k)
        w.text(label, x: x0 - 6, y: y + barHeight - 3, [("text-anchor", "end"), ("fill", "#222222")])
        guard let v = b.values[k], v.isFinite else {
            w.text("undefined", x: zero + 4, y: y + barHeight - 3, [("class", "undefined"), ("fill", "#777777"), ("font-style", "italic")])
            continue
        }
        let colour = Figure.paletteColour(b.marker.map { v >= $0.value ? 2 : 0 } ?? 0)
        let end = px(v)
        w.rect(min(zero, end), y, abs(end - zero), barHeight, [("class", "bar"), ("fill", colour)],
               children: "<title>\(SVGWriter.escape("\(b.labels[k]): \(formatFixed(v, decimals: 4))"))</title>")
        w.text(formatFixed(v, decimals: 4), x: max(zero, end) + 4, y: y + barHeight - 3, [("fill", "#222222")])
    }
    w.close("g")

    w.open("g", [("class", "axis x"), ("font-size", "11"), ("fill", "#222222")])
    w.line(x0, axisY, x1, axisY, [("stroke", "#444444")])
    for (t, label) in zip(ticks, tickLabels(ticks)) {
        w.open("g", [("class", "tick")])
        w.line(px(t), axisY, px(t), axisY + 5, [("stroke", "#444444")])
        w.text(label, x: px(t), y: axisY + 18, [("text-anchor", "middle")])
        w.close("g")
    }
    w.text(b.axis.title, x: (x0 + x1) / 2, y: axisY + 40, [("class", "axis-title"), ("text-anchor", "middle"), ("font-size", "12")])
    w.close("g")

    if let m = b.marker, let f = map.fraction(m.value), f >= 0, f <= 1 {
        let x = px(m.value)
        w.open("g", [("class", "marker"), ("font-size", "10"), ("fill", "#333333")])
        w.line(x, top - 8, x, axisY, [("stroke", "#333333"), ("stroke-dasharray", "4 3")])
        w.text("\(shortNumber(m.value)): \(m.label)", x: x, y: top - 12, [("text-anchor", "middle")])
        w.close("g")
    }
    return w.document(title: b.title)
}

/// One point mark of a shape, centred at (x, y) with half-size `size`: opaque and outlined in
/// white when emphasised, so it reads over a cloud of points.
private func pointShape(_ w: inout SVGWriter, _ shape: Series.PointShape, x: Double, y: Double, size r: Double, colour: String,
                        emphasised: Bool, hollow: Bool = false, swatch: Bool = false) {
    let n = SVGWriter.num
    var attrs: [(String, String)] = [("class", swatch ? "swatch" : (emphasised ? "point emphasised" : "point")), ("data-shape", shape.rawValue)]
    if hollow {
        attrs += [("fill", "none"), ("stroke", colour), ("stroke-width", "2.5")]
    } else {
        attrs += [("fill", colour)] + (emphasised ? [("stroke", "#ffffff"), ("stroke-width", "1.5")] : [("fill-opacity", "0.9")])
    }
    func polygon(_ pts: [(Double, Double)]) {
        w.element("polygon", [("points", pts.map { n(x + $0.0) + "," + n(y + $0.1) }.joined(separator: " "))] + attrs)
    }
    switch shape {
    case .dot, .circle:
        w.element("circle", [("cx", n(x)), ("cy", n(y)), ("r", n(r))] + attrs)
    case .square:
        w.element("rect", [("x", n(x - r * 0.85)), ("y", n(y - r * 0.85)), ("width", n(1.7 * r)), ("height", n(1.7 * r))] + attrs)
    case .diamond:
        polygon([(0, -r * 1.2), (r * 1.2, 0), (0, r * 1.2), (-r * 1.2, 0)])
    case .triangle:
        polygon([(0, -r * 1.2), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)])
    case .star:
        // cos and sin of k·36° − 90°, k = 0…9 (no Foundation here: the same bytes on every platform).
        let unit: [(Double, Double)] = [(0.0, -1.0), (0.587785, -0.809017), (0.951057, -0.309017), (0.951057, 0.309017), (0.587785, 0.809017), (0.0, 1.0), (-0.587785, 0.809017), (-0.951057, 0.309017), (-0.951057, -0.309017), (-0.587785, -0.809017)]
        polygon(unit.enumerated().map { k, u in (u.0 * (k % 2 == 0 ? r * 1.35 : r * 0.6), u.1 * (k % 2 == 0 ? r * 1.35 : r * 0.6)) })
    }
}
