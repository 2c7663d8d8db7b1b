import Foundation

// The one cross-validation engine of the Kit. Every choice of a penalty by held-out rows goes
// through the three routines below: a λ grid (`logSpacedGrid` and its presets), a fold assignment
// (`crossValidationFolds`) and a path (`crossValidatedPath`: for each fold, fit the whole λ path,
// predict the held-out rows; score every λ on the pooled out-of-fold predictions; pick λ by the
// stated rule; refit on all). Users: `adaptProxy` and `adaptLinear` (AdaProxy's λ, hence adapt,
// few-shot, stacks and `FeatureAdaProxyMethod`), the primal ridge (`ridgePath`: the target-only
// baseline and `ridgeByCV`), `dualRidge` (the feature-family ridges, exact leave-one-out),
// `crossValidateLinearFit` (one candidate) and `adviseByCrossValidation` (one candidate per method).

// MARK: - λ grids

/// `count` values log-spaced from `scale`·10^`from` to `scale`·10^`to`: value i is
/// `scale · 10^(from + (to − from)·i/(count − 1))`, computed in exactly that order (so each preset
/// below gives, bit for bit, the grid its caller has always used). Needs count >= 2.
public func logSpacedGrid(scale: Double, from: Double, to: Double, count: Int = 25) -> [Double] {
    precondition(count >= 2, "a log-spaced grid needs at least 2 values")
    return (0..<count).map { scale * pow(10, from + (to - from) * Double($0) / Double(count - 1)) }
}

/// AdaProxy's λ candidates: 0, then 25 values log-spaced from 1e-4·λ_max to λ_max, where λ_max is
/// the smallest λ at which b = 0 (so the grid spans "no penalty" to "b = 0", ascending).
public func defaultLambdaGrid(lambdaMax: Double) -> [Double] {
    [0] + logSpacedGrid(scale: lambdaMax, from: -4, to: 0)
}

/// The primal ridge's α candidates (`ridgePath`: the target-only baseline, `ridgeByCV`): 25 values
/// log-spaced over 1e-4 .. 1e2 times the mean eigenvalue of XcᵀXc/n.
public func ridgeGrid(meanEigen: Double) -> [Double] {
    logSpacedGrid(scale: meanEigen, from: -4, to: 2)
}

/// `dualRidge`'s λ candidates for a centred Gram matrix whose mean eigenvalue is `meanEigen` (1 when
/// it is not positive): 25 values log-spaced over 1e-3 .. 1e3 times it, then 1e12 times it (the
/// intercept alone).
public func dualRidgeGrid(meanEigen: Double) -> [Double] {
    let m = meanEigen > 0 ? meanEigen : 1
    return logSpacedGrid(scale: m, from: -3, to: 3) + [m * 1e12]
}

// MARK: - folds

/// One fold of a cross-validation over n samples (positions 0..<n): the held-out positions, one
/// contiguous run, and the positions the fold is fitted on.
public struct CVFold: Sendable, Equatable {
    /// The held-out positions.
    public var heldOut: Range<Int>
    /// n, the number of samples.
    public var count: Int
    /// Every position outside `heldOut`, ascending (computed when asked: an exact leave-one-out
    /// does not need it).
    public var training: [Int] { Array(0..<heldOut.lowerBound) + Array(heldOut.upperBound..<count) }
}

/// k contiguous folds over positions 0..<n, in order: fold f holds ⌊f·n/k⌋ ..< ⌊(f+1)·n/k⌋. `nil`
/// folds = leave-one-out (k = n). k above n is taken as n: it would only add empty folds, the
/// non-empty ones being the same single positions. Needs k >= 1 (k = 1 holds out everything).
public func crossValidationFolds(count n: Int, folds: Int?) -> [CVFold] {
    let k = min(folds ?? n, n)
    precondition(k >= 1, "cross-validation needs at least one fold")
    return (0..<k).map { f in CVFold(heldOut: (f * n / k)..<((f + 1) * n / k), count: n) }
}

// MARK: - scores and the choice of λ

/// How the engine scores each λ from the pooled out-of-fold predictions, and which λ it picks. The
/// two rules differ in their ties because their callers always did; each keeps its caller's numbers.
public enum CVCriterion: Sendable, Equatable {
    /// SRCC of the pooled out-of-fold predictions against y; the highest wins. A score within 1e-12
    /// (absolute) of the best counts as tied and the **larger λ** wins (the simpler model); an
    /// undefined score (constant predictions) never wins (index 0 when every score is undefined).
    /// AdaProxy's rule (`adaptProxy`, `adaptLinear`) and the primal ridge's (`ridgePath`); also
    /// the rule of `adaptProxy`'s `.validation` selection, on the validation rows' SRCC.
    case pooledSRCC
    /// Mean squared out-of-fold residual; the lowest wins. The grid is scanned in order and a later
    /// λ replaces the best so far when its score is at most (1 + 1e-12) times the best's (on an
    /// ascending grid: near-ties go to the larger λ). `dualRidge`'s rule.
    case meanSquaredError

