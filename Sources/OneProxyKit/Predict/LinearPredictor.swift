/// A linear latency model `latency(x) ≈ x · weights` on an architecture encoding.
public struct LinearPredictor: Sendable, Equatable {
    /// One weight per encoding column (the encodings carry their own constant column).
    public var weights: [Double]
    /// The numerical rank of the design the weights were fitted on (25 for NB201's 31 columns).
    public var rank: Int
    /// How many rows had a latency and were used in the fit.
    public var rowsUsed: Int
    /// Root mean squared residual over the rows used.
    public var residualRMS: Double

    public init(weights: [Double], rank: Int, rowsUsed: Int, residualRMS: Double) {
        self.weights = weights
        self.rank = rank
        self.rowsUsed = rowsUsed
        self.residualRMS = residualRMS
    }

    /// The predicted latency of every row of X (X must have `weights.count` columns).
    public func predict(_ x: Matrix) -> [Double] {
        precondition(x.cols == weights.count, "the encoding must have one column per weight")
        return x.multiply(weights)
    }
}

/// Fits `latency ≈ x · w` by rank-aware least squares on the rows whose latency is present.
///
/// Rows with a NaN latency are skipped. The weights are the minimum-norm least-squares solution
/// (`leastSquares`, relative rank tolerance max(m, n)·ε), so a rank-deficient one-hot encoding gets
/// small, unique weights: the same as `numpy.linalg.lstsq`. Throws `OneProxyError` when the
/// latencies do not match the rows of X or fewer than 2 rows have a latency.
public func fitLinearPredictor(X: Matrix, latencies: [Double]) throws -> LinearPredictor {
    guard latencies.count == X.rows else {
        throw OneProxyError("the encoding has \(X.rows) rows but \(latencies.count) latencies were given")
    }
    let used = latencies.indices.filter { !latencies[$0].isNaN }
    guard used.count >= 2 else {
        throw OneProxyError("too few measured rows to fit a linear predictor: \(used.count) (need at least 2)")
    }
    let sol = leastSquares(X.selectingRows(used), used.map { latencies[$0] })
    return LinearPredictor(weights: sol.x, rank: sol.rank, rowsUsed: used.count,
                           residualRMS: (sol.residualSumOfSquares / Double(used.count)).squareRoot())
}
