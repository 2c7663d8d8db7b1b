import Foundation

/// The correlation of every pair of columns (devices), each on the rows both measured.
///
/// Invariants: `values` and `counts` are square, `names.count` on a side, and symmetric;
/// `values[i][j]` is nil exactly when the correlation is undefined (fewer than 2 shared rows, or a
/// column constant over them), never NaN; `counts[i][j]` is the number of rows both columns
/// measured (on the diagonal: the rows column i measured), and `values[i][i]` is 1 when defined.
public struct CorrelationMatrix: Sendable, Equatable {
    public var names: [String]
    public var values: [[Double?]]
    public var counts: [[Int]]
    public var method: CorrelationMethod

    public init(names: [String], values: [[Double?]], counts: [[Int]], method: CorrelationMethod) {
        self.names = names
        self.values = values
        self.counts = counts
        self.method = method
    }

    /// The correlation of two named columns, or nil when a name is unknown or the value undefined.
    public func value(_ a: String, _ b: String) -> Double? {
        guard let i = names.firstIndex(of: a), let j = names.firstIndex(of: b) else { return nil }
        return values[i][j]
    }
}

/// What the matrix needs of one column, computed once.
private struct PreparedColumn: Sendable {
    /// Order-preserving integer keys (dense ranks over the present rows); -1 where missing.
    /// Empty for pearson, which needs no ranks.
    var dense: [Int32] = []
    var distinct = 0
    var present = 0
    var complete = false
    var constant = true
    /// For a complete, non-constant column: the centred, unit-length vector whose dot product with
    /// another's is Pearson's r (of average ranks for spearman, of the values for pearson).
    var unit: [Double]? = nil
    /// For kendall on a complete column: its rows in key order (shared by the pairs it is the first
    /// of) and its tied pairs.
    var kendallOrder: KendallOrder? = nil
    var tiedPairs = 0
}

private func prepare(_ x: [Double], method: CorrelationMethod) -> PreparedColumn {
    var p = PreparedColumn()
    var presentValues: [Double] = []
    presentValues.reserveCapacity(x.count)
    for v in x where !v.isNaN { presentValues.append(v) }
    p.present = presentValues.count
    p.complete = p.present == x.count
    if method == .pearson {
        // Pearson needs no ranks: only whether the column varies, and its unit vector
        p.constant = isConstant(presentValues)
        if p.complete && !p.constant { p.unit = unitCentred(x) }
        return p
    }
    let (ranks, distinct) = denseRanks(presentValues)
    p.distinct = distinct
    p.constant = distinct < 2
    if p.complete {
        p.dense = ranks
    } else {
        p.dense = [Int32](repeating: -1, count: x.count)
        var k = 0
        for i in 0..<x.count where !x[i].isNaN { p.dense[i] = ranks[k]; k += 1 }
    }
    if p.complete && !p.constant && method == .spearman {
        p.unit = unitCentred(averageRanks(dense: ranks, distinct: distinct))
    }
    if p.complete && method == .kendall {
        let order = KendallOrder(keys: ranks, distinct: distinct)
        p.tiedPairs = order.tiedPairs
        p.kendallOrder = order
    }
    return p
}

/// (v - mean) / |v - mean|, or nil when that norm is 0.
private func unitCentred(_ v: [Double]) -> [Double]? {
    var mean = 0.0
    for a in v { mean += a }
    mean /= Double(v.count)
    var centred = v.map { $0 - mean }
    var ss = 0.0
    for a in centred { ss += a * a }
    guard ss > 0 else { return nil }
    let scale = 1 / ss.squareRoot()
    for i in centred.indices { centred[i] *= scale }
    return centred
}

@inline(__always)
private func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            // four accumulators: lets the compiler vectorise the loop
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            let n = pa.count
            var i = 0
            while i + 4 <= n {
                s0 += pa[i] * pb[i]; s1 += pa[i + 1] * pb[i + 1]
                s2 += pa[i + 2] * pb[i + 2]; s3 += pa[i + 3] * pb[i + 3]
                i += 4
            }
            while i < n { s0 += pa[i] * pb[i]; i += 1 }
            return (s0 + s1) + (s2 + s3)
        }
    }
}

