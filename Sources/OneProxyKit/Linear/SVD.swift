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
    private static func svdTall(_ a: Matrix) -> SingularValueDecomposition {
        let m = a.rows, n = a.cols
        if n == 0 {
            return SingularValueDecomposition(u: Matrix(rows: m, cols: 0), singularValues: [], v: Matrix(rows: 0, cols: 0))
        }
        // Householder QR on column-major columns.
        var col = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        for i in 0..<m { for j in 0..<n { col[j][i] = a[i, j] } }
        var vs: [[Double]] = []  // Householder vectors (length m, zeros above k)
        var betas: [Double] = []
        for k in 0..<n {
            var norm = 0.0
            var scale = 0.0
            for i in k..<m { scale = max(scale, abs(col[k][i])) }
            if scale > 0 {
                for i in k..<m { let t = col[k][i] / scale; norm += t * t }
                norm = scale * norm.squareRoot()
            }
            var v = [Double](repeating: 0, count: m)
            if norm == 0 {
                vs.append(v); betas.append(0); continue
            }
            let alpha = col[k][k] > 0 ? -norm : norm
            for i in k..<m { v[i] = col[k][i] }
            v[k] -= alpha
            var vtv = 0.0
            for i in k..<m { vtv += v[i] * v[i] }
            let beta = vtv > 0 ? 2 / vtv : 0
            for j in k..<n {
                var s = 0.0
                for i in k..<m { s += v[i] * col[j][i] }
                s *= beta
                if s != 0 { for i in k..<m { col[j][i] -= s * v[i] } }
            }
            vs.append(v); betas.append(beta)
        }
        // R as columns of length n (upper triangle).
        var w = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n { for i in 0...j { w[j][i] = col[j][i] } }
        var vv = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n { vv[j][j] = 1 }
        // One-sided Jacobi: rotate column pairs of R until all are orthogonal.
        let eps = Double.ulpOfOne
        for _ in 0..<80 {
            var rotated = false
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<n {
                        let x = w[p][i], y = w[q][i]
                        alpha += x * x; beta += y * y; gamma += x * y
                    }
                    if gamma == 0 || abs(gamma) <= eps * (alpha * beta).squareRoot() { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot()
                    let s = c * t
                    for i in 0..<n {
                        let x = w[p][i], y = w[q][i]
                        w[p][i] = c * x - s * y
                        w[q][i] = s * x + c * y
                        let vx = vv[p][i], vy = vv[q][i]
                        vv[p][i] = c * vx - s * vy
                        vv[q][i] = s * vx + c * vy
                    }
                }
            }
            if !rotated { break }
        }
        var sigma = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var s = 0.0
            for i in 0..<n { s += w[j][i] * w[j][i] }
            sigma[j] = s.squareRoot()
        }
        let order = (0..<n).sorted { sigma[$0] > sigma[$1] }
        // U = Q · [Ur; 0]: apply the reflectors in reverse to the padded columns of Ur.
        var u = Matrix(rows: m, cols: n)
        var v = Matrix(rows: n, cols: n)
        var sorted = [Double](repeating: 0, count: n)
        for (newJ, j) in order.enumerated() {
            sorted[newJ] = sigma[j]
            for i in 0..<n { v[i, newJ] = vv[j][i] }
            guard sigma[j] > 0 else { continue }
            var x = [Double](repeating: 0, count: m)
            for i in 0..<n { x[i] = w[j][i] / sigma[j] }
            for k in stride(from: n - 1, through: 0, by: -1) where betas[k] != 0 {
                let h = vs[k]
                var s = 0.0
                for i in k..<m { s += h[i] * x[i] }
                s *= betas[k]
                if s != 0 { for i in k..<m { x[i] -= s * h[i] } }
            }
            for i in 0..<m { u[i, newJ] = x[i] }
        }
        return SingularValueDecomposition(u: u, singularValues: sorted, v: v)
    }
}
