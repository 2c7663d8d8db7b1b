/// Ranks 1...n of `x`, with tied values given the average of the ranks they span (scipy's
/// `rankdata(method="average")`). NaN must not be present: callers drop missing pairs first.
///
/// Guarantees: the ranks sum to n(n+1)/2, equal values get equal ranks, and the ranks are invariant
/// to any strictly increasing transform of x. O(n) for spread-out values (one bucket pass), O(n log n)
/// at worst.
public func averageRanks(_ x: [Double]) -> [Double] {
    if x.count < 128 { return averageRanksBySorting(x) }
    let dense = denseRanks(x)
    return averageRanks(dense: dense.ranks, distinct: dense.distinct)
}

/// `averageRanks` for a few values (a cross-validation path scores 26 of these on ~70 values): the
/// values with their positions sorted by value, ties in position order (insertion sorts of runs of
/// 8, then stable merges), then each run of equal values gets the mean of the ranks it spans,
/// (2·start + count + 1)/2 as in `averageRanks(dense:distinct:)`: the same ranks, one allocation.
func averageRanksBySorting(_ x: [Double]) -> [Double] {
    let n = x.count
    var out = [Double](repeating: 0, count: n)
    if n == 0 { return out }
    x.withUnsafeBufferPointer { xp in
        out.withUnsafeMutableBufferPointer { op in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 &* n) { vb in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 &* n) { ib in
                    var V = vb.baseAddress!, I = ib.baseAddress!
                    var V2 = V + n, I2 = I + n
                    for i in 0..<n { V[i] = xp[i]; I[i] = Int32(i) }
                    var s = 0
                    while s < n {
                        let e = min(s &+ 8, n)
                        var i = s &+ 1
                        while i < e {
                            let v = V[i], ix = I[i]
                            var j = i
                            while j > s && V[j &- 1] > v { V[j] = V[j &- 1]; I[j] = I[j &- 1]; j &-= 1 }
                            V[j] = v; I[j] = ix
                            i &+= 1
                        }
                        s = e
                    }
                    var width = 8
                    while width < n {
                        var lo = 0
                        while lo < n {
                            let mid = min(lo &+ width, n), hi = min(lo &+ 2 &* width, n)
                            var a = lo, b = mid, o = lo
                            while a < mid && b < hi {
                                if V[b] < V[a] { V2[o] = V[b]; I2[o] = I[b]; b &+= 1 } else { V2[o] = V[a]; I2[o] = I[a]; a &+= 1 }
                                o &+= 1
                            }
                            while a < mid { V2[o] = V[a]; I2[o] = I[a]; a &+= 1; o &+= 1 }
                            while b < hi { V2[o] = V[b]; I2[o] = I[b]; b &+= 1; o &+= 1 }
                            lo = hi
                        }
                        swap(&V, &V2)
                        swap(&I, &I2)
                        width &*= 2
                    }
                    var start = 0
                    while start < n {
                        let v = V[start]
                        var end = start &+ 1
                        while end < n && V[end] == v { end &+= 1 }
                        let rank = Double(2 &* start &+ (end &- start) &+ 1) / 2
                        for t in start..<end { op[Int(I[t])] = rank }
                        start = end
                    }
                }
            }
        }
    }
    return out
}

/// `averageRanks(x)` (the same ranks) for a sequence of similar vectors: `order` holds the
/// positions of the previous vector sorted by its values (empty at the start, or of another
/// length: then 0..<n); it is re-sorted by x's values, ties in position order, by insertion (cost
/// n plus the number of pairs whose order changed), and left sorted for the next call.
func averageRanks(_ x: [Double], from order: inout [Int32]) -> [Double] {
    let n = x.count
    if order.count != n { order = (0..<Int32(n)).map { $0 } }
    var out = [Double](repeating: 0, count: n)
    if n == 0 { return out }
    x.withUnsafeBufferPointer { xp in
        order.withUnsafeMutableBufferPointer { op in
            out.withUnsafeMutableBufferPointer { rp in
                let X = xp.baseAddress!, O = op.baseAddress!
                for i in 1..<max(n, 1) {
                    let ix = O[i]
                    let v = X[Int(ix)]
                    var j = i
                    while j > 0 {
                        let prev = O[j &- 1]
                        let pv = X[Int(prev)]
                        guard pv > v || (pv == v && prev > ix) else { break }
                        O[j] = prev
                        j &-= 1
                    }
                    O[j] = ix
                }
                var start = 0
                while start < n {
                    let v = X[Int(O[start])]
                    var end = start &+ 1
                    while end < n && X[Int(O[end])] == v { end &+= 1 }
                    let rank = Double(2 &* start &+ (end &- start) &+ 1) / 2
                    for t in start..<end { rp[Int(O[t])] = rank }
                    start = end
                }
            }
        }
    }
    return out
}

