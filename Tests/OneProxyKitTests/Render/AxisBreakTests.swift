@testable import OneProxyKit
import Testing

/// A log axis that shows 0 (λ = 0, no penalty) past a break, and point shapes that read without
/// colour on a terminal.
@Suite("axis break at 0 and terminal point glyphs")
struct AxisBreakTests {
    /// 0 sits before the break, the log range after it, and the map inverts on both sides.
    @Test func zeroSitsBeforeTheBreakAndTheLogRangeAfterIt() throws {
        let axis = Axis("λ", scale: .log, zeroBreak: true)
        let map = AxisMap.fit(axis, data: [0, 1e-4, 1e-3, 1e-2, 0.1])
        #expect(map.zeroSlot)
        let z = try #require(map.fraction(0)), lo = try #require(map.fraction(map.lo)), hi = try #require(map.fraction(map.hi))
        #expect(z < AxisMap.breakAt && AxisMap.breakAt < lo)
        #expect(abs(lo - AxisMap.logStart) < 1e-12 && abs(hi - 1) < 1e-12)
        // 1e-3 is the geometric middle of 1e-4 ... 1e-2, so the middle of their fractions.
        let a = try #require(map.fraction(1e-4)), b = try #require(map.fraction(1e-3)), c = try #require(map.fraction(1e-2))
        #expect(abs((a + c) / 2 - b) < 1e-12)
        #expect(map.value(at: z) == 0)
        #expect(abs(map.value(at: b) / 1e-3 - 1) < 1e-12)
        #expect(map.ticks(maxCount: 6).first == 0)
        #expect(tickLabels(map.ticks(maxCount: 6), log: true).first == "0")
        // Without a 0 in the data, or without the flag, the axis is the plain log axis.
        #expect(!AxisMap.fit(axis, data: [1e-4, 0.1]).zeroSlot)
        #expect(AxisMap.fit(Axis("λ", scale: .log), data: [0, 1e-4, 0.1]).fraction(0) == nil)
    }

    /// The SVG draws the break and the 0 point, and does not join the 0 point to the line.
    @Test func svgDrawsTheBreakAndLeavesTheZeroPointUnjoined() {
        let plot = Plot(title: "λ path", x: Axis("λ", scale: .log, zeroBreak: true), y: Axis("SRCC"),
                        series: [Series("cv", style: .line, x: [0, 0.001, 0.01, 0.1], y: [0.5, 0.6, 0.8, 0.7], colour: 0)])
        let svg = Figure.plot(plot).svg()
        #expect(svg.contains("class=\"axis-break\""))
        // One polyline through the three positive λ (3 points), and the 0 point drawn on its own.
        let polyline = svg.components(separatedBy: "<polyline points=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
        #expect(polyline.split(separator: " ").count == 3)
        #expect(svg.components(separatedBy: "class=\"point\"").count - 1 == 1)
    }

    /// On a terminal without colour, shaped points are distinct ASCII glyphs in the plot and the
    /// legend, and a cloud stays braille: the two read apart.
    @Test func shapedPointsAreGlyphsOnAColourlessTerminal() {
        var samples = Series("samples", style: .points, x: [2, 4, 8], y: [3, 5, 9], colour: 3)
        samples.shape = .diamond
        let cloud = Series("architectures", style: .points, x: (1...50).map { Double($0) / 5 }, y: (1...50).map { Double($0) / 5 }, colour: 0)
        let plot = Plot(title: "t", x: Axis("x", scale: .log), y: Axis("y", scale: .log), series: [cloud, samples])
        let lines = Figure.plot(plot).terminal(width: 80, color: false).map { $0.map(\.text).joined() }
        let legend = lines.last ?? ""
        #expect(legend.contains("⣿ architectures") && legend.contains("x samples"))
        let plotArea = lines.filter { $0.contains("│") || $0.contains("┤") }.joined()
        #expect(plotArea.filter { $0 == "x" }.count == 3)
        // Every shape but the cloud's dot has its own glyph.
        let glyphs = Series.PointShape.allCases.compactMap(\.terminalGlyph)
        #expect(glyphs.count == Series.PointShape.allCases.count - 1 && Set(glyphs).count == glyphs.count)
    }

    /// Ten curves with five shapes (the few-shot curve) still get ten distinct glyphs.
    @Test func tenShapedCurvesGetTenDistinctGlyphs() {
        let shapes: [Series.PointShape] = [.circle, .square, .diamond, .triangle, .star]
        let series = (0..<10).map { k -> Series in
            var s = Series("m\(k)", style: .linePoints, x: [5, 10], y: [0.5, 0.6], colour: k % 8)
            s.shape = shapes[k % 5]
            return s
        }
        let glyphs = terminalGlyphs(series).compactMap { $0 }
        #expect(glyphs.count == 10 && Set(glyphs).count == 10)
    }
}
