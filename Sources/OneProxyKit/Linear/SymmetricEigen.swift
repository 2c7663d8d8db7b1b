import Foundation

/// The eigendecomposition S = V diag(λ) Vᵀ of a symmetric matrix.
struct SymmetricEigen {
    /// Eigenvalues, descending.
    var values: [Double]
    /// Eigenvectors as rows: vectors[i*n ..< (i+1)*n] is the unit eigenvector of values[i].
    var vectors: [Double]
    var n: Int
}

extension Matrix {
    /// The eigendecomposition of this symmetric matrix (only the lower triangle is read):
    /// Householder reduction to tridiagonal form, then the implicit QL iteration with Wilkinson-like
    /// shifts (EISPACK's tred2 and tql2, in the public-domain JAMA formulation).
    ///
    /// Guarantees (backward stability of both steps): the computed pairs satisfy
    /// ‖S V − V diag(λ)‖ = O(n ε ‖S‖) and VᵀV = I up to O(n ε); eigenvalues come out descending.
    /// On AdaProxy's 31 × 31 Gram matrices: about 0.47M instructions (callgrind), against about 2.5M
    /// for the SVD route it replaced (QR of [A | r], pivoted QR, one-sided Jacobi).
    func symmetricEigen() -> SymmetricEigen {
        precondition(rows == cols, "symmetricEigen needs a square matrix")
        let n = rows
        if n == 0 { return SymmetricEigen(values: [], vectors: [], n: 0) }
        // W = Vᵀ throughout (row j of W = column j of V): every inner loop of both steps then runs
        // along a contiguous row. S is symmetric, so W starts as S.
        var vt = storage
        for i in 0..<n { for j in 0..<i { vt[j * n + i] = vt[i * n + j] } }  // symmetric from the lower triangle
        var d = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        vt.withUnsafeMutableBufferPointer { W in
            d.withUnsafeMutableBufferPointer { d in
                e.withUnsafeMutableBufferPointer { e in
                    tridiagonalize(W.baseAddress!, n, d.baseAddress!, e.baseAddress!)
                    tridiagonalQL(W.baseAddress!, n, d.baseAddress!, e.baseAddress!)
                }
            }
        }
        // descending, vectors with them (rows of vt are the eigenvectors)
        let (values, vectors) = descending(d, rows: vt, width: n)
        return SymmetricEigen(values: values, vectors: vectors, n: n)
    }
}

extension Matrix {
    /// The eigenvalues of this symmetric matrix (only the lower triangle is read) and, for y
    /// (n × c, row-major), the products of its unit eigenvectors with y's columns: row i of
    /// `projected` is vᵢᵀ·y (c values), for vᵢ the eigenvector of values[i] (descending). V is not
    /// formed: the Householder reflections of the tridiagonal reduction are applied to y instead
    /// of being accumulated (Qᵀy), and the QL rotations rotate y's rows (c long) instead of V's
    /// (n long). The reduction and the QL recurrence are `symmetricEigen`'s, so the values are its
    /// values bit for bit; the products agree with Vᵀy from its vectors to rounding.
    func symmetricEigen(projecting y: [Double], columns c: Int) -> (values: [Double], projected: [Double]) {
        precondition(rows == cols && y.count == rows * c, "symmetricEigen(projecting:) needs a square matrix and n × c rows")
        let n = rows
        if n == 0 { return ([], []) }
        var w = storage
        for i in 0..<n { for j in 0..<i { w[j * n + i] = w[i * n + j] } }  // symmetric from the lower triangle
        var d = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        var py = y
        w.withUnsafeMutableBufferPointer { W in
            d.withUnsafeMutableBufferPointer { d in
                e.withUnsafeMutableBufferPointer { e in
                    py.withUnsafeMutableBufferPointer { Y in
                        tridiagonalize(W.baseAddress!, n, d.baseAddress!, e.baseAddress!, accumulate: false)
                        // d[i] (i >= 1) holds h of the reflection Hᵢ = I − uᵢuᵢᵀ/h (uᵢ: the first i
                        // entries of row i of W); Q = H_{n−1}···H₁, so Qᵀy = H₁(H₂(···(H_{n−1}y)))
                        if c > 0 {
                            withUnsafeTemporaryAllocation(of: Double.self, capacity: c) { gb in
                                let g = gb.baseAddress!, Yp = Y.baseAddress!
                                var i = n - 1
                                while i > 0 {
                                    let h = d[i]
                                    if h != 0 {
                                        let u = W.baseAddress! + i &* n
                                        combineRows(Yp, rows: i, cols: c, coefficients: u, into: g)
                                        for k in 0..<i {
                                            let f = u[k] / h
                                            let yk = Yp + k &* c
                                            for j in 0..<c { yk[j] -= g[j] * f }
                                        }
                                    }
                                    i -= 1
                                }
                            }
                        }
                        // T's diagonal is W's
                        for j in 0..<n { d[j] = W[j &* n &+ j] }
                        e[0] = 0
                        tridiagonalQL(Y.baseAddress!, n, d.baseAddress!, e.baseAddress!, rowLength: c)
                    }
                }
            }
        }
        let (values, projected) = descending(d, rows: py, width: c)
        return (values, projected)
    }
}

