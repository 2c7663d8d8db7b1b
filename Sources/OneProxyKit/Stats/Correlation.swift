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

/// Pearson's r of two complete, equal-length arrays; nil when either is constant.
public func pearsonComplete(_ x: [Double], _ y: [Double]) -> Double? {
    let n = x.count
    guard n >= 2 else { return nil }
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

/// Spearman's rank correlation (Pearson's r of average ranks) over the rows where both are present.
public func spearman(_ x: [Double], _ y: [Double]) -> PairCorrelation {
    let (a, b) = pairwiseComplete(x, y)
    guard let r = pearsonComplete(averageRanks(a), averageRanks(b)) else {
        return PairCorrelation(value: nil, n: a.count, undefinedReason: a.count < 2 ? "fewer than 2 shared rows" : "a column is constant")
    }
    return PairCorrelation(value: r, n: a.count)
}

/// Pearson's r over the rows where both are present.
public func pearson(_ x: [Double], _ y: [Double]) -> PairCorrelation {
    let (a, b) = pairwiseComplete(x, y)
    guard let r = pearsonComplete(a, b) else {
        return PairCorrelation(value: nil, n: a.count, undefinedReason: a.count < 2 ? "fewer than 2 shared rows" : "a column is constant")
    }
    return PairCorrelation(value: r, n: a.count)
}
