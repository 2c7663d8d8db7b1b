/// Two named devices and their correlation.
public struct DevicePair: Sendable, Equatable {
    public var a: String
    public var b: String
    public var value: Double

    public init(a: String, b: String, value: Double) {
        self.a = a
        self.b = b
        self.value = value
    }
}

/// What a correlation matrix says about monotonicity, in a few numbers.
public struct MonotonicitySummary: Sendable, Equatable {
    /// Pairs (i < j) whose correlation is defined and >= the `strong` threshold.
    public var strongPairs: Int
    /// All device pairs i < j: d(d-1)/2.
    public var totalPairs: Int
    /// Pairs whose correlation is undefined (counted in `totalPairs`, never strong).
    public var undefinedPairs: Int
    /// The defined pair with the lowest correlation (first in row order when tied), or nil if none.
    public var weakest: DevicePair?
    /// Pairs with correlation >= the `duplicate` threshold, highest first (ties in row order):
    /// for example one device at two settings (a GPU at two batch sizes), or two devices that behave alike.
    public var nearDuplicates: [DevicePair]

    public init(strongPairs: Int, totalPairs: Int, undefinedPairs: Int, weakest: DevicePair?, nearDuplicates: [DevicePair]) {
        self.strongPairs = strongPairs
        self.totalPairs = totalPairs
        self.undefinedPairs = undefinedPairs
        self.weakest = weakest
        self.nearDuplicates = nearDuplicates
    }
}

/// The paper's threshold of strong latency monotonicity: SRCC >= 0.9 between two devices means the
/// architectures searched on one can be reused on the other as they are (Lu et al., section 3).
public let strongMonotonicity = 0.9

/// The largest latency a dataset takes, in ms (about 11.6 days): larger values are read as missing
/// and named at load. It keeps every sum of squares the solvers and correlations form far from
/// overflow (1e300 ms made AdaProxy trap and Pearson's r overflow).
public let maximumLatencyMilliseconds = 1e9

/// Fewer architectures measured on both devices than this, and a correlation is too rough to call
/// monotonicity strong or weak: with 5 architectures an SRCC of 0.9 has a 95% bootstrap interval
/// reaching below 0.3. Verdicts (reuse as it is, or adapt) need at least this many.
public let minimumArchitecturesForVerdict = 30

/// Devices whose latencies correlate at least this much are near-duplicates (the same hardware
/// measured twice, or one runtime at two batch sizes): a pool gains little from both.
public let nearDuplicateCorrelation = 0.995

/// Counts the strongly monotone pairs (r >= `strong`, the paper's 0.9 for SRCC), finds the weakest
/// pair and lists the near-duplicate devices (r >= `duplicate`), over the pairs i < j of `m`.
///
/// Guarantees: strongPairs + (defined pairs below `strong`) + undefinedPairs == totalPairs;
/// every near-duplicate is also counted as strong when duplicate >= strong.
public func summarize(_ m: CorrelationMatrix, strong: Double = strongMonotonicity, duplicate: Double = nearDuplicateCorrelation) -> MonotonicitySummary {
    let d = m.names.count
    var strongPairs = 0, undefined = 0
    var weakest: DevicePair?
    var duplicates: [DevicePair] = []
    for i in 0..<d {
        for j in (i + 1)..<max(i + 1, d) {
            guard let r = m.values[i][j] else { undefined += 1; continue }
            if r >= strong { strongPairs += 1 }
            if r >= duplicate { duplicates.append(DevicePair(a: m.names[i], b: m.names[j], value: r)) }
            if weakest == nil || r < weakest!.value { weakest = DevicePair(a: m.names[i], b: m.names[j], value: r) }
        }
    }
    // stable: equal values keep row order
    let ranked = duplicates.enumerated().sorted { l, r in
        l.element.value != r.element.value ? l.element.value > r.element.value : l.offset < r.offset
    }.map(\.element)
    return MonotonicitySummary(
        strongPairs: strongPairs, totalPairs: d * (d - 1) / 2, undefinedPairs: undefined,
        weakest: weakest, nearDuplicates: ranked)
}
