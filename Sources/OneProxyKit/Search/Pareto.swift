/// One candidate architecture on an accuracy–latency plane: a dataset row, its accuracy (percent,
/// higher is better) and latency (ms, lower is better).
public struct ParetoPoint: Sendable, Equatable {
    public var index: Int
    public var accuracy: Double
    public var latency: Double

    public init(index: Int, accuracy: Double, latency: Double) {
        self.index = index
        self.accuracy = accuracy
        self.latency = latency
    }
}

/// The exact Pareto front of maximum accuracy against minimum latency.
///
/// Guarantees:
/// - `points` is the non-dominated set: no candidate has latency <= and accuracy >= a front point
///   with one of them strict. A point with equal latency and lower accuracy is dominated.
/// - Identical (accuracy, latency) pairs are kept once, as the lowest index.
/// - `points` is sorted by latency ascending; accuracy is then strictly ascending too.
/// - Candidates with a non-finite (NaN, missing, infinite) accuracy or latency are skipped and
///   counted in `skipped`.
/// - O(n log n): sort by (latency ascending, accuracy descending, index ascending), then keep each
///   point whose accuracy exceeds the running maximum of the points before it.
public struct ParetoFront: Sendable, Equatable {
    public var points: [ParetoPoint]
    /// Candidates considered (including the skipped ones).
    public var candidateCount: Int
    /// Candidates skipped for a non-finite accuracy or latency.
    public var skipped: Int

    /// The front of `rows` (default: every row) of parallel `accuracies` and `latencies`.
    /// Throws when the two arrays differ in length or a row is out of range.
    public init(accuracies: [Double], latencies: [Double], rows: [Int]? = nil) throws {
        guard accuracies.count == latencies.count else {
            throw OneProxyError("\(accuracies.count) accuracies but \(latencies.count) latencies were given")
        }
        let rows = rows ?? Array(accuracies.indices)
        var candidates: [ParetoPoint] = []
        candidates.reserveCapacity(rows.count)
        var skipped = 0
        for r in rows {
            guard accuracies.indices.contains(r) else {
                throw OneProxyError("row \(r + 1) is out of range (1...\(accuracies.count))")
            }
            let a = accuracies[r], l = latencies[r]
            if a.isFinite && l.isFinite {
                candidates.append(ParetoPoint(index: r, accuracy: a, latency: l))
            } else {
                skipped += 1
            }
        }
        self.init(candidates: candidates)
        self.candidateCount = rows.count
        self.skipped = skipped
    }

    /// The front of explicit candidates (non-finite ones are skipped and counted).
    public init(candidates: [ParetoPoint]) {
        var valid = candidates.filter { $0.accuracy.isFinite && $0.latency.isFinite }
        valid.sort {
            if $0.latency != $1.latency { return $0.latency < $1.latency }
            if $0.accuracy != $1.accuracy { return $0.accuracy > $1.accuracy }
            return $0.index < $1.index
        }
        var front: [ParetoPoint] = []
        var best = -Double.infinity
        for p in valid where p.accuracy > best {
            front.append(p)
            best = p.accuracy
        }
        points = front
        candidateCount = candidates.count
        skipped = candidates.count - valid.count
    }

    /// The rows on the front, in latency order.
    public var indices: [Int] { points.map(\.index) }

    /// The most accurate candidate with latency <= `budget` (ties: lower latency, then lower
    /// index), or nil when none meets the budget (or the budget is NaN). O(log n) on the front:
    /// the best under any budget is always a front point, the last one within the budget.
    public func bestUnder(budget: Double) -> ParetoPoint? {
        guard !budget.isNaN else { return nil }
        var lo = 0, hi = points.count  // first point with latency > budget
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].latency <= budget { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? points[lo - 1] : nil
    }

    /// The 2-D hypervolume of the front against the reference point (`referenceAccuracy`,
    /// `referenceLatency`): the area of the region dominated by the front and dominating the
    /// reference, i.e. the union over front points p of [p.latency, refLat] x [refAcc, p.accuracy].
    ///
    /// Exactly, with the front sorted by latency (accuracy ascending) and points clipped to the
    /// reference box (points with accuracy <= refAcc or latency >= refLat add nothing):
    /// `HV = Σᵢ (accᵢ − refAcc) · (latᵢ₊₁ − latᵢ)`, with `lat₍ₙ₊₁₎ = refLat`.
    public func hypervolume(referenceAccuracy: Double, referenceLatency: Double) -> Double {
        let inside = points.filter { $0.accuracy > referenceAccuracy && $0.latency < referenceLatency }
        var area = 0.0
        for (i, p) in inside.enumerated() {
            let nextLatency = i + 1 < inside.count ? inside[i + 1].latency : referenceLatency
            area += (p.accuracy - referenceAccuracy) * (nextLatency - p.latency)
        }
        return area
    }
}
