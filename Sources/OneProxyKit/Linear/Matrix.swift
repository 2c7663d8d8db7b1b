/// A dense real matrix stored row-major. Small and simple: the encodings have at most a few hundred
/// columns, the solvers work on n x d problems with d of that size.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    public var storage: [Double]

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0)
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(storage.count == rows * cols, "storage must hold rows*cols values")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// Builds a matrix from rows of equal length.
    public init(_ rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        var s: [Double] = []
        s.reserveCapacity(r * c)
        for row in rowArrays {
            precondition(row.count == c, "ragged rows")
            s.append(contentsOf: row)
        }
        self.init(rows: r, cols: c, storage: s)
    }

    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    public func row(_ i: Int) -> ArraySlice<Double> { storage[(i * cols)..<((i + 1) * cols)] }

    /// The rows at the given indices, in that order.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var s: [Double] = []
        s.reserveCapacity(indices.count * cols)
        for i in indices { s.append(contentsOf: row(i)) }
        return Matrix(rows: indices.count, cols: cols, storage: s)
    }

    /// y = A x.
    public func multiply(_ x: [Double]) -> [Double] {
        precondition(x.count == cols)
        var y = [Double](repeating: 0, count: rows)
        let c = cols
        guard c > 0 else { return y }  // (an empty buffer has no base address)
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    for i in 0..<rows {
                        var acc = 0.0
                        let row = a.baseAddress! + i &* c
                        for j in 0..<c { acc += row[j] * x[j] }
                        y[i] = acc
                    }
                }
            }
        }
        return y
    }

    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j] } }
        return t
    }
}

/// out[j] = Σᵢ c[i]·v[i·d + j] for j < d (i ascending from 0, one product at a time, so the value
/// of the plain loop `for i { for j { out[j] += v[i·d + j]·c[i] } }` from out = 0, bit for bit): the
/// k rows of v (k × d, row-major) combined with the coefficients c. The sums run in registers over
/// 8, 4, 2 and then 1 column at a time, so consecutive rows do not wait on a store of out.
func combineRows(_ v: UnsafePointer<Double>, rows k: Int, cols d: Int, coefficients c: UnsafePointer<Double>,
                 into out: UnsafeMutablePointer<Double>) {
    let V = UnsafeRawPointer(v), O = UnsafeMutableRawPointer(out)
    let rowBytes = d &* 8
    var j = 0
    while j &+ 8 <= d {
        var a0 = SIMD4<Double>(), a1 = SIMD4<Double>()
        var off = j &* 8
        for i in 0..<k {
            let ci = SIMD4<Double>(repeating: c[i])
            a0 += V.loadUnaligned(fromByteOffset: off, as: SIMD4<Double>.self) * ci
            a1 += V.loadUnaligned(fromByteOffset: off &+ 32, as: SIMD4<Double>.self) * ci
            off &+= rowBytes
        }
        O.storeBytes(of: a0, toByteOffset: j &* 8, as: SIMD4<Double>.self)
        O.storeBytes(of: a1, toByteOffset: j &* 8 &+ 32, as: SIMD4<Double>.self)
        j &+= 8
    }
    if j &+ 4 <= d {
        var a0 = SIMD4<Double>()
        var off = j &* 8
        for i in 0..<k {
            a0 += V.loadUnaligned(fromByteOffset: off, as: SIMD4<Double>.self) * SIMD4<Double>(repeating: c[i])
            off &+= rowBytes
        }
        O.storeBytes(of: a0, toByteOffset: j &* 8, as: SIMD4<Double>.self)
        j &+= 4
    }
    if j &+ 2 <= d {
        var a0 = SIMD2<Double>()
        var off = j &* 8
        for i in 0..<k {
            a0 += V.loadUnaligned(fromByteOffset: off, as: SIMD2<Double>.self) * SIMD2<Double>(repeating: c[i])
            off &+= rowBytes
        }
        O.storeBytes(of: a0, toByteOffset: j &* 8, as: SIMD2<Double>.self)
        j &+= 2
    }
    if j < d {
        var t0 = 0.0
        var row = v + j
        for i in 0..<k {
            t0 += row[0] * c[i]
            row += d
        }
        out[j] = t0
    }
}
