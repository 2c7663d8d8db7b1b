import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// adapt's figures: the samples are large diamonds (not the cloud's 2 px dots), λ = 0 is on the λ
/// path past an axis break, and each curve of the path has its own mark.
@Suite("adapt's figures")
struct AdaptFigureTests {
    @Test func samplesAreLargeDiamondsAndLambdaZeroIsOnThePath() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; a = adapt d proxy=eagle_i7 target=rice_pixel3 train=20 val=5", origin: "t"), "\(sink.stderr)")
        let a = try #require(s.value(of: "a") as? AdaptationValue)
        #expect(a.report.path.contains { $0.lambda == 0 })
        let figures = a.figures
        guard case .plot(let scatter) = figures[0], case .plot(let path) = try #require(figures.last) else { Issue.record("not plots"); return }
        let samples = try #require(scatter.series.first { $0.name.hasPrefix("samples") })
        #expect(samples.shape == .diamond && samples.x.count == 25)
        // In SVG each sample is a diamond 2 x 1.2 x 4.5 = 10.8 px across (a cloud dot is 4 px).
        let svg = figures[0].svg()
        let diamonds = svg.components(separatedBy: "<polygon points=\"").dropFirst().filter { $0.contains("data-shape=\"diamond\"") && $0.contains("class=\"point\"") }
        #expect(diamonds.count == 25)
        let xs = try #require(diamonds.first).prefix { $0 != "\"" }.split(separator: " ").map { Double($0.split(separator: ",")[0])! }
        #expect(abs((xs.max()! - xs.min()!) - 10.8) < 0.01)
        // λ = 0 is drawn (before the break), and the curves are told apart by their marks.
        #expect(path.x.zeroBreak && path.series.allSatisfy { $0.x.contains(0) })
        #expect(Set(path.series.map(\.shape)).count == path.series.count)
        #expect(figures.last!.svg().contains("class=\"axis-break\""))
    }
}
