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
    /// For n ≤ `blockedCountLimit`, per row: its position in `order` (low 16 bits) and the
    /// position where its run of equal keys starts (high 16 bits); what `blockedBalance` needs of
    /// the column whose keys it counts. Empty for larger n.
    var positions: [UInt32]

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
        var positions: [UInt32] = []
        if n <= blockedCountLimit {
            positions = [UInt32](repeating: 0, count: n)
            var s = 0
            for e in ends {
                let end = Int(e)
                for p in s..<end { positions[Int(order[p])] = UInt32(p) | UInt32(s) << 16 }
                s = end
            }
        }
        self.order = order
        runEnds = ends
        tiedPairs = ties
        self.positions = positions
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
    let xo = KendallOrder(keys: x, distinct: kx)
    if x.count <= blockedCountLimit {
        return kendallTauB(sortedBy: xo, yOrder: KendallOrder(keys: y, distinct: ky), swapped: false)
    }
    return kendallTauB(sortedBy: xo, y: y, ky: ky, yTies: tiedPairs(y, distinct: ky))
}

/// Kendall's tau-b from both columns' orders (n ≤ `blockedCountLimit`): C − D by `blockedBalance`,
/// the same integer as the Fenwick pass, then the same division, so the same value bit for bit.
/// `swapped` as in `kendallTauB(sortedBy:y:ky:yTies:swapped:)`.
func kendallTauB(sortedBy xo: KendallOrder, yOrder yo: KendallOrder, swapped: Bool) -> PairCorrelation {
    let n = xo.order.count
    precondition(yo.order.count == n && n <= blockedCountLimit)
    if n < 2 { return PairCorrelation(value: nil, n: n, undefinedReason: tooFewRows) }
    let total = n * (n - 1) / 2
    if xo.tiedPairs == total || yo.tiedPairs == total {
        return PairCorrelation(value: nil, n: n, undefinedReason: constantColumn)
    }
    let balance = blockedBalance(xo, yo.positions)
    let (n1, n2) = swapped ? (yo.tiedPairs, xo.tiedPairs) : (xo.tiedPairs, yo.tiedPairs)
    let tau = Double(balance) / Double(total - n1).squareRoot() / Double(total - n2).squareRoot()
    return PairCorrelation(value: max(-1, min(1, tau)), n: n)
}

/// The largest n `blockedBalance` takes: 8 × 8 × 8 words of 64 positions.
let blockedCountLimit = 32768

