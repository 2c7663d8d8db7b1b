import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// The few-shot curve's figure: ± sd bands from the repeats, a shape per method, the 0.9 label
/// stated once, and a legend that covers no point.
@Suite("the curve's figure")
struct CurveFigureTests {
    @Test func bandsShapesAndALegendBesideThePlot() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; c = curve d proxy=true_vpu target=eagle_gtx repeats=2", origin: "t"), "\(sink.stderr)")
        let c = try #require(s.value(of: "c") as? CurveValue)
        guard case .plot(let plot) = c.figure else { Issue.record("not a plot"); return }
        // Each band is mean ± the sd of the table (the same numbers as export's CSV).
        for series in plot.series {
            for (k, n) in series.x.enumerated() {
                let p = try #require(c.point(series.name, Int(n)))
                let mean = try #require(p.mean), sd = p.sd ?? 0
                #expect(series.bandLow?[k] == mean - sd && series.bandHigh?[k] == mean + sd)
            }
        }
        #expect(Set(plot.series.prefix(5).map(\.shape)).count == 5)
        // No curve is drawn in the palette's faint yellow (index 6).
        #expect(!plot.series.contains { $0.colour == 6 })
        let svg = c.figure.svg()
        #expect(svg.components(separatedBy: "class=\"band\"").count - 1 == plot.series.count)
        #expect(svg.contains("strong monotonicity (0.9)") && !svg.contains("0.9 (0.9)"))
        // Ten curves over the whole plot: every inside corner holds points, so the legend goes beside
        // the plot and the figure is wider than its 640 px.
        let width = try #require(svg.range(of: "width=\"").map { svg[$0.upperBound...].prefix { $0 != "\"" } }).description
        #expect(Double(width)! > 640)
    }
}
