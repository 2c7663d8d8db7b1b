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

/// The load's near-duplicate check: `nearDuplicateDevices` screened on a sample of rows, so that it
/// costs a small part of reading the file however tall or wide it is.
///
/// On at most `nearDuplicateScreenRows` rows it is `nearDuplicateDevices` itself. On more, every pair's
/// SRCC is first computed on that many evenly spaced rows (fewer when there are many devices: about
/// 2 x rows x devices products over all pairs, at least 256 rows); only pairs reaching
/// `threshold - nearDuplicateScreenMargin` (0.975) on them are computed exactly, on all shared rows
/// (those pairs only, ranks computed once per device involved). The pairs returned and their SRCC and n are therefore
/// exact; what the screen could miss is a pair whose SRCC is >= 0.995 on all rows and below 0.975 on
/// the sample (at 2000 rows the standard error of an SRCC near 0.99 is about 0.0005).
public func nearDuplicateDevicesScreened(_ d: Dataset, threshold: Double = 0.995, context: ComputeContext) throws -> [NearDuplicate] {
    let rows = d.rowCount, k = d.devices.count
    guard rows > nearDuplicateScreenRows, k >= 2 else { return try nearDuplicateDevices(d, threshold: threshold, context: context) }
    let pairs = k * (k - 1) / 2
    let sampleCount = max(256, min(nearDuplicateScreenRows, 2 * rows * k / pairs))
    let sample = (0..<sampleCount).map { $0 * rows / sampleCount }
    let columns = d.devices.map { dev in sample.map { dev.latencies[$0] } }
    let screen = try correlationMatrix(names: d.deviceNames, columns: columns, method: .spearman, context: context)
    // The candidates (by device index, in `pairsAtLeast`'s order), then their exact SRCC on all rows.
    var candidates: [(Int, Int)] = []
    for i in 0..<k {
        for j in (i + 1)..<max(i + 1, k) {
            if let v = screen.values[i][j], screen.counts[i][j] >= 3, v >= threshold - nearDuplicateScreenMargin { candidates.append((i, j)) }
        }
    }
    if candidates.isEmpty { return [] }
    let exact = try pairCorrelations(columns: d.devices.map(\.latencies), pairs: candidates, method: .spearman, atLeast: threshold, context: context)
    return zip(candidates, exact).compactMap { pair, r in
        guard let v = r.value, r.n >= 3, v >= threshold else { return nil }
        return NearDuplicate(first: d.devices[pair.0].name, second: d.devices[pair.1].name, srcc: v, n: r.n)
    }
}

/// Rows above which the load screens the near-duplicate check on a sample (`nearDuplicateDevicesScreened`).
public let nearDuplicateScreenRows = 2000
/// How far below the threshold a pair's SRCC on the sample may be and still be computed exactly.
public let nearDuplicateScreenMargin = 0.02
