/// Ranks 1...n of `x`, with tied values given the average of the ranks they span (scipy's
/// `rankdata(method="average")`). NaN must not be present: callers drop missing pairs first.
///
/// Guarantees: the ranks sum to n(n+1)/2, equal values get equal ranks, and the ranks are invariant
/// to any strictly increasing transform of x. Runs in O(n) for large n (a stable radix sort).
public func averageRanks(_ x: [Double]) -> [Double] {
    let dense = denseRanks(x)
    return averageRanks(dense: dense.ranks, distinct: dense.distinct)
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
/// LSD radix sort on 8-bit digits of an order-preserving key, skipping digits all keys share.
func ascendingOrder(_ values: [Double]) -> [Int32] {
    let n = values.count
    if n < 256 {
        return Array(0..<Int32(n)).sorted { a, b in
            let va = values[Int(a)], vb = values[Int(b)]
            return va < vb || (va == vb && a < b)
        }
    }
    var keys = values.map(orderKey)
    var index = Array(0..<Int32(n))
    var counts = [Int](repeating: 0, count: 8 * 256)
    for k in keys {
        for d in 0..<8 { counts[d * 256 + Int((k >> (8 * UInt64(d))) & 0xFF)] += 1 }
    }
    var keys2 = [UInt64](repeating: 0, count: n)
    var index2 = [Int32](repeating: 0, count: n)
    var offsets = [Int](repeating: 0, count: 256)
    for d in 0..<8 {
        let base = d * 256
        // a digit every key shares leaves the order unchanged
        if counts[base + Int((keys[0] >> (8 * UInt64(d))) & 0xFF)] == n { continue }
        var sum = 0
        for b in 0..<256 { offsets[b] = sum; sum += counts[base + b] }
        let shift = 8 * UInt64(d)
        keys.withUnsafeBufferPointer { ks in
            index.withUnsafeBufferPointer { ix in
                keys2.withUnsafeMutableBufferPointer { ks2 in
                    index2.withUnsafeMutableBufferPointer { ix2 in
                        offsets.withUnsafeMutableBufferPointer { off in
                            for i in 0..<n {
                                let b = Int((ks[i] >> shift) & 0xFF)
                                let p = off[b]
                                off[b] = p + 1
                                ks2[p] = ks[i]
                                ix2[p] = ix[i]
                            }
                        }
                    }
                }
            }
        }
        swap(&keys, &keys2)
        swap(&index, &index2)
    }
    return index
}
