/// A percentile bootstrap interval for the correlation of x and y, resampling architectures.
///
/// The rows both columns measured are resampled with replacement (`resamples` times, each of the
/// same size, drawn from `SeededGenerator(seed:)`); the statistic is recomputed on each resample
/// (ties created by repeated rows are handled like any tie), and the interval is the
/// (1 - level)/2 and (1 + level)/2 quantiles of the resampled values (linear interpolation between
/// order statistics, numpy's default).
///
/// Guarantees: the same inputs and seed give the same interval on every machine; low <= high, both
/// in [-1, 1]. Resamples on which the statistic is undefined (a column constant in the resample)
/// are dropped; `defined` says how many were kept. Throws `CancellationError` when `context` says stop. Returns nil when the statistic is undefined on the shared rows, `resamples` < 1,
/// `level` is not in (0, 1), or more than half of the resamples are undefined.
public func bootstrapInterval(
    _ x: [Double], _ y: [Double], method: CorrelationMethod, level: Double = 0.95,
    resamples: Int = 1000, seed: UInt64, context: ComputeContext = .none
) throws -> (low: Double, high: Double, defined: Int)? {
    guard resamples >= 1, level > 0, level < 1 else { return nil }
    let (a, b) = pairwiseComplete(x, y)
    let n = a.count
    guard n >= 2, correlate(a, b, method: method).value != nil else { return nil }
    let dx = denseRanks(a), dy = denseRanks(b)
    var generator = SeededGenerator(seed: seed)
    var stats: [Double] = []
    stats.reserveCapacity(resamples)
    var rx = [Int32](repeating: 0, count: n), ry = [Int32](repeating: 0, count: n)
    var vx = [Double](repeating: 0, count: n), vy = [Double](repeating: 0, count: n)
    var progress = context.reporter("bootstrap", total: resamples)
    for r in 0..<resamples {
        if r % 16 == 0 { try context.check(); progress.advance(to: r) }
        for k in 0..<n {
            let i = generator.index(below: n)
            rx[k] = dx.ranks[i]; ry[k] = dy.ranks[i]
            vx[k] = a[i]; vy[k] = b[i]
        }
        let value: Double?
        switch method {
        case .spearman:
            value = pearsonComplete(averageRanks(dense: rx, distinct: dx.distinct), averageRanks(dense: ry, distinct: dy.distinct))
        case .kendall:
            value = kendallTauB(x: rx, kx: dx.distinct, y: ry, ky: dy.distinct).value
        case .pearson:
            value = pearsonComplete(vx, vy)
        }
        if let value { stats.append(value) }
    }
    progress.advance(to: resamples)
    guard stats.count * 2 >= resamples else { return nil }
    stats.sort()
    return (quantile(stats, (1 - level) / 2), quantile(stats, (1 + level) / 2), stats.count)
}

/// The q-quantile of sorted values, interpolating linearly between order statistics.
func quantile(_ sorted: [Double], _ q: Double) -> Double {
    let position = q * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
}
