import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import OneProxyKit
import Testing

// MARK: - Fixtures

/// Deterministic pseudo-random values in 0..<1 (a linear congruential generator).
private func noise(_ count: Int, seed: UInt64) -> [Double] {
    var s = seed
    return (0..<count).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return Double(s >> 11) / Double(1 << 53)
    }
}

/// A predicted-against-measured scatter: 300 finite points and one NaN, with the diagonal.
private let scatter: Plot = {
    let x = noise(300, seed: 1).map { 2 + 30 * $0 }
    let y = zip(x, noise(300, seed: 2)).map { $0 * (0.9 + 0.2 * $1) }
    return Plot(title: "predicted vs measured <eagle_gtx>", x: Axis("measured", unit: "ms"), y: Axis("predicted", unit: "ms"),
                series: [Series("scatter", style: .points, x: x + [.nan], y: y + [1], colour: 0)], diagonal: true)
}()

/// A λ path on a log axis with a non-positive λ (skipped), a marker at the chosen λ, and the diagonal.
private let lambdaPath = Plot(
    title: "validation SRCC over λ", x: Axis("λ", scale: .log), y: Axis("SRCC"),
    series: [Series("validation", style: .linePoints, x: [0, 0.001, 0.01, 0.1, 1, 10], y: [0.5, 0.6, 0.8, 0.88, 0.85, 0.7], colour: 1)],
    markers: [Marker(.vertical, at: 0.06, label: "chosen λ"), Marker(.horizontal, at: 0.9, label: "strong")], diagonal: true)

/// A Pareto front as steps over a scatter of candidates.
private let pareto = Plot(
    title: "accuracy against latency", x: Axis("latency", unit: "ms"), y: Axis("accuracy", unit: "%"),
    series: [
        Series("candidates", style: .points, x: noise(50, seed: 3).map { 1 + 9 * $0 }, y: noise(50, seed: 4).map { 60 + 30 * $0 }, colour: 5),
        Series("front", style: .steps, x: [9, 2, 5], y: [90, 70, 85], colour: 3),
    ],
    markers: [Marker(.vertical, at: 6, label: "budget")])

private func heatmap(_ d: Int, undefinedAt cell: (Int, Int)? = nil, names: (Int) -> String = { "device_\($0)" }) -> Heatmap {
    func value(_ i: Int, _ j: Int) -> Double? {
        if i == j { return 1 }
        let step = Double((i * 7 + j * 7) % 11)
        return 0.3 + 0.69 * step / 10
    }
    var values: [[Double?]] = (0..<d).map { i in (0..<d).map { j in value(i, j) } }
    if let (i, j) = cell { values[i][j] = nil; values[j][i] = nil }
    return Heatmap(title: "SRCC of device latencies", labels: (0..<d).map(names), values: values,
                   counts: (0..<d).map { _ in Array(repeating: 1999, count: d) }, scale: 0.3...1,
                   threshold: 0.9, thresholdLabel: "SRCC ≥ 0.9: strong monotonicity", valueLabel: "SRCC")
}

private let bars = BarChart(
    title: "SRCC with true_vpu", labels: ["eagle_gtx", "a_device_with_a_rather_long_name", "rice_pixel3", "broken"],
    values: [0.6905, 0.95, 0.31, nil], axis: Axis("SRCC"), marker: Marker(.vertical, at: 0.9, label: "strong monotonicity"))

private let allFigures: [Figure] = [
    .plot(scatter), .plot(lambdaPath), .plot(pareto), .heatmap(heatmap(6)), .heatmap(heatmap(6, undefinedAt: (1, 4))), .bars(bars),
]

// MARK: - A small SVG reader

/// One parsed element: its name, attributes, direct text, and the classes of its ancestors.
private struct Element {
    var name: String
    var attributes: [String: String]
    var text = ""
    var ancestorClasses: [String]
    var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    func inside(_ cls: String) -> Bool { ancestorClasses.contains(cls) }
}

private final class Collector: NSObject, XMLParserDelegate {
    var elements: [Element] = []
    private var open: [Int] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let ancestors = open.map { elements[$0].attributes["class"] ?? "" }
        elements.append(Element(name: name, attributes: attributes, ancestorClasses: ancestors))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let last = open.last { elements[last].text += string }
    }
}

/// The document's elements, or nil when it is not well-formed XML.
private func parse(_ svg: String) -> [Element]? {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    return parser.parse() ? collector.elements : nil
}

