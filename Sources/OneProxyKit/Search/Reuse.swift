/// How well a front found on a proxy device serves a target device (METHOD.md section 7: search
/// once on the proxy, evaluate the same architectures on each target).
///
/// All measures use the target's latencies and the accuracies; the proxy enters only through the
/// set of rows on its front. Definitions (T = the target's own exact front over all candidates,
/// P = the proxy-front rows with a finite target latency and accuracy):
///
/// - `frontRecall = |T ∩ P| / |T|`, by row (architecture): the share of the target's front the
///   proxy's front recovered. (Identical (accuracy, latency) duplicates of a front point count only
///   as the row the front keeps, the lowest index.)
/// - Accuracy lost, on the budgets b = the latencies of T's points: `lost(b) = best(T, b) −
///   best(P, b)`, where best(X, b) is the highest accuracy in X with target latency <= b; so
///   `best(T, b)` is the accuracy of that front point and `lost(b) >= 0`. Budgets under which no
///   architecture of P fits are skipped and counted in `budgetsSkipped` (they are the target's
///   fastest models, which the proxy's front missed). `accuracyLostMean` and `accuracyLostMax` are
///   the mean and maximum over the other budgets, nil when every budget was skipped.
/// - `hypervolumeRatio = HV(front of P on the target) / HV(T)`, both 2-D hypervolumes
///   (`ParetoFront.hypervolume`) against one reference point: accuracy = the lowest accuracy and
///   latency = the highest target latency over all valid candidates (finite accuracy and target
///   latency). It lies in [0, 1] (P is a subset of the candidates); nil when HV(T) is 0 (fewer
///   than two distinct candidates).
public struct ReuseReport: Sendable, Equatable {
    /// The target's own exact front over all candidates.
    public var targetFront: ParetoFront
    /// The front of the proxy-front architectures evaluated on the target.
    public var reusedFront: ParetoFront
    /// Distinct proxy-front rows given.
    public var proxyCount: Int
    /// Proxy-front rows lacking a target latency or accuracy (left out of every measure).
    public var proxyMissing: Int
    /// Target front points whose row is among the proxy-front rows.
    public var recovered: Int
    /// `recovered / targetFront.points.count` (0 when the target front is empty).
    public var frontRecall: Double
    public var accuracyLostMean: Double?
    public var accuracyLostMax: Double?
    /// Budgets (target-front latencies) where some proxy-front architecture fits.
    public var budgetsUsed: Int
    /// Budgets where none fits (skipped in the accuracy lost).
    public var budgetsSkipped: Int
    public var hypervolumeReused: Double
    public var hypervolumeTarget: Double
    public var hypervolumeRatio: Double?
    /// The hypervolume's reference point (worst accuracy, highest target latency).
    public var referenceAccuracy: Double
    public var referenceLatency: Double
}

/// Compares the proxy's front (`proxyFront`, rows of the dataset) with the target's own, using the
/// target's latencies and the accuracies of every candidate row (see `ReuseReport` for the
/// formulas). Throws when the arrays differ in length or a proxy row is out of range.
public func reuseReport(proxyFront: [Int], targetLatencies: [Double], accuracies: [Double]) throws -> ReuseReport {
    guard targetLatencies.count == accuracies.count else {
        throw OneProxyError("\(accuracies.count) accuracies but \(targetLatencies.count) target latencies were given")
    }
    for r in proxyFront where !accuracies.indices.contains(r) {
        throw OneProxyError("proxy-front row \(r + 1) is out of range (1...\(accuracies.count))")
    }
    let target = try ParetoFront(accuracies: accuracies, latencies: targetLatencies)
    let proxyRows = Array(Set(proxyFront)).sorted()
    let reused = try ParetoFront(accuracies: accuracies, latencies: targetLatencies, rows: proxyRows)
    let proxySet = Set(proxyRows)
    let recovered = target.points.reduce(0) { $0 + (proxySet.contains($1.index) ? 1 : 0) }

    var losses: [Double] = []
    var skipped = 0
    for p in target.points {
        if let q = reused.bestUnder(budget: p.latency) { losses.append(p.accuracy - q.accuracy) } else { skipped += 1 }
    }

    var refAcc = Double.infinity, refLat = -Double.infinity
    for r in accuracies.indices where accuracies[r].isFinite && targetLatencies[r].isFinite {
        refAcc = min(refAcc, accuracies[r])
        refLat = max(refLat, targetLatencies[r])
    }
    let hvT = refAcc.isFinite ? target.hypervolume(referenceAccuracy: refAcc, referenceLatency: refLat) : 0
    let hvP = refAcc.isFinite ? reused.hypervolume(referenceAccuracy: refAcc, referenceLatency: refLat) : 0

    return ReuseReport(
        targetFront: target, reusedFront: reused, proxyCount: proxyRows.count, proxyMissing: reused.skipped,
        recovered: recovered,
        frontRecall: target.points.isEmpty ? 0 : Double(recovered) / Double(target.points.count),
        accuracyLostMean: losses.isEmpty ? nil : losses.reduce(0, +) / Double(losses.count),
        accuracyLostMax: losses.max(), budgetsUsed: losses.count, budgetsSkipped: skipped,
        hypervolumeReused: hvP, hypervolumeTarget: hvT, hypervolumeRatio: hvT > 0 ? hvP / hvT : nil,
        referenceAccuracy: refAcc, referenceLatency: refLat)
}