/// Dense ranks 0..<distinct of `values` (equal values share a rank, the smallest value gets 0).
/// NaN must not be present.
///
/// Dense ranks keep the order and the equalities of the values, so they stay valid order keys on
/// any subset or resample of the rows (there they are no longer dense, only order-preserving).
func denseRanks(_ values: [Double]) -> (ranks: [Int32], distinct: Int) {
    let n = values.count
    var ranks = [Int32](repeating: 0, count: n)
    if n == 0 { return (ranks, 0) }
    let order = ascendingOrder(values)
    var current: Int32 = 0
    var previous = values[Int(order[0])]
    for k in 0..<n {
        let i = Int(order[k])
        let v = values[i]
        if v != previous { current += 1; previous = v }
        ranks[i] = current
    }
    return (ranks, Int(current) + 1)
}

/// Average ranks (1-based, ties averaged) from order-preserving integer keys in 0..<distinct.
/// O(n + distinct): count each key, then each key's rows share the mean of the positions they span.
func averageRanks(dense: [Int32], distinct: Int) -> [Double] {
    var counts = [Int](repeating: 0, count: distinct)
    for r in dense { counts[Int(r)] += 1 }
    var rankOf = [Double](repeating: 0, count: distinct)
    var start = 0
    for v in 0..<distinct {
        let c = counts[v]
        // positions start ..< start + c (0-based) hold ranks start + 1 ... start + c: mean below.
        rankOf[v] = Double(2 * start + c + 1) / 2
        start += c
    }
    return dense.map { rankOf[Int($0)] }
}

/// An unsigned key that orders like the Double (for non-NaN values; -0.0 and 0.0 get one key).
@inline(__always)
private func orderKey(_ v: Double) -> UInt64 {
    let bits = (v == 0 ? 0.0 : v).bitPattern
    return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
}

/// The indices of `values` in ascending order of value, ties in index order (a stable sort).
///
/// One bucket pass on the high bits of an order-preserving key spread over about n buckets (a
/// counting scatter, which keeps index order), then each bucket sorted by (key, index): O(n) for
/// spread-out values, O(n log n) at worst (all values in one bucket).
func ascendingOrder(_ values: [Double]) -> [Int32] {
    let n = values.count
    if n < 64 {
        return Array(0..<Int32(n)).sorted { a, b in
            let va = values[Int(a)], vb = values[Int(b)]
            return va < vb || (va == vb && a < b)
        }
    }
    let keys = values.map(orderKey)
    var lo = UInt64.max, hi = UInt64.min
    for k in keys { lo = min(lo, k); hi = max(hi, k) }
    if lo == hi { return Array(0..<Int32(n)) }
    let range = hi - lo
    let bucketBits = Int.bitWidth - (n - 1).leadingZeroBitCount    // about n buckets
    let rangeBits = UInt64.bitWidth - range.leadingZeroBitCount
    let shift = UInt64(max(0, rangeBits - bucketBits))
    let buckets = Int(range >> shift) + 1
    var start = [Int](repeating: 0, count: buckets + 1)
    for k in keys { start[Int((k - lo) >> shift) + 1] += 1 }
    for b in 0..<buckets { start[b + 1] += start[b] }
    var sortedKeys = [UInt64](repeating: 0, count: n)
    var order = [Int32](repeating: 0, count: n)
    var next = start
    for i in 0..<n {
        let b = Int((keys[i] - lo) >> shift)
        let p = next[b]
        next[b] = p + 1
        sortedKeys[p] = keys[i]
        order[p] = Int32(i)
    }
    sortedKeys.withUnsafeMutableBufferPointer { ks in
        order.withUnsafeMutableBufferPointer { ix in
            for b in 0..<buckets {
                let from = start[b], to = start[b + 1]
                if to - from < 2 { continue }
                if to - from <= 32 {
                    // stable insertion sort by key (indices already ascending within the bucket)
                    for i in (from + 1)..<to {
                        let k = ks[i], x = ix[i]
                        var j = i
                        while j > from && ks[j - 1] > k { ks[j] = ks[j - 1]; ix[j] = ix[j - 1]; j -= 1 }
                        ks[j] = k; ix[j] = x
                    }
                } else {
                    var pairs = (from..<to).map { (ks[$0], ix[$0]) }
                    pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                    for (o, p) in pairs.enumerated() { ks[from + o] = p.0; ix[from + o] = p.1 }
                }
            }
        }
    }
    return order
}