private func texts(_ elements: [Element]) -> [String] {
    elements.filter { $0.name == "text" }.map(\.text)
}

// MARK: - Tests

@Suite struct FigureTests {
    @Test func niceTicksOnClosedFormCases() {
        func close(_ a: [Double], _ b: [Double]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
        }
        #expect(close(niceTicks(0...1), [0, 0.2, 0.4, 0.6, 0.8, 1]))
        #expect(close(niceTicks(0.013...0.087), [0.02, 0.04, 0.06, 0.08]))
        #expect(close(niceTicks(0.01...100, scale: .log), [0.01, 0.1, 1, 10, 100]))
        // fewer than 3 decades: the 2 and 5 multiples too
        #expect(close(niceTicks(1...50, scale: .log), [1, 2, 5, 10, 20, 50]))
        #expect(close(niceTicks(-3...7, maxCount: 5), [-2, 0, 2, 4, 6]))
        // always 3 when the range allows, never more than asked
        for (lo, hi) in [(0.0, 1.0), (0.31, 0.99), (2.0, 2.1), (-5.0, 1000.0), (1e-9, 3e-9)] {
            let t = niceTicks(lo...hi, maxCount: 5)
            #expect(t.count >= 3 && t.count <= 5, "\(lo)...\(hi): \(t)")
            #expect(t.allSatisfy { $0 >= lo - 1e-12 && $0 <= hi + 1e-12 })
        }
        #expect(tickLabels([0, 0.5, 1]) == ["0.0", "0.5", "1.0"])
        #expect(tickLabels([0.01, 0.1, 1, 10]) == ["0.01", "0.10", "1.00", "10.00"])
        #expect(formatFixed(-0.004, decimals: 2) == "0.00")
        #expect(formatFixed(2.5, decimals: 0) == "3")
    }

    @Test func everySVGIsAWellFormedDocument() throws {
        for figure in allFigures {
            let svg = figure.svg()
            let elements = try #require(parse(svg), "\(figure.title) parses as XML")
            #expect(svg.hasPrefix("<?xml"))
            let root = try #require(elements.first)
            #expect(root.name == "svg" && root.attributes["viewBox"] != nil && root.attributes["width"] != nil)
            #expect(elements.first { $0.name == "title" }?.text == figure.title)
            #expect(!svg.contains("\u{1B}"))
            #expect(svg == figure.svg(), "deterministic")
        }
    }

    @Test func plotSVGHasAxesTicksTitlesAndOnePointPerFinitePoint() throws {
        for plot in [scatter, lambdaPath, pareto] {
            let elements = try #require(parse(Figure.plot(plot).svg()))
            for (axis, cls) in [(plot.x, "axis x"), (plot.y, "axis y")] {
                #expect(elements.contains { $0.attributes["class"] == cls }, "\(cls)")
                let tickLabels = texts(elements.filter { $0.inside(cls) && $0.inside("tick") })
                #expect(tickLabels.count >= 3 && tickLabels.allSatisfy { !$0.isEmpty }, "\(plot.title) \(cls): \(tickLabels)")
                let titles = texts(elements.filter { $0.classes.contains("axis-title") && $0.inside(cls) })
                #expect(titles.contains { $0.hasPrefix(axis.title) }, "\(titles)")
            }
            #expect(elements.filter { $0.attributes["class"] == "legend" }.count == 1)
        }
        let scatterElements = try #require(parse(Figure.plot(scatter).svg()))
        let points = scatterElements.filter { $0.classes.contains("point") && $0.inside("series") }
        #expect(points.count == 300, "the NaN point is skipped")
        #expect(scatterElements.contains { $0.attributes["class"] == "series" && $0.attributes["data-name"] == "scatter" })
        #expect(scatterElements.contains { $0.attributes["class"] == "diagonal" })

        // log axis: decades as ticks, the λ = 0 point skipped, both markers drawn with their labels
        let lambda = try #require(parse(Figure.plot(lambdaPath).svg()))
        #expect(lambda.filter { $0.classes.contains("point") }.count == 5)
        let xticks = texts(lambda.filter { $0.inside("axis x") && $0.inside("tick") })
        #expect(xticks == ["0.001", "0.01", "0.1", "1", "10"])
        #expect(lambda.filter { $0.attributes["class"] == "marker" }.count == 2)
        #expect(texts(lambda.filter { $0.inside("marker") }).contains("chosen λ (0.06)"))
        #expect(lambda.contains { $0.attributes["class"] == "diagonal" })

        let steps = try #require(parse(Figure.plot(pareto).svg()))
        let front = try #require(steps.first { $0.name == "path" && $0.inside("series") })
        #expect(front.attributes["d"]?.contains("H") == true && front.attributes["d"]?.contains("V") == true)
        #expect(steps.filter { $0.classes.contains("point") }.count == 50)
    }

