import Foundation
import Testing
@testable import OneProxyKit

@Suite struct SymmetricEigenTests {
    /// Closed form: the n × n second-difference matrix tridiag(−1, 2, −1) has eigenvalues
    /// 2 − 2cos(kπ/(n+1)), k = 1…n, and eigenvectors sin(jkπ/(n+1)); to 1e-13 (values, absolute
    /// on a matrix of norm 4) and 1e-12 (|cos| between computed and exact vectors), n = 1…40.
    @Test func secondDifferenceClosedForm() {
        for n in 1...40 {
            var s = Matrix(rows: n, cols: n)
            for i in 0..<n {
                s[i, i] = 2
                if i > 0 { s[i, i - 1] = -1; s[i - 1, i] = -1 }
            }
            let eig = s.symmetricEigen()
            for (idx, k) in (1...n).reversed().enumerated() {  // descending
                let exact = 2 - 2 * cos(Double(k) * .pi / Double(n + 1))
                #expect(abs(eig.values[idx] - exact) <= 1e-13, "n=\(n) k=\(k)")
                let v = (1...n).map { sin(Double($0 * k) * .pi / Double(n + 1)) }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                var dot = 0.0
                for j in 0..<n { dot += v[j] / norm * eig.vectors[idx * n + j] }
                #expect(abs(abs(dot) - 1) <= 1e-12, "n=\(n) k=\(k) vector")
            }
        }
    }

    /// A random symmetric n × n matrix (entries in -1...1), or the rank-deficient Gram matrix AᵀA
    /// of a random 10 × n matrix.
    static func randomSymmetric(_ n: Int, gram: Bool, _ rng: inout SeededGenerator) -> Matrix {
        var s = Matrix(rows: n, cols: n)
        if gram {
            var a = Matrix(rows: 10, cols: n)
            for i in 0..<a.storage.count { a.storage[i] = Double.random(in: -1...1, using: &rng) }
            return a.gram()
        }
        for i in 0..<n { for j in 0...i { let x = Double.random(in: -1...1, using: &rng); s[i, j] = x; s[j, i] = x } }
        return s
    }

    /// Seeded random symmetric matrices (n = 1…35, including rank-deficient Gram matrices AᵀA of
    /// 10 × n): ‖S v − λ v‖∞ <= 1e-13·‖S‖_F per pair, |VᵀV − I| <= 1e-13 entrywise, eigenvalues
    /// descending, their sum = trace(S) to 1e-13·‖S‖_F; a Gram matrix's eigenvalues beyond its rank
    /// are below 1e-14·‖S‖_F in absolute value.
    @Test func residualsAndOrthogonality() {
        var rng = SeededGenerator(seed: 23)
        for n in 1...35 {
            for gramCase in [false, true] {
                let s = Self.randomSymmetric(n, gram: gramCase, &rng)
                let fro = s.storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let eig = s.symmetricEigen()
                for i in 0..<n {
                    let v = Array(eig.vectors[(i * n)..<((i + 1) * n)])
                    let sv = s.multiply(v)
                    for j in 0..<n { #expect(abs(sv[j] - eig.values[i] * v[j]) <= 1e-13 * max(fro, 1), "n=\(n) pair \(i)") }
                    for k in 0..<n {
                        var dot = 0.0
                        for j in 0..<n { dot += v[j] * eig.vectors[k * n + j] }
                        #expect(abs(dot - (i == k ? 1 : 0)) <= 1e-13, "n=\(n) VᵀV[\(i),\(k)]")
                    }
                    if i > 0 { #expect(eig.values[i] <= eig.values[i - 1]) }
                    if gramCase && i >= 10 { #expect(abs(eig.values[i]) <= 1e-14 * fro, "n=\(n) null \(i)") }
                }
                var trace = 0.0
                for i in 0..<n { trace += s[i, i] }
                #expect(abs(eig.values.reduce(0, +) - trace) <= 1e-13 * max(fro, 1), "n=\(n) trace")
            }
        }
    }

    /// `symmetricEigen(projecting:columns:)`: the same eigenvalues as `symmetricEigen` bit for bit,
    /// and row i of the products equals vᵢᵀ·y from its eigenvectors to 1e-12·max|y|·n (rounding of
    /// the same rotations and reflections, applied to y instead of to V), for random symmetric and
    /// rank-deficient Gram matrices (degenerate null spaces), n = 1…35, 0 to 4 columns of y.
    @Test func projectedProductsMatchTheVectors() {
        var rng = SeededGenerator(seed: 29)
        for n in 1...35 {
            for gramCase in [false, true] {
                let s = Self.randomSymmetric(n, gram: gramCase, &rng)
                let c = n % 5
                let y = (0..<(n * c)).map { _ in Double.random(in: -2...2, using: &rng) }
                let full = s.symmetricEigen()
                let (values, projected) = s.symmetricEigen(projecting: y, columns: c)
                #expect(values == full.values, "n=\(n)")
                let top = y.reduce(0) { max($0, abs($1)) }
                for i in 0..<n {
                    for col in 0..<c {
                        var ref = 0.0
                        for j in 0..<n { ref += full.vectors[i * n + j] * y[j * c + col] }
                        #expect(abs(projected[i * c + col] - ref) <= 1e-12 * top * Double(n), "n=\(n) row \(i) column \(col)")
                    }
                }
            }
        }
    }
}
