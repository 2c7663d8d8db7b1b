import OneProxyKit
import Testing

@Suite struct BootstrapTests {
    @Test(arguments: CorrelationMethod.allCases)
    func deterministicAndContainsEstimate(method: CorrelationMethod) throws {
        let data = try TestCSV.msColumns("nb201_oneproxy_latency.csv")
        // edgetpu has missing rows, pixel3 whole-ish values: the interval resamples shared rows
        let x = data.column("rice_edgetpu_ms"), y = data.column("rice_pixel3_ms")
        let point = try #require(correlate(x, y, method: method).value)
        let a = try #require(try bootstrapInterval(x, y, method: method, resamples: 200, seed: 42))
        let b = try #require(try bootstrapInterval(x, y, method: method, resamples: 200, seed: 42))
        #expect(a.low == b.low && a.high == b.high, "same seed, same interval")
        let c = try #require(try bootstrapInterval(x, y, method: method, resamples: 200, seed: 43))
        #expect(a.low != c.low || a.high != c.high, "another seed resamples differently")
        #expect(a.low <= point && point <= a.high, "\(a) should contain \(point)")
        #expect(-1 <= a.low && a.low <= a.high && a.high <= 1)
        #expect(a.high - a.low < 0.2, "1740 shared rows give a narrow interval")
        // same seed, same resamples: a wider level nests the narrower one
        let narrow = try #require(try bootstrapInterval(x, y, method: method, level: 0.5, resamples: 200, seed: 42))
        #expect(a.low <= narrow.low && narrow.high <= a.high)
    }

    /// On 2,000 draws from a bivariate normal with rho = 0.6, the 95% interval for Pearson's r
    /// should have about the normal-theory width 2 * 1.96 * (1 - rho^2) / sqrt(n) = 0.056.
    @Test func widthMatchesTheory() throws {
        var g = SeededGenerator(seed: 7)
        func normal() -> Double {
            let u = max(g.unit(), 1e-300), v = g.unit()
            return (-2 * Foundation_log(u)).squareRoot() * cos2pi(v)
        }
        var x: [Double] = [], y: [Double] = []
        for _ in 0..<2000 {
            let a = normal(), b = normal()
            x.append(a); y.append(0.6 * a + 0.8 * b)
        }
        let ci = try #require(try bootstrapInterval(x, y, method: .pearson, resamples: 400, seed: 1))
        let width = ci.high - ci.low
        #expect(width > 0.04 && width < 0.075, "width \(width)")
    }

    @Test func undefinedGivesNil() throws {
        #expect(try bootstrapInterval([1, 1, 1, 1], [1, 2, 3, 4], method: .spearman, seed: 1) == nil)
        #expect(try bootstrapInterval([1, .nan], [1, 2], method: .kendall, seed: 1) == nil)
    }

    @Test func aCancelledBootstrapStopsWithCancellationError() throws {
        let x = (0..<500).map { Double($0) }, y = (0..<500).map { Double(($0 * 7) % 500) }
        #expect(throws: CancellationError.self) {
            _ = try bootstrapInterval(x, y, method: .spearman, resamples: 100_000, seed: 1, context: ComputeContext(cancellation: Cancellation { true }))
        }
        #expect(try bootstrapInterval(x, y, method: .spearman, resamples: 50, seed: 1, context: .none) != nil)
    }
}