    @Test func heatmapSVGMarksOnlyOffDiagonalCellsAtTheThreshold() throws {
        for h in [heatmap(6), heatmap(6, undefinedAt: (1, 4)), heatmap(1)] {
            let elements = try #require(parse(Figure.heatmap(h).svg()))
            let d = h.labels.count
            let cells = elements.filter { $0.attributes["class"] == "cell" }
            #expect(cells.count == d * d)
            // cells come row by row; a strong outline sits 2.5 inside its cell
            var position: [String: (Int, Int)] = [:]
            for (k, c) in cells.enumerated() { position["\(c.attributes["x"] ?? ""),\(c.attributes["y"] ?? "")"] = (k / d, k % d) }
            let strong = elements.filter { $0.attributes["class"] == "strong" }
            var marked = Set<Int>()
            for s in strong {
                let x = formatFixed((Double(s.attributes["x"] ?? "") ?? 0) - 2.5, decimals: 2)
                let y = formatFixed((Double(s.attributes["y"] ?? "") ?? 0) - 2.5, decimals: 2)
                let (i, j) = try #require(position["\(x),\(y)"])
                #expect(i != j)
                marked.insert(i * d + j)
            }
            var expected: [Int] = []
            for i in 0..<d {
                for j in 0..<d where i != j && (h.values[i][j] ?? 0) >= 0.9 { expected.append(i * d + j) }
            }
            #expect(marked == Set(expected) && strong.count == expected.count)
            let legend = texts(elements.filter { $0.inside("legend") })
            #expect(legend.contains("undefined") == h.hasUndefined)
            #expect(legend.contains(h.thresholdLabel))
            #expect(cells.allSatisfy { $0.text.isEmpty }, "tooltips are <title> children")
            #expect(elements.filter { $0.name == "title" }.count == d * d + 1)
        }
    }

    @Test func barChartSVG() throws {
        let elements = try #require(parse(Figure.bars(bars).svg()))
        #expect(elements.filter { $0.attributes["class"] == "bar" }.count == 3)
        #expect(texts(elements).contains("undefined"))
        #expect(texts(elements.filter { $0.inside("axis x") && $0.inside("tick") }).count >= 3)
        #expect(texts(elements.filter { $0.classes.contains("axis-title") }) == ["SRCC"])
        #expect(texts(elements.filter { $0.inside("marker") }) == ["0.9: strong monotonicity"])
        #expect(texts(elements).contains("0.6905"))
    }

    @Test func terminalLinesFitTheWidth() {
        for figure in allFigures + [.heatmap(heatmap(27)), .heatmap(heatmap(12, names: { "a_long_device_name_\($0)" }))] {
            for width in [40, 80, 120] {
                for color in [false, true] {
                    let lines = figure.terminal(width: width, color: color)
                    #expect(!lines.isEmpty)
                    for line in lines {
                        #expect(lineWidth(line) <= width, "\(figure.title) at \(width): \(line.map(\.text).joined())")
                        #expect(!line.contains { $0.text.contains("\u{1B}") })
                    }
                    #expect(lines == figure.terminal(width: width, color: color), "deterministic")
                }
            }
        }
    }

