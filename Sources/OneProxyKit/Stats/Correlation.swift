/// The rank and linear correlations the shell offers.
public enum CorrelationMethod: String, Sendable, CaseIterable {
    case spearman
    case kendall
    case pearson
}

/// The correlation of two devices over the architectures both measured.
///
/// `value` is nil when the correlation is undefined (a constant column over the shared rows), with
/// the reason in `undefinedReason`; it is never NaN.
public struct PairCorrelation: Sendable, Equatable {
    public var value: Double?
    /// How many architectures both devices measured (the rows the value is computed on).
    public var n: Int
    public var undefinedReason: String?

    public init(value: Double?, n: Int, undefinedReason: String? = nil) {
        self.value = value
        self.n = n
        self.undefinedReason = undefinedReason
    }
}

/// The rows where neither x nor y is NaN, as two aligned arrays.
public func pairwiseComplete(_ x: [Double], _ y: [Double]) -> ([Double], [Double]) {
    precondition(x.count == y.count, "columns must have equal length")
    var a: [Double] = []
    var b: [Double] = []
    a.reserveCapacity(x.count)
    b.reserveCapacity(x.count)
    for i in 0..<x.count where !x[i].isNaN && !y[i].isNaN {
        a.append(x[i])
        b.append(y[i])
    }
    return (a, b)
}

/// Pearson's r of two complete, equal-length arrays; nil when either is constant (all values
/// equal, checked exactly, so rounding in the mean never turns a constant column into noise).
public func pearsonComplete(_ x: [Double], _ y: [Double]) -> Double? {
    let n = x.count
    precondition(y.count == n, "columns must have equal length")
    guard n >= 2, !isConstant(x), !isConstant(y) else { return nil }
    var mx = 0.0, my = 0.0
    for i in 0..<n { mx += x[i]; my += y[i] }
    mx /= Double(n); my /= Double(n)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in 0..<n {
        let dx = x[i] - mx, dy = y[i] - my
        sxy += dx * dy; sxx += dx * dx; syy += dy * dy
    }
    guard sxx > 0, syy > 0 else { return nil }
    return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
}

/// Spearman's rank correlation over the rows where both are present (scipy.stats.spearmanr on
/// those rows): Pearson's r of the two vectors of average ranks, ties sharing their mean rank.
///
/// Guarantees: `n` is the number of shared rows; `value` is in [-1, 1], invariant to strictly
/// increasing transforms of either column; nil (with a reason, never NaN) when fewer than 2 rows
/// are shared or a column is constant over them.
public func spearman(_ x: [Double], _ y: [Double]) -> PairCorrelation {
    let (a, b) = pairwiseComplete(x, y)
    guard let r = pearsonComplete(averageRanks(a), averageRanks(b)) else {
        return PairCorrelation(value: nil, n: a.count, undefinedReason: a.count < 2 ? tooFewRows : constantColumn)
    }
    return PairCorrelation(value: r, n: a.count)
}

/// Pearson's r over the rows where both are present (scipy.stats.pearsonr on those rows).
///
/// Guarantees: `n` is the number of shared rows; `value` is in [-1, 1]; nil (with a reason, never
/// NaN) when fewer than 2 rows are shared or a column is constant over them.
public func pearson(_ x: [Double], _ y: [Double]) -> PairCorrelation {
    let (a, b) = pairwiseComplete(x, y)
    guard let r = pearsonComplete(a, b) else {
        return PairCorrelation(value: nil, n: a.count, undefinedReason: a.count < 2 ? tooFewRows : constantColumn)
    }
    return PairCorrelation(value: r, n: a.count)
}

/// The correlation `method` of x and y over the rows where both are present: `spearman`,
/// `kendall` (tau-b) or `pearson`, with the guarantees stated on each.
public func correlate(_ x: [Double], _ y: [Double], method: CorrelationMethod) -> PairCorrelation {
    switch method {
    case .spearman: return spearman(x, y)
    case .kendall: return kendall(x, y)
    case .pearson: return pearson(x, y)
    }
}

/// True when all values are equal (or there are none).
func isConstant(_ x: [Double]) -> Bool {
    guard let first = x.first else { return true }
    for v in x where v != first { return false }
    return true
}