/// tred2 on W = Vᵀ (row-major n × n; W starts as the symmetric S): W ← Qᵀ for S = Q T Qᵀ; d, e ←
/// T's diagonal and subdiagonal (e[0] = 0, e[i] couples i−1 and i). JAMA's loops with V[k][j]
/// read as W[j][k], so that the loops over k run along rows of W.
/// With `accumulate` false the transformations are not accumulated: W keeps T's diagonal on its
/// diagonal, row i of W holds the reflection's vector uᵢ in its first i entries and d[i] its h
/// (i >= 1); e as above.
/// The eigenvalues `d` in descending order (ties by index), and the rows of `rows` (`width` values
/// each, row i belonging to d[i]) in the same order.
private func descending(_ d: [Double], rows: [Double], width: Int) -> (values: [Double], rows: [Double]) {
    let order = d.indices.sorted { d[$0] > d[$1] || (d[$0] == d[$1] && $0 < $1) }
    var values = [Double](repeating: 0, count: d.count)
    var sorted = [Double](repeating: 0, count: d.count * width)
    for (k, i) in order.enumerated() {
        values[k] = d[i]
        for j in 0..<width { sorted[k * width + j] = rows[i * width + j] }
    }
    return (values, sorted)
}

private func tridiagonalize(_ W: UnsafeMutablePointer<Double>, _ n: Int, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>,
                            accumulate: Bool = true) {
    @inline(__always) func col(_ j: Int) -> UnsafeMutablePointer<Double> { W + j &* n }  // column j of V
    for j in 0..<n { d[j] = col(j)[n - 1] }
    var i = n - 1
    while i > 0 {
        var scale = 0.0, h = 0.0
        for k in 0..<i { scale += abs(d[k]) }
        if scale == 0 {
            e[i] = d[i - 1]
            for j in 0..<i {
                d[j] = col(j)[i - 1]
                col(j)[i] = 0
                col(i)[j] = 0
            }
        } else {
            for k in 0..<i { d[k] /= scale; h += d[k] * d[k] }
            var f = d[i - 1]
            var g = h.squareRoot()
            if f > 0 { g = -g }
            e[i] = scale * g
            h -= f * g
            d[i - 1] = f - g
            for j in 0..<i { e[j] = 0 }
            for j in 0..<i {
                f = d[j]
                let cj = col(j)
                col(i)[j] = f
                g = e[j] + cj[j] * f
                var k = j &+ 1
                while k < i { g += cj[k] * d[k]; k &+= 1 }
                k = j &+ 1
                while k < i { e[k] += cj[k] * f; k &+= 1 }
                e[j] = g
            }
            f = 0
            for j in 0..<i { e[j] /= h; f += e[j] * d[j] }
            let hh = f / (h + h)
            for j in 0..<i { e[j] -= hh * d[j] }
            for j in 0..<i {
                f = d[j]
                g = e[j]
                let cj = col(j)
                var k = j
                while k < i { cj[k] -= f * e[k] + g * d[k]; k &+= 1 }
                d[j] = cj[i - 1]
                cj[i] = 0
            }
        }
        d[i] = h
        i -= 1
    }
    if !accumulate { return }
    // accumulate the transformations
    for i in 0..<(n - 1) {
        let ci = col(i), ci1 = col(i + 1)
        ci[n - 1] = ci[i]
        ci[i] = 1
        let h = d[i + 1]
        if h != 0 {
            for k in 0...i { d[k] = ci1[k] / h }
            for j in 0...i {
                let cj = col(j)
                var g = 0.0
                for k in 0...i { g += ci1[k] * cj[k] }
                for k in 0...i { cj[k] -= g * d[k] }
            }
        }
        for k in 0...i { ci1[k] = 0 }
    }
    for j in 0..<n { d[j] = col(j)[n - 1]; col(j)[n - 1] = 0 }
    col(n - 1)[n - 1] = 1
    e[0] = 0
}

