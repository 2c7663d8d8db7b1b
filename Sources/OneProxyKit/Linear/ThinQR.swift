/// Householder QR without pivoting of a tall matrix, for least squares with m ≫ n.
///
/// For A (m × n, m ≥ n) and right-hand sides b₁ … b_k, returns R (n × n, upper triangular,
/// row-major) with A = Q R, and the first n entries of Qᵀbᵢ. Q itself is never formed (only the n
/// reflectors are applied, to A's columns and to the right-hand sides), so the cost is about
/// 2(n + k)·n·m flops. Backward stable like any Householder QR: R and Qᵀb are exact for a matrix
/// within O(ε‖A‖) of A, so the singular values of R are those of A to O(ε σ_max) and a rank-aware
/// solve on R gives the same minimum-norm solution as one on A.
func householderTriangularize(_ a: Matrix, rhs: [[Double]]) -> (r: Matrix, qtb: [[Double]]) {
    let m = a.rows, n = a.cols, k = rhs.count
    precondition(m >= n, "householderTriangularize needs rows >= cols")
    precondition(rhs.allSatisfy { $0.count == m })
    let cols = n + k
    var c = [Double](repeating: 0, count: m * cols)  // column-major [A | b₁ … b_k]
    a.storage.withUnsafeBufferPointer { s in
        c.withUnsafeMutableBufferPointer { c in
            for i in 0..<m {
                let row = i * n
                for j in 0..<n { c[j * m + i] = s[row + j] }
            }
        }
    }
    for (t, b) in rhs.enumerated() { for i in 0..<m { c[(n + t) * m + i] = b[i] } }
    c.withUnsafeMutableBufferPointer { buf in
        let base = buf.baseAddress!
        for p in 0..<n {
            let v = base + p * m + p  // the reflector's column from row p
            let len = m - p
            var scale = 0.0
            for i in 0..<len { scale = max(scale, abs(v[i])) }
            if scale == 0 { continue }  // column already zero below the diagonal: R[p,p] = 0
            var ss = 0.0
            if scale > 1e-150 && scale < 1e150 {
                ss = dotProduct(v, v, len)
            } else {
                for i in 0..<len { let t = v[i] / scale; ss += t * t }
                ss *= scale * scale
            }
            let norm = ss.squareRoot()
            let alpha = v[0] > 0 ? -norm : norm
            // v = x − α e₁; vᵀv = 2‖x‖(‖x‖ + |x₀|); store v in place (head at v[0]).
            let head = v[0] - alpha
            let vtv = 2 * norm * (norm + abs(v[0]))
            let beta = vtv > 0 ? 2 / vtv : 0
            v[0] = head
            for j in (p + 1)..<cols {
                let cj = base + j * m + p
                let s = beta * dotProduct(v, cj, len)
                if s != 0 { axpy(-s, v, cj, len) }
            }
            v[0] = alpha
        }
    }
    var r = Matrix(rows: n, cols: n)
    for j in 0..<n { for i in 0...j { r.storage[i * n + j] = c[j * m + i] } }
    let qtb = (0..<k).map { t in Array(c[((n + t) * m)..<((n + t) * m + n)]) }
    return (r, qtb)
}

/// Σ x[i]·y[i] over len entries (four-way SIMD accumulators).
@inline(__always)
func dotProduct(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ len: Int) -> Double {
    var acc0 = SIMD2<Double>(), acc1 = SIMD2<Double>()
    var i = 0
    let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
    // (Typed steps: as two expressions this took the type checker 0.4 s of every build.)
    while i + 4 <= len {
        let x0: SIMD2<Double> = rx.loadUnaligned(fromByteOffset: i * 8, as: SIMD2<Double>.self)
        let y0: SIMD2<Double> = ry.loadUnaligned(fromByteOffset: i * 8, as: SIMD2<Double>.self)
        let x1: SIMD2<Double> = rx.loadUnaligned(fromByteOffset: i * 8 + 16, as: SIMD2<Double>.self)
        let y1: SIMD2<Double> = ry.loadUnaligned(fromByteOffset: i * 8 + 16, as: SIMD2<Double>.self)
        acc0 += x0 * y0
        acc1 += x1 * y1
        i += 4
    }
    var s = (acc0 + acc1).sum()
    while i < len { s += x[i] * y[i]; i += 1 }
    return s
}

/// y[i] += a·x[i] over len entries.
@inline(__always)
func axpy(_ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ len: Int) {
    for i in 0..<len { y[i] += a * x[i] }
}
