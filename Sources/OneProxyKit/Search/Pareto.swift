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
/// - `points` is the non-dominated set: a candidate is on the front unless another has latency <=
///   and accuracy >= with one of them strict. A point with equal latency and lower accuracy is
///   dominated; identical (accuracy, latency) pairs ("twins") do not dominate each other, so every
///   twin of a front point is on the front too: the front does not depend on row order.
/// - `points` is sorted by latency ascending, then index ascending; accuracy is non-decreasing,
///   equal exactly within a group of twins (points of equal latency on the front are twins) and
///   strictly ascending from one latency to the next.
/// - Candidates with a non-finite (NaN, missing, infinite) accuracy or latency are skipped and
///   counted in `skipped`.
/// - O(n log n): sort by (latency ascending, accuracy descending, index ascending); in each group
///   of equal latency, the points with the group's highest accuracy are kept when it exceeds the
///   running maximum of the groups before.
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
        var i = 0
        while i < valid.count {
            // A group of equal latency: its first point has the highest accuracy; the points
            // sharing that accuracy are twins, kept together (already in index order).
            let top = valid[i]
            var j = i + 1
            while j < valid.count && valid[j].latency == top.latency { j += 1 }
            if top.accuracy > best {
                for k in i..<j where valid[k].accuracy == top.accuracy { front.append(valid[k]) }
                best = top.accuracy
            }
            i = j
        }
        points = front
        candidateCount = candidates.count
        skipped = candidates.count - valid.count
    }

    /// The rows on the front, in latency order.
    public var indices: [Int] { points.map(\.index) }

    /// The most accurate candidate with latency <= `budget` (ties: lower latency, then lower
    /// index), or nil when none meets the budget (or the budget is NaN). O(log n) on the front:
    /// the best under any budget is always a front point, the last latency within the budget;
    /// of its twins, the first (lowest index).
    public func bestUnder(budget: Double) -> ParetoPoint? {
        guard !budget.isNaN else { return nil }
        let end = firstPosition { $0.latency > budget }
        guard end > 0 else { return nil }
        let latency = points[end - 1].latency
        return points[firstPosition { $0.latency >= latency }]
    }

    /// The first position whose point satisfies a predicate that is false then true along the
    /// front (monotone in latency), or `points.count` when none does; binary search.
    private func firstPosition(where isPast: (ParetoPoint) -> Bool) -> Int {
        var lo = 0, hi = points.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isPast(points[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// The front's distinct (accuracy, latency) points, one per group of twins (its lowest index),
    /// in latency order: accuracy and latency both strictly ascending.
    public var distinctPoints: [ParetoPoint] {
        var out: [ParetoPoint] = []
        for p in points where out.last?.latency != p.latency { out.append(p) }
        return out
    }

    /// The 2-D hypervolume of the front against the reference point (`referenceAccuracy`,
    /// `referenceLatency`): the area of the region dominated by the front and dominating the
    /// reference, i.e. the union over front points p of [p.latency, refLat] x [refAcc, p.accuracy].
    ///
    /// Exactly, over the distinct points (twins cover the same box and count once) sorted by
    /// latency (accuracy ascending) and clipped to the reference box (points with accuracy <=
    /// refAcc or latency >= refLat add nothing): `HV = Σᵢ (accᵢ − refAcc) · (latᵢ₊₁ − latᵢ)`, with
    /// `lat₍ₙ₊₁₎ = refLat`.
    public func hypervolume(referenceAccuracy: Double, referenceLatency: Double) -> Double {
        let inside = distinctPoints.filter { $0.accuracy > referenceAccuracy && $0.latency < referenceLatency }
        var area = 0.0
        for (i, p) in inside.enumerated() {
            let nextLatency = i + 1 < inside.count ? inside[i + 1].latency : referenceLatency
            area += (p.accuracy - referenceAccuracy) * (nextLatency - p.latency)
        }
        return area
    }
}
