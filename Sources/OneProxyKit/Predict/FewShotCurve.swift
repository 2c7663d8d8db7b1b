import Foundation

/// One point of a few-shot curve: a method's SRCC with n target samples over the repeats.
public struct CurvePoint: Sendable, Equatable {
    public var method: String
    public var n: Int
    /// Mean and sample standard deviation (n − 1) of the defined SRCCs; nil when none is defined.
    public var mean: Double?
    public var sd: Double?
    /// The SRCC of each repeat (nil where the fit failed or the SRCC was undefined).
    public var values: [Double?]
}

/// Mean and sample standard deviation of the non-nil values (sd nil below 2 values).
public func meanAndSD(_ values: [Double?]) -> (mean: Double?, sd: Double?) {
    let v = values.compactMap { $0 }
    guard !v.isEmpty else { return (nil, nil) }
    let m = v.reduce(0, +) / Double(v.count)
    guard v.count >= 2 else { return (m, nil) }
    return (m, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot())
}

/// The few-shot curve (METHOD.md §5): each method's SRCC on `context.evalRows` against the number
/// of target samples. Repeat r draws one seeded permutation of `candidates`
/// (`sampleRows(seed: seed + r)`) and uses its first n rows for every n, so the samples are nested
/// across sizes and identical across methods. Sizes below 3 are rejected.
///
/// Guarantee: the same inputs and seed give the same curve on every machine. Throws
/// CancellationError when the context says stop; a method that throws on a draw (e.g. constant
/// latencies over the samples) records nil for that repeat.
public func fewShotCurve(
    _ context: FewShotContext, methods: [any FewShotMethod], sizes: [Int], repeats: Int, seed: UInt64,
    candidates: [Int], compute: ComputeContext = .none
) throws -> [CurvePoint] {
    guard let maxN = sizes.max(), sizes.allSatisfy({ $0 >= 3 }) else { throw OneProxyError("sample sizes must be at least 3") }
    guard maxN <= candidates.count else {
        throw OneProxyError("\(maxN) samples asked for, but only \(candidates.count) architectures can be sampled")
    }
    guard repeats >= 1 else { throw OneProxyError("repeats must be at least 1") }
    var values = [[[Double?]]](repeating: [[Double?]](repeating: [], count: sizes.count), count: methods.count)
    var reporter = compute.reporter("curve", total: repeats * sizes.count)
    var step = 0
    for r in 0..<repeats {
        let draw = sampleRows(candidates: candidates, count: maxN, seed: seed &+ UInt64(r))
        for (si, n) in sizes.enumerated() {
            let samples = Array(draw.prefix(n))
            for (mi, m) in methods.enumerated() {
                try compute.check()
                let v = (try? m.fit(context, samples: samples)).flatMap { context.score($0) }
                values[mi][si].append(v)
            }
            step += 1
            reporter.advance(to: step)
        }
    }
    var out: [CurvePoint] = []
    for (mi, m) in methods.enumerated() {
        for (si, n) in sizes.enumerated() {
            let (mean, sd) = meanAndSD(values[mi][si])
            out.append(CurvePoint(method: m.name, n: n, mean: mean, sd: sd, values: values[mi][si]))
        }
    }
    return out
}

// MARK: - HELP's protocol

