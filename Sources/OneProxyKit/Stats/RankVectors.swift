/// Rank vectors in 16-bit integers, for the load's near-duplicate check: Spearman's ρ of two complete
/// columns from integer sums that are exact, eight rows per SSE2 instruction (`pmaddwd`).
///
/// A column of n ≤ `rankVectorLimit` values becomes v = 2 × (average rank) − (n + 1): twice its
/// centred average ranks, integers in −(n − 1)...(n − 1) (ties share 2s + c − n, for a run of c equal
/// values starting at sorted position s). For two such columns, with A = Σ vₐ², B = Σ v_b², the
/// product P = Σ vₐ v_b and the squared distance D = Σ (vₐ − v_b)² = A + B − 2P:
///
///     ρ = P / √(AB) = (A + B − D) / (2 √(AB)),
///
/// which is the Pearson correlation of the average ranks that `correlationMatrix` computes in
/// floating point. D summed over some of the rows is at most D, so a prefix sum that already exceeds
/// A + B − 2t√(AB) proves ρ < t.

/// The most rows a rank vector holds: the difference of two of its values, at most 2(n − 1) in
/// magnitude, must fit an Int16.
let rankVectorLimit = 16_384

/// Columns of 16-bit rank vectors of one length, in one allocation: the pair loops read them through
/// pointers, so that no pair retains an array (two cores retaining the same arrays cost more than
/// the pairs themselves).
final class RankColumns: @unchecked Sendable {
    let rows: Int
    let count: Int
    private let storage: UnsafeMutableBufferPointer<Int16>

    init(rows: Int, count: Int) {
        self.rows = rows
        self.count = count
        storage = .allocate(capacity: max(1, rows * count))
        storage.initialize(repeating: 0)
    }

    deinit { storage.deallocate() }

    /// Column c's values (written by one worker each, before any pair reads them).
    func column(_ c: Int) -> UnsafeMutableBufferPointer<Int16> {
        UnsafeMutableBufferPointer(rebasing: storage[(c * rows)..<((c + 1) * rows)])
    }
}

/// Writes twice the centred average ranks of `x` (complete: no NaN; at most `rankVectorLimit`
/// values) into `out` and returns their sum of squares. The order is `ascendingOrder`'s.
@discardableResult
func rankVector(_ x: [Double], into out: UnsafeMutableBufferPointer<Int16>) -> Int64 {
    let n = x.count
    precondition(n <= rankVectorLimit && out.count == n, "at most \(rankVectorLimit) rows")
    if n == 0 { return 0 }
    let order = ascendingOrder(x)
    var ss: Int64 = 0
    var s = 0
    while s < n {
        let value = x[Int(order[s])]
        var e = s + 1
        while e < n && x[Int(order[e])] == value { e += 1 }
        let r = 2 * s + (e - s) - n
        for k in s..<e { out[Int(order[k])] = Int16(r) }
        ss += Int64(e - s) * Int64(r * r)
        s = e
    }
    return ss
}

/// A column's binned rank vector: its values cut into value bins of equal width (order kept: a
/// lower bin holds only lower values), and each row given its bin's middle doubled centred rank,
/// 2s + c − n for a bin of c values above s lower ones. A row's doubled centred average rank lies in
/// its bin's range, so it differs from this by at most `slack`: the most values, less one, of a bin
/// holding two distinct values or more (0 when none does: then these are the ranks themselves).
///
/// For two columns, |dₐ − d_b| ≥ |wₐ − w_b| − (slackₐ + slack_b) row by row, so
/// `rankDistanceExceeds(wₐ, w_b, slack: slackₐ + slack_b, limit:)` proves what the exact rank
/// vectors would, without sorting: one pass finds the range, one counts the bins, one writes.
///
/// `sumSquares` bounds A = Σ v² of the exact doubled centred ranks: (n³ − n)/3 less (c³ − c)/3 for
/// each run of c tied values (the usual tie correction, times 4). A bin of one distinct value is one
/// run; a mixed bin's runs are unknown, so they count as nothing for the upper bound and as the whole
/// bin for the lower one.
struct BinnedRanks: Sendable, Equatable {
    var slack: Int
    var sumSquares: ClosedRange<Double>
}

