import Foundation

/// One candidate's cross-validated score on the target samples.
public struct AdviceScore: Sendable {
    public var name: String
    /// SRCC of the leave-one-out predictions against the samples' latencies.
    public var cvSRCC: Double?
    /// Percentile bootstrap interval of that SRCC (resampling the samples).
    public var interval: (low: Double, high: Double)?
    /// The method fitted on all samples.
    public var model: (any LatencyModel)?
}

/// Leave-one-out SRCC of each method on the samples: for each sample, the method is refitted on the
/// others (its own λ choice and stack included: nested) and predicts the held-out one; the pooled
/// predictions are ranked against the samples' latencies, with a `resamples`-fold bootstrap
/// interval (seeded). Results are sorted by cvSRCC, best first (undefined last; ties keep order).
public func adviseByCrossValidation(
    _ context: FewShotContext, methods: [any FewShotMethod], samples: [Int], level: Double = 0.95,
    resamples: Int = 1000, seed: UInt64 = 1, compute: ComputeContext = .none
) throws -> [AdviceScore] {
    let y = try context.sampleLatencies(samples)
    guard samples.count >= 4 else { throw OneProxyError("advice needs at least 4 samples (got \(samples.count))") }
    let encoded = context.x.selectingRows(samples)
    var reporter = compute.reporter("advise", total: methods.count)
    var out: [AdviceScore] = []
    for (mi, m) in methods.enumerated() {
        // The engine with one candidate (the method) over leave-one-out folds: the method's own λ
        // choice and stack happen inside each fold. A fold the method cannot fit predicts NaN.
        let path = try crossValidatedPath(
            y: y, lambdas: [0], folds: crossValidationFolds(count: samples.count, folds: nil), context: compute,
            fitFold: { fold in
                let i = fold.heldOut.lowerBound
                let model = try? m.fit(context, samples: fold.training.map { samples[$0] })
                return [[model?.predict(rows: [samples[i]], encoded: encoded.selectingRows([i]))[0] ?? .nan]]
            },
            refit: { _ in try? m.fit(context, samples: samples) })
        let oof = path.outOfFold[0]
        let cv = oof.contains(where: \.isNaN) ? nil : path.score
        let interval = cv == nil ? nil : try bootstrapInterval(oof, y, method: .spearman, level: level, resamples: resamples, seed: seed,
                                                               context: ComputeContext(cancellation: compute.cancellation))
        out.append(AdviceScore(name: m.name, cvSRCC: cv, interval: interval.map { ($0.low, $0.high) }, model: path.model))
        reporter.advance(to: mi + 1)
    }
    let order = out.indices.sorted { a, b in
        let sa = out[a].cvSRCC ?? -.infinity, sb = out[b].cvSRCC ?? -.infinity
        return sa != sb ? sa > sb : a < b
    }
    return order.map { out[$0] }
}

/// How much doubling the samples gains, from a curve on stand-in targets: each of `standIns`
/// (indices into the pool) in turn plays the target, with the rest of the pool as proxies, and
/// `makeMethod(pool)` is scored at n and 2n samples (capped by what the stand-in measured) over
/// `repeats` seeded draws. Returns the mean SRCC at both sizes over the stand-ins.
public func gainFromMoreSamples(
    pool: FewShotPool, standIns: [Int], n: Int, repeats: Int, seed: UInt64,
    makeMethod: (FewShotPool) -> any FewShotMethod, compute: ComputeContext = .none
) throws -> (atN: Double, at2N: Double, larger: Int)? {
    var a: [Double] = [], b: [Double] = []
    var larger = 2 * n
    for k in standIns {
        try compute.check()
        let rest = pool.subset(pool.names.indices.filter { $0 != k })
        let device = Device(name: pool.names[k], latencies: pool.measured[k])
        let context = try FewShotContext(pool: rest, target: device)
        let candidates = device.latencies.indices.filter { !device.latencies[$0].isNaN }
        larger = min(larger, candidates.count)
        guard larger > n else { return nil }
        let curve = try fewShotCurve(context, methods: [makeMethod(rest)], sizes: [n, larger], repeats: repeats, seed: seed,
                                     candidates: candidates, compute: compute)
        if let x = curve[0].mean, let y = curve[1].mean { a.append(x); b.append(y) }
    }
    guard !a.isEmpty else { return nil }
    return (a.reduce(0, +) / Double(a.count), b.reduce(0, +) / Double(b.count), larger)
}
