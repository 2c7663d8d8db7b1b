/// How to choose the architectures to measure on a new device, from what is known before
/// measuring: the encoding and the proxy's linear predictor (METHOD.md section 8).
public enum PlanDesign: String, Sendable, CaseIterable {
    /// Uniformly at random among the candidates.
    case random
    /// One architecture drawn at random from each of n equal-count strata of the proxy's
    /// predicted latency (the sample spans fast to slow).
    case stratified
    /// Greedy D-optimal on AdaProxy's own features [x·w, x∘w, 1] from a random first pick: each
    /// next architecture is the one the current samples predict worst (highest leverage), so the
    /// samples spread where the adapted model has parameters to learn.
    case doptimal
}

/// `n` distinct rows of `candidates` chosen by `design`, reproducible for a seed.
///
/// - `X`: the encoding (one row per dataset row); `weights`: the proxy's linear predictor w.
/// - Guarantees: the rows are distinct members of `candidates`, in the order chosen; the same
///   inputs and seed give the same rows on every machine (our own seeded draws); n larger than the
///   candidates returns every candidate.
/// - D-optimal: features f(x) = [x·w, x₁w₁, …, x_d w_d, 1]; starting from M = εI (ε = 1e-6 times
///   the mean diagonal of FᵀF over the candidates) and a random first row, it adds the candidate
///   maximising fᵀM⁻¹f (the log-determinant's gain) and updates M⁻¹ by Sherman–Morrison; ties go
///   to the lower row. O(n · candidates · p²) for p features.
public func planSamples(X: Matrix, weights: [Double], candidates: [Int], n: Int, design: PlanDesign, seed: UInt64) -> [Int] {
    let count = max(0, min(n, candidates.count))
    guard count > 0 else { return [] }
    var g = SeededGenerator(seed: seed)
    switch design {
    case .random:
        let p = g.permutation(candidates.count)
        return p.prefix(count).map { candidates[$0] }
    case .stratified:
        let predicted = X.multiply(weights)
        let sorted = candidates.sorted { predicted[$0] != predicted[$1] ? predicted[$0] < predicted[$1] : $0 < $1 }
        return (0..<count).map { k in
            let lo = k * sorted.count / count, hi = (k + 1) * sorted.count / count
            return sorted[lo + g.nextBounded(hi - lo)]
        }
    case .doptimal:
        return greedyDOptimal(X: X, weights: weights, candidates: candidates, count: count, first: candidates[g.nextBounded(candidates.count)])
    }
}

/// A plan for the pool methods (a stack of several proxies and what builds on it): `n` distinct
/// rows of `candidates` from the pool's fits `fitted` (one array per proxy, over the dataset's
/// rows), each standardised over the candidates. `random` as `planSamples`; `stratified` by the
/// mean of the standardised fits; `doptimal` greedy D-optimal on [standardised fits, 1] from a
/// random first pick (the stack's own features). Same guarantees as `planSamples`.
public func planPoolSamples(fitted: [[Double]], candidates: [Int], n: Int, design: PlanDesign, seed: UInt64) -> [Int] {
    let count = max(0, min(n, candidates.count))
    guard count > 0 else { return [] }
    var g = SeededGenerator(seed: seed)
    let k = fitted.count
    // Standardised features, candidates x (k + 1), the last a constant.
    let p = k + 1
    var f = [Double](repeating: 0, count: candidates.count * p)
    for (j, v) in fitted.enumerated() {
        let vals = candidates.map { v[$0] }
        let mean = vals.reduce(0, +) / Double(vals.count)
        let sd = (vals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(vals.count)).squareRoot()
        for c in candidates.indices { f[c * p + j] = sd > 0 ? (vals[c] - mean) / sd : 0 }
    }
    for c in candidates.indices { f[c * p + k] = 1 }
    switch design {
    case .random:
        let perm = g.permutation(candidates.count)
        return perm.prefix(count).map { candidates[$0] }
    case .stratified:
        let score = candidates.indices.map { c in (0..<k).reduce(0.0) { $0 + f[c * p + $1] } }
        let sorted = candidates.indices.sorted { score[$0] != score[$1] ? score[$0] < score[$1] : candidates[$0] < candidates[$1] }
        return (0..<count).map { s in
            let lo = s * sorted.count / count, hi = (s + 1) * sorted.count / count
            return candidates[sorted[lo + g.nextBounded(hi - lo)]]
        }
    case .doptimal:
        return greedyDOptimal(features: f, p: p, candidates: candidates, count: count, first: candidates[g.nextBounded(candidates.count)])
    }
}