private func pairValue(
    _ a: PreparedColumn, _ b: PreparedColumn, _ x: [Double], _ y: [Double], method: CorrelationMethod
) -> PairCorrelation {
    if a.complete && b.complete {
        let n = x.count
        if n < 2 { return PairCorrelation(value: nil, n: n, undefinedReason: tooFewRows) }
        if a.constant || b.constant { return PairCorrelation(value: nil, n: n, undefinedReason: constantColumn) }
        switch method {
        case .spearman, .pearson:
            // fast path: ranks (or values) prepared once per column, one dot product per pair
            guard let ua = a.unit, let ub = b.unit else {
                return PairCorrelation(value: nil, n: n, undefinedReason: constantColumn)
            }
            return PairCorrelation(value: max(-1, min(1, dot(ua, ub))), n: n)
        case .kendall:
            // τ_b is symmetric: the column with more distinct values is walked in its shared order
            // (fewer runs of ties), the other one's positions counted (n ≤ 32768: the blocked count,
            // whose cost does not depend on the column; beyond: a Fenwick tree over its keys, whose
            // depth is log₂ of its distinct values).
            let swap = b.distinct > a.distinct
            let (first, second) = swap ? (b, a) : (a, b)
            guard let order = first.kendallOrder else { return kendallTauB(x: a.dense, kx: a.distinct, y: b.dense, ky: b.distinct) }
            if n <= blockedCountLimit, let yOrder = second.kendallOrder {
                return kendallTauB(sortedBy: order, yOrder: yOrder, swapped: swap)
            }
            return kendallTauB(sortedBy: order, y: second.dense, ky: second.distinct, yTies: second.tiedPairs, swapped: swap)
        }
    }
    // some rows missing: work on the shared rows only (ranks recomputed there)
    if method == .pearson {
        var va: [Double] = [], vb: [Double] = []
        va.reserveCapacity(x.count); vb.reserveCapacity(x.count)
        for i in 0..<x.count where !x[i].isNaN && !y[i].isNaN { va.append(x[i]); vb.append(y[i]) }
        if va.count < 2 { return PairCorrelation(value: nil, n: va.count, undefinedReason: tooFewRows) }
        let r = pearsonComplete(va, vb)
        return PairCorrelation(value: r, n: va.count, undefinedReason: r == nil ? constantColumn : nil)
    }
    var da: [Int32] = [], db: [Int32] = []
    da.reserveCapacity(x.count); db.reserveCapacity(x.count)
    for i in 0..<x.count where a.dense[i] >= 0 && b.dense[i] >= 0 {
        da.append(a.dense[i]); db.append(b.dense[i])
    }
    let n = da.count
    if n < 2 { return PairCorrelation(value: nil, n: n, undefinedReason: tooFewRows) }
    if method == .kendall { return kendallTauB(x: da, kx: a.distinct, y: db, ky: b.distinct) }
    let r = pearsonComplete(averageRanks(dense: da, distinct: a.distinct), averageRanks(dense: db, distinct: b.distinct))
    return PairCorrelation(value: r, n: n, undefinedReason: r == nil ? constantColumn : nil)
}

/// The correlation matrix of `columns` (one per name, equal lengths, NaN = missing).
///
/// Guarantees: entry (i, j) equals `correlate(columns[i], columns[j], method:)` — the same
/// pairwise-complete definition as scipy's spearmanr / kendalltau / pearsonr on the rows both
/// columns measured — up to floating-point rounding (~1e-15). When neither column has missing
/// values, the ranks of each column are computed once and a pair costs one dot product
/// (spearman, pearson) or, for kendall, one pass over the rows in the first column's order
/// counting the second column's positions (both sorted once per column; a branch-free blocked
/// count for n ≤ 32768, a Fenwick tree above); with missing values the ranks are
/// recomputed on the shared rows. Pairs run concurrently; the result does not depend on that.
public func correlationMatrix(names: [String], columns: [[Double]], method: CorrelationMethod) -> CorrelationMatrix {
    // (never cancelled, so it never throws)
    try! correlationMatrix(names: names, columns: columns, method: method, context: .none)
}

