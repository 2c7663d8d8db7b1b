import Foundation
import Testing
@testable import OneProxyKit

/// The correlation heatmap as SVG.
@Suite struct HeatmapSVGTests {
    @Test func heatmapShowsEveryCell() throws {
        let file = "nb201_oneproxy_latency.csv"
        let data = try TestCSV.msColumns(file)
        let fixture = try StatsFixtures.pairs(file)
        let m = correlationMatrix(names: data.names, columns: data.columns, method: .spearman)
        let svg = heatmapSVG(m, order: clusteredOrder(m), title: "SRCC <NB201> & co")
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("SRCC &lt;NB201&gt; &amp; co"))
        #expect(!svg.contains("\u{1B}"))
        #expect(occurrences("class=\"cell\"", in: svg) == 18 * 18)
        // strong: twice each off-diagonal pair scipy puts at >= 0.9 (the diagonal is never marked)
        let strongPairs = fixture.spearman.compactMap { $0 }.filter { $0 >= 0.9 }.count
        #expect(occurrences("class=\"strong\"", in: svg) == 2 * strongPairs)
        for name in data.names { #expect(svg.contains(">\(name)</text>")) }
        #expect(svg.contains(">1.00</text>"))
        #expect(svg.contains("linearGradient"))
        // balanced tags for the elements we open
        for tag in ["svg", "g", "title", "defs", "linearGradient"] {
            #expect(occurrences("<\(tag)", in: svg) - occurrences("<\(tag)/", in: svg) == occurrences("</\(tag)>", in: svg), "\(tag)")
        }
    }

    @Test func heatmapUndefinedAndNegativeCells() {
        let m = CorrelationMatrix(
            names: ["x", "y"], values: [[1, -0.004], [-0.004, nil]], counts: [[5, 5], [5, 5]], method: .pearson)
        let svg = heatmapSVG(m, order: [1, 0], title: "t")
        #expect(svg.contains(">n/a</text>"))
        #expect(svg.contains(">0.00</text>"), "no -0.00")
        #expect(occurrences("class=\"strong\"", in: svg) == 0, "the diagonal 1 is not marked")
        #expect(svg.contains(">undefined</text>"), "the legend explains the grey cell")
    }
}
