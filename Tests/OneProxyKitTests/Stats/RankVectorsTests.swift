import Foundation
import Testing
@testable import OneProxyKit

/// The 16-bit rank vectors of the near-duplicate check against brute force, and the check itself
/// against the full SRCC matrix.
@Suite struct RankVectorsTests {
    /// Twice the centred average rank by its definition: 2 #less + #equal − n.
    private func doubledRanks(_ x: [Double]) -> [Int] {
        x.map { v in 2 * x.filter { $0 < v }.count + x.filter { $0 == v }.count - x.count }
    }

    private func columns(_ g: inout SeededGenerator, n: Int) -> [[Double]] {
        let distinct: [Double] = (0..<n).map { _ in g.unit() }
        let ties: [Double] = (0..<n).map { _ in Double(g.index(below: max(1, n / 4))) - 3 }   // negative too
        let three: [Double] = (0..<n).map { _ in Double(g.index(below: 3)) }
        var bunched: [Double] = []                                           // bunched, far outliers
        for _ in 0..<n { bunched.append(g.unit() < 0.9 ? g.unit() * 1e-9 : 1e6 + g.unit()) }
        var zeros: [Double] = []                                             // −0.0 beside 0.0
        for i in 0..<n { zeros.append(i % 5 == 0 ? -0.0 : (i % 5 == 1 ? 0.0 : Double(i % 7))) }
        let constant = [Double](repeating: 2.5, count: n)
        let subnormal: [Double] = (0..<n).map { _ in Double(g.index(below: 1000)) * Double.leastNonzeroMagnitude }   // (binned: refused)
        return [distinct, ties, three, bunched, zeros, constant, subnormal]
    }