/// √(a² + b²), without overflow or underflow in the squares.
@inline(__always)
private func norm2(_ a: Double, _ b: Double) -> Double {
    let s = a * a + b * b
    return s.isNormal && s.isFinite ? s.squareRoot() : hypot(a, b)
}

/// tql2 on W = Vᵀ (row k = column k of V) ← the eigenvectors as rows; d ← eigenvalues. The
/// rotations act on W's n rows of `rowLength` entries (n for the eigenvectors themselves).
private func tridiagonalQL(_ W: UnsafeMutablePointer<Double>, _ n: Int, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>,
                           rowLength: Int? = nil) {
    let len = rowLength ?? n
    for i in 1..<max(n, 1) { e[i - 1] = e[i] }
    e[n - 1] = 0
    var f = 0.0, tst1 = 0.0
    let eps = Double.ulpOfOne
    for l in 0..<n {
        tst1 = max(tst1, abs(d[l]) + abs(e[l]))
        var m = l
        while m < n - 1 && abs(e[m]) > eps * tst1 { m += 1 }
        if m > l {
            var iterations = 0
            repeat {
                iterations += 1
                var g = d[l]
                var p = (d[l + 1] - g) / (2 * e[l])
                var r = norm2(p, 1)
                if p < 0 { r = -r }
                d[l] = e[l] / (p + r)
                d[l + 1] = e[l] * (p + r)
                let dl1 = d[l + 1]
                var h = g - d[l]
                var i = l + 2
                while i < n { d[i] -= h; i += 1 }
                f += h
                p = d[m]
                var c = 1.0, c2 = c, c3 = c
                let el1 = e[l + 1]
                var s = 0.0, s2 = 0.0
                i = m - 1
                while i >= l {
                    c3 = c2
                    c2 = c
                    s2 = s
                    g = c * e[i]
                    h = c * p
                    r = norm2(p, e[i])
                    e[i + 1] = s * r
                    s = e[i] / r
                    c = p / r
                    p = c * d[i] - s * g
                    d[i + 1] = h + s * (c * g + s * d[i])
                    // rotate columns i and i+1 of V = rows i and i+1 of W
                    let wi = W + i &* len, wi1 = wi + len
                    var k = 0
                    while k < len {
                        let hk = wi1[k]
                        wi1[k] = s * wi[k] + c * hk
                        wi[k] = c * wi[k] - s * hk
                        k &+= 1
                    }
                    i -= 1
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1
                e[l] = s * p
                d[l] = c * p
            } while abs(e[l]) > eps * tst1 && iterations < 60
        }
        d[l] += f
        e[l] = 0
    }
}
