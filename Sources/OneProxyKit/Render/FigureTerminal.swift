// The terminal back-end: figures as lines of styled runs. The Kit says what each run is (an axis, a
// series, a heat value); the shell's palette decides how that looks, so no escape codes appear here.

extension Figure {
    /// The figure as terminal lines of at most `width` display columns (Characters; every glyph used
    /// is single-width).
    ///
    /// Plots draw on a braille canvas (2 x 4 dots per character, 16 rows), each cell coloured by the
    /// series that drew into it last; bar charts draw eighth-block bars; heatmaps draw a numbered
    /// grid of values, narrowing its cells, then its row names, then (symmetric matrices) to the
    /// lower triangle, to fit. `color` chooses between colour-carrying roles (`.heat`) and marks
    /// that read without colour (`*` on cells at or above the threshold). Prose lines (titles,
    /// legends, keys) wrap at word boundaries; when not even the smallest drawing fits, one line
    /// says the terminal is too narrow. The same figure, width and colour give the same lines.
    public func terminal(width: Int, color: Bool) -> [StyledLine] {
        let width = max(1, width)
        let lines: [StyledLine]
        switch self {
        case .plot(let p): lines = terminalPlot(p, width: width)
        case .bars(let b): lines = terminalBars(b, width: width)
        case .heatmap(let h): lines = terminalHeatmap(h, width: width, color: color)
        }
        // The drawings are laid out to fit; this only guards the promise (and a too-narrow notice).
        return lines.map { clip(printable($0), to: width) }
    }
}

// MARK: - Line helpers

/// Builds one line, merging neighbouring runs of the same role.
struct LineBuilder {
    private(set) var runs: StyledLine = []
    private(set) var count = 0

    mutating func add(_ text: String, _ role: StyledRun.Role = .plain) {
        guard !text.isEmpty else { return }
        count += text.count
        if let last = runs.last, last.role == role {
            runs[runs.count - 1].text += text
        } else {
            runs.append(StyledRun(text, role))
        }
    }

    /// Drops trailing spaces (they carry nothing and would only widen the line), except in heat
    /// cells, whose spaces show the cell's shade.
    mutating func trimTrailingSpaces() {
        while let last = runs.last, last.text.hasSuffix(" ") {
            if case .heat = last.role { return }
            var t = last.text
            while t.hasSuffix(" ") { t.removeLast(); count -= 1 }
            if t.isEmpty { runs.removeLast() } else { runs[runs.count - 1].text = t }
        }
    }
}

/// The display width of a line (Characters).
func lineWidth(_ line: StyledLine) -> Int { line.reduce(0) { $0 + $1.text.count } }

/// `line` with control characters (from labels and titles) shown as U+FFFD, so data can never
/// move the cursor or start an escape sequence.
func printable(_ line: StyledLine) -> StyledLine {
    line.map { run in
        guard run.text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return run }
        let text = String(String.UnicodeScalarView(run.text.unicodeScalars.map { s in
            s.value < 0x20 || (0x7F...0x9F).contains(s.value) ? "\u{FFFD}" : s
        }))
        return StyledRun(text, run.role)
    }
}

/// `line` cut to `width` columns, ending in "…" when something was cut.
func clip(_ line: StyledLine, to width: Int) -> StyledLine {
    guard lineWidth(line) > width else { return line }
    var out: StyledLine = [], room = width - 1
    for run in line where room > 0 {
        let t = String(run.text.prefix(room))
        out.append(StyledRun(t, run.role))
        room -= t.count
    }
    out.append(StyledRun("…", out.last?.role ?? .plain))
    return out
}

/// `s` cut to `width` characters with a final "…" when longer.
func truncated(_ s: String, to width: Int) -> String {
    guard s.count > width else { return s }
    return width <= 1 ? String(s.prefix(width)) : String(s.prefix(width - 1)) + "…"
}