/// Concordant − discordant pairs, as `concordanceBalance`, but counting over y's positions (its
/// rows in y order, ties broken by row: each row its own position p, its run of equal y starting
/// at g ≤ p) instead of y's keys. The rows are walked in x order, run by run of equal x; a row
/// compared with the rows already inserted (x strictly smaller) has below it those at positions
/// < g (smaller y), level with it those of its own y run (counted per run start, `equal`), above
/// it the rest, so it adds smaller − larger = 2·below + equal − inserted.
///
/// "Inserted positions below g" is a five-level count with no loop and no branch: a bitset of the
/// inserted positions (8 to a byte; within the byte a masked 256-entry popcount table), then for
/// each group of 8 bytes, of 8 such words, of 8 such groups and of 8 of those, how many were
/// inserted in the earlier parts of the enclosing group. The first is 8 byte lanes of a UInt64,
/// the other three SIMD8<UInt16> vectors, so an insertion adds a 0/1 mask (lanes after its own)
/// at each level: a query is six loads, an insertion an OR, one integer and three vector adds.
/// (The counts are exact integers: C − D is the same integer as the Fenwick pass's.)
private func blockedBalance(_ xo: KendallOrder, _ yPositions: [UInt32]) -> Int {
    let n = xo.order.count
    precondition(n <= blockedCountLimit && yPositions.count == n)
    // bytes of bits: 4096; byte-lane words: 512 x 8; vectors: 64 + 8 + 1 (16 bytes each);
    // vector masks 8 x 16, word masks 8 x 8, popcount table 256
    let bitsBytes = 4096, wordBytes = 512 * 8, l1Bytes = 64 * 16, l2Bytes = 8 * 16
    let zeroed = bitsBytes + wordBytes + l1Bytes + l2Bytes + 16
    let raw = UnsafeMutableRawPointer.allocate(byteCount: zeroed + 8 * 16 + 8 * 8 + 256, alignment: 16)
    defer { raw.deallocate() }
    raw.initializeMemory(as: UInt8.self, repeating: 0, count: zeroed)
    let bits = raw.bindMemory(to: UInt8.self, capacity: bitsBytes)
    let words = raw + bitsBytes, l1 = words + wordBytes, l2 = l1 + l1Bytes, l3 = l2 + l2Bytes
    let masks = l3 + 16, wordMasks = masks + 8 * 16, table = wordMasks + 8 * 8
    for j in 0..<8 {
        var m = SIMD8<UInt16>(repeating: 0)
        var w: UInt64 = 0
        for lane in 0..<8 where lane > j { m[lane] = 1; w |= 1 << UInt64(8 * lane) }
        masks.storeBytes(of: m, toByteOffset: j * 16, as: SIMD8<UInt16>.self)
        wordMasks.storeBytes(of: w, toByteOffset: j * 8, as: UInt64.self)
    }
    for v in 0..<256 { table.storeBytes(of: UInt8(v.nonzeroBitCount), toByteOffset: v, as: UInt8.self) }
    let equal = UnsafeMutablePointer<UInt16>.allocate(capacity: n)
    defer { equal.deallocate() }
    equal.initialize(repeating: 0, count: n)
    // y's (position, run start) in x order
    let seq = [UInt32](unsafeUninitializedCapacity: n) { buffer, count in
        xo.order.withUnsafeBufferPointer { order in
            yPositions.withUnsafeBufferPointer { y in
                for k in 0..<n { buffer[k] = y[Int(order[k])] }
            }
        }
        count = n
    }

    /// Inserted positions < g.
    @inline(__always) func below(_ g: Int) -> Int {
        let inByte = table.load(fromByteOffset: Int(bits[g &>> 3] & ((1 &<< UInt8(g & 7)) &- 1)), as: UInt8.self)
        return Int(l3.load(fromByteOffset: (g &>> 12) &* 2, as: UInt16.self))
            &+ Int(l2.load(fromByteOffset: (g &>> 9) &* 2, as: UInt16.self))
            &+ Int(l1.load(fromByteOffset: (g &>> 6) &* 2, as: UInt16.self))
            &+ Int(words.load(fromByteOffset: g &>> 3, as: UInt8.self)) &+ Int(inByte)
    }
    @inline(__always) func insert(_ p: Int) {
        bits[p &>> 3] |= 1 &<< UInt8(p & 7)
        let w = words.load(fromByteOffset: (p &>> 6) &* 8, as: UInt64.self)
        let wm = wordMasks.load(fromByteOffset: ((p &>> 3) & 7) &* 8, as: UInt64.self)
        words.storeBytes(of: w &+ wm, toByteOffset: (p &>> 6) &* 8, as: UInt64.self)
        @inline(__always) func add(_ level: UnsafeMutableRawPointer, _ vector: Int, _ lane: Int) {
            let v = level.load(fromByteOffset: vector &* 16, as: SIMD8<UInt16>.self)
            let m = masks.load(fromByteOffset: lane &* 16, as: SIMD8<UInt16>.self)
            level.storeBytes(of: v &+ m, toByteOffset: vector &* 16, as: SIMD8<UInt16>.self)
        }
        add(l1, p &>> 9, (p &>> 6) & 7)
        add(l2, p &>> 12, (p &>> 9) & 7)
        add(l3, 0, (p &>> 12) & 7)
    }

    var balance = 0
    seq.withUnsafeBufferPointer { s in
        xo.runEnds.withUnsafeBufferPointer { ends in
            var start = 0
            for e in ends {
                let end = Int(e)
                if end == start &+ 1 {
                    // a run of one row (most rows of a column without ties): query, insert
                    let v = s[start]
                    let g = Int(v &>> 16)
                    balance &+= 2 &* below(g) &+ Int(equal[g]) &- start
                    equal[g] &+= 1
                    insert(Int(v & 0xFFFF))
                    start = end
                    continue
                }
                var sum = 0
                for k in start..<end {
                    let g = Int(s[k] &>> 16)
                    sum &+= 2 &* below(g) &+ Int(equal[g])
                }
                balance &+= sum &- (end &- start) &* start
                for k in start..<end {
                    let v = s[k]
                    equal[Int(v &>> 16)] &+= 1
                    insert(Int(v & 0xFFFF))
                }
                start = end
            }
        }
    }
    return balance
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