    /// `rankVector` gives the definition exactly and its sum of squares; `binnedRanks` stays within
    /// its slack of it on every row, is it exactly when the slack is 0, and its range holds the exact
    /// Σ v²: sizes 1 to 300, with ties, bunched values, −0.0, constants, subnormal values.
    @Test func rankVectorsMatchTheDefinition() {
        var g = SeededGenerator(seed: 41)
        var slackSeen = false, exactSeen = false
        for n in [1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 100, 257, 300] {
            for x in columns(&g, n: n) {
                let want = doubledRanks(x)
                let wantSS = want.reduce(0) { $0 + Int64($1 * $1) }
                var v = [Int16](repeating: 0, count: n)
                let ss = v.withUnsafeMutableBufferPointer { rankVector(x, into: $0) }
                #expect(v.map(Int.init) == want, "n=\(n)")
                #expect(ss == wantSS, "n=\(n)")
                var w = [Int16](repeating: 0, count: n)
                guard let b = w.withUnsafeMutableBufferPointer({ binnedRanks(x, into: $0) }) else {
                    // Only a range too small for the bins' scale is refused among finite values.
                    #expect(x.max()! - x.min()! < 1e-300, "finite column refused, n=\(n)"); continue
                }
                for i in 0..<n { #expect(abs(Int(w[i]) - want[i]) <= b.slack, "n=\(n) row \(i)") }
                if b.slack == 0 { #expect(w.map(Int.init) == want, "n=\(n)"); exactSeen = true } else { slackSeen = true }
                #expect(b.sumSquares.contains(Double(wantSS)), "n=\(n): \(b.sumSquares) \(wantSS)")
            }
        }
        #expect(slackSeen && exactSeen)
        // A value or range that is not finite: nil.
        var out = [Int16](repeating: 0, count: 2)
        #expect(out.withUnsafeMutableBufferPointer { binnedRanks([1, .infinity], into: $0) } == nil)
        #expect(out.withUnsafeMutableBufferPointer { binnedRanks([-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude], into: $0) } == nil)
    }

    /// The integer sums equal Int64 brute force, at any length (tails not a multiple of 8) and at the
    /// extremes: values ±16383 and differences up to 32766 over 16,384 rows, where one step's sum
    /// nearly fills an Int32 lane (the flush); and `rankDistanceExceeds` says the full sum > limit.
    @Test func integerSumsMatchBruteForce() {
        var g = SeededGenerator(seed: 43)
        for n in [0, 1, 7, 8, 9, 63, 64, 65, 300, 1000, 16_384] {
            let extreme = n == 16_384
            let m = extreme ? 16_383 : max(1, n)
            let a: [Int16] = (0..<n).map { i in extreme ? (i % 2 == 0 ? 16_383 : -16_383) : Int16(g.index(below: 2 * m + 1) - m) }
            let b: [Int16] = (0..<n).map { i in extreme ? (i % 2 == 0 ? -16_383 : 16_383) : Int16(g.index(below: 2 * m + 1) - m) }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let dot = zip(a, b).reduce(Int64(0)) { $0 + Int64($1.0) * Int64($1.1) }
                    #expect(rankDot(pa, pb, maxAbs: m) == dot, "n=\(n)")
                    for slack in [0, 1, 5, 300] {
                        let want = zip(a, b).reduce(Int64(0)) { s, p in
                            let e = max(0, abs(Int64(p.0) - Int64(p.1)) - Int64(slack))
                            return s + e * e
                        }
                        #expect(rankDistance(pa, pb, maxAbs: 2 * m, slack: slack) == want, "n=\(n) slack \(slack)")
                        if n <= rankVectorLimit {
                            for limit in [Double(want) - 1, Double(want), Double(want) / 3] {
                                #expect(rankDistanceExceeds(pa, pb, slack: slack, limit: limit) == (Double(want) > limit), "n=\(n) slack \(slack)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The load's check returns the full SRCC matrix's pairs, values (bit for bit) and counts, on
    /// columns whose pairwise SRCC spreads across 0.995 (a shared signal plus noise of many sizes),
    /// with ties, constant columns, duplicates that differ in a few rows, values missing, and at 3
    /// rows, 2,500, and 16,384 (the most the exact route takes) and 16,385 (the sampled screen).
    @Test func theCheckEqualsTheFullMatrix() throws {
        var g = SeededGenerator(seed: 47)
        var found = 0
        for rows in [3, 10, 2_500, 16_384, 16_385] {
            let devices = rows > 3_000 ? 8 : 40
            let signal = (0..<rows).map { _ in g.unit() * 100 }
            var cols: [[Double]] = (0..<devices).map { k in
                let noise = Double(k * k) * 0.004
                return signal.map { $0 + noise * g.unit() * 100 }
            }
            cols[3] = signal.map { ($0 / 10).rounded() }                  // ties
            cols[5] = [Double](repeating: 7, count: rows)                  // constant
            cols[6] = cols[1]
            for r in stride(from: 1, to: rows, by: max(1, rows / 12)) { cols[6][r] = g.unit() * 100 }   // a few rows wrong
            var d = Dataset(name: "t", source: "test", space: .custom, keyName: "key", keys: (0..<rows).map { "k\($0)" },
                            devices: cols.enumerated().map { Device(name: "d\($0.offset)", latencies: $0.element) })
            // Complete; then a value missing in row 1 of device 1 (on 16,385 rows not one the sample
            // reads); then one in row 0 (which every sample reads).
            for missing in [nil, 1, 0] as [Int?] {
                if let r = missing, rows > r { d.devices[1].latencies[r] = .nan }
                let want = nearDuplicateDevices(d)
                let got = try nearDuplicateDevicesScreened(d, context: .none)
                let label = "rows \(rows), missing \(missing.map(String.init) ?? "none")"
                #expect(got.map(\.first) == want.map(\.first) && got.map(\.second) == want.map(\.second), "\(label)")
                #expect(got.map(\.srcc.bitPattern) == want.map(\.srcc.bitPattern) && got.map(\.n) == want.map(\.n), "\(label)")
                found += want.count
            }
        }
        #expect(found >= 20, "\(found) near-duplicate pairs in all: the test says something")
    }

    /// A near-duplicate whose differences fall on the rows a small sample reads: at 5000 rows and
    /// 300 devices the old screen read 256 rows and missed it (its SRCC on them below 0.975, on
    /// all rows above 0.995); the exact route finds it.
    @Test func aDuplicateWithWrongRowsOnTheSampleIsFound() throws {
        var g = SeededGenerator(seed: 53)
        let rows = 5_000, devices = 300
        let cols: [[Double]] = (0..<devices).map { _ in (0..<rows).map { _ in g.unit() } }
        var twin = cols[0]
        let sampled = (0..<256).map { $0 * rows / 256 }
        for r in sampled.prefix(8) { twin[r] = 1 - twin[r] }   // 8 sampled rows flipped
        var all = cols
        all[1] = twin
        let d = Dataset(name: "t", source: "test", space: .custom, keyName: "key", keys: (0..<rows).map { "k\($0)" },
                        devices: all.enumerated().map { Device(name: "d\($0.offset)", latencies: $0.element) })
        let full = try pairCorrelations(columns: [cols[0], twin], pairs: [(0, 1)], method: .spearman, context: .none)[0].value ?? 0
        let onSample = try pairCorrelations(columns: [sampled.map { cols[0][$0] }, sampled.map { twin[$0] }], pairs: [(0, 1)],
                                            method: .spearman, context: .none)[0].value ?? 0
        #expect(full >= 0.995 && onSample < 0.975, "full \(full), sample \(onSample)")
        let got = try nearDuplicateDevicesScreened(d, context: .none)
        #expect(got.map { "\($0.first)~\($0.second)" } == ["d0~d1"])
        #expect(got.first?.srcc.bitPattern == full.bitPattern)
    }
}
