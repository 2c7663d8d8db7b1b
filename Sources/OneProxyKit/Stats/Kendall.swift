/// Kendall's tau-b over the rows where both x and y are present (scipy.stats.kendalltau, variant
/// "b"), in O(n log n) by Knight's algorithm with tie corrections.
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

/// Kendall's tau-b of rows given as order-preserving integer keys (x in 0..<kx, y in 0..<ky).
///
/// Knight (1966): sort the rows by (x, y) (here two stable counting sorts, O(n + kx + ky)); then the
/// discordant pairs are exactly the strict inversions of the y sequence (Fenwick tree, O(n log n)),
/// and the ties in x, in y and in both are counted from run lengths.
func kendallTauB(x: [Int32], kx: Int, y: [Int32], ky: Int) -> PairCorrelation {
    let n = x.count
    precondition(y.count == n)
    if n < 2 { return PairCorrelation(value: nil, n: n, undefinedReason: tooFewRows) }
    // stable counting sort by y, then by x: rows ordered by (x, y)
    var countY = [Int](repeating: 0, count: ky)
    var countX = [Int](repeating: 0, count: kx)
    for i in 0..<n { countY[Int(y[i])] += 1; countX[Int(x[i])] += 1 }
    var xTies = 0, yTies = 0
    for c in countX { xTies += c * (c - 1) / 2 }
    for c in countY { yTies += c * (c - 1) / 2 }
    let total = n * (n - 1) / 2
    if xTies == total || yTies == total {
        return PairCorrelation(value: nil, n: n, undefinedReason: constantColumn)
    }
    var startY = [Int](repeating: 0, count: ky)
    var s = 0
    for v in 0..<ky { startY[v] = s; s += countY[v] }
    var byY = [Int32](repeating: 0, count: n)
    for i in 0..<n {
        let v = Int(y[i])
        byY[startY[v]] = Int32(i)
        startY[v] += 1
    }
    var startX = [Int](repeating: 0, count: kx)
    s = 0
    for v in 0..<kx { startX[v] = s; s += countX[v] }
    var seqY = [Int32](repeating: 0, count: n)
    var seqX = [Int32](repeating: 0, count: n)
    for k in 0..<n {
        let row = Int(byY[k])
        let v = Int(x[row])
        let p = startX[v]
        seqX[p] = x[row]
        seqY[p] = y[row]
        startX[v] = p + 1
    }
    // pairs tied in both x and y sit in runs of equal (x, y)
    var jointTies = 0
    var run = 1
    for k in 1..<n {
        if seqX[k] == seqX[k - 1] && seqY[k] == seqY[k - 1] {
            run += 1
        } else {
            jointTies += run * (run - 1) / 2
            run = 1
        }
    }
    jointTies += run * (run - 1) / 2
    let discordant = strictInversions(seqY, distinct: ky)
    let concordantMinusDiscordant = total - xTies - yTies + jointTies - 2 * discordant
    let tau = Double(concordantMinusDiscordant) / Double(total - xTies).squareRoot()
        / Double(total - yTies).squareRoot()
    return PairCorrelation(value: max(-1, min(1, tau)), n: n)
}

/// The number of pairs i < j with a[i] > a[j] (equal values are not inversions), for keys in
/// 0..<distinct. A Fenwick tree over the keys: O(n log distinct), no data-dependent branches.
func strictInversions(_ a: [Int32], distinct: Int) -> Int {
    let n = a.count
    if n < 2 { return 0 }
    var tree = [Int32](repeating: 0, count: distinct + 1)
    var inversions = 0
    tree.withUnsafeMutableBufferPointer { t in
        a.withUnsafeBufferPointer { keys in
            for k in 0..<n {
                let v = Int(keys[k]) + 1
                // how many earlier keys are <= this one
                var notGreater = 0
                var i = v
                while i > 0 { notGreater += Int(t[i]); i &= i - 1 }
                inversions += k - notGreater
                i = v
                while i <= distinct { t[i] += 1; i += i & -i }
            }
        }
    }
    return inversions
}
