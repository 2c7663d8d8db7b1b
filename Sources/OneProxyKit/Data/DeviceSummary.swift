/// One device's measurements at a glance (the `devices` command).
///
/// `count` is the number of measured rows, `missing` the rest; `distinct` counts distinct measured
/// values (exact equality); `median` is the mean of the two middle values for an even count (as
/// numpy's). `min`/`median`/`max` are nil when nothing was measured.
public struct DeviceSummary: Sendable, Equatable {
    public var name: String
    public var count: Int
    public var missing: Int
    public var distinct: Int
    public var min: Double?
    public var median: Double?
    public var max: Double?
}

/// One summary per device, in the dataset's device order.
public func summarizeDevices(_ d: Dataset) -> [DeviceSummary] {
    d.devices.map { dev in
        var v = dev.latencies.filter { !$0.isNaN }
        v.sort()
        var distinct = 0
        for i in v.indices where i == 0 || v[i] != v[i - 1] { distinct += 1 }
        let median: Double? = v.isEmpty ? nil : v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
        return DeviceSummary(
            name: dev.name, count: v.count, missing: dev.latencies.count - v.count, distinct: distinct,
            min: v.first, median: median, max: v.last)
    }
}

/// Two devices that rank the shared rows almost identically.
public struct NearDuplicate: Sendable, Equatable {
    public var first: String
    public var second: String
    /// Spearman's rank correlation over the rows both measured.
    public var srcc: Double
    public var n: Int
}

/// Every device pair (in device order, first before second) whose Spearman correlation over the rows
/// both measured is >= `threshold` (default 0.995), with at least 3 shared rows.
public func nearDuplicateDevices(_ d: Dataset, threshold: Double = 0.995) -> [NearDuplicate] {
    // (never cancelled, so it never throws)
    (try? nearDuplicateDevices(d, threshold: threshold, context: .none)) ?? []
}

/// The same; throws `CancellationError` when `context` says stop.
public func nearDuplicateDevices(_ d: Dataset, threshold: Double = 0.995, context: ComputeContext) throws -> [NearDuplicate] {
    // One rank routine for the whole project: the all-pairs SRCC matrix (ranks computed once per column).
    let m = try correlationMatrix(names: d.deviceNames, columns: d.devices.map(\.latencies), method: .spearman, context: context)
    return pairsAtLeast(threshold, m)
}

/// The pairs of `m` (first before second, in its order) with at least 3 shared rows and a value >= `threshold`.
private func pairsAtLeast(_ threshold: Double, _ m: CorrelationMatrix) -> [NearDuplicate] {
    var out: [NearDuplicate] = []
    for i in m.names.indices {
        for j in m.names.indices where j > i {
            if let v = m.values[i][j], m.counts[i][j] >= 3, v >= threshold {
                out.append(NearDuplicate(first: m.names[i], second: m.names[j], srcc: v, n: m.counts[i][j]))
            }
        }
    }
    return out
}

/// The load's near-duplicate check: the pairs, values and counts of `nearDuplicateDevices`, at a cost
/// that stays a small part of reading the file however tall or wide it is.
///
/// On at most `rankVectorLimit` rows it is exact for the pairs of complete devices (no missing
/// value): each device's ranks are put in a 16-bit vector once (`binnedRanks`: bins of value, no
/// sort), and a pair is set aside as soon as its rank distance summed over a prefix of the rows
/// proves its SRCC below `threshold` (most pairs in a few hundred rows); the pairs left are computed
/// as `nearDuplicateDevices` computes them, bit for bit.
///
/// On more rows, only pairs whose SRCC on `nearDuplicateScreenRows` evenly spaced rows reaches
/// `threshold - nearDuplicateScreenMargin` (0.975) are computed, exactly, on all rows they share.
/// What this screen could miss is a pair whose SRCC is >= 0.995 on all rows and below 0.975 on the
/// sample. The hardest case for a sample is a duplicate with a few wrong measurements: on 1,993 such
/// pairs (`scripts/neardup_screen_validation.py`: 5,000 and 100,000 rows, 5 to 300 rows replaced or
/// flipped) a 2000-row sample missed none and a 256-row one (what wide files used to get) 16.
///
/// A pair with a device that misses a value (on more rows: a value of the sample) is computed over
/// the rows both measured, screened on a sample from `nearDuplicateScreenRows` rows on
/// (`pairsWithMissing`); the other pairs as above.
public func nearDuplicateDevicesScreened(_ d: Dataset, threshold: Double = 0.995, context: ComputeContext) throws -> [NearDuplicate] {
    let rows = d.rowCount, k = d.devices.count
    guard k >= 2, rows >= 3 else { return [] }   // (a pair needs 3 shared rows)
    // The pairs of devices the route reads whole, and the devices it cannot (a value missing).
    let (ready, incomplete) = rows > rankVectorLimit
        ? try screenedPairs(d, threshold: threshold, context: context)
        : try rankDistancePairs(d, threshold: threshold, context: context)
    var candidates = ready
    if !incomplete.isEmpty {
        candidates += try pairsWithMissing(d, incomplete, threshold: threshold, context: context)
        candidates.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    }
    return try exactNearDuplicates(d, candidates, threshold: threshold, context: context)
}

