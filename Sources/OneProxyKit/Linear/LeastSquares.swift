/// The minimum-norm least-squares solution of `A x ≈ b` and what the solver learned on the way.
public struct LeastSquaresSolution: Sendable, Equatable {
    /// The solution: among all minimisers of ||A x − b||₂ (after discarding singular values below
    /// the tolerance), the one of smallest ||x||₂. Equal to `pinv(A) b`.
    public var x: [Double]
    /// The numerical rank: singular values above `relativeTolerance · σ_max`.
    public var rank: Int
    /// All singular values of A, descending.
    public var singularValues: [Double]
    /// ||A x − b||₂².
    public var residualSumOfSquares: Double
}

/// The SVD of A with Uᵀb. For rows >= cols, A is first reduced to its n × n triangle by Householder
/// QR (Q never formed, only Qᵀb) and the SVD is that of R (same singular values and right singular
/// vectors), so the m × n factor U of A is never built (the returned decomposition's `u` is then
/// empty, m × 0: use `singularValues`, `v` and `utb`).
func svdProjecting(_ a: Matrix, _ b: [Double]) -> (SingularValueDecomposition, utb: [Double]) {
    if a.rows >= a.cols && a.cols > 0 {
        let (r, qtb) = householderTriangularize(a, rhs: [b])
        let (d, utb) = r.svdDroppingNegligible(projecting: qtb[0])
        return (d, utb)
    }
    let d = a.svd()
    return (d, d.u.multiplyTransposed(b))
}

/// Rank-aware least squares: the minimum-norm minimiser of ||A x − b||₂ via the SVD.
///
/// Singular values σᵢ <= `relativeTolerance · σ_max` are treated as zero (default: numpy's
/// `max(m, n) · ε`), so a rank-deficient design (e.g. the 31-column NB201 one-hot encoding, rank
/// 25) gets the same bounded solution as `numpy.linalg.lstsq` / `pinv` instead of huge weights that
/// cancel. Guarantees: x lies in the row space of A (x ⟂ null space) and Aᵀ(A x − b) = 0 up to
/// rounding on the retained singular directions.
///
/// For rows >= cols, A is first reduced to its n × n triangle by Householder QR (Q never formed,
/// only Qᵀb), and the SVD is that of R (same singular values and right singular vectors), so the
/// m × n factor U of A is never built: about 2mn² flops instead of 6mn².
public func leastSquares(_ a: Matrix, _ b: [Double], relativeTolerance: Double? = nil) -> LeastSquaresSolution {
    precondition(b.count == a.rows, "right-hand side must have one entry per row")
    let (d, utb) = svdProjecting(a, b)
    let r = numericalRank(d.singularValues, rows: a.rows, cols: a.cols, relativeTolerance: relativeTolerance)
    var x = [Double](repeating: 0, count: a.cols)
    for j in 0..<r {
        let coef = utb[j] / d.singularValues[j]
        for i in 0..<a.cols { x[i] += d.v[i, j] * coef }
    }
    let fitted = a.multiply(x)
    var rss = 0.0
    for i in 0..<a.rows { let e = fitted[i] - b[i]; rss += e * e }
    return LeastSquaresSolution(x: x, rank: r, singularValues: d.singularValues, residualSumOfSquares: rss)
}

/// The number of singular values (descending) above `relativeTolerance · σ_max`, with numpy's
/// default `max(rows, cols) · ε` for the matrix's own shape.
func numericalRank(_ singularValues: [Double], rows: Int, cols: Int, relativeTolerance: Double? = nil) -> Int {
    guard let smax = singularValues.first, smax > 0 else { return 0 }
    let tol = (relativeTolerance ?? Double(max(rows, cols)) * Double.ulpOfOne) * smax
    return singularValues.reduce(0) { $0 + ($1 > tol ? 1 : 0) }
}

extension Matrix {
    /// The Moore–Penrose pseudo-inverse (cols × rows), with singular values at or below
    /// `relativeTolerance · σ_max` treated as zero (default `max(m, n) · ε`).
    /// Guarantees the Penrose conditions A A⁺ A = A and A⁺ A A⁺ = A⁺ up to rounding.
    public func pseudoInverse(relativeTolerance: Double? = nil) -> Matrix {
        let d = svd()
        let r = d.rank(relativeTolerance: relativeTolerance)
        var p = Matrix(rows: cols, cols: rows)
        for k in 0..<r {
            let inv = 1 / d.singularValues[k]
            for i in 0..<cols {
                let vik = d.v[i, k] * inv
                if vik == 0 { continue }
                for j in 0..<rows { p.storage[i * rows + j] += vik * d.u[j, k] }
            }
        }
        return p
    }
}

/// Solves the symmetric positive definite system S x = b by Cholesky; nil when S is not (numerically)
/// positive definite.
public func choleskySolve(_ s: Matrix, _ b: [Double]) -> [Double]? {
    precondition(s.cols == s.rows && b.count == s.rows)
    return CholeskyFactor(s)?.solve(b)
}

/// The Cholesky factor L (S = L Lᵀ) of a symmetric positive definite matrix, for repeated solves.
struct CholeskyFactor {
    let n: Int
    var l: [Double]
    /// nil when S is not (numerically) positive definite.
    init?(_ s: Matrix) {
        n = s.rows
        let n = self.n
        var l = [Double](repeating: 0, count: n * n)
        guard n > 0 else { self.l = l; return }  // (an empty buffer has no base address)
        // Row pointers and wrapping index arithmetic (the same operations in the same order as
        // the indexed loops: the same factor, bit for bit).
        let ok = s.storage.withUnsafeBufferPointer { sp in
            l.withUnsafeMutableBufferPointer { lp -> Bool in
                let S = sp.baseAddress!, L = lp.baseAddress!
                for j in 0..<n {
                    let lj = L + j &* n
                    var diag = S[j &* n &+ j]
                    for k in 0..<j { diag -= lj[k] * lj[k] }
                    guard diag > 0 else { return false }
                    let ljj = diag.squareRoot()
                    lj[j] = ljj
                    var i = j &+ 1
                    while i < n {
                        let li = L + i &* n
                        var v = S[i &* n &+ j]
                        for k in 0..<j { v -= li[k] * lj[k] }
                        li[j] = v / ljj
                        i &+= 1
                    }
                }
                return true
            }
        }
        guard ok else { return nil }
        self.l = l
    }
    func solve(_ b: [Double]) -> [Double] {
        var y = b
        solveInPlace(&y)
        return y
    }
    /// y ← S⁻¹ y.
    func solveInPlace(_ y: inout [Double]) {
        let n = self.n
        guard n > 0 else { return }
        l.withUnsafeBufferPointer { lp in
            y.withUnsafeMutableBufferPointer { yp in
                let L = lp.baseAddress!, Y = yp.baseAddress!
                for i in 0..<n {
                    let li = L + i &* n
                    var v = Y[i]
                    for k in 0..<i { v -= li[k] * Y[k] }
                    Y[i] = v / li[i]
                }
                var i = n &- 1
                while i >= 0 {
                    var v = Y[i]
                    var k = i &+ 1
                    while k < n { v -= L[k &* n &+ i] * Y[k]; k &+= 1 }
                    Y[i] = v / L[i &* n &+ i]
                    i &-= 1
                }
            }
        }
    }
}
