/// Kendall's tau-b over the rows where both x and y are present (scipy.stats.kendalltau, variant
/// "b"), in O(n log n) with tie corrections.
///
/// Guarantees: tau-b = (concordant - discordant) / sqrt((n0 - n1)(n0 - n2)), where n0 = n(n-1)/2
/// and n1, n2 count the pairs tied in x, in y; the pair counts are exact integers, so the value
/// equals the O(n^2) definition up to one final floating-point division, and lies in [-1, 1].
/// `value` is nil (with a reason, never NaN) when fewer than 2 rows are shared or a column is
/// constant over the shared rows.
public func kendall(_ x: [Double], _ y: [Double]) -> PairCorrelation {
    let (a, b) = pairwiseComplete(x, y)
    if a.count < 2 { return PairCorrelation(value: nil, n: a.count, undefinedReason: tooFewRows) }
    let dx = denseRanks(a), dy = denseRanks(b)
    return kendallTauB(x: dx.ranks, kx: dx.distinct, y: dy.ranks, ky: dy.distinct)
}

let tooFewRows = "fewer than 2 shared rows"
let constantColumn = "a column is constant over the shared rows"

/// One column's rows in ascending order of its keys, ties in row order (a stable counting sort),
/// with the end of each run of equal keys and the number of tied pairs. Computed once per column,
/// it serves every pair the column is the first of (`correlationMatrix`).
struct KendallOrder: Sendable {
    /// Row indices, ascending by key.
    var order: [Int32]
    /// runEnds[g]: one past the last position of the g-th run of equal keys in `order`.
    var runEnds: [Int32]
    /// Pairs of rows with equal keys: Σ c(c − 1)/2 over the runs.
    var tiedPairs: Int

    /// From order-preserving integer keys in 0..<distinct. O(n + distinct).
    init(keys: [Int32], distinct: Int) {
        let n = keys.count
        var count = [Int](repeating: 0, count: distinct)
        for k in keys { count[Int(k)] += 1 }
        var start = [Int](repeating: 0, count: distinct)
        var ends: [Int32] = []
        var s = 0, ties = 0
        for v in 0..<distinct where count[v] > 0 {
            start[v] = s
            s += count[v]
            ends.append(Int32(s))
            ties += count[v] * (count[v] - 1) / 2
        }
        var order = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let v = Int(keys[i])
            order[start[v]] = Int32(i)
            start[v] += 1
        }
        self.order = order
        runEnds = ends
        tiedPairs = ties
    }
}

/// Pairs of equal keys in 0..<distinct: Σ c(c − 1)/2 over the key counts.
func tiedPairs(_ keys: [Int32], distinct: Int) -> Int {
    var count = [Int](repeating: 0, count: distinct)
    for k in keys { count[Int(k)] += 1 }
    return count.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
}

/// Kendall's tau-b of rows given as order-preserving integer keys (x in 0..<kx, y in 0..<ky).
func kendallTauB(x: [Int32], kx: Int, y: [Int32], ky: Int) -> PairCorrelation {
    precondition(y.count == x.count)
    if x.count < 2 { return PairCorrelation(value: nil, n: x.count, undefinedReason: tooFewRows) }
    return kendallTauB(sortedBy: KendallOrder(keys: x, distinct: kx), y: y, ky: ky, yTies: tiedPairs(y, distinct: ky))
}

/// Kendall's tau-b from x's order (`KendallOrder`) and y's keys in 0..<ky with its tied pairs.
///
/// Concordant minus discordant pairs in one pass over the rows in x order, run by run of equal x:
/// each row of a run is first compared with every row of the earlier runs (x strictly smaller) by
/// a Fenwick tree over y's keys (how many have a smaller y, how many a larger: equal y is neither),
/// then the run's rows enter the tree. Pairs tied in x (same run) are never compared, pairs tied
/// in y count as neither, so no joint-tie correction is needed; the counts are exact integers.
func kendallTauB(sortedBy xo: KendallOrder, y: [Int32], ky: Int, yTies: Int) -> PairCorrelation {
    kendallTauB(sortedBy: xo, y: y, ky: ky, yTies: yTies, swapped: false)
}

