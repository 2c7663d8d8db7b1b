/// The candidates `predictor` compares and the one it picks (see `choosePredictor`).
public struct PredictorChoice: Sendable {
    public var scores: [AdviceScore]
    /// Index into `scores` of the chosen candidate.
    public var chosen: Int
    /// The name of the validated default, and why the chosen one was taken.
    public var defaultName: String
    public var reason: String
    public var model: any LatencyModel
}

/// A candidate replaces the validated default only when its whole 95% bootstrap interval lies above
/// the default's leave-one-out SRCC. A first rule (replace when ahead by more than 0.02) switched on
/// 4 of 10 draws of 20 rows of an ONNX Runtime device and lost on 3 of them (by up to 0.035), and
/// lost on the A50 example (0.979 against the default's 0.981): at 20 samples leave-one-out SRCC
/// ranks candidates too loosely to overrule held-out devices.
public func predictorReplacesDefault(candidate: AdviceScore, defaultLOO: Double) -> Bool {
    guard let low = candidate.interval?.low else { return false }
    return low > defaultLOO
}

/// Compares, by leave-one-out SRCC on the samples (`adviseByCrossValidation`), AdaProxy from the 3
/// proxies whose fits rank the samples best, the stack + AdaProxy, the stack + residual ridge over
/// the space's `all` family and, where `PoolOpCosts` is defined, the same with the pool's op costs.
/// The validated default (the last of those present) is kept unless the best-scoring candidate is
/// clearly better (`predictorReplacesDefault`), or the default cannot be scored. Throws when no
/// candidate can be fitted.
public func choosePredictor(
    _ context: FewShotContext, space: SpaceKind, samples: [Int], seed: UInt64 = 1, compute: ComputeContext = .none
) throws -> PredictorChoice {
    let pool = context.pool
    let y = try context.sampleLatencies(samples)
    // (typed closures: inferring these took the type checker ~4 s)
    let ranked: [(Int, Double)] = pool.names.indices.map { (k: Int) -> (Int, Double) in
        (k, spearman(samples.map { pool.fitted[k][$0] }, y).value ?? -Double.infinity)
    }.sorted { (a: (Int, Double), b: (Int, Double)) -> Bool in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }
    var methods: [any FewShotMethod] = ranked.prefix(3).map { AdaProxyMethod(proxy: $0.0, name: "\(pool.names[$0.0]) + AdaProxy") }
    if pool.names.count >= 2 { methods.append(StackMethod(adapt: true)) }
    var defaultName = methods.last?.name ?? ""
    if space.descriptor.featureFamilies.contains("all"), pool.names.count >= 2 {
        let rich = try FeatureBasis(space: space, family: "all")
        let plain = StackResidualMethod(basis: rich)
        methods.append(plain)
        defaultName = plain.name
        if let costs = PoolOpCosts(pool: pool, space: space) {
            let m = StackResidualMethod(basis: rich, opCosts: costs)
            methods.append(m)
            defaultName = m.name
        }
    }
    let scores = try adviseByCrossValidation(context, methods: methods, samples: samples, seed: seed, compute: compute)
    guard let best = scores.firstIndex(where: { $0.model != nil && $0.cvSRCC != nil }) ?? scores.firstIndex(where: { $0.model != nil }) else {
        throw OneProxyError("no candidate predictor could be fitted on these samples")
    }
    let d = scores.firstIndex { $0.name == defaultName }
    func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "undefined" }
    var chosen = best
    var reason: String
    if let d, scores[d].model != nil, let dv = scores[d].cvSRCC {
        let bv = scores[best].cvSRCC ?? dv
        if best == d {
            reason = "the validated default has the best leave-one-out SRCC (\(f(dv)))"
        } else if predictorReplacesDefault(candidate: scores[best], defaultLOO: dv) {
            reason = "\(scores[best].name) is clearly better: its whole 95% interval (from \(f(scores[best].interval?.low))) lies above the validated default's leave-one-out SRCC (\(f(dv)))"
        } else {
            chosen = d
            reason = "the validated default (\(f(dv)) leave-one-out) was chosen on held-out devices; \(scores[best].name) scores \(f(bv)) here, but its 95% interval reaches down to \(f(scores[best].interval?.low)): not clearly better"
        }
    } else {
        reason = "the validated default could not be scored on these samples; \(scores[best].name) has the best leave-one-out SRCC (\(f(scores[best].cvSRCC)))"
    }
    return PredictorChoice(scores: scores, chosen: chosen, defaultName: defaultName, reason: reason, model: scores[chosen].model!)
}