/// HELP's few-shot benchmark on NAS-Bench-201 (Lee et al., NeurIPS 2021) as METHOD.md §6 states it.
public enum HelpProtocol {
    public static let targets = ["titan_rtx_256", "gold_6226", "pixel2", "raspi4", "eyeriss", "fpga"]
    public static let pool = ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50",
                              "pixel3", "essential_ph_1", "samsung_s7"]
    /// The 10 fixed reference architectures (NB201 indices). 1462 lies in the query range.
    public static let references = [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462]
    /// HELP's published SRCC per target (with 20 samples) and its mean.
    public static let published: [String: Double] = [
        "titan_rtx_256": 0.987, "gold_6226": 0.989, "pixel2": 0.802, "raspi4": 0.890, "eyeriss": 0.940, "fpga": 0.985,
    ]
    public static let publishedMean = 0.932
    public static let sampleRange = 0..<900

    /// The methods `helpbench` compares, on a pool built from `HelpProtocol.pool` (in that order).
    public static func methods(pool: FewShotPool) -> [any FewShotMethod] {
        var out: [any FewShotMethod] = []
        if let p3 = pool.index(of: "pixel3") { out.append(AdaProxyMethod(proxy: p3, name: "pixel3 + AdaProxy")) }
        out += [
            BestProxyMethod(name: "best proxy + AdaProxy"),
            StackMethod(adapt: false),
            StackMethod(adapt: true),
            BlendedStackMethod(),
            TargetOnlyRidgeMethod(),
        ] as [any FewShotMethod]
        return out
    }
    public static let queryRange = 900..<1900

    /// The rows of one target's split.
    public struct Split: Sendable, Equatable {
        /// Rows random samples are drawn from: NB201 indices 0..899 the target measured, the
        /// middle 80% by its latency, without the reference architectures.
        public var candidates: [Int]
        /// Rows scored: NB201 indices 900..1899, the middle 80% by the target's latency.
        public var query: [Int]
        /// The reference architectures' rows, in HELP's order.
        public var references: [Int]
    }

    /// The middle 80% of `rows` by `latencies`: sorted by (latency, row), the first and last
    /// ⌊count/10⌋ are dropped; the kept rows are returned in ascending row order. Rows without a
    /// latency are dropped first.
    public static func middle80(_ rows: [Int], latencies: [Double]) -> [Int] {
        let measured = rows.filter { !latencies[$0].isNaN }
        let sorted = measured.sorted { (latencies[$0], $0) < (latencies[$1], $1) }
        let cut = sorted.count / 10
        return Array(sorted[cut..<(sorted.count - cut)]).sorted()
    }

    /// The split for a target of a dataset keyed by NB201 index (help-nb201). Throws when the
    /// dataset has no NB201 index or lacks a reference architecture.
    public static func split(_ d: Dataset, target: Device) throws -> Split {
        guard let index = d.nb201Index else { throw OneProxyError("\(d.name) has no nb201_index column: HELP's protocol needs NB201") }
        var rowOf: [Int: Int] = [:]
        for (r, i) in index.enumerated() { rowOf[i] = r }
        let refs = try references.map { i -> Int in
            guard let r = rowOf[i], !target.latencies[r].isNaN else {
                throw OneProxyError("\(d.name) has no \(target.name) latency for HELP's reference architecture \(i)")
            }
            return r
        }
        let refSet = Set(refs)
        let sampleRows = index.indices.filter { sampleRange.contains(index[$0]) }
        let queryRows = index.indices.filter { queryRange.contains(index[$0]) }
        let candidates = middle80(sampleRows, latencies: target.latencies).filter { !refSet.contains($0) }
        return Split(candidates: candidates, query: middle80(queryRows, latencies: target.latencies), references: refs)
    }
}

/// The result of `helpBenchmark`: per method, per sample count (10, 20), per target, one SRCC per
/// draw (nil where undefined).
public struct HelpBenchResult: Sendable {
    public var methods: [String]
    public var targets: [String]
    public var sizes: [Int]
    public var draws: Int
    /// values[method][size][target][draw]
    public var values: [[[[Double?]]]]

    /// A method's mean SRCC on a target over the draws.
    public func deviceMean(method m: Int, size s: Int, target t: Int) -> Double? { meanAndSD(values[m][s][t]).mean }

    /// The mean over targets of each draw, then the mean and standard error (sd/√draws) of those.
    public func summary(method m: Int, size s: Int) -> (mean: Double?, se: Double?) {
        let perDraw: [Double?] = (0..<draws).map { k in
            let v = targets.indices.compactMap { values[m][s][$0][k] }
            return v.count == targets.count ? v.reduce(0, +) / Double(v.count) : nil
        }
        let (mean, sd) = meanAndSD(perDraw)
        let count = perDraw.compactMap { $0 }.count
        return (mean, sd.map { $0 / Double(count).squareRoot() })
    }
}

/// HELP's protocol: for each draw k (seed k, k = 0..<draws) and each target, 10 random samples
/// from the target's candidates (`HelpProtocol.split`), scored on its query rows; with 10 samples
/// the random ones, with 20 the 10 references followed by the same 10 random ones. The methods see
/// the pool built once (`FewShotPool` over the 9 pool devices). Throws CancellationError.
public func helpBenchmark(
    _ d: Dataset, pool: FewShotPool, methods: [any FewShotMethod], draws: Int, compute: ComputeContext = .none
) throws -> HelpBenchResult {
    let targets = try HelpProtocol.targets.map { name -> Device in
        guard let t = d.device(named: name) else { throw OneProxyError("\(d.name) has no device \(name) (HELP's targets are on help-nb201)") }
        return t
    }
    let sizes = [10, 20]
    var values = [[[[Double?]]]](repeating: [[[Double?]]](repeating: [[Double?]](repeating: [], count: targets.count), count: sizes.count), count: methods.count)
    var reporter = compute.reporter("helpbench", total: targets.count * draws)
    for (ti, t) in targets.enumerated() {
        let split = try HelpProtocol.split(d, target: t)
        let context = try FewShotContext(pool: pool, target: t, evalRows: split.query)
        for k in 0..<draws {
            let random = sampleRows(candidates: split.candidates, count: 10, seed: UInt64(k))
            let samplesBySize = [random, split.references + random]
            for (si, samples) in samplesBySize.enumerated() {
                for (mi, m) in methods.enumerated() {
                    try compute.check()
                    values[mi][si][ti].append((try? m.fit(context, samples: samples)).flatMap { context.score($0) })
                }
            }
            reporter.advance(to: ti * draws + k + 1)
        }
    }
    return HelpBenchResult(methods: methods.map(\.name), targets: targets.map(\.name), sizes: sizes, draws: draws, values: values)
}
