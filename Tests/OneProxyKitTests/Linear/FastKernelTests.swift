import Testing
@testable import OneProxyKit

/// The speed paths give the results of the plain paths they replace.
@Suite struct FastKernelTests {
    /// `Matrix.gram()` (8 entries at a time over chunks of 128 rows) equals the plain sum of
    /// products over the rows in order, bit for bit: widths around multiples of 8, rows beyond one
    /// chunk, zeros (skipped) and a column of zeros.
    @Test func gramMatchesPlainSums() {
        var g = SeededGenerator(seed: 9)
        for (rows, cols) in [(1, 1), (3, 7), (56, 31), (70, 8), (300, 9), (129, 17)] {
            var a = Matrix(rows: rows, cols: cols)
            for i in 0..<rows {
                for j in 0..<cols where j != cols / 2 || cols < 3 {
                    a[i, j] = g.index(below: 4) == 0 ? 0 : Double.random(in: -3...3, using: &g)
                }
            }
            let m = a.gram()
            var same = true
            for p in 0..<cols {
                for q in 0..<cols {
                    var s = 0.0
                    for i in 0..<rows where a[i, min(p, q)] != 0 { s += a[i, min(p, q)] * a[i, max(p, q)] }
                    if m[p, q] != s { same = false }
                }
            }
            #expect(same, "\(rows) x \(cols)")
        }
    }

    /// `rotatePair` (two lanes at a time) equals the scalar rotation bit for bit, odd lengths too.
    @Test func rotatePairMatchesScalar() {
        var g = SeededGenerator(seed: 5)
        for len in [0, 1, 2, 7, 31] {
            var x = (0..<len).map { _ in Double.random(in: -1...1, using: &g) }
            var y = (0..<len).map { _ in Double.random(in: -1...1, using: &g) }
            let (c, s) = (0.8, -0.6)
            let ex = zip(x, y).map { c * $0 - s * $1 }, ey = zip(x, y).map { s * $0 + c * $1 }
            x.withUnsafeMutableBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    if len > 0 { rotatePair(xb.baseAddress!, yb.baseAddress!, len, c, s) }
                }
            }
            #expect(x == ex && y == ey, "len \(len)")
        }
    }

    /// Uᵀc without forming U equals the formed U's Uᵀc (1e-13 relative), with the same σ and V,
    /// on full-rank and rank-deficient square and tall matrices.
    @Test func projectedSVDMatchesFormedU() {
        var g = SeededGenerator(seed: 9)
        for (m, n, rank) in [(31, 31, 31), (31, 31, 24), (56, 31, 25), (5, 3, 1)] {
            let l = Matrix(rows: m, cols: rank, storage: (0..<(m * rank)).map { _ in Double.random(in: -1...1, using: &g) })
            let r = Matrix(rows: rank, cols: n, storage: (0..<(rank * n)).map { _ in Double.random(in: -1...1, using: &g) })
            let a = l.multiply(r)
            let c = (0..<m).map { _ in Double.random(in: -1...1, using: &g) }
            let full = a.svdDroppingNegligible()
            let (p, utc) = a.svdDroppingNegligible(projecting: c)
            #expect(p.singularValues == full.singularValues && p.v == full.v)
            let ref = full.u.multiplyTransposed(c)
            let scale = c.reduce(0) { max($0, abs($1)) } * Double(m)
            #expect(utc.count == ref.count)
            for (u, v) in zip(utc, ref) { #expect(abs(u - v) <= 1e-13 * scale, "\(m)x\(n) rank \(rank)") }
        }
    }

    /// `predictAdapted` equals predicting each solution separately, bit for bit (zeros in X skipped).
    @Test func batchedPredictionsMatchSeparate() {
        var g = SeededGenerator(seed: 13)
        let (rows, d) = (40, 7)
        let x = Matrix(rows: rows, cols: d, storage: (0..<(rows * d)).map { k in
            k % 3 == 0 ? 0 : Double.random(in: -2...2, using: &g)
        })
        let w = (0..<d).map { _ in Double.random(in: -1...1, using: &g) }
        let sols = (0..<5).map { _ in
            AdaProxySolution(lambda: 0, a: Double.random(in: 0...2, using: &g),
                             b: (0..<d).map { _ in Double.random(in: -0.5...0.5, using: &g) },
                             c: Double.random(in: -1...1, using: &g), dualityGap: 0, iterations: 0)
        }
        let pick = [3, 0, 39, 17, 17, 8]
        let batch = predictAdapted(X: x, weights: w, solutions: sols, rows: pick)
        for (l, s) in sols.enumerated() {
            let ws = (0..<d).map { w[$0] * (s.a + s.b[$0]) }
            let sep = pick.map { i in
                var acc = s.c
                for j in 0..<d { acc += x[i, j] * ws[j] }
                return acc
            }
            #expect(batch[l] == sep)
        }
    }

    /// `combineRows` (sums in registers, 8, 4, 2 and then 1 column at a time)
    /// equals the plain row-by-row accumulation from 0, bit for bit: every width from 0 to 19 and
    /// 31, 0 to 25 rows, zero coefficients included.
    @Test func combineRowsMatchesThePlainLoop() {
        var g = SeededGenerator(seed: 17)
        for d in Array(0...19) + [31] {
            for k in [0, 1, 2, 5, 24, 25] {
                let v = (0..<(k * d)).map { _ in Double.random(in: -3...3, using: &g) }
                let c = (0..<k).map { i in i % 4 == 3 ? 0 : Double.random(in: -2...2, using: &g) }
                var plain = [Double](repeating: 0, count: d)
                for i in 0..<k { for j in 0..<d { plain[j] += v[i * d + j] * c[i] } }
                var out = [Double](repeating: .nan, count: d + 1)  // one guard entry past the end
                v.withUnsafeBufferPointer { vp in
                    c.withUnsafeBufferPointer { cp in
                        out.withUnsafeMutableBufferPointer { op in
                            let vb = vp.baseAddress ?? UnsafePointer(bitPattern: 8)!
                            let cb = cp.baseAddress ?? UnsafePointer(bitPattern: 8)!
                            combineRows(vb, rows: k, cols: d, coefficients: cb, into: op.baseAddress!)
                        }
                    }
                }
                #expect(Array(out[0..<d]) == plain, "d=\(d) k=\(k)")
                #expect(out[d].isNaN, "d=\(d) k=\(k): wrote past the end")
            }
        }
    }
}
