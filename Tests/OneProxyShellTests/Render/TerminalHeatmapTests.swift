import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// The terminal heatmap at projector widths: strong pairs marked in colour too, and a legend with
/// exactly the colours the cells use.
@Suite("terminal heatmap legend and marks")
struct TerminalHeatmapTests {
    @Test(arguments: [80, 100])
    func legendMatchesTheColoursAndStrongPairsAreMarked(width: Int) throws {
        #expect(Palette.heatCodes.count == heatLevels)
        let (s, sink) = try makeSession()
        #expect(s.run(source: "set width=\(width); set color=on; d = load oneproxy-nb201; h = heatmap d; show h", origin: "t"), "\(sink.stderr)")
        let plain = sink.stdout.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        // The legend: one bin per colour, each drawn in its colour.
        let legend = try #require(plain.range(of: "legend:"), "\(sink.stdout.count) characters: \(sink.stdout.prefix(300))").upperBound
        let end = try #require(plain.range(of: "* marks", range: legend..<plain.endIndex)).lowerBound
        let bins = plain[legend..<end].components(separatedBy: "–").count - 1
        #expect(bins == heatLevels, "\(plain[legend...])")
        let usedCodes = Set(Palette.heatCodes.filter { sink.stdout.contains("\u{1B}[\($0)m") })
        #expect(usedCodes.count == heatLevels)
        // Every pair >= 0.9 carries the mark (eagle_gtx and eagle_i7: 0.999).
        let h = try #require(s.value(of: "h") as? MatrixCorrelationValue)
        let strong = h.matrix.names.indices.flatMap { i in h.matrix.names.indices.filter { j in j != i && (h.matrix.values[i][j] ?? 0) >= strongMonotonicity } }.count
        #expect(plain.components(separatedBy: "*").count - 1 >= strong, "\(strong) strong cells")
    }
}