    /// The score of one λ: its out-of-fold predictions against the measured y.
    public func score(_ predictions: [Double], _ y: [Double]) -> Double? {
        switch self {
        case .pooledSRCC: return spearman(predictions, y).value
        case .meanSquaredError:
            var s = 0.0
            for i in y.indices { let e = y[i] - predictions[i]; s += e * e }
            return s / Double(y.count)
        }
    }

    /// The index of the chosen λ (see each case).
    public func choose(_ scores: [Double?], lambdas: [Double]) -> Int {
        switch self {
        case .pooledSRCC:
            var best: Int?
            for i in scores.indices {
                guard let s = scores[i] else { continue }
                guard let b = best, let sb = scores[b] else { best = i; continue }
                if s > sb + 1e-12 || (abs(s - sb) <= 1e-12 && lambdas[i] > lambdas[b]) { best = i }
            }
            return best ?? 0
        case .meanSquaredError:
            var best = 0
            for i in scores.indices {
                guard let s = scores[i] else { continue }
                if let sb = scores[best] { if s <= sb * (1 + 1e-12) { best = i } } else { best = i }
            }
            return best
        }
    }
}

// MARK: - the path

/// The result of `crossValidatedPath`.
public struct CVPath<Model> {
    public var lambdas: [Double]
    /// Each λ's score (`CVCriterion.score`; nil when undefined).
    public var scores: [Double?]
    /// outOfFold[l][i]: sample i's prediction by the fit without its fold, at lambdas[l].
    public var outOfFold: [[Double]]
    /// The index of the chosen λ.
    public var chosen: Int
    /// The model refitted on all samples at the chosen λ.
    public var model: Model

    public var lambda: Double { lambdas[chosen] }
    public var score: Double? { scores[chosen] }
}

/// Cross-validation of a λ path over n samples with targets `y` (positions 0..<n):
/// 1. for each fold (in order), `fitFold(fold)` fits the whole path on `fold.training` and returns
///    the held-out predictions, one array per λ (in `lambdas` order) of `fold.heldOut.count` values;
/// 2. each λ is scored on the pooled out-of-fold predictions (`criterion`);
/// 3. λ is picked by the criterion's rule;
/// 4. `refit(chosen)` gives the model on all samples at `lambdas[chosen]`.
/// The folds must cover every position once (as `crossValidationFolds` does). `onFold(f)` is called
/// before fold f (for progress); cancellation is checked before and after each fold.
public func crossValidatedPath<Model>(
    y: [Double], lambdas: [Double], folds: [CVFold], criterion: CVCriterion = .pooledSRCC,
    context: ComputeContext = .none, onFold: (Int) -> Void = { _ in },
    fitFold: (CVFold) throws -> [[Double]], refit: (Int) throws -> Model
) throws -> CVPath<Model> {
    var oof = [[Double]](repeating: [Double](repeating: 0, count: y.count), count: lambdas.count)
    for (f, fold) in folds.enumerated() {
        try context.check()
        onFold(f)
        let predictions = try fitFold(fold)
        try context.check()
        for l in lambdas.indices {
            for (k, pos) in fold.heldOut.enumerated() { oof[l][pos] = predictions[l][k] }
        }
    }
    let scores: [Double?]
    if criterion == .pooledSRCC && !y.contains(where: \.isNaN) {
        // y's ranks once for every λ: what `spearman` computes when neither side has a NaN.
        // Each λ's predictions are ranked starting from the previous λ's order (neighbouring λ
        // order the samples nearly alike): the same ranks, fewer moves.
        let yRanks = averageRanks(y)
        var order: [Int32] = []
        scores = oof.map { p in p.contains(where: \.isNaN) ? criterion.score(p, y) : pearsonComplete(averageRanks(p, from: &order), yRanks) }
    } else {
        scores = oof.map { criterion.score($0, y) }
    }
    let chosen = criterion.choose(scores, lambdas: lambdas)
    return CVPath(lambdas: lambdas, scores: scores, outOfFold: oof, chosen: chosen, model: try refit(chosen))
}
