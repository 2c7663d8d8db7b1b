/// How well a front found on a proxy device serves a target device (METHOD.md section 7: search
/// once on the proxy, evaluate the same architectures on each target).
///
/// All measures use the target's latencies and the accuracies; the proxy enters only through the
/// set of rows on its front. Definitions (C = the candidate rows with a finite accuracy and target
/// latency, T = the target's own exact front over C, P = the proxy-front rows with a finite target
/// latency and accuracy; a "point" is an (accuracy, target latency) pair):
///
/// - `frontRecall = recovered / |D|`, where D is the set of T's distinct points (twins, rows with
///   the same pair, all lie on T and make one point) and a point of D is recovered when some row of
///   P has exactly that pair. It counts trade-offs, not rows, so it does not depend on which of
///   several twins the proxy's front holds.
/// - Accuracy lost, on the budgets b = the latencies of D's points (one per point): `lost(b) =
///   best(T, b) − best(P, b)`, where best(X, b) is the highest accuracy in X with target latency
///   <= b; so `best(T, b)` is the accuracy of that point and `lost(b) >= 0`. When no architecture
///   of P fits under b (the target's fastest models, which the proxy's front missed), the budget is
///   unmet and `lost(b) = best(T, b) − referenceAccuracy`, the worst accuracy over C: having no
///   model counts as having the worst candidate. It is the hypervolume's own reference, and no
///   reused model can lose more at that budget, so missing a budget never scores better than
///   meeting it with any candidate. `accuracyLostMean` and `accuracyLostMax` cover every budget
///   (the unmet ones at this penalty; nil when D is empty); `accuracyLostMeanMet` and
///   `accuracyLostMaxMet` only the met ones (nil when none is met); `budgetsUnmet` counts the rest.
/// - `hypervolumeRatio = HV(front of P on the target) / HV(T)`, both 2-D hypervolumes
///   (`ParetoFront.hypervolume`, twins counted once) against one reference point: accuracy = the
///   lowest accuracy and latency = the highest target latency over C. It lies in [0, 1] (P is a
///   subset of C); nil when HV(T) is 0 (fewer than two distinct candidates).
public struct ReuseReport: Sendable, Equatable {
    /// The target's own exact front over the candidates.
    public var targetFront: ParetoFront
    /// The front of the proxy-front architectures evaluated on the target.
    public var reusedFront: ParetoFront
    /// Distinct proxy-front rows given.
    public var proxyCount: Int
    /// Proxy-front rows lacking a target latency or accuracy (left out of every measure).
    public var proxyMissing: Int
    /// The target front's distinct (accuracy, latency) points (its size with twins counted once):
    /// the recall's denominator and the number of budgets.
    public var targetPoints: Int
    /// Distinct target-front points some proxy-front row has exactly.
    public var recovered: Int
    /// `recovered / targetPoints` (0 when the target front is empty).
    public var frontRecall: Double
    /// Mean and maximum accuracy lost over every budget, unmet budgets at the penalty.
    public var accuracyLostMean: Double?
    public var accuracyLostMax: Double?
    /// Mean and maximum accuracy lost over the met budgets only.
    public var accuracyLostMeanMet: Double?
    public var accuracyLostMaxMet: Double?
    /// Budgets (distinct target-front latencies) where some proxy-front architecture fits.
    public var budgetsMet: Int
    /// Budgets where none fits (their loss is the penalty: the point's accuracy − `referenceAccuracy`).
    public var budgetsUnmet: Int
    public var hypervolumeReused: Double
    public var hypervolumeTarget: Double
    public var hypervolumeRatio: Double?
    /// The hypervolume's reference point (worst accuracy, highest target latency over the
    /// candidates); the worst accuracy is also the unmet budgets' reference.
    public var referenceAccuracy: Double
    public var referenceLatency: Double
}

/// Compares the proxy's front (`proxyFront`, rows of the dataset) with the target's own, using the
/// target's latencies and the accuracies of the candidate rows (`candidates`, default every row;
/// see `ReuseReport` for the formulas). Throws when the arrays differ in length, a row is out of
/// range, or a proxy row is not among the candidates (the proxy searched a different set).
public func reuseReport(
    proxyFront: [Int], targetLatencies: [Double], accuracies: [Double], candidates: [Int]? = nil
) throws -> ReuseReport {
    guard targetLatencies.count == accuracies.count else {
        throw OneProxyError("\(accuracies.count) accuracies but \(targetLatencies.count) target latencies were given")
    }
    for r in proxyFront where !accuracies.indices.contains(r) {
        throw OneProxyError("proxy-front row \(r + 1) is out of range (1...\(accuracies.count))")
    }
    let proxyRows = Array(Set(proxyFront)).sorted()
    if let candidates {
        let allowed = Set(candidates)
        if let r = proxyRows.first(where: { !allowed.contains($0) }) {
            throw OneProxyError("proxy-front row \(r + 1) is not among the candidates the target's front is computed over")
        }
    }
    let target = try ParetoFront(accuracies: accuracies, latencies: targetLatencies, rows: candidates)
    let reused = try ParetoFront(accuracies: accuracies, latencies: targetLatencies, rows: proxyRows)

    var refAcc = Double.infinity, refLat = -Double.infinity
    for r in candidates ?? Array(accuracies.indices) where accuracies[r].isFinite && targetLatencies[r].isFinite {
        refAcc = min(refAcc, accuracies[r])
        refLat = max(refLat, targetLatencies[r])
    }

    struct Pair: Hashable { var accuracy, latency: Double }
    let proxyPairs = Set(proxyRows.map { Pair(accuracy: accuracies[$0], latency: targetLatencies[$0]) })
    let distinct = target.distinctPoints
    let recovered = distinct.reduce(0) { $0 + (proxyPairs.contains(Pair(accuracy: $1.accuracy, latency: $1.latency)) ? 1 : 0) }

    var all: [Double] = [], met: [Double] = []
    for p in distinct {
        if let q = reused.bestUnder(budget: p.latency) {
            met.append(p.accuracy - q.accuracy)
            all.append(p.accuracy - q.accuracy)
        } else {
            all.append(p.accuracy - refAcc)
        }
    }
    func mean(_ x: [Double]) -> Double? { x.isEmpty ? nil : x.reduce(0, +) / Double(x.count) }

    let hvT = refAcc.isFinite ? target.hypervolume(referenceAccuracy: refAcc, referenceLatency: refLat) : 0
    let hvP = refAcc.isFinite ? reused.hypervolume(referenceAccuracy: refAcc, referenceLatency: refLat) : 0

    return ReuseReport(
        targetFront: target, reusedFront: reused, proxyCount: proxyRows.count, proxyMissing: reused.skipped,
        targetPoints: distinct.count, recovered: recovered,
        frontRecall: distinct.isEmpty ? 0 : Double(recovered) / Double(distinct.count),
        accuracyLostMean: mean(all), accuracyLostMax: all.max(), accuracyLostMeanMet: mean(met), accuracyLostMaxMet: met.max(),
        budgetsMet: met.count, budgetsUnmet: distinct.count - met.count,
        hypervolumeReused: hvP, hypervolumeTarget: hvT, hypervolumeRatio: hvT > 0 ? hvP / hvT : nil,
        referenceAccuracy: refAcc, referenceLatency: refLat)
}
