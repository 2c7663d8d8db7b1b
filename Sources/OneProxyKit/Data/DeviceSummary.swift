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