/// Writes `x`'s binned rank vector (at most `rankVectorLimit` values) into `out`, in about n/4 bins
/// (16 to 2048); nil (and `out` unspecified) when a value is NaN or not finite, or the range is not
/// finite or so small that the bins' scale is not.
func binnedRanks(_ x: [Double], into out: UnsafeMutableBufferPointer<Int16>) -> BinnedRanks? {
    let n = x.count
    precondition(n <= rankVectorLimit && out.count == n, "at most \(rankVectorLimit) rows")
    if n == 0 { return BinnedRanks(slack: 0, sumSquares: 0...0) }
    guard let (lo, hi) = x.withUnsafeBufferPointer(extremes) else { return nil }
    let range = hi - lo
    guard lo.isFinite, hi.isFinite, range.isFinite else { return nil }
    let bins = min(2048, max(16, 1 << (Int.bitWidth - n.leadingZeroBitCount - 2)))
    // Bin of v: (v − lo) × scale rounded to an integer by adding 1.5 × 2⁵² (its low bits are then the
    // integer), at most bins − 1; non-decreasing in v, as each rounding is.
    let scale = range > 0 ? Double(bins - 1) / range : 0
    // (A subnormal range overflows the scale: every value would then fall in bin 0, a valid bound
    // but a useless one; the caller ranks such a column exactly instead.)
    guard scale.isFinite else { return nil }
    let top = UInt64(bins - 1)
    @inline(__always) func bin(_ v: Double) -> Int {
        Int(truncatingIfNeeded: min(top, ((v - lo) * scale + 6_755_399_441_055_744).bitPattern & 0xFFFF))
    }
    var count = [Int32](repeating: 0, count: bins)
    var least = [Double](repeating: .infinity, count: bins)
    var most = [Double](repeating: -.infinity, count: bins)
    var middle = [Int16](repeating: 0, count: bins)
    var slack = 0
    var knownTies: Int64 = 0, mixedTies: Int64 = 0
    x.withUnsafeBufferPointer { xs in
        count.withUnsafeMutableBufferPointer { cs in
            least.withUnsafeMutableBufferPointer { ls in
                most.withUnsafeMutableBufferPointer { ms in
                    // Each bin's count and least and greatest value (two distinct values when they
                    // differ); the row's bin kept in `out` meanwhile.
                    for i in 0..<n {
                        let v = xs[i]
                        let b = bin(v)
                        out[i] = Int16(truncatingIfNeeded: b)
                        cs[b] &+= 1
                        ls[b] = v < ls[b] ? v : ls[b]
                        ms[b] = v > ms[b] ? v : ms[b]
                    }
                    middle.withUnsafeMutableBufferPointer { mid in
                        var start = 0
                        for b in 0..<bins {
                            let c = Int(cs[b])
                            mid[b] = Int16(truncatingIfNeeded: 2 &* start &+ c &- n)
                            if c > 1 {
                                let cube = Int64(c) &* Int64(c) &* Int64(c) &- Int64(c)
                                if ls[b] != ms[b] { slack = max(slack, c - 1); mixedTies &+= cube } else { knownTies &+= cube }
                            }
                            start &+= c
                        }
                        for i in 0..<n { out[i] = mid[Int(out[i])] }
                    }
                }
            }
        }
    }
    let all = Int64(n) * Int64(n) * Int64(n) - Int64(n)
    return BinnedRanks(slack: slack, sumSquares: Double(max(0, all - knownTies - mixedTies) / 3)...Double((all - knownTies) / 3))
}

/// The least and greatest of `xs` (not empty), two of each kept so that the comparisons overlap;
/// nil when a value is NaN.
private func extremes(_ xs: UnsafeBufferPointer<Double>) -> (Double, Double)? {
    var lo0 = xs[0], hi0 = xs[0], lo1 = xs[0], hi1 = xs[0]
    var nan = xs[0].isNaN
    var i = 1
    while i + 2 <= xs.count {
        let u = xs[i], v = xs[i + 1]
        lo0 = u < lo0 ? u : lo0; hi0 = u > hi0 ? u : hi0
        lo1 = v < lo1 ? v : lo1; hi1 = v > hi1 ? v : hi1
        nan = nan || u != u || v != v
        i += 2
    }
    if i < xs.count { lo0 = min(lo0, xs[i]); hi0 = max(hi0, xs[i]); nan = nan || xs[i].isNaN }
    return nan ? nil : (min(lo0, lo1), max(hi0, hi1))
}

/// Σ a[i] b[i], exact. |a[i]|, |b[i]| ≤ `maxAbs` ≤ 32767.
func rankDot(_ a: UnsafeBufferPointer<Int16>, _ b: UnsafeBufferPointer<Int16>, maxAbs: Int) -> Int64 {
    precondition(a.count == b.count && maxAbs <= Int(Int16.max))
    return pairSums(a, b, from: 0, to: a.count, flush: flushSteps(maxAbs), slack: nil)
}