/// The same, checking `context` before each pair (a pair of Kendall's tau over 15625 rows takes
/// well under a millisecond) and reporting progress in pairs. Throws `CancellationError` when it says
/// stop; the pairs still running finish first, so it stops within one pair's time per core.
public func correlationMatrix(names: [String], columns: [[Double]], method: CorrelationMethod, context: ComputeContext) throws -> CorrelationMatrix {
    precondition(names.count == columns.count, "one name per column")
    let d = columns.count
    let rows = columns.first?.count ?? 0
    precondition(columns.allSatisfy { $0.count == rows }, "columns must have equal length")

    let cols = concurrentMap(d) { c in prepare(columns[c], method: method) }
    try context.check()
    if method != .kendall, cols.allSatisfy(\.complete) {
        return try completeMatrix(names: names, cols: cols, rows: rows, method: method, context: context)
    }
    var pairList: [(Int, Int)] = []
    pairList.reserveCapacity(d * (d - 1) / 2)
    for i in 0..<d { for j in (i + 1)..<max(i + 1, d) { pairList.append((i, j)) } }
    let pairs = pairList
    let counter = PairCounter(context.reporter("\(method.rawValue) matrix", total: pairs.count))
    let results = try pairRuns(cols, slots: Array(0..<d), columns: columns, pairs: pairs, method: method, atLeast: nil,
                               counter: counter, cancellation: context.cancellation)
    try context.check()
    var values = [[Double?]](repeating: [Double?](repeating: nil, count: d), count: d)
    var counts = [[Int]](repeating: [Int](repeating: 0, count: d), count: d)
    for c in 0..<d {
        counts[c][c] = cols[c].present
        values[c][c] = cols[c].present >= 2 && !cols[c].constant ? 1 : nil
    }
    for (k, (i, j)) in pairs.enumerated() {
        let r = results[k]
        values[i][j] = r.value; values[j][i] = r.value
        counts[i][j] = r.n; counts[j][i] = r.n
    }
    return CorrelationMatrix(names: names, values: values, counts: counts, method: method)
}

/// The correlation of the listed pairs of columns only (indices into `columns`), each value and
/// shared-row count as `correlationMatrix` gives them; each column used is prepared once. In runs
/// over the cores, Ctrl-C checked before each pair (`CancellationError`).
///
/// `atLeast`: only values at least this matter; a pair of complete columns whose value is certainly
/// below it is given as nil as soon as that is certain. For unit vectors ‖a − b‖² = 2 − 2 a·b, so
/// once the squared distance summed over a prefix of the rows exceeds 2(1 − atLeast) + 1e-9 the
/// value is below atLeast by more than any rounding (the sums are of squares, so they only grow);
/// the pairs that get through are computed as without it, bit for bit.
func pairCorrelations(
    columns: [[Double]], pairs: [(Int, Int)], method: CorrelationMethod, atLeast: Double? = nil, context: ComputeContext
) throws -> [(value: Double?, n: Int)] {
    var used = [Int](repeating: -1, count: columns.count)
    var list: [Int] = []
    for (i, j) in pairs { for c in [i, j] where used[c] < 0 { used[c] = list.count; list.append(c) } }
    let order = list
    let prepared = concurrentMap(order.count) { k in prepare(columns[order[k]], method: method) }
    try context.check()
    let results = try pairRuns(prepared, slots: used, columns: columns, pairs: pairs, method: method, atLeast: atLeast,
                               counter: nil, cancellation: context.cancellation)
    try context.check()
    return results
}

