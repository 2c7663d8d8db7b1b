/// Non-negative least squares: the minimiser of ‖A x − b‖₂ subject to x ≥ 0 (Lawson & Hanson 1974,
/// the active-set algorithm `scipy.optimize.nnls` implements).
///
/// Each passive-set subproblem is solved by the rank-aware `leastSquares` (minimum-norm), so
/// collinear columns (two proxies predicting alike) give a bounded, well-defined answer.
/// Guarantees: every entry of x is >= 0; at return the KKT conditions hold to rounding: for
/// passive entries (x > 0) the gradient Aᵀ(b − A x) is ~0, for the others it is <= tolerance.
/// Stops after `maxIterations` (default 3·cols) outer steps.
public func nonNegativeLeastSquares(_ a: Matrix, _ b: [Double], maxIterations: Int? = nil) -> [Double] {
    precondition(b.count == a.rows, "right-hand side must have one entry per row")
    let n = a.cols
    var x = [Double](repeating: 0, count: n)
    guard n > 0, a.rows > 0 else { return x }
    var passive = [Bool](repeating: false, count: n)
    let maxIter = maxIterations ?? 3 * n
    let scaleA = a.storage.reduce(0) { max($0, abs($1)) }
    let scaleB = b.reduce(0) { max($0, abs($1)) }
    // The gradient's entries are at most rows·max|A|·max|b| in size: below 10ε of that counts as 0.
    let tol = 10 * Double.ulpOfOne * Double(max(a.rows, n)) * Double(a.rows) * scaleA * max(scaleB, 1e-300)

    func gradient(_ x: [Double]) -> [Double] {
        let ax = a.multiply(x)
        let r = zip(b, ax).map { $0 - $1 }
        return a.multiplyTransposed(r)
    }
    func solvePassive() -> [Double] {
        let cols = (0..<n).filter { passive[$0] }
        var sub = Matrix(rows: a.rows, cols: cols.count)
        for i in 0..<a.rows { for (k, j) in cols.enumerated() { sub[i, k] = a[i, j] } }
        let s = leastSquares(sub, b).x
        var z = [Double](repeating: 0, count: n)
        for (k, j) in cols.enumerated() { z[j] = s[k] }
        return z
    }

    var iterations = 0
    while iterations < maxIter {
        let w = gradient(x)
        var best = -1
        var bestValue = tol
        for j in 0..<n where !passive[j] && w[j] > bestValue { best = j; bestValue = w[j] }
        if best < 0 { break }
        passive[best] = true
        iterations += 1
        // Inner loop: step back toward feasibility while the unconstrained solution leaves x ≥ 0.
        var inner = 0
        while true {
            let z = solvePassive()
            let bad = (0..<n).filter { passive[$0] && z[$0] <= 0 }
            if bad.isEmpty { x = z; break }
            var alpha = 1.0
            for j in bad { alpha = min(alpha, x[j] / (x[j] - z[j])) }
            for j in 0..<n where passive[j] { x[j] += alpha * (z[j] - x[j]) }
            for j in 0..<n where passive[j] && x[j] <= 1e-15 * max(1, scaleB) { passive[j] = false; x[j] = 0 }
            inner += 1
            if inner > 3 * n { x = x.map { max(0, $0) }; break }
        }
    }
    return x
}