func padRight(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
func padLeft(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

/// Items (each a list of runs) laid out on as few lines as fit `width`, separated by `gap` spaces;
/// an item wider than a line gets a line of its own (and is clipped later).
func flow(_ items: [StyledLine], width: Int, gap: Int = 2) -> [StyledLine] {
    var lines: [StyledLine] = []
    var current = LineBuilder()
    for item in items {
        let w = lineWidth(item)
        if current.count > 0 && current.count + gap + w > width {
            lines.append(current.runs)
            current = LineBuilder()
        }
        if current.count > 0 { current.add(String(repeating: " ", count: gap)) }
        for run in item { current.add(run.text, run.role) }
    }
    if current.count > 0 { lines.append(current.runs) }
    return lines
}

/// `text` wrapped at spaces into lines of at most `width` (words longer than a line are split).
func wrap(_ text: String, width: Int, role: StyledRun.Role = .plain) -> [StyledLine] {
    let words = text.split(separator: " ", omittingEmptySubsequences: true).flatMap { word -> [String] in
        var w = String(word), parts: [String] = []
        while w.count > width { parts.append(String(w.prefix(width))); w = String(w.dropFirst(width)) }
        return parts + [w]
    }
    return flow(words.map { [StyledRun($0, role)] }, width: width, gap: 1)
}

/// One line holding `labels` centred on the given columns (from `offset`), skipping a label that
/// would touch the previous one or run past `width`.
func tickLabelLine(_ placed: [(column: Int, label: String)], offset: Int, width: Int) -> StyledLine {
    var chars = [Character](repeating: " ", count: width)
    var free = 0
    for (column, label) in placed {
        let start = max(0, min(width - label.count, offset + column - label.count / 2))
        guard start >= free, start + label.count <= width else { continue }
        for (k, ch) in label.enumerated() { chars[start + k] = ch }
        free = start + label.count + 1
    }
    return [StyledRun(String(String(chars).reversed().drop { $0 == " " }.reversed()), .axis)].filter { !$0.text.isEmpty }
}

private func tooNarrow(_ what: String, width: Int) -> [StyledLine] {
    [[StyledRun("(\(width) columns are too narrow for this \(what))", .dim)]]
}

// MARK: - Plot

/// Braille dots: bit for the dot at column dx (0, 1) and row dy (0...3) of a cell.
private let brailleBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

/// A canvas of `cols` x `rows` braille cells; each cell remembers the role that drew into it last.
struct BrailleCanvas {
    let cols: Int, rows: Int
    private(set) var bits: [UInt8]
    private(set) var roles: [StyledRun.Role?]
    /// A character drawn in a cell instead of its braille dots (a shaped point's mark).
    private(set) var glyphs: [Character?]

    init(cols: Int, rows: Int) {
        self.cols = cols
        self.rows = rows
        bits = Array(repeating: 0, count: cols * rows)
        roles = Array(repeating: nil, count: cols * rows)
        glyphs = Array(repeating: nil, count: cols * rows)
    }

    /// Draws `glyph` in the cell holding dot (x, y): a point that must read without colour.
    mutating func mark(_ x: Int, _ y: Int, _ glyph: Character, _ role: StyledRun.Role) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * cols + x / 2
        glyphs[cell] = glyph
        roles[cell] = role
    }

    var dotWidth: Int { cols * 2 }
    var dotHeight: Int { rows * 4 }

    /// Sets the dot at (x, y), x from the left and y from the top; dots outside are ignored.
    mutating func set(_ x: Int, _ y: Int, _ role: StyledRun.Role) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * cols + x / 2
        bits[cell] |= brailleBits[x % 2][y % 4]
        roles[cell] = role
    }

    /// The segment between two dot positions (doubles, any size), clipped to the canvas and drawn
    /// with Bresenham's algorithm; `every` > 1 draws a dotted line.
    mutating func segment(_ a: (Double, Double), _ b: (Double, Double), _ role: StyledRun.Role, every: Int = 1) {
        guard let (p, q) = clipSegment(a, b, maxX: Double(dotWidth - 1), maxY: Double(dotHeight - 1)) else { return }
        var x = Int(p.0.rounded()), y = Int(p.1.rounded())
        let x1 = Int(q.0.rounded()), y1 = Int(q.1.rounded())
        let dx = abs(x1 - x), dy = -abs(y1 - y), sx = x < x1 ? 1 : -1, sy = y < y1 ? 1 : -1
        var err = dx + dy, k = 0
        while true {
            if k % every == 0 { set(x, y, role) }
            k += 1
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Row `r` as runs: braille characters (a space for an empty cell) in their cell's role.
    func line(_ r: Int) -> StyledLine {
        var b = LineBuilder()
        for c in 0..<cols {
            let i = r * cols + c
            if let g = glyphs[i] {
                b.add(String(g), roles[i] ?? .plain)
            } else if bits[i] == 0 {
                b.add(" ")
            } else if let scalar = Unicode.Scalar(0x2800 + UInt32(bits[i])) {
                b.add(String(Character(scalar)), roles[i] ?? .plain)
            }
        }
        return b.runs
    }
}

/// Liang–Barsky: the part of segment a–b inside [0, maxX] x [0, maxY], nil when none (or non-finite).
func clipSegment(_ a: (Double, Double), _ b: (Double, Double), maxX: Double, maxY: Double) -> ((Double, Double), (Double, Double))? {
    let dx = b.0 - a.0, dy = b.1 - a.1
    // Far-off points (an outlier 1e300 away) could overflow the difference; they are not drawn.
    guard a.0.isFinite, a.1.isFinite, dx.isFinite, dy.isFinite else { return nil }
    var t0 = 0.0, t1 = 1.0
    for (p, q) in [(-dx, a.0), (dx, maxX - a.0), (-dy, a.1), (dy, maxY - a.1)] {
        if p == 0 {
            if q < 0 { return nil }
        } else {
            let r = q / p
            if p < 0 { if r > t1 { return nil }; t0 = max(t0, r) } else { if r < t0 { return nil }; t1 = min(t1, r) }
        }
    }
    let p = (a.0 + t0 * dx, a.1 + t0 * dy), q = (a.0 + t1 * dx, a.1 + t1 * dy)
    guard p.0.isFinite, p.1.isFinite, q.0.isFinite, q.1.isFinite else { return nil }
    return (p, q)
}

extension Series.PointShape {
    /// The character a point of this shape is on a terminal (nil: braille dots, for clouds), so
    /// series read apart without colour (NO_COLOR): ASCII, one column wide in every terminal.
    var terminalGlyph: Character? {
        switch self {
        case .dot: nil
        case .circle: "o"
        case .diamond: "x"
        case .square: "#"
        case .triangle: "^"
        case .star: "*"
        }
    }
}

/// Each series' glyph on a terminal (nil: braille): its shape's, or, when two shaped series would
/// share a glyph (ten curves, five shapes), one of ten distinct ASCII marks by order, so no two
/// series look alike without colour. Emphasised points stay 3 x 3 braille blocks.
func terminalGlyphs(_ series: [Series]) -> [Character?] {
    let own = series.map { $0.emphasised ? nil : $0.shape.terminalGlyph }
    let shaped = own.compactMap { $0 }
    if Set(shaped).count == shaped.count { return own }
    let marks: [Character] = ["o", "#", "x", "^", "*", "+", "@", "%", "&", "=", "~", "$"]
    var next = 0
    return own.map { g in
        guard g != nil else { return nil }
        defer { next += 1 }
        return marks[next % marks.count]
    }
}

private func terminalPlot(_ p: Plot, width: Int) -> [StyledLine] {
    let xmap = AxisMap.fit(p.x, data: p.series.flatMap(\.x), extra: p.markers.filter { $0.orientation == .vertical }.map(\.value))
    let ymap = AxisMap.fit(p.y, data: p.series.flatMap(\.y), extra: p.markers.filter { $0.orientation == .horizontal }.map(\.value))
    func inRange(_ f: Double?) -> Bool { f.map { $0 >= -1e-9 && $0 <= 1 + 1e-9 } ?? false }
    let yticks = ymap.ticks(maxCount: 5).filter { inRange(ymap.fraction($0)) }
    let ylabels = tickLabels(yticks, log: ymap.log)
    let yLabelWidth = ylabels.map(\.count).max() ?? 0
    let cols = width - yLabelWidth - 2
    guard cols >= 20 else { return tooNarrow("plot", width: width) }
    var canvas = BrailleCanvas(cols: cols, rows: 16)
    let maxX = Double(canvas.dotWidth - 1), maxY = Double(canvas.dotHeight - 1)
    // Dot coordinates: x from the left, y from the top (the top row is the range's upper end).
    func dot(_ x: Double, _ y: Double) -> (Double, Double)? {
        guard let fx = xmap.fraction(x), let fy = ymap.fraction(y) else { return nil }
        return (fx * maxX, (1 - fy) * maxY)
    }

    // Drawing order sets each cell's colour: reference lines first, data over them.
    if p.diagonal {
        let a = max(xmap.lo, ymap.lo), b = min(xmap.hi, ymap.hi)
        if b > a, let fa = xmap.fraction(a), let fb = xmap.fraction(b) {
            let pts = (0...32).compactMap { k -> (Double, Double)? in
                let v = xmap.value(at: fa + (fb - fa) * Double(k) / 32)
                return dot(v, v)
            }
            for (u, v) in zip(pts, pts.dropFirst()) { canvas.segment(u, v, .dim, every: 2) }
        }
    }
    for m in p.markers {
        switch m.orientation {
        case .vertical:
            guard let f = xmap.fraction(m.value), inRange(f) else { continue }
            canvas.segment((f * maxX, 0), (f * maxX, maxY), .mark, every: 2)
        case .horizontal:
            guard let f = ymap.fraction(m.value), inRange(f) else { continue }
            canvas.segment((0, (1 - f) * maxY), (maxX, (1 - f) * maxY), .mark, every: 2)
        }
    }
    func onCanvas(_ d: (Double, Double)) -> Bool { d.0 >= -0.5 && d.0 <= maxX + 0.5 && d.1 >= -0.5 && d.1 <= maxY + 0.5 }
    let glyphs = terminalGlyphs(p.series)
    for (index, s) in p.series.enumerated().sorted(by: { !$0.1.emphasised && $1.1.emphasised }) {
        let role = StyledRun.Role.series(s.colour)
        let glyph = glyphs[index]
        switch s.style {
        case .points:
            for (x, y) in zip(s.x, s.y) {
                guard let d = dot(x, y), onCanvas(d) else { continue }
                let cx = Int(d.0.rounded()), cy = Int(d.1.rounded())
                // A shaped point is its glyph: it reads apart from a cloud's dots without colour.
                if let glyph { canvas.mark(cx, cy, glyph, role); continue }
                canvas.set(cx, cy, role)
                // An emphasised point is a 3 × 3 block of dots: it reads without colour.
                if s.emphasised {
                    for dx in -1...1 { for dy in -1...1 where cx + dx >= 0 && cy + dy >= 0 && Double(cx + dx) <= maxX && Double(cy + dy) <= maxY {
                        canvas.set(cx + dx, cy + dy, role)
                    } }
                }
            }
        case .line, .linePoints:
            // Lines do not cross an axis break: a point at 0 before it stands alone.
            for run in runs(zip(s.x, s.y).map { x, y in xmap.zeroSlot && x == 0 ? nil : dot(x, y) }) {
                if run.count == 1 { canvas.segment(run[0], run[0], role) }
                for (u, v) in zip(run, run.dropFirst()) { canvas.segment(u, v, role) }
            }
            for (x, y) in zip(s.x, s.y) where (s.style == .linePoints && glyph != nil) || (xmap.zeroSlot && x == 0) {
                guard let d = dot(x, y), onCanvas(d) else { continue }
                if let glyph { canvas.mark(Int(d.0.rounded()), Int(d.1.rounded()), glyph, role) } else { canvas.set(Int(d.0.rounded()), Int(d.1.rounded()), role) }
            }
        case .steps:
            let pts = zip(s.x, s.y).filter { dot($0.0, $0.1) != nil }.sorted { $0.0 < $1.0 }.compactMap { dot($0.0, $0.1) }
            if let first = pts.first { canvas.segment(first, first, role) }
            for (u, v) in zip(pts, pts.dropFirst()) {
                canvas.segment(u, (v.0, u.1), role)
                canvas.segment((v.0, u.1), v, role)
            }
        }
    }

    var lines = wrap(p.title, width: width, role: .title)
    lines.append([StyledRun(truncated(p.y.title + (p.y.scale == .log ? " (log)" : ""), to: width), .label)])
    var labelAtRow: [Int: String] = [:]
    for (t, label) in zip(yticks, ylabels) {
        guard let f = ymap.fraction(t) else { continue }
        let row = Int(((1 - f) * maxY).rounded()) / 4
        if labelAtRow[row] == nil { labelAtRow[row] = label }
    }
    for r in 0..<canvas.rows {
        var b = LineBuilder()
        b.add(padLeft(labelAtRow[r] ?? "", yLabelWidth) + " " + (labelAtRow[r] == nil ? "│" : "┤"), .axis)
        for run in canvas.line(r) { b.add(run.text, run.role) }
        b.trimTrailingSpaces()
        lines.append(b.runs)
    }
    let xticks = xmap.ticks(maxCount: 5).filter { inRange(xmap.fraction($0)) }
    let xcols = xticks.map { t in Int(((xmap.fraction(t) ?? 0) * maxX).rounded()) / 2 }
    var axis = Array(repeating: Character("─"), count: cols)
    for c in xcols where c >= 0 && c < cols { axis[c] = "┬" }
    if xmap.zeroSlot {
        // The break between 0 and the log scale.
        let c = Int((AxisMap.breakAt * maxX).rounded()) / 2
        if c >= 0 && c < cols && axis[c] == "─" { axis[c] = "/" }
    }
    lines.append([StyledRun(String(repeating: " ", count: yLabelWidth) + " └" + String(axis), .axis)])
    lines.append(tickLabelLine(zip(xcols, tickLabels(xticks, log: xmap.log)).map { ($0, $1) }, offset: yLabelWidth + 2, width: width))
    let xtitle = truncated(p.x.title + (p.x.scale == .log ? " (log)" : ""), to: width)
    lines.append([StyledRun(padLeft(xtitle, min(width, yLabelWidth + 2 + (cols + xtitle.count) / 2)), .label)])

    var items: [StyledLine] = p.series.enumerated().map { k, s in
        [StyledRun(String(glyphs[k] ?? "⣿") + " " + s.name, .series(s.colour))]
    }
    items += p.markers.map { [StyledRun("┊ \($0.label) (\(shortNumber($0.value)))", .mark)] }
    if p.diagonal { items.append([StyledRun("⠑ y = x", .dim)]) }
    lines += flow(items, width: width)
    return lines
}

// MARK: - Bar chart

private func terminalBars(_ b: BarChart, width: Int) -> [StyledLine] {
    let values = b.values.map { v in v.flatMap { $0.isFinite ? $0 : nil } }
    let valueTexts = values.map { $0.map { formatFixed($0, decimals: 4) } ?? "undefined" }
    let valueWidth = valueTexts.map(\.count).max() ?? 0
    let labelWidth = min(b.labels.map(\.count).max() ?? 0, max(8, width / 3))
    let barWidth = width - labelWidth - valueWidth - 2
    guard barWidth >= 10 else { return tooNarrow("bar chart", width: width) }
    let map = AxisMap.fitBars(b.axis, data: values.compactMap { $0 }, extra: b.marker.map { [$0.value] } ?? [])
    /// A value's position in eighths of a column from the left of the bar area, clamped to it.
    func eighths(_ v: Double) -> Int { Int((max(0, min(1, map.fraction(v) ?? 0)) * Double(barWidth * 8)).rounded()) }
    let zero = eighths(0) / 8
    let markerColumn: Int? = b.marker.flatMap { m in
        guard let f = map.fraction(m.value), f >= 0, f <= 1 else { return nil }
        return min(barWidth - 1, Int(f * Double(barWidth)))
    }
    let partial: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    var lines = wrap(b.title, width: width, role: .title)
    for (k, label) in b.labels.enumerated() {
        var chars = Array(repeating: Character(" "), count: barWidth)
        var filled = Array(repeating: false, count: barWidth)
        var role = StyledRun.Role.series(0)
        if let v = values[k] {
            if let m = b.marker, v >= m.value { role = .series(2) }
            let end = eighths(v)
            if end >= zero * 8 {
                for c in zero..<(end / 8) { chars[c] = "█"; filled[c] = true }
                if end % 8 > 0, end / 8 < barWidth { chars[end / 8] = partial[end % 8 - 1]; filled[end / 8] = true }
            } else {
                // Left of zero: whole cells only (partial blocks grow from the left edge).
                for c in ((end + 4) / 8)..<zero { chars[c] = "█"; filled[c] = true }
            }
        }
        var line = LineBuilder()
        line.add(padRight(truncated(label, to: labelWidth), labelWidth) + " ", .label)
        for c in 0..<barWidth {
            if let mc = markerColumn, c == mc, !filled[c] {
                line.add("│", .mark)
            } else {
                line.add(String(chars[c]), filled[c] ? role : .plain)
            }
        }
        line.add(" ")
        line.add(valueTexts[k], values[k] == nil ? .dim : .plain)
        line.trimTrailingSpaces()
        lines.append(line.runs)
    }
    let ticks = map.ticks(maxCount: 5)
    let tickColumns = ticks.map { min(barWidth - 1, eighths($0) / 8) }
    var axis = Array(repeating: Character("─"), count: barWidth)
    for c in tickColumns { axis[c] = "┬" }
    lines.append([StyledRun(String(repeating: " ", count: labelWidth + 1) + String(axis), .axis)])
    lines.append(tickLabelLine(zip(tickColumns, tickLabels(ticks)).map { ($0, $1) }, offset: labelWidth + 1, width: width))
    let title = truncated(b.axis.title, to: width)
    lines.append([StyledRun(padLeft(title, min(width, labelWidth + 1 + (barWidth + title.count) / 2)), .label)])
    if let m = b.marker {
        lines.append([StyledRun("│", .mark), StyledRun(" \(shortNumber(m.value)): \(m.label)", .label)])
    }
    return lines
}

// MARK: - Heatmap

/// How many colours a terminal heatmap's scale has (a cell at position t takes colour
/// `min(heatLevels - 1, Int(t * heatLevels))`); the legend lists exactly these bins.
public let heatLevels = 8

/// A value in 4 characters, `.98` style: 2 decimals without the leading zero, fewer decimals when
/// that does not fit (`-1.0`), `####` when nothing does.
func heatCellText(_ v: Double) -> String {
    for decimals in [2, 1, 0] {
        var s = formatFixed(v, decimals: decimals)
        if s.hasPrefix("0.") { s.removeFirst() } else if s.hasPrefix("-0.") { s = "-" + s.dropFirst(2) }
        if s.count <= 4 { return padLeft(s, 4) }
    }
    return "####"
}

/// A value x100 in 3 characters (` 92` for 0.92), clamped to -99...99.
func compactCellText(_ v: Double) -> String {
    let hundredths = v.isFinite ? max(-99, min(99, Int((v * 100).rounded()))) : 0
    return padLeft(String(hundredths), 3)
}

private func terminalHeatmap(_ h: Heatmap, width: Int, color: Bool) -> [StyledLine] {
    let d = h.labels.count
    let nameWidth = h.labels.map(\.count).max() ?? 0
    let numWidth = String(max(1, d)).count
    let symmetric = (0..<d).allSatisfy { i in (0..<i).allSatisfy { j in h.value(i, j) == h.value(j, i) } }
    // The widest layout that fits: 5-character cells with names, 3-character cells with names,
    // row numbers only, and for a symmetric matrix its lower triangle (the upper half repeats it).
    enum Layout { case full, compact, numbered, triangle }
    let layout: Layout
    if numWidth + 1 + nameWidth + 5 * d <= width {
        layout = .full
    } else if numWidth + 1 + nameWidth + 3 * d <= width {
        layout = .compact
    } else if numWidth + 3 * d <= width {
        layout = .numbered
    } else if symmetric, d >= 2, numWidth + 3 * (d - 1) <= width {
        layout = .triangle
    } else {
        return wrap(h.title, width: width, role: .title) + tooNarrow("\(d) x \(d) heatmap (export it as .svg)", width: width)
    }
    let prefix = layout == .full || layout == .compact ? numWidth + 1 + nameWidth : numWidth
    let columns = layout == .triangle ? d - 1 : d
    let rows = layout == .triangle ? Array(1..<d) : Array(0..<d)

    var lines = wrap(h.title, width: width, role: .title)
    // Column numbers over the values (a full cell's last character is the mark's place).
    // (typed closure: inferring the ternary of concatenations took the type checker ~5 s)
    let header: String = (0..<columns).map { (c: Int) -> String in
        layout == .full ? padLeft(String(c + 1), 4) + " " : padLeft(String(c + 1), 3)
    }.joined()
    var headerLine = LineBuilder()
    headerLine.add(String(repeating: " ", count: prefix) + header, .axis)
    headerLine.trimTrailingSpaces()
    lines.append(headerLine.runs)
    for i in rows {
        var line = LineBuilder()
        line.add(padLeft(String(i + 1), numWidth), .axis)
        if prefix > numWidth { line.add(" " + padRight(h.labels[i], nameWidth), .label) }
        for j in 0..<(layout == .triangle ? i : d) {
            let v = h.value(i, j)
            // The threshold's mark, with or without colour: no colour bin lines up with 0.9.
            let strong = h.isStrong(i, j)
            var text: String
            if layout == .full {
                text = " " + (v.map { heatCellText(heatmapShownValue($0, threshold: h.threshold)) } ?? "  --") + (strong ? "*" : " ")
            } else {
                text = i == j ? "  ·" : v.map { compactCellText(heatmapShownValue($0, threshold: h.threshold)) } ?? " --"
                if strong { text = "*" + text.dropFirst() }
            }
            line.add(text, color ? .heat(v.map { h.position($0) }) : .plain)
        }
        if !color { line.trimTrailingSpaces() }
        lines.append(line.runs)
    }

    if layout == .numbered || layout == .triangle {
        let key = h.labels.enumerated().map { [StyledRun(padLeft(String($0.offset + 1), numWidth) + " " + $0.element, .label)] }
        lines += flow(key, width: width)
    }
    if layout == .triangle { lines += wrap("lower triangle only (the matrix is symmetric)", width: width, role: .dim) }
    if layout != .full {
        lines += wrap("values x100 (92 = 0.92) to fit \(width) columns; set width=N or export for full precision", width: width, role: .dim)
    }
    if color {
        let lo = h.scale.lowerBound, span = h.scale.upperBound - h.scale.lowerBound
        var items: [StyledLine] = [[StyledRun("legend:")]]
        for k in 0..<heatLevels {
            let a = lo + span * Double(k) / Double(heatLevels), b = lo + span * Double(k + 1) / Double(heatLevels)
            items.append([StyledRun(" \(formatFixed(a, decimals: 2))–\(formatFixed(b, decimals: 2)) ", .heat((Double(k) + 0.5) / Double(heatLevels)))])
        }
        if h.threshold != nil { items.append([StyledRun("* marks " + h.thresholdLabel, .label)]) }
        if h.hasUndefined { items.append([StyledRun(" -- ", .heat(nil)), StyledRun(" undefined")]) }
        lines += flow(items, width: width, gap: 1)
    } else {
        var parts: [String] = []
        if h.threshold != nil { parts.append("* marks \(h.thresholdLabel)") }
        if h.hasUndefined { parts.append("-- undefined") }
        if !parts.isEmpty { lines += wrap("legend: " + parts.joined(separator: "; "), width: width, role: .dim) }
    }
    return lines
}
