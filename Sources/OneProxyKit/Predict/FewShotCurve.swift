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

/// HELP's few-shot benchmark (Lee et al., NeurIPS 2021) as METHOD.md §6 states it: one value per
/// search space, `.nb201` (help-nb201, rows keyed by NB201 index) and `.fbnet` (help-fbnet, rows in
/// HELP's order, keyed by row number).
public struct HelpProtocol: Sendable {
    /// `nb201` or `fbnet`.
    public let space: String
    /// The bundled dataset the protocol runs on.
    public let dataset: String
    public let targets: [String]
    public let pool: [String]
    /// The 10 fixed reference architectures (NB201 indices, or FBNet row numbers).
    public let references: [Int]
    /// HELP's published SRCC per target (with 20 samples) and its mean.
    public let published: [String: Double]
    public let publishedMean: Double
    /// Architectures (NB201 index or row number) samples are drawn from, and scored on.
    public let sampleRange: Range<Int>
    public let queryRange: Range<Int>

    public static let nb201 = HelpProtocol(
        space: "nb201", dataset: "help-nb201",
        targets: ["titan_rtx_256", "gold_6226", "pixel2", "raspi4", "eyeriss", "fpga"],
        pool: ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50",
               "pixel3", "essential_ph_1", "samsung_s7"],
        // 1462 lies in the query range (a small leak in HELP's own protocol).
        references: [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462],
        published: ["titan_rtx_256": 0.987, "gold_6226": 0.989, "pixel2": 0.802, "raspi4": 0.890, "eyeriss": 0.940, "fpga": 0.985],
        publishedMean: 0.932, sampleRange: 0..<900, queryRange: 900..<1900)

    /// HELP's FBNet protocol: its loader takes the first `num_meta_train_sample` = 4000 rows for
    /// samples and the next `num_query` = 1000 for scores; the reference rows are its
    /// hardware_embedding_index.pt.
    public static let fbnet = HelpProtocol(
        space: "fbnet", dataset: "help-fbnet",
        targets: ["fpga", "raspi4", "eyeriss"],
        pool: ["1080ti_1", "1080ti_32", "1080ti_64", "silver_4114", "silver_4210r", "samsung_a50",
               "pixel3", "essential_ph_1", "samsung_s7"],
        references: [3328, 3790, 3313, 890, 3052, 2538, 1640, 2514, 457, 2100],
        published: ["raspi4": 0.887, "eyeriss": 0.943, "fpga": 0.892],
        publishedMean: 0.910, sampleRange: 0..<4000, queryRange: 4000..<5000)

    /// The protocol of a space name (`nb201`, `fbnet`), or nil.
    public static func named(_ space: String) -> HelpProtocol? {
        switch space {
        case "nb201": .nb201
        case "fbnet": .fbnet
        default: nil
        }
    }

    /// The methods `helpbench` compares, on a pool built from `pool` (in that order); `bases` are
    /// the rich feature families of the space that the feature methods use (METHOD.md §9).
    public func methods(pool: FewShotPool, rich: FeatureBasis?) -> [any FewShotMethod] {
        var out: [any FewShotMethod] = []
        if let p3 = pool.index(of: "pixel3") { out.append(AdaProxyMethod(proxy: p3, name: "pixel3 + AdaProxy")) }
        out += [
            BestProxyMethod(name: "best proxy + AdaProxy"),
            StackMethod(adapt: false),
            StackMethod(adapt: true),
            BlendedStackMethod(),
            TargetOnlyRidgeMethod(),
        ] as [any FewShotMethod]
        if let rich {
            if let p3 = pool.index(of: "pixel3"), let m = try? FeatureAdaProxyMethod(pool: pool, proxy: p3, basis: rich) { out.append(m) }
            out.append(FeatureRidgeMethod(basis: rich))
            out.append(StackResidualMethod(basis: rich))
            if let costs = PoolOpCosts(pool: pool, space: rich.space) {
                out.append(StackResidualMethod(basis: rich, opCosts: costs))
            }
        }
        return out
    }

    /// The rows of one target's split.
    public struct Split: Sendable, Equatable {
        /// Rows random samples are drawn from: architectures in `sampleRange` the target measured,
        /// the middle 80% by its latency, without the reference architectures.
        public var candidates: [Int]
        /// Rows scored: architectures in `queryRange`, the middle 80% by the target's latency.
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

    /// Each row's architecture number: the NB201 index on NB201, the row number on FBNet.
    func architectureIDs(_ d: Dataset) throws -> [Int] {
        if space == "nb201" {
            guard let index = d.nb201Index else { throw OneProxyError("\(d.name) has no nb201_index column: HELP's NB201 protocol needs it") }
            return index
        }
        guard d.rowCount >= queryRange.upperBound else {
            throw OneProxyError("\(d.name) has \(d.rowCount) rows: HELP's \(space) protocol needs \(queryRange.upperBound) in HELP's order")
        }
        return Array(0..<d.rowCount)
    }

    /// The split for a target. Throws when the dataset lacks the architecture numbering or a
    /// reference architecture's latency.
    public func split(_ d: Dataset, target: Device) throws -> Split {
        let index = try architectureIDs(d)
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
        let candidates = Self.middle80(sampleRows, latencies: target.latencies).filter { !refSet.contains($0) }
        return Split(candidates: candidates, query: Self.middle80(queryRows, latencies: target.latencies), references: refs)
    }
}

/// The result of `helpBenchmark`: per method, per sample count (10, 20), per target, one SRCC per
/// draw (nil where undefined).
public struct HelpBenchResult: Sendable {
    public var `protocol`: HelpProtocol
    public var methods: [String]
    public var targets: [String]
    public var sizes: [Int]
    public var draws: Int
    /// Draw k (1-based) used seed `seed + k − 1`.
    public var seed: UInt64
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

/// HELP's protocol: for each draw k = 1...draws (seed `seed + k − 1`) and each target, 10 random
/// samples from the target's candidates (`HelpProtocol.split`), scored on its query rows; with 10
/// samples the random ones, with 20 the 10 references followed by the same 10 random ones. The
/// methods see the pool built once (`FewShotPool` over the 9 pool devices). `targets` replaces
/// the protocol's targets (the validation protocol scores pool devices left out of the pool).
/// Throws CancellationError.
public func helpBenchmark(
    _ d: Dataset, protocol proto: HelpProtocol = .nb201, pool: FewShotPool, methods: [any FewShotMethod], draws: Int,
    seed: UInt64 = 0, targets targetNames: [String]? = nil, compute: ComputeContext = .none
) throws -> HelpBenchResult {
    let targets = try (targetNames ?? proto.targets).map { name -> Device in
        guard let t = d.device(named: name) else { throw OneProxyError("\(d.name) has no device \(name) (HELP's \(proto.space) targets are on \(proto.dataset))") }
        return t
    }
    let sizes = [10, 20]
    var values = [[[[Double?]]]](repeating: [[[Double?]]](repeating: [[Double?]](repeating: [], count: targets.count), count: sizes.count), count: methods.count)
    var reporter = compute.reporter("helpbench", total: targets.count * draws)
    for (ti, t) in targets.enumerated() {
        let split = try proto.split(d, target: t)
        let context = try FewShotContext(pool: pool, target: t, evalRows: split.query)
        for k in 0..<draws {
            let random = sampleRows(candidates: split.candidates, count: 10, seed: seed &+ UInt64(k))
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
    return HelpBenchResult(protocol: proto, methods: methods.map(\.name), targets: targets.map(\.name), sizes: sizes, draws: draws,
                           seed: seed, values: values)
}