/// The pairs' values and shared-row counts (column i prepared as `prepared[slots[i]]`), handed to
/// the workers in runs, 32 runs per core (a pair of complete columns is one dot product: handing
/// them one pair at a time cost more than the pair), Ctrl-C checked before each pair
/// (`CancellationError`), `counter` told every 64 pairs. `atLeast`: as `pairCorrelations` says.
private func pairRuns(
    _ prepared: [PreparedColumn], slots: [Int], columns: [[Double]], pairs: [(Int, Int)], method: CorrelationMethod,
    atLeast: Double?, counter: PairCounter?, cancellation: Cancellation
) throws -> [(value: Double?, n: Int)] {
    let runs = min(pairs.count, max(1, activeCores * 32))
    let computed = concurrentMap(runs) { run -> [(value: Double?, n: Int)]? in
        let k0 = pairs.count * run / runs, k1 = pairs.count * (run + 1) / runs
        var out: [(value: Double?, n: Int)] = []
        out.reserveCapacity(k1 - k0)
        var unreported = 0
        for k in k0..<k1 {
            if cancellation.isCancelled() { return nil }
            let (i, j) = pairs[k]
            let a = prepared[slots[i]], b = prepared[slots[j]]
            if let atLeast, method != .kendall, let ua = a.unit, let ub = b.unit, a.complete, b.complete,
               certainlyBelow(ua, ub, limit: 2 * (1 - atLeast) + 1e-9) {
                out.append((nil, ua.count))
            } else {
                let r = pairValue(a, b, columns[i], columns[j], method: method)
                out.append((r.value, r.n))
            }
            unreported += 1
            if unreported == 64 { counter?.finished(unreported); unreported = 0 }
        }
        counter?.finished(unreported)
        return out
    }
    guard computed.allSatisfy({ $0 != nil }) else { throw CancellationError() }
    return computed.flatMap { $0! }
}

/// Whether ‖a − b‖² exceeds `limit`, summed in blocks of 256 rows and stopping at the first block
/// after which it does.
private func certainlyBelow(_ a: [Double], _ b: [Double], limit: Double) -> Bool {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            var sum = 0.0
            var s = 0
            let n = pa.count
            while s < n {
                let e = min(n, s + 256)
                var s0 = 0.0, s1 = 0.0
                var i = s
                while i + 2 <= e {
                    let d0 = pa[i] - pb[i], d1 = pa[i + 1] - pb[i + 1]
                    s0 += d0 * d0; s1 += d1 * d1
                    i += 2
                }
                if i < e { let d = pa[i] - pb[i]; s0 += d * d }
                sum += s0 + s1
                if sum > limit { return true }
                s = e
            }
            return false
        }
    }
}

/// Spearman or Pearson over complete columns: every pair is one dot product of two prepared unit
/// vectors (what `pairValue` gives such a pair), so the matrix is computed a row at a time over the
/// cores, Ctrl-C checked before each row.
private func completeMatrix(names: [String], cols: [PreparedColumn], rows: Int, method: CorrelationMethod, context: ComputeContext) throws -> CorrelationMatrix {
    let d = cols.count
    let cancellation = context.cancellation
    let counter = PairCounter(context.reporter("\(method.rawValue) matrix", total: d * (d - 1) / 2))
    let upper = concurrentMap(d) { i -> [Double?]? in
        if cancellation.isCancelled() { return nil }
        var out = [Double?](repeating: nil, count: d)
        if rows >= 2, let ua = cols[i].unit {
            for j in (i + 1)..<max(i + 1, d) {
                if let ub = cols[j].unit { out[j] = max(-1, min(1, dot(ua, ub))) }
            }
        }
        counter.finished(d - i - 1)
        return out
    }
    try context.check()
    guard upper.allSatisfy({ $0 != nil }) else { throw CancellationError() }
    var values = upper.map { $0! }
    var counts = [[Int]](repeating: [Int](repeating: rows, count: d), count: d)
    for c in 0..<d {
        counts[c][c] = cols[c].present
        values[c][c] = cols[c].present >= 2 && !cols[c].constant ? 1 : nil
        for r in 0..<c { values[c][r] = values[r][c] }
    }
    return CorrelationMatrix(names: names, values: values, counts: counts, method: method)
}

/// Counts finished pairs across the workers and reports progress (under a lock: the reporter is
/// called at most about 100 times, so the lock is never contended for long).
private final class PairCounter: @unchecked Sendable {
    private var reporter: ProgressReporter
    private var done = 0
    private let lock = NSLock()
    init(_ reporter: ProgressReporter) { self.reporter = reporter }
    func finished(_ pairs: Int = 1) {
        lock.lock()
        done += pairs
        reporter.advance(to: done)
        lock.unlock()
    }
}
