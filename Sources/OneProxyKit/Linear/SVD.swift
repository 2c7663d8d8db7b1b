/// A thin singular value decomposition `A = U · diag(σ) · Vᵀ` of an m × n matrix.
///
/// Guarantees: `singularValues` has k = min(m, n) entries, sorted descending and >= 0; `u` is m × k
/// and `v` is n × k. The columns of `v` are orthonormal; the columns of `u` belonging to a nonzero
/// singular value are orthonormal (those of an exactly zero singular value are zero vectors).
/// Computed by Householder QR followed by one-sided Jacobi rotations on the triangular factor,
/// which gives singular values to high relative accuracy (Demmel–Veselić).
public struct SingularValueDecomposition: Sendable, Equatable {
    public let u: Matrix
    public let singularValues: [Double]
    public let v: Matrix

    /// The number of singular values above `relativeTolerance · σ_max` (the numerical rank).
    /// With `relativeTolerance` nil, numpy's default `max(m, n) · ε` is used.
    public func rank(relativeTolerance: Double? = nil) -> Int {
        guard let smax = singularValues.first, smax > 0 else { return 0 }
        let tol = (relativeTolerance ?? Double(max(u.rows, v.rows)) * Double.ulpOfOne) * smax
        return singularValues.reduce(0) { $0 + ($1 > tol ? 1 : 0) }
    }
}

extension Matrix {
    /// The thin SVD of this matrix (see `SingularValueDecomposition` for the guarantees).
    public func svd() -> SingularValueDecomposition {
        if rows >= cols { return Matrix.svdTall(self) }
        let t = Matrix.svdTall(transposed)
        return SingularValueDecomposition(u: t.v, singularValues: t.singularValues, v: t.u)
    }

    /// C = A B.
    public func multiply(_ b: Matrix) -> Matrix {
        precondition(cols == b.rows, "inner dimensions must agree")
        var c = Matrix(rows: rows, cols: b.cols)
        for i in 0..<rows {
            for k in 0..<cols {
                let aik = self[i, k]
                if aik == 0 { continue }
                for j in 0..<b.cols { c.storage[i * b.cols + j] += aik * b.storage[k * b.cols + j] }
            }
        }
        return c
    }

    /// y = Aᵀ x.
    public func multiplyTransposed(_ x: [Double]) -> [Double] {
        precondition(x.count == rows)
        var y = [Double](repeating: 0, count: cols)
        for i in 0..<rows where x[i] != 0 {
            let xi = x[i]
            for j in 0..<cols { y[j] += storage[i * cols + j] * xi }
        }
        return y
    }

    /// AᵀA (the Gram matrix of the columns).
    public func gram() -> Matrix {
        var g = Matrix(rows: cols, cols: cols)
        for i in 0..<rows {
            let base = i * cols
            for p in 0..<cols {
                let ap = storage[base + p]
                if ap == 0 { continue }
                for q in p..<cols { g.storage[p * cols + q] += ap * storage[base + q] }
            }
        }
        for p in 0..<cols { for q in 0..<p { g.storage[p * cols + q] = g.storage[q * cols + p] } }
        return g
    }

