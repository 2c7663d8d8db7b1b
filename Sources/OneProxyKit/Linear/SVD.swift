/// A thin singular value decomposition `A = U · diag(σ) · Vᵀ` of an m × n matrix.
///
/// Guarantees: `singularValues` has k = min(m, n) entries, sorted descending and >= 0; `u` is m × k
/// and `v` is n × k. The columns of `u` and of `v` belonging to nonzero singular values are
/// orthonormal (those of an exactly zero singular value are zero vectors, which the least-squares
/// and pseudo-inverse routines never use). Computed by Householder QR with column pivoting followed
/// by one-sided Jacobi rotations on Rᵀ (Drmač–Veselić), which converges in a few sweeps and gives
/// singular values to high relative accuracy.
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
        if rows >= cols { return Matrix.svdTall(self).svd }
        let t = Matrix.svdTall(transposed).svd
        return SingularValueDecomposition(u: t.v, singularValues: t.singularValues, v: t.u)
    }

    /// The thin SVD of a tall matrix (rows >= cols) for rank-truncated uses (least squares, ridge):
    /// after the pivoted QR A P = Q R, the trailing rows of R from the first k with
    /// |R_kk| <= ε·|R_00| are set to zero. That block has columns of norm <= |R_kk| (pivoting), so
    /// the perturbation is at most sqrt(cols)·ε·σ_max: below any rank tolerance >= cols·ε·σ_max,
    /// and of the order of the QR's own backward error. The singular values so dropped are
    /// returned as 0 (with zero vectors); the one-sided Jacobi then rotates only the numerically
    /// nonzero rows, which removes the slow noise-against-noise sweeps of a rank-deficient matrix.
    func svdDroppingNegligible() -> SingularValueDecomposition {
        precondition(rows >= cols)
        return Matrix.svdTall(self, dropNegligible: true).svd
    }

    /// `svdDroppingNegligible()`'s σ and V with Uᵀc, without forming U: Uᵀc = [Vx; 0]ᵀ (Qᵀc), with
    /// Qᵀc from the QR's reflectors applied to c (O(mn) instead of O(mn²) for U). The returned
    /// decomposition's `u` is empty (m × 0): only `singularValues` and `v` are meant to be used.
    func svdDroppingNegligible(projecting c: [Double]) -> (svd: SingularValueDecomposition, utc: [Double]) {
        precondition(rows >= cols && c.count == rows)
        let r = Matrix.svdTall(self, dropNegligible: true, projecting: c)
        return (r.svd, r.utc!)
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
    ///
    /// Each entry (p, q), q ≥ p, is the sum of a_ip·a_iq over the rows i in ascending order, one
    /// product at a time, rows with a_ip = 0 skipped (so the same operations in the same order as
    /// the row-by-row outer-product loop this replaced: the same values bit for bit). Computed 8
    /// entries of a row of G at a time (a SIMD8 accumulator over a copy of A whose rows are padded
    /// to a multiple of 8), over chunks of 128 rows so that the chunk stays in cache.
    public func gram() -> Matrix {
        var g = Matrix(rows: cols, cols: cols)
        let c = cols
        guard c > 0, rows > 0 else { return g }
        let cp = (c + 7) / 8 * 8
        // A with rows padded to cp (zeros), and G as c rows of cp (the padding lanes discarded)
        var padded = [Double](repeating: 0, count: rows * cp)
        var gp = [Double](repeating: 0, count: c * cp)
        storage.withUnsafeBufferPointer { a in
            padded.withUnsafeMutableBufferPointer { pa in
                for i in 0..<rows {
                    let src = a.baseAddress! + i &* c, dst = pa.baseAddress! + i &* cp
                    for j in 0..<c { dst[j] = src[j] }
                }
            }
        }
        padded.withUnsafeBufferPointer { pa in
            gp.withUnsafeMutableBufferPointer { gbuf in
                let a0 = UnsafeRawPointer(pa.baseAddress!), g0 = UnsafeMutableRawPointer(gbuf.baseAddress!)
                let rowBytes = cp &* 8
                var start = 0
                while start < rows {
                    let end = min(rows, start &+ 128)
                    for p in 0..<c {
                        var q0 = p & ~7  // blocks of 8 aligned to the padded row; lanes < p unused
                        while q0 < c {
                            let gOffset = p &* rowBytes &+ q0 &* 8
                            var acc = g0.loadUnaligned(fromByteOffset: gOffset, as: SIMD8<Double>.self)
                            var i = start
                            while i < end {
                                let row = i &* rowBytes
                                let ap = a0.load(fromByteOffset: row &+ p &* 8, as: Double.self)
                                if ap != 0 {
                                    acc += ap * a0.loadUnaligned(fromByteOffset: row &+ q0 &* 8, as: SIMD8<Double>.self)
                                }
                                i &+= 1
                            }
                            g0.storeBytes(of: acc, toByteOffset: gOffset, as: SIMD8<Double>.self)
                            q0 &+= 8
                        }
                    }
                    start = end
                }
            }
        }
        gp.withUnsafeBufferPointer { src in
            g.storage.withUnsafeMutableBufferPointer { g in
                let g0 = g.baseAddress!
                for p in 0..<c {
                    for q in p..<c { g0[p &* c &+ q] = src[p &* cp &+ q] }
                    for q in 0..<p { g0[p &* c &+ q] = src[q &* cp &+ p] }
                }
            }
        }
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
    /// With `projecting` c, U is not formed (`u` is m × 0) and Uᵀc is returned instead.
    private static func svdTall(_ a: Matrix, dropNegligible: Bool = false, projecting: [Double]? = nil)
        -> (svd: SingularValueDecomposition, utc: [Double]?) {
        let m = a.rows, n = a.cols
        if n == 0 {
            return (SingularValueDecomposition(u: Matrix(rows: m, cols: 0), singularValues: [], v: Matrix(rows: 0, cols: 0)),
                    projecting.map { _ in [] })
        }
        var col = [Double](repeating: 0, count: m * n)   // A, overwritten by R and the reflectors
        var betas = [Double](repeating: 0, count: n)
        var heads = [Double](repeating: 0, count: n)     // first entry of each Householder vector
        var w = [Double](repeating: 0, count: n * n)     // R, column-major, then rotated
        var vv = [Double](repeating: 0, count: n * n)    // V, column-major
        var sigma = [Double](repeating: 0, count: n)
        var perm = Array(0..<n)
        col.withUnsafeMutableBufferPointer { c in
            for i in 0..<m { for j in 0..<n { c[j * m + i] = a.storage[i * n + j] } }
            // Householder QR with column pivoting (A P = Q R): reflector k is
            // (heads[k], c[k*m + k+1 ..< (k+1)*m]). Pivoting grades R so that one-sided Jacobi on
            // Rᵀ converges in a few sweeps (Drmač–Veselić).
            for k in 0..<n {
                let ck = k * m
                var best = k, bestNorm = -1.0
                for j in k..<n {
                    var s = 0.0
                    for i in k..<m { s += c[j * m + i] * c[j * m + i] }
                    if s > bestNorm { bestNorm = s; best = j }
                }
                if best != k {
                    for i in 0..<m { c.swapAt(ck + i, best * m + i) }
                    perm.swapAt(k, best)
                }
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
            // w holds Rᵀ column-major: column i of Rᵀ is row i of R.
            var keep = n
            if dropNegligible {
                let cut = Double.ulpOfOne * abs(c[0])
                if let k = (0..<n).first(where: { abs(c[$0 * m + $0]) <= cut }) { keep = k }
            }
            for j in 0..<n { for i in 0..<min(j + 1, keep) { w[i * n + j] = c[j * m + i] } }
        }
        let eps = Double.ulpOfOne
        w.withUnsafeMutableBufferPointer { w in
            vv.withUnsafeMutableBufferPointer { vv in
                for j in 0..<n { vv[j * n + j] = 1 }
                var norms = [Double](repeating: 0, count: n)
                for _ in 0..<80 {
                    var rotated = false
                    // Squared column norms, refreshed each sweep and updated through rotations
                    // (α' = α − tγ, β' = β + tγ), so a pair costs one dot product.
                    for j in 0..<n {
                        var s = 0.0
                        for i in 0..<n { s += w[j * n + i] * w[j * n + i] }
                        norms[j] = s
                    }
                    // Columns below ε·(largest column) are rounding noise (far under any rank
                    // tolerance): rotating noise against noise never converges, so skip them.
                    let negligible = (norms.max() ?? 0) * eps * eps
                    for p in 0..<(n - 1) {
                        let bp = p * n
                        for q in (p + 1)..<n {
                            let bq = q * n
                            let alpha = norms[p], beta = norms[q]
                            if alpha <= negligible || beta <= negligible { continue }
                            let gamma = dotProduct(w.baseAddress! + bp, w.baseAddress! + bq, n)
                            if gamma == 0 || abs(gamma) <= eps * (alpha * beta).squareRoot() { continue }
                            rotated = true
                            let zeta = (beta - alpha) / (2 * gamma)
                            let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                            let cs = 1 / (1 + t * t).squareRoot()
                            let sn = cs * t
                            norms[p] = max(0, alpha - t * gamma)
                            norms[q] = beta + t * gamma
                            rotatePair(w.baseAddress! + bp, w.baseAddress! + bq, n, cs, sn)
                            rotatePair(vv.baseAddress! + bp, vv.baseAddress! + bq, n, cs, sn)
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
        // Rᵀ = Ux Σ Vxᵀ, so A P = Q R = (Q Vx) Σ Uxᵀ: U = Q · [Vx; 0] (reflectors applied in
        // reverse) and V = P Ux with Ux's columns the rotated columns of Rᵀ divided by σ.
        let formU = projecting == nil
        var u = Matrix(rows: m, cols: formU ? n : 0)
        var v = Matrix(rows: n, cols: n)
        var sorted = [Double](repeating: 0, count: n)
        var x = [Double](repeating: 0, count: m)
        // Qᵀc: the reflectors applied in order (H_{n−1} ⋯ H₀ c).
        var qtc = projecting ?? []
        var utc: [Double]? = formU ? nil : [Double](repeating: 0, count: n)
        if !formU {
            col.withUnsafeBufferPointer { c in
                for k in 0..<n where betas[k] != 0 {
                    let ck = k * m
                    var s = heads[k] * qtc[k]
                    for i in (k + 1)..<max(k + 1, m) { s += c[ck + i] * qtc[i] }
                    s *= betas[k]
                    if s != 0 {
                        qtc[k] -= s * heads[k]
                        for i in (k + 1)..<max(k + 1, m) { qtc[i] -= s * c[ck + i] }
                    }
                }
            }
        }
        for (newJ, j) in order.enumerated() {
            sorted[newJ] = sigma[j]
            guard sigma[j] > 0 else { continue }
            for i in 0..<n { v.storage[perm[i] * n + newJ] = w[j * n + i] / sigma[j] }
            if !formU {
                var acc = 0.0
                for i in 0..<n { acc += vv[j * n + i] * qtc[i] }
                utc![newJ] = acc
                continue
            }
            col.withUnsafeBufferPointer { c in
                x.withUnsafeMutableBufferPointer { x in
                    for i in 0..<m { x[i] = i < n ? vv[j * n + i] : 0 }
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
        return (SingularValueDecomposition(u: u, singularValues: sorted, v: v), utc)
    }
}

/// The plane rotation (x, y) ← (c·x − s·y, s·x + c·y) of two disjoint length-`len` vectors, two
/// lanes at a time (element-wise, so exactly the scalar loop's results).
@inline(__always)
func rotatePair(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ len: Int, _ c: Double, _ s: Double) {
    let rx = UnsafeMutableRawPointer(x), ry = UnsafeMutableRawPointer(y)
    let cv = SIMD2<Double>(repeating: c), sv = SIMD2<Double>(repeating: s)
    var i = 0
    while i + 2 <= len {
        let a = rx.loadUnaligned(fromByteOffset: i * 8, as: SIMD2<Double>.self)
        let b = ry.loadUnaligned(fromByteOffset: i * 8, as: SIMD2<Double>.self)
        rx.storeBytes(of: cv * a - sv * b, toByteOffset: i * 8, as: SIMD2<Double>.self)
        ry.storeBytes(of: sv * a + cv * b, toByteOffset: i * 8, as: SIMD2<Double>.self)
        i += 2
    }
    while i < len {
        let a = x[i], b = y[i]
        x[i] = c * a - s * b
        y[i] = s * a + c * b
        i += 1
    }
}