func greedyDOptimal(X: Matrix, weights w: [Double], candidates: [Int], count: Int, first: Int) -> [Int] {
    let d = X.cols
    let p = d + 2
    // Features of each candidate, row-major (candidates x p).
    var f = [Double](repeating: 0, count: candidates.count * p)
    for (k, r) in candidates.enumerated() {
        var dot = 0.0
        for j in 0..<d {
            let v = X[r, j] * w[j]
            f[k * p + 1 + j] = v
            dot += v
        }
        f[k * p] = dot
        f[k * p + p - 1] = 1
    }
    return greedyDOptimal(features: f, p: p, candidates: candidates, count: count, first: first)
}

/// Greedy D-optimal over row-major candidate features `f` (candidates x p).
func greedyDOptimal(features f: [Double], p: Int, candidates: [Int], count: Int, first: Int) -> [Int] {
    var diag = 0.0
    for k in 0..<candidates.count { for j in 0..<p { diag += f[k * p + j] * f[k * p + j] } }
    let eps = max(1e-12, 1e-6 * diag / Double(candidates.count * p))
    // Minv = M⁻¹ with M = εI + Σ f fᵀ over the chosen rows.
    var minv = [Double](repeating: 0, count: p * p)
    for j in 0..<p { minv[j * p + j] = 1 / eps }
    var chosen: [Int] = []
    var taken = [Bool](repeating: false, count: candidates.count)
    var u = [Double](repeating: 0, count: p)
    func add(_ k: Int) {
        // u = M⁻¹ f; M⁻¹ ← M⁻¹ − u uᵀ / (1 + fᵀu)
        for i in 0..<p {
            var s = 0.0
            for j in 0..<p { s += minv[i * p + j] * f[k * p + j] }
            u[i] = s
        }
        var denom = 1.0
        for j in 0..<p { denom += f[k * p + j] * u[j] }
        for i in 0..<p { for j in 0..<p { minv[i * p + j] -= u[i] * u[j] / denom } }
        taken[k] = true
        chosen.append(candidates[k])
    }
    if let k0 = candidates.firstIndex(of: first) { add(k0) }
    var t = [Double](repeating: 0, count: p)
    while chosen.count < count {
        var best = -1
        var bestGain = -Double.infinity
        for k in 0..<candidates.count where !taken[k] {
            // gain = fᵀ M⁻¹ f
            var gain = 0.0
            for i in 0..<p {
                var s = 0.0
                for j in 0..<p { s += minv[i * p + j] * f[k * p + j] }
                t[i] = s
                gain += f[k * p + i] * s
            }
            if best < 0 || gain > bestGain + 1e-12 * abs(bestGain) { bestGain = gain; best = k }
        }
        guard best >= 0 else { break }
        add(best)
    }
    return chosen
}

/// `count` distinct elements of `candidates`, in a random order determined by `seed` alone
/// (a seeded Fisher–Yates permutation; the first `min(count, candidates.count)` picks).
public func sampleRows(candidates: [Int], count: Int, seed: UInt64) -> [Int] {
    var g = SeededGenerator(seed: seed)
    let p = g.permutation(candidates.count)
    return p.prefix(max(0, min(count, candidates.count))).map { candidates[$0] }
}

/// The rows every one of `devices` measured (latency not NaN), ascending.
public func rowsMeasured(by devices: [Device]) -> [Int] {
    guard let first = devices.first else { return [] }
    return first.latencies.indices.filter { r in devices.allSatisfy { !$0.latencies[r].isNaN } }
}

/// `adapt`'s random samples (one target or many): `count` rows drawn by `sampleRows` among the rows
/// every one of `devices` (the proxy and the target) measured, so the same seed gives the same rows
/// whichever way the command is called. Throws when fewer rows qualify.
public func drawSamples(count: Int, measuredBy devices: [Device], seed: UInt64) throws -> [Int] {
    let candidates = rowsMeasured(by: devices)
    guard count <= candidates.count else {
        let names = devices.map(\.name).joined(separator: " and ")
        throw OneProxyError("\(count) samples asked for, but only \(candidates.count) architectures have \(devices.count == 2 ? "both" : "all") latencies (\(names))")
    }
    return sampleRows(candidates: candidates, count: count, seed: seed)
}