/// Σ max(0, |a[i] − b[i]| − slack)² (with slack 0: the squared distance), exact.
/// |a[i] − b[i]| ≤ `maxAbs` ≤ 32767 (which the rank vectors of one length guarantee: their values
/// lie within ±(n − 1), n ≤ `rankVectorLimit`), 0 ≤ slack ≤ 32767.
func rankDistance(_ a: UnsafeBufferPointer<Int16>, _ b: UnsafeBufferPointer<Int16>, maxAbs: Int, slack: Int = 0) -> Int64 {
    precondition(a.count == b.count && maxAbs <= Int(Int16.max) && (0...Int(Int16.max)).contains(slack))
    return pairSums(a, b, from: 0, to: a.count, flush: flushSteps(maxAbs), slack: Int16(slack))
}

/// Whether Σ max(0, |a[i] − b[i]| − slack)² exceeds `limit`, for two rank vectors of one length:
/// summed over the first 64 rows, then blocks of 256, stopping at the first block after which it
/// does (the sums only grow).
func rankDistanceExceeds(_ a: UnsafeBufferPointer<Int16>, _ b: UnsafeBufferPointer<Int16>, slack: Int = 0, limit: Double) -> Bool {
    let n = a.count
    precondition(b.count == n && n <= rankVectorLimit && (0...Int(Int16.max)).contains(slack))
    let flush = flushSteps(2 * max(0, n - 1))
    var sum: Int64 = 0
    var s = 0
    var block = 64
    while s < n {
        let e = min(n, s + block)
        sum += pairSums(a, b, from: s, to: e, flush: flush, slack: Int16(slack))
        if Double(sum) > limit { return true }
        s = e
        block = 256
    }
    return Double(sum) > limit   // (no rows: 0 > limit)
}

/// Steps of eight rows after which `pairSums`' four Int32 lanes must be emptied: each step adds at
/// most 2 × maxAbs² to a lane.
private func flushSteps(_ maxAbs: Int) -> Int {
    max(1, Int(Int32.max) / max(1, 2 * maxAbs * maxAbs))
}

/// The one loop under `rankDot` and `rankDistance`: eight rows at a time, products (of the values,
/// or with a slack of their differences less it) summed in pairs into four Int32 lanes, which are
/// added into an Int64 every `flush` steps.
@inline(__always)
private func pairSums(_ pa: UnsafeBufferPointer<Int16>, _ pb: UnsafeBufferPointer<Int16>, from: Int, to: Int, flush: Int, slack: Int16?) -> Int64 {
    guard let ra = pa.baseAddress.map(UnsafeRawPointer.init), let rb = pb.baseAddress.map(UnsafeRawPointer.init) else { return 0 }
    @inline(__always) func step(_ i: Int) -> SIMD4<Int32> {
        let x = ra.loadUnaligned(fromByteOffset: i &* 2, as: SIMD8<Int16>.self)
        let y = rb.loadUnaligned(fromByteOffset: i &* 2, as: SIMD8<Int16>.self)
        let p: SIMD8<Int32>
        if let slack {
            let d = x &- y
            let e = SIMD8<Int32>(truncatingIfNeeded: pointwiseMax(pointwiseMax(d, 0 &- d) &- slack, .zero))
            p = e &* e
        } else {
            p = SIMD8<Int32>(truncatingIfNeeded: x) &* SIMD8<Int32>(truncatingIfNeeded: y)
        }
        return p.evenHalf &+ p.oddHalf
    }
    var total: Int64 = 0
    var i = from
    while i &+ 8 <= to {
        // Two lanes of accumulators, each emptied before `flush` steps.
        let steps = min(2 &* flush, (to &- i) / 8)
        var acc0 = SIMD4<Int32>(), acc1 = SIMD4<Int32>()
        var k = 0
        while k &+ 2 <= steps {
            acc0 &+= step(i)
            acc1 &+= step(i &+ 8)
            i &+= 16
            k &+= 2
        }
        if k < steps { acc0 &+= step(i); i &+= 8 }
        let wide = SIMD4<Int64>(truncatingIfNeeded: acc0) &+ SIMD4<Int64>(truncatingIfNeeded: acc1)
        total &+= wide.wrappedSum()
    }
    while i < to {
        if let slack {
            let e = max(0, abs(Int64(pa[i]) - Int64(pb[i])) - Int64(slack))
            total &+= e * e
        } else {
            total &+= Int64(pa[i]) * Int64(pb[i])
        }
        i &+= 1
    }
    return total
}