    @Test func aTwentySevenDeviceHeatmapFitsEightyColumns() {
        let h = heatmap(27)
        for color in [false, true] {
            let lines = Figure.heatmap(h).terminal(width: 80, color: color)
            let text = lines.map { $0.map(\.text).joined() }
            #expect(text.allSatisfy { $0.count <= 80 })
            #expect(!text.contains { $0.contains("too narrow") })
            // every device is named in the key, and rows 2...27 are drawn
            for k in 0..<27 { #expect(text.contains { $0.contains("\(k + 1) device_\(k)") }, "key \(k)") }
            #expect(text.contains { $0.hasPrefix("27 ") })
        }
    }

    @Test func heatmapGridMarksAndLegend() {
        let plain = Figure.heatmap(heatmap(4, undefinedAt: (0, 3))).terminal(width: 80, color: false).map { $0.map(\.text).joined() }
        #expect(plain.first == "SRCC of device latencies")
        #expect(plain.contains { $0.contains("*") })
        #expect(plain.contains { $0.contains("--") })
        #expect(plain.last == "legend: * marks SRCC ≥ 0.9: strong monotonicity; -- undefined")
        let noUndefined = Figure.heatmap(heatmap(4)).terminal(width: 80, color: false).map { $0.map(\.text).joined() }
        #expect(noUndefined.last == "legend: * marks SRCC ≥ 0.9: strong monotonicity")
        // a diagonal cell never carries the mark
        #expect(noUndefined.contains { $0.hasSuffix(" 1.00") || $0.contains(" 1.00 ") })
        #expect(!noUndefined.contains { $0.contains("1.00*") })

        let colour = Figure.heatmap(heatmap(4)).terminal(width: 80, color: true)
        #expect(colour.joined().contains { if case .heat(let t?) = $0.role { return t >= 0 && t <= 1 } else { return false } })
        // The threshold's mark shows with colour too (no colour bin lines up with 0.9).
        #expect(colour.joined().contains { $0.text.contains("*") })
        #expect(colour.last.map { $0.map(\.text).joined() }?.contains("* marks SRCC ≥ 0.9: strong monotonicity") == true)

        let compact = Figure.heatmap(heatmap(10)).terminal(width: 50, color: false).map { $0.map(\.text).joined() }
        #expect(compact.contains { $0.hasPrefix("values x100 (92 = 0.92) to fit 50 columns") })
        #expect(compact.contains { $0.contains("  ·") })
    }

    @Test func controlCharactersInLabelsCannotEscape() throws {
        let h = Heatmap(title: "evil \u{1B}[31m title", labels: ["a\u{1B}", "b\u{7}"], values: [[1, 0.5], [0.5, 1]],
                        scale: 0...1, threshold: nil, thresholdLabel: "", valueLabel: "SRCC")
        let lines = Figure.heatmap(h).terminal(width: 80, color: false)
        #expect(!lines.joined().contains { $0.text.unicodeScalars.contains { $0.value < 0x20 } })
        #expect(parse(Figure.heatmap(h).svg()) != nil, "still well-formed XML")
    }

    @Test func brailleCanvasLightsTheTopRightCell() throws {
        let plot = Plot(title: "one point", x: Axis("x", range: 0...1), y: Axis("y", range: 0...1),
                        series: [Series("p", style: .points, x: [1], y: [1], colour: 3)])
        let lines = Figure.plot(plot).terminal(width: 60, color: true)
        let canvasRows = lines.filter { $0.first.map { $0.role == .axis && ($0.text.hasSuffix("┤") || $0.text.hasSuffix("│")) } ?? false }
        #expect(canvasRows.count == 16)
        let top = try #require(canvasRows.first)
        let last = try #require(top.last)
        #expect(last.text == "\u{2808}", "the upper-right dot of the last cell")
        #expect(last.role == .series(3))
        #expect(lineWidth(top) == 60, "the canvas reaches the full width")
        #expect(canvasRows.dropFirst().allSatisfy { $0.count == 1 }, "nothing else is drawn")
        let legend = try #require(lines.last)
        #expect(legend == [StyledRun("⣿ p", .series(3))])
        #expect(Figure.plot(plot).terminal(width: 15, color: true).count == 1, "too narrow: one line")
    }

    @Test func barsInTheTerminal() throws {
        let lines = Figure.bars(bars).terminal(width: 80, color: true)
        let text = lines.map { $0.map(\.text).joined() }
        #expect(text.contains { $0.hasPrefix("eagle_gtx") && $0.hasSuffix("0.6905") && $0.contains("█") })
        #expect(text.contains { $0.hasPrefix("broken") && $0.hasSuffix("undefined") })
        #expect(text.contains { $0.hasPrefix("a_device_with_a_rather_l") && $0.contains("…") })
        #expect(text.last == "│ 0.9: strong monotonicity")
        // the marker column crosses the bars that stop before it
        let eagle = try #require(lines.first { $0.first?.text.hasPrefix("eagle_gtx") == true })
        #expect(eagle.contains { $0.role == .mark && $0.text == "│" })
        #expect(lines.joined().contains { $0.role == .series(2) }, "the bar above 0.9 in colour 2")
    }
}
