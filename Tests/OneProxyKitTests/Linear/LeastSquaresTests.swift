import Testing
@testable import OneProxyKit

@Suite struct LeastSquaresTests {
    /// numpy.linalg.lstsq (rcond=None) and pinv on five matrices: x and pinv to 1e-9 relative to
    /// their norm (1e-4 for the case with condition number 1e11), rank exactly, σ to 1e-12·σ_max.
    @Test func matchesNumpy() throws {
        let cases = try PredictTestData.fixture("linear.json") as! [[String: Any]]
        for c in cases {
            let name = c["name"] as! String
            let a = Matrix(rows: c["rows"] as! Int, cols: c["cols"] as! Int, storage: c["a"] as! [Double])
            let sol = leastSquares(a, c["b"] as! [Double])
            let tol = name == "graded" ? 1e-4 : 1e-9
            let xRef = c["x"] as! [Double]
            let xNorm = xRef.reduce(0) { max($0, abs($1)) }
            #expect(sol.rank == c["rank"] as! Int, "\(name)")
            for (u, v) in zip(sol.x, xRef) { #expect(abs(u - v) <= tol * xNorm, "\(name): \(u) vs \(v)") }
            let sv = c["singular_values"] as! [Double]
            for (u, v) in zip(sol.singularValues, sv) { #expect(abs(u - v) <= 1e-12 * sv[0], "\(name)") }
            let p = a.pseudoInverse()
            let pRef = c["pinv"] as! [Double]
            let pNorm = pRef.reduce(0) { max($0, abs($1)) }
            for (u, v) in zip(p.storage, pRef) { #expect(abs(u - v) <= tol * pNorm, "\(name) pinv") }
        }
    }

    /// Closed forms: [[1,1],[1,1]] x = [1,3] has minimum-norm solution [1,1] (rank 1); a diagonal
    /// system solves exactly; a zero matrix gives x = 0 and rank 0.
    @Test func closedForms() {
        let s = leastSquares(Matrix([[1, 1], [1, 1]]), [1, 3])
        #expect(s.rank == 1)
        #expect(abs(s.x[0] - 1) < 1e-14 && abs(s.x[1] - 1) < 1e-14)
        #expect(abs(s.residualSumOfSquares - 2) < 1e-13)
        let d = leastSquares(Matrix([[2, 0, 0], [0, -4, 0], [0, 0, 0.5], [0, 0, 0]]), [1, 2, 3, 4])
        #expect(d.rank == 3)
        #expect(zip(d.x, [0.5, -0.5, 6.0]).allSatisfy { abs($0 - $1) < 1e-14 })
        let z = leastSquares(Matrix(rows: 3, cols: 2), [1, 2, 3])
        #expect(z.rank == 0 && z.x == [0, 0])
    }

    /// Penrose conditions A A⁺ A = A and A⁺ A A⁺ = A⁺ (1e-12) on a random rank-deficient matrix.
    @Test func penroseConditions() {
        var g = SeededGenerator(seed: 3)
        let l = Matrix(rows: 12, cols: 4, storage: (0..<48).map { _ in g.unit() - 0.5 })
        let r = Matrix(rows: 4, cols: 7, storage: (0..<28).map { _ in g.unit() - 0.5 })
        let a = l.multiply(r)
        let p = a.pseudoInverse()
        let apa = a.multiply(p).multiply(a)
        let pap = p.multiply(a).multiply(p)
        for (u, v) in zip(apa.storage, a.storage) { #expect(abs(u - v) < 1e-12) }
        for (u, v) in zip(pap.storage, p.storage) { #expect(abs(u - v) < 1e-10 * max(1, abs(v))) }
        #expect(a.svd().rank() == 4)
    }

    /// NB201's 31-column encoding has rank 25; the proxy fit's weights stay small (|w| < 1e3; the
    /// notebook's inverse gets 1e8) and match numpy.linalg.lstsq to 1e-9.
    @Test func nb201ProxyFit() throws {
        let data = try PredictTestData.oneProxyCSV()
        let fit = try fitLinearPredictor(X: data.x, latencies: data.columns["true_vpu_ms"]!)
        let ref = try PredictTestData.fixture("notebook.json") as! [String: Any]
        #expect(fit.rank == 25)
        #expect(fit.rank == ref["proxy_rank"] as! Int)
        #expect(fit.weights.allSatisfy { abs($0) < 1e3 })
        let wRef = ref["proxy_weights"] as! [Double]
        for (u, v) in zip(fit.weights, wRef) { #expect(abs(u - v) < 1e-9) }
        #expect(fit.rowsUsed == 1999)
    }

    @Test func fitErrors() {
        let x = Matrix([[1, 0], [0, 1], [1, 1]])
        #expect(throws: OneProxyError.self) { try fitLinearPredictor(X: x, latencies: [1, .nan, .nan]) }
        #expect(throws: OneProxyError.self) { try fitLinearPredictor(X: x, latencies: [1, 2]) }
        let p = try? fitLinearPredictor(X: x, latencies: [1, .nan, 3])
        #expect(p?.rowsUsed == 2)
    }
}