/// The candidate pairs' exact SRCC on all (shared) rows, as `nearDuplicateDevices` computes them: those
/// at least `threshold`, on at least 3 rows.
private func exactNearDuplicates(_ d: Dataset, _ candidates: [(Int, Int)], threshold: Double, context: ComputeContext) throws -> [NearDuplicate] {
    if candidates.isEmpty { return [] }
    let exact = try pairCorrelations(columns: d.devices.map(\.latencies), pairs: candidates, method: .spearman, atLeast: threshold, context: context)
    return zip(candidates, exact).compactMap { pair, r in
        guard let v = r.value, r.n >= 3, v >= threshold else { return nil }
        return NearDuplicate(first: d.devices[pair.0].name, second: d.devices[pair.1].name, srcc: v, n: r.n)
    }
}

/// The pairs (i < j, in `pairsAtLeast`'s order) of complete columns of at most `rankVectorLimit` rows
/// whose SRCC a prefix of the rows does not prove below `threshold`, by their binned rank vectors
/// (`binnedRanks`; the exact rank vectors for a column with a value that is not finite).
private func rankDistancePairs(_ d: Dataset, threshold: Double, context: ComputeContext) throws -> (pairs: [(Int, Int)], incomplete: [Int]) {
    let k = d.devices.count
    let vectors = RankColumns(rows: d.rowCount, count: k)
    let columns = concurrentMap(k) { c -> BinnedRanks? in
        let x = d.devices[c].latencies
        if let b = binnedRanks(x, into: vectors.column(c)) { return b }
        if x.contains(where: \.isNaN) { return nil }
        let ss = Double(rankVector(x, into: vectors.column(c)))
        return BinnedRanks(slack: 0, sumSquares: ss...ss)
    }
    try context.check()
    let incomplete = columns.indices.filter { columns[$0] == nil }
    // (A device with a value missing takes no pair here: its Σ v² is 0.)
    let bins = columns.map { $0 ?? BinnedRanks(slack: 0, sumSquares: 0...0) }
    // ρ < t − 5e-10 (the margin `pairCorrelations` gives `atLeast`: far above any rounding of its
    // floating-point value) once the squared rank distance exceeds f(A, B) = A + B − 2(t − 5e-10)√(AB)
    // (A, B: the columns' Σ v²). f is convex, so over the ranges known for A and B it is largest at a
    // corner; a lower bound on the distance above that proves it.
    let t = threshold - 5e-10
    @Sendable func f(_ sa: Double, _ sb: Double) -> Double { sa + sb - 2 * t * (sa * sb).squareRoot() }
    let pairs = try pairsKept(k, context: context) { i, j in
        let (a, b) = (bins[i].sumSquares, bins[j].sumSquares)
        guard a.upperBound > 0, b.upperBound > 0 else { return false }
        let limit = max(max(f(a.lowerBound, b.lowerBound), f(a.lowerBound, b.upperBound)),
                        max(f(a.upperBound, b.lowerBound), f(a.upperBound, b.upperBound)))
        return !rankDistanceExceeds(UnsafeBufferPointer(vectors.column(i)), UnsafeBufferPointer(vectors.column(j)),
                                    slack: bins[i].slack + bins[j].slack, limit: limit)
    }
    return (pairs, incomplete)
}

