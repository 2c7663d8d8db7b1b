/// One device's measured latencies, in milliseconds, one per dataset row. A missing measurement
/// (absent, non-numeric, NaN or <= 0 in the source) is stored as `Double.nan`.
public struct Device: Sendable, Equatable {
    public var name: String
    public var latencies: [Double]

    public init(name: String, latencies: [Double]) {
        self.name = name
        self.latencies = latencies
    }

    /// How many rows have no measurement.
    public var missingCount: Int { latencies.reduce(0) { $0 + ($1.isNaN ? 1 : 0) } }
}

/// A named column of per-architecture accuracies (percent), e.g. `cifar10`.
public struct AccuracyColumn: Sendable, Equatable {
    public var name: String
    public var values: [Double]

    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// A table of architectures (rows) by devices (latency columns), with optional accuracies.
///
/// Invariants: every device and accuracy column has `rowCount` values; `keys` are unique and are the
/// space's canonical key for each architecture (NB201: the arch string; FBNet: `op_idx_list`; OFA:
/// `ks|e|d|r`); `nb201Index`, when present, has `rowCount` entries.
public struct Dataset: Sendable, Equatable {
    public var name: String
    /// Where it came from: `bundled:oneproxy-nb201`, or a file path.
    public var source: String
    public var space: SpaceKind
    /// The name of the key column in the source (`arch_str`, `op_idx_list`, ...).
    public var keyName: String
    public var keys: [String]
    public var nb201Index: [Int]?
    public var devices: [Device]
    public var accuracies: [AccuracyColumn]

    public init(
        name: String, source: String, space: SpaceKind, keyName: String, keys: [String],
        nb201Index: [Int]? = nil, devices: [Device], accuracies: [AccuracyColumn] = []
    ) {
        self.name = name
        self.source = source
        self.space = space
        self.keyName = keyName
        self.keys = keys
        self.nb201Index = nb201Index
        self.devices = devices
        self.accuracies = accuracies
    }

    public var rowCount: Int { keys.count }
    public var deviceNames: [String] { devices.map(\.name) }

    public func device(named name: String) -> Device? { devices.first { $0.name == name } }
    public func accuracy(named name: String) -> AccuracyColumn? { accuracies.first { $0.name == name } }
}