    /// The identity matrix of size n.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// SVD of a matrix with rows >= cols: QR, then one-sided Jacobi on R.
    /// Works on flat column-major buffers (column j of an m-row array starts at j·m).
    private static func svdTall(_ a: Matrix) -> SingularValueDecomposition {
        let m = a.rows, n = a.cols
        if n == 0 {
            return SingularValueDecomposition(u: Matrix(rows: m, cols: 0), singularValues: [], v: Matrix(rows: 0, cols: 0))
        }
        var col = [Double](repeating: 0, count: m * n)   // A, overwritten by R and the reflectors
        var betas = [Double](repeating: 0, count: n)
        var heads = [Double](repeating: 0, count: n)     // first entry of each Householder vector
        var w = [Double](repeating: 0, count: n * n)     // R, column-major, then rotated
        var vv = [Double](repeating: 0, count: n * n)    // V, column-major
        var sigma = [Double](repeating: 0, count: n)
        col.withUnsafeMutableBufferPointer { c in
            for i in 0..<m { for j in 0..<n { c[j * m + i] = a.storage[i * n + j] } }
            // Householder QR: reflector k is (heads[k], c[k*m + k+1 ..< (k+1)*m]).
            for k in 0..<n {
                let ck = k * m
                var scale = 0.0
                for i in k..<m { scale = max(scale, abs(c[ck + i])) }
                if scale == 0 { betas[k] = 0; heads[k] = 0; continue }
                var ss = 0.0
                for i in k..<m { let t = c[ck + i] / scale; ss += t * t }
                let norm = scale * ss.squareRoot()
                let alpha = c[ck + k] > 0 ? -norm : norm
                let head = c[ck + k] - alpha
                var vtv = head * head
                for i in (k + 1)..<max(k + 1, m) { vtv += c[ck + i] * c[ck + i] }
                let beta = vtv > 0 ? 2 / vtv : 0
                for j in (k + 1)..<max(k + 1, n) {
                    let cj = j * m
                    var s = head * c[cj + k]
                    for i in (k + 1)..<max(k + 1, m) { s += c[ck + i] * c[cj + i] }
                    s *= beta
                    if s != 0 {
                        c[cj + k] -= s * head
                        for i in (k + 1)..<max(k + 1, m) { c[cj + i] -= s * c[ck + i] }
                    }
                }
                c[ck + k] = alpha
                betas[k] = beta
                heads[k] = head
            }
            for j in 0..<n { for i in 0...j { w[j * n + i] = c[j * m + i] } }
        }
        let eps = Double.ulpOfOne
        w.withUnsafeMutableBufferPointer { w in
            vv.withUnsafeMutableBufferPointer { vv in
                for j in 0..<n { vv[j * n + j] = 1 }
                for _ in 0..<80 {
                    var rotated = false
                    for p in 0..<(n - 1) {
                        let bp = p * n
                        for q in (p + 1)..<n {
                            let bq = q * n
                            var alpha = 0.0, beta = 0.0, gamma = 0.0
                            for i in 0..<n {
                                let x = w[bp + i], y = w[bq + i]
                                alpha += x * x; beta += y * y; gamma += x * y
                            }
                            if gamma == 0 || abs(gamma) <= eps * (alpha * beta).squareRoot() { continue }
                            rotated = true
                            let zeta = (beta - alpha) / (2 * gamma)
                            let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                            let cs = 1 / (1 + t * t).squareRoot()
                            let sn = cs * t
                            for i in 0..<n {
                                let x = w[bp + i], y = w[bq + i]
                                w[bp + i] = cs * x - sn * y
                                w[bq + i] = sn * x + cs * y
                                let vx = vv[bp + i], vy = vv[bq + i]
                                vv[bp + i] = cs * vx - sn * vy
                                vv[bq + i] = sn * vx + cs * vy
                            }
                        }
                    }
                    if !rotated { break }
                }
                for j in 0..<n {
                    var s = 0.0
                    for i in 0..<n { s += w[j * n + i] * w[j * n + i] }
                    sigma[j] = s.squareRoot()
                }
            }
        }
        let order = (0..<n).sorted { sigma[$0] > sigma[$1] }
        // U = Q · [Ur; 0]: apply the reflectors in reverse to the padded columns of Ur.
        var u = Matrix(rows: m, cols: n)
        var v = Matrix(rows: n, cols: n)
        var sorted = [Double](repeating: 0, count: n)
        var x = [Double](repeating: 0, count: m)
        for (newJ, j) in order.enumerated() {
            sorted[newJ] = sigma[j]
            for i in 0..<n { v.storage[i * n + newJ] = vv[j * n + i] }
            guard sigma[j] > 0 else { continue }
            col.withUnsafeBufferPointer { c in
                x.withUnsafeMutableBufferPointer { x in
                    for i in 0..<m { x[i] = i < n ? w[j * n + i] / sigma[j] : 0 }
                    for k in stride(from: n - 1, through: 0, by: -1) where betas[k] != 0 {
                        let ck = k * m
                        var s = heads[k] * x[k]
                        for i in (k + 1)..<max(k + 1, m) { s += c[ck + i] * x[i] }
                        s *= betas[k]
                        if s != 0 {
                            x[k] -= s * heads[k]
                            for i in (k + 1)..<max(k + 1, m) { x[i] -= s * c[ck + i] }
                        }
                    }
                }
            }
            for i in 0..<m { u.storage[i * n + newJ] = x[i] }
        }
        return SingularValueDecomposition(u: u, singularValues: sorted, v: v)
    }
}