/// The pairs (i < j, in order) of complete columns whose SRCC on `nearDuplicateScreenRows` evenly
/// spaced rows reaches `threshold - nearDuplicateScreenMargin`, each from the exact integer sums of
/// the sample's rank vectors.
private func screenedPairs(_ d: Dataset, threshold: Double, context: ComputeContext) throws -> (pairs: [(Int, Int)], incomplete: [Int]) {
    let k = d.devices.count, rows = d.rowCount
    let m = min(rows, nearDuplicateScreenRows)
    let sample = (0..<m).map { $0 * rows / m }
    let vectors = RankColumns(rows: m, count: k)
    let columns = concurrentMap(k) { c -> Double? in
        let column = d.devices[c].latencies
        let values = sample.map { column[$0] }
        if values.contains(where: \.isNaN) { return nil }
        return Double(rankVector(values, into: vectors.column(c)))
    }
    try context.check()
    let incomplete = columns.indices.filter { columns[$0] == nil }
    let sumSquares = columns.map { $0 ?? 0 }   // (0: a device missing a sampled value takes no pair here)
    let lower = threshold - nearDuplicateScreenMargin
    let pairs = try pairsKept(k, context: context) { i, j in
        guard sumSquares[i] > 0, sumSquares[j] > 0 else { return false }
        let p = Double(rankDot(UnsafeBufferPointer(vectors.column(i)), UnsafeBufferPointer(vectors.column(j)), maxAbs: m - 1))
        return p >= lower * (sumSquares[i] * sumSquares[j]).squareRoot()
    }
    return (pairs, incomplete)
}

/// The pairs i < j of `count` columns (in order) that `keep` keeps; by rows i over the cores,
/// Ctrl-C checked before each.
private func pairsKept(_ count: Int, context: ComputeContext, _ keep: @Sendable (Int, Int) -> Bool) throws -> [(Int, Int)] {
    let cancellation = context.cancellation
    let kept = concurrentMap(count) { i -> [Int]? in
        if cancellation.isCancelled() { return nil }
        return ((i + 1)..<max(i + 1, count)).filter { keep(i, $0) }
    }
    try context.check()
    guard kept.allSatisfy({ $0 != nil }) else { throw CancellationError() }
    return kept.enumerated().flatMap { i, js in js!.map { (i, $0) } }
}

/// The candidate pairs that involve a device missing a value (`incomplete`, ascending), whose SRCC is
/// over the rows both measured: on at most `nearDuplicateScreenRows` rows all of them; on more, those
/// whose SRCC on a sample of evenly spaced rows reaches `threshold - nearDuplicateScreenMargin`. The
/// sample has `nearDuplicateScreenRows` rows, fewer when these pairs are many (about 2 x rows x
/// devices products over them, at least 256 rows: each pair ranks its own shared rows).
private func pairsWithMissing(_ d: Dataset, _ incomplete: [Int], threshold: Double, context: ComputeContext) throws -> [(Int, Int)] {
    let rows = d.rowCount, k = d.devices.count
    let isIncomplete = Set(incomplete)
    var pairs: [(Int, Int)] = []
    for i in 0..<k {
        for j in (i + 1)..<max(i + 1, k) where isIncomplete.contains(i) || isIncomplete.contains(j) { pairs.append((i, j)) }
    }
    guard rows > nearDuplicateScreenRows else { return pairs }
    let sampleCount = max(256, min(nearDuplicateScreenRows, 2 * rows * k / max(1, pairs.count)))
    let sample = (0..<sampleCount).map { $0 * rows / sampleCount }
    let columns = d.devices.map { dev in sample.map { dev.latencies[$0] } }
    let screen = try pairCorrelations(columns: columns, pairs: pairs, method: .spearman, context: context)
    return zip(pairs, screen).compactMap { pair, r in
        guard let v = r.value, r.n >= 3, v >= threshold - nearDuplicateScreenMargin else { return nil }
        return pair
    }
}

/// Rows of the sample the near-duplicate check screens on (`nearDuplicateDevicesScreened`).
public let nearDuplicateScreenRows = 2000
/// How far below the threshold a pair's SRCC on the sample may be and still be computed exactly.
public let nearDuplicateScreenMargin = 0.02
