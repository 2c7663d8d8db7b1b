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

/// How a linear fit does on rows it was not fitted on: k-fold cross-validation over the rows with
/// a latency (`crossValidationFolds`: contiguous folds in row order; leave-one-out when `folds` is
/// nil or exceeds the rows).
public struct FitValidation: Sendable, Equatable {
    /// The number of folds used.
    public var folds: Int
    /// SRCC of the pooled out-of-fold predictions against the measurements.
    public var srcc: Double?
    /// Mean absolute percentage error (a fraction) and the share within ±10%, out-of-fold.
    public var mape: Double?
    public var within10: Double?
}

/// Cross-validates `fitLinearPredictor` (see `FitValidation`). Throws when fewer than 3 rows have a
/// latency.
public func crossValidateLinearFit(X: Matrix, latencies: [Double], folds: Int? = 5) throws -> FitValidation {
    let rows = latencies.indices.filter { !latencies[$0].isNaN }
    guard rows.count >= 3 else { throw OneProxyError("cross-validation needs at least 3 measured rows (got \(rows.count))") }
    let xs = X.selectingRows(rows), measured = rows.map { latencies[$0] }
    let folds = crossValidationFolds(count: rows.count, folds: folds)
    // The engine with one candidate (no penalty to choose): its out-of-fold predictions and SRCC.
    let cv = try crossValidatedPath(y: measured, lambdas: [0], folds: folds, fitFold: { fold in
        let inRows = fold.training
        return [try fitLinearPredictor(X: xs.selectingRows(inRows), latencies: inRows.map { measured[$0] }).predict(xs.selectingRows(Array(fold.heldOut)))]
    }, refit: { _ in })
    let oof = cv.outOfFold[0]
    let errors = absoluteErrors(predicted: oof, measured: measured)
    // Constant measurements have no ranking to predict (the predictions' ranks would be rounding noise).
    let constant = measured.min() == measured.max()
    return FitValidation(folds: folds.count, srcc: constant ? nil : cv.score, mape: errors?.mape, within10: errors?.within10)
}