/// The same; `swapped` says that the caller's x is this y (and its y this order's column): τ_b
/// and C − D are symmetric, and the final division is then done in the caller's order (scipy's
/// `(C − D) / √(n0 − n1) / √(n0 − n2)`), so the value is the same bit for bit either way.
func kendallTauB(sortedBy xo: KendallOrder, y: [Int32], ky: Int, yTies: Int, swapped: Bool) -> PairCorrelation {
    let n = xo.order.count
    precondition(y.count == n)
    if n < 2 { return PairCorrelation(value: nil, n: n, undefinedReason: tooFewRows) }
    let total = n * (n - 1) / 2
    if xo.tiedPairs == total || yTies == total {
        return PairCorrelation(value: nil, n: n, undefinedReason: constantColumn)
    }
    // The tree's counts are <= n: 16-bit nodes keep it in the L1 cache for n < 65536.
    let balance = n <= Int(UInt16.max)
        ? concordanceBalance(xo, y, ky, UInt16.self) : concordanceBalance(xo, y, ky, UInt32.self)
    let (n1, n2) = swapped ? (yTies, xo.tiedPairs) : (xo.tiedPairs, yTies)
    let tau = Double(balance) / Double(total - n1).squareRoot() / Double(total - n2).squareRoot()
    return PairCorrelation(value: max(-1, min(1, tau)), n: n)
}

/// Concordant − discordant pairs (see `kendallTauB(sortedBy:…)`); T holds counts up to n.
@inline(__always)
private func concordanceBalance<T: FixedWidthInteger & UnsignedInteger>(
    _ xo: KendallOrder, _ y: [Int32], _ ky: Int, _: T.Type
) -> Int {
    let n = xo.order.count
    var tree = [T](repeating: 0, count: ky + 1)  // Fenwick tree over keys 1...ky
    var equal = [T](repeating: 0, count: ky)     // how many inserted rows have each key
    var seq = [Int32](repeating: 0, count: n)    // y's keys in x order
    xo.order.withUnsafeBufferPointer { order in
        y.withUnsafeBufferPointer { y in
            for k in 0..<n { seq[k] = y[Int(order[k])] }
        }
    }
    var balance = 0
    tree.withUnsafeMutableBufferPointer { t in
        equal.withUnsafeMutableBufferPointer { eq in
            seq.withUnsafeBufferPointer { s in
                xo.runEnds.withUnsafeBufferPointer { ends in
                    var start = 0
                    for e in ends {
                        let end = Int(e)
                        if end == start &+ 1 {
                            // a run of one row (most rows of a column without ties): query, insert
                            let v = Int(s[start])
                            var leq = 0
                            var i = v &+ 1
                            while i > 0 { leq &+= Int(t[i]); i &= i &- 1 }
                            balance &+= 2 &* leq &- Int(eq[v]) &- start
                            eq[v] &+= 1
                            i = v &+ 1
                            while i <= ky { t[i] &+= 1; i &+= i & (0 &- i) }
                            start = end
                            continue
                        }
                        // against the earlier runs: smaller y − larger y = 2·(≤ y) − (= y) − inserted
                        var sum = 0
                        for k in start..<end {
                            let v = Int(s[k])
                            var leq = 0
                            var i = v &+ 1
                            while i > 0 { leq &+= Int(t[i]); i &= i &- 1 }
                            sum &+= 2 &* leq &- Int(eq[v])
                        }
                        balance &+= sum &- (end &- start) &* start
                        // then the run enters the tree
                        for k in start..<end {
                            let v = Int(s[k])
                            eq[v] &+= 1
                            var i = v &+ 1
                            while i <= ky { t[i] &+= 1; i &+= i & (0 &- i) }
                        }
                        start = end
                    }
                }
            }
        }
    }
    return balance
}
