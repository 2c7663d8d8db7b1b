import Foundation

/// How AdaProxy's λ is chosen.
public enum LambdaSelection: Sendable, Equatable {
    /// Fit on the training rows at each candidate; keep the λ with the best SRCC on the validation
    /// rows (the paper's rule).
    case validation
    /// k-fold cross-validation over train ∪ val in the given order (train rows, then val rows),
    /// in contiguous folds: fold f holds positions ⌊f·n/k⌋ ..< ⌊(f+1)·n/k⌋. The score is the SRCC of
    /// the pooled out-of-fold predictions; the chosen λ is then refitted on all of train ∪ val.
    /// `nil` folds = leave-one-out.
    case crossValidation(folds: Int?)
    /// This λ, fitted on the training rows.
    case fixed(Double)
}

/// One candidate λ on the path, with the SRCC of its predictions (nil when undefined, e.g. constant).
public struct LambdaPathEntry: Sendable, Equatable {
    public var lambda: Double
    /// Of the fit at this λ (on the rows the final model is fitted on) over the training rows.
    public var trainSRCC: Double?
    /// Same fit, over the validation rows (held out for `.validation`/`.fixed`; in-sample for CV).
    public var valSRCC: Double?
    /// Pooled out-of-fold SRCC, when λ is chosen by cross-validation.
    public var cvSRCC: Double?
    /// Same fit, over every row the target measured.
    public var allSRCC: Double?
}

/// Which predictions the absolute errors of an adaptation are measured on.
public enum ErrorRows: String, Sendable {
    /// The target's measured rows outside the samples.
    case heldOut = "held-out rows"
    /// Cross-validation's out-of-fold predictions of the samples.
    case outOfFold = "out-of-fold predictions"
    /// The validation rows (fitted on the training rows only).
    case validation = "validation rows"
    case none = "none"
}

/// Mean absolute percentage error (as a fraction: 0.05 is 5%) and the share within ±10%, of
/// predictions against positive measurements; nil when there are none.
public func absoluteErrors(predicted: [Double], measured: [Double]) -> (mape: Double, within10: Double)? {
    var sum = 0.0, inside = 0, n = 0
    for (p, y) in zip(predicted, measured) where y > 0 && p.isFinite && y.isFinite {
        let e = abs(p - y) / y
        sum += e
        if e <= 0.1 { inside += 1 }
        n += 1
    }
    guard n > 0 else { return nil }
    return (sum / Double(n), Double(inside) / Double(n))
}

/// The result of `adaptProxy`: the adapted predictor, the honest baselines, and the λ path.
public struct AdaptationReport: Sendable {
    public var norm: AdaNorm
    public var selection: LambdaSelection
    /// The chosen λ in the scaled objective (see `adaptProxy`).
    public var lambda: Double
    /// The same λ in METHOD.md's objective written in the data's own units: λ · σ_y · σ_p.
    public var lambdaInDataUnits: Double
    /// The units used: σ_y (target) and σ_p (proxy fit predictions) over the fitted rows.
    public var scale: AdaProxyScale
    public var a: Double
    public var b: [Double]
    public var c: Double
    /// w ∘ (a·1 + b): the adapted predictor is `x ↦ x · adaptedWeights + c`.
    public var adaptedWeights: [Double]
    /// The proxy's linear predictor (fitted on every row the proxy measured).
    public var proxyPredictor: LinearPredictor
    /// SRCC of the adapted predictor over every row the target measured, the training rows, the
    /// validation rows.
    public var srccAdapted: Double?
    public var srccTrain: Double?
    public var srccVal: Double?
    /// Baseline: proxy latencies vs target latencies over the rows both measured.
    public var srccRaw: Double?
    /// Baseline: the proxy's fit x·w vs target latencies over the rows the target measured.
    public var srccProxyFit: Double?
    /// Baseline: ridge on the encoding with the same target samples and no proxy, its strength
    /// chosen by the same rule (validation for `.validation`/`.fixed`, the same folds for CV).
    public var srccTargetOnly: Double?
    /// The ridge strength α of that baseline, in (1/n)‖Xβ + c − y‖² + α‖β‖².
    public var targetOnlyAlpha: Double
    public var train: [Int]
    public var val: [Int]
    public var path: [LambdaPathEntry]
    /// True when the target measured no row outside the samples (a new device measured only on
    /// its samples): every SRCC over "all rows" is then in-sample, and only out-of-fold figures
    /// (`srccCV`, and the errors below) say how the predictor does on architectures it has not seen.
    public var inSample: Bool = false
    /// The pooled out-of-fold SRCC at the chosen λ (CV only).
    public var srccCV: Double?
    /// The target-only baseline's score by the same rule (out-of-fold for CV, validation otherwise).
    public var srccTargetOnlyCV: Double?
    /// Out-of-fold predictions at the chosen λ, one per sample in `train + val` order (CV only).
    public var outOfFold: [Double]?
    /// Absolute error in the target's unit, on the rows the model was not fitted on: the target's
    /// measured rows outside the samples when there are any (`errorRows == .heldOut`), else the
    /// out-of-fold predictions (CV) or the validation rows (validation selection).
    public var mape: Double?
    /// The share of those predictions within ±10% of the measurement (nn-Meter's and LitePred's figure).
    public var within10: Double?
    public var errorRows: ErrorRows = .none
    public var errorCount: Int = 0

    /// The adapted predictor's latency for each row of X.
    public func predict(_ x: Matrix) -> [Double] {
        x.multiply(adaptedWeights).map { $0 + c }
    }
}

/// AdaProxy (METHOD.md §4): adapts the proxy's linear predictor to a target from a few samples.
///
/// The proxy's weights w are `fitLinearPredictor` on every row the proxy measured. For each
/// candidate λ the problem `min (1/n)‖X(w̃ ∘ (a + b)) + c̃ − ỹ‖² + λ‖b‖_p` is solved exactly
/// (`AdaProxyProblem`), where ỹ = y/σ_y and w̃ = w/σ_p, with σ_y the population standard deviation
/// of the target latencies and σ_p that of the proxy fit x·w, both over the rows the final model is
/// fitted on (train for `.validation`/`.fixed`, train ∪ val for CV; the same scale is used inside
/// every fold). So λ does not depend on the units of either device: multiplying all latencies by
/// 1000 gives the same λ, a, b and predictions × 1000. The reported a, b, c are in data units.
///
/// Selection: the λ with the highest score (validation SRCC, or pooled out-of-fold SRCC by the
/// cross-validation engine, `crossValidatedPath`); scores within 1e-12 count as tied and the
/// **larger** λ wins (the simpler model, closer to the proxy); an undefined score (constant
/// predictions) never wins (`CVCriterion.pooledSRCC`).
///
/// Throws `OneProxyError` when the inputs disagree in length, a sample row is out of range or
/// repeated, a sampled row has no target or proxy latency (naming the row), there are too few
/// samples (train ≥ 3 and val ≥ 2 for validation; ≥ 3 rows and 2 ≤ folds ≤ n for CV; train ≥ 3 for
/// fixed), the target latencies are constant over the samples, or λ is negative.
public func adaptProxy(
    X: Matrix, proxyLatencies: [Double], targetLatencies: [Double], train: [Int], val: [Int],
    norm: AdaNorm, selection: LambdaSelection, grid: [Double]? = nil, context: ComputeContext = .none
) throws -> AdaptationReport {
    guard proxyLatencies.count == X.rows, targetLatencies.count == X.rows else {
        throw OneProxyError("the encoding has \(X.rows) rows but \(proxyLatencies.count) proxy and \(targetLatencies.count) target latencies were given")
    }
    var seen = Set<Int>()
    for row in train + val {
        guard row >= 0 && row < X.rows else {
            throw OneProxyError("sample row \(row) is out of range (the data has rows 0..<\(X.rows))")
        }
        guard seen.insert(row).inserted else { throw OneProxyError("sample row \(row) is used twice") }
        if targetLatencies[row].isNaN { throw OneProxyError("sample row \(row) has no target latency") }
        if proxyLatencies[row].isNaN { throw OneProxyError("sample row \(row) has no proxy latency") }
    }
    let fitRows: [Int]
    switch selection {
    case .validation:
        guard train.count >= 3, val.count >= 2 else {
            throw OneProxyError("too few samples: validation selection needs at least 3 training and 2 validation rows (got \(train.count) and \(val.count))")
        }
        fitRows = train
    case .fixed(let lam):
        guard lam >= 0, lam.isFinite else { throw OneProxyError("λ must be a finite number >= 0, got \(lam)") }
        guard train.count >= 3 else {
            throw OneProxyError("too few samples: a fit needs at least 3 training rows (got \(train.count))")
        }
        fitRows = train
    case .crossValidation(let folds):
        let n = train.count + val.count
        guard n >= 3 else { throw OneProxyError("too few samples: cross-validation needs at least 3 rows (got \(n))") }
        if let k = folds, k < 2 || k > n {
            throw OneProxyError("cross-validation needs between 2 and \(n) folds, got \(k)")
        }
        fitRows = train + val
    }
    if let grid, let bad = grid.first(where: { !($0 >= 0 && $0.isFinite) }) {
        throw OneProxyError("λ candidates must be finite numbers >= 0, got \(bad)")
    }

    try context.check()
    let proxyFit = try fitLinearPredictor(X: X, latencies: proxyLatencies)
    try context.check()
    let w = proxyFit.weights
    let proxyPred = proxyFit.predict(X)
    let targetRows = targetLatencies.indices.filter { !targetLatencies[$0].isNaN }
    let yAll = targetRows.map { targetLatencies[$0] }

    let sY = populationStd(fitRows.map { targetLatencies[$0] })
    let sP = populationStd(fitRows.map { proxyPred[$0] })
    guard sY > 0 else { throw OneProxyError("the target latencies are constant over the samples: nothing to adapt to") }
    let scale = AdaProxyScale(target: sY, proxy: sP > 0 ? sP : 1)

    func problem(_ rows: [Int]) -> AdaProxyProblem {
        AdaProxyProblem(x: X.selectingRows(rows), weights: w, targets: rows.map { targetLatencies[$0] }, scale: scale)
    }
    func weightsOf(_ s: AdaProxySolution) -> [Double] { (0..<w.count).map { w[$0] * (s.a + s.b[$0]) } }
    func predictRows(_ s: AdaProxySolution, _ rows: [Int]) -> [Double] {
        let ws = weightsOf(s)
        let d = ws.count
        return X.storage.withUnsafeBufferPointer { x in
            rows.map { i in
                var acc = s.c
                let base = i * d
                for j in 0..<d { acc += x[base + j] * ws[j] }
                return acc
            }
        }
    }
    func srcc(_ pred: [Double], _ rows: [Int]) -> Double? { spearman(pred, rows.map { targetLatencies[$0] }).value }
    // SRCC over every target row, for each λ of the path: the target's ranks once (exactly what
    // `spearman` computes, as no prediction is NaN for finite X; otherwise `spearman` itself).
    let yAllRanks = averageRanks(yAll)
    func srccAll(_ p: [Double]) -> Double? {
        if p.contains(where: \.isNaN) { return spearman(p, yAll).value }
        return pearsonComplete(averageRanks(p), yAllRanks)
    }

    let full = problem(fitRows)
    let candidates: [Double]
    if case .fixed(let lam) = selection { candidates = [lam] } else {
        candidates = grid ?? defaultLambdaGrid(lambdaMax: full.lambdaMax(norm))
    }
    try context.check()
    let fits = full.solvePath(norm: norm, lambdas: candidates)
    try context.check()
    let allPredictions = predictAdapted(X: X, weights: w, solutions: fits, rows: targetRows)
    try context.check()
    var path: [LambdaPathEntry] = []
    for l in fits.indices {
        try context.check() // per λ: each ranks every target row
        let s = fits[l]
        path.append(LambdaPathEntry(lambda: s.lambda, trainSRCC: srcc(predictRows(s, train), train),
                                    valSRCC: srcc(predictRows(s, val), val), cvSRCC: nil,
                                    allSRCC: srccAll(allPredictions[l])))
    }

    var chosen = 0
    var outOfFold: [Double]?
    var folds: [CVFold] = []
    switch selection {
    case .fixed: chosen = 0
    case .validation: chosen = CVCriterion.pooledSRCC.choose(path.map(\.valSRCC), lambdas: candidates)
    case .crossValidation(let k):
        folds = crossValidationFolds(count: fitRows.count, folds: k)
        // Cancellation is checked per fold (one λ path each) and per λ within a fold.
        var progress = context.reporter("cross-validation", total: 2 * folds.count)
        let cv = try crossValidatedPath(
            y: fitRows.map { targetLatencies[$0] }, lambdas: candidates, folds: folds, context: context,
            onFold: { progress.advance(to: $0) },
            fitFold: { fold in
                let outRows = fold.heldOut.map { fitRows[$0] }
                return full.droppingSamples(fold.heldOut)
                    .pathPredictions(norm: norm, lambdas: candidates, x: X, weights: w, rows: outRows, cancellation: context.cancellation)
            },
            refit: { fits[$0] })
        for ci in candidates.indices { path[ci].cvSRCC = cv.scores[ci] }
        chosen = cv.chosen
        outOfFold = cv.outOfFold[chosen]
    }
    let best = fits[chosen]
    let adapted = weightsOf(best)

    // Target-only ridge baseline on the same samples.
    let (alpha, ridgePred, ridgeScore) = try targetOnlyRidge(X: X, y: targetLatencies, fitRows: fitRows, val: val, folds: folds, selection: selection,
                                                             context: context, progressOffset: folds.count)

    // Absolute errors where the model was not fitted: held-out rows first, else out-of-fold or validation.
    let sampled = Set(train + val)
    let heldOut = targetRows.filter { !sampled.contains($0) }
    var errors: (mape: Double, within10: Double)?
    var errorRows = ErrorRows.none
    var errorCount = 0
    if !heldOut.isEmpty {
        errors = absoluteErrors(predicted: predictRows(best, heldOut), measured: heldOut.map { targetLatencies[$0] })
        errorRows = .heldOut
        errorCount = heldOut.count
    } else if let oof = outOfFold {
        errors = absoluteErrors(predicted: oof, measured: fitRows.map { targetLatencies[$0] })
        errorRows = .outOfFold
        errorCount = fitRows.count
    } else if !val.isEmpty, case .validation = selection {
        errors = absoluteErrors(predicted: predictRows(best, val), measured: val.map { targetLatencies[$0] })
        errorRows = .validation
        errorCount = val.count
    }

    var report = AdaptationReport(
        norm: norm, selection: selection, lambda: best.lambda, lambdaInDataUnits: best.lambda * scale.target * scale.proxy,
        scale: scale, a: best.a, b: best.b, c: best.c, adaptedWeights: adapted, proxyPredictor: proxyFit,
        srccAdapted: path[chosen].allSRCC, srccTrain: path[chosen].trainSRCC, srccVal: path[chosen].valSRCC,
        srccRaw: spearman(proxyLatencies, targetLatencies).value,
        srccProxyFit: spearman(targetRows.map { proxyPred[$0] }, yAll).value,
        srccTargetOnly: spearman(targetRows.map { ridgePred[$0] }, yAll).value,
        targetOnlyAlpha: alpha, train: train, val: val, path: path)
    report.inSample = heldOut.isEmpty
    report.srccCV = path[chosen].cvSRCC
    report.srccTargetOnlyCV = ridgeScore
    report.outOfFold = outOfFold
    report.mape = errors?.mape
    report.within10 = errors?.within10
    report.errorRows = errors == nil ? .none : errorRows
    report.errorCount = errors == nil ? 0 : errorCount
    return report
}

func populationStd(_ v: [Double]) -> Double {
    guard !v.isEmpty else { return 0 }
    let m = v.reduce(0, +) / Double(v.count)
    return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
}

/// The target-only baseline: ridge `(1/n)‖X β + c − y‖² + α‖β‖²` (c unpenalised) on the sampled
/// rows, α among `ridgeGrid` (1e-4 .. 1e2 times the mean eigenvalue of XcᵀXc/n), chosen by the
/// same rule as λ (`ridgePath` with the same folds for CV). Returns α, the predictions for every
/// row of X, and the chosen α's score (pooled out-of-fold SRCC for CV, validation SRCC otherwise).
func targetOnlyRidge(X: Matrix, y: [Double], fitRows: [Int], val: [Int], folds: [CVFold], selection: LambdaSelection,
                     context: ComputeContext = .none, progressOffset: Int = 0) throws -> (Double, [Double], Double?) {
    let xs = X.selectingRows(fitRows), ys = fitRows.map { y[$0] }
    let model: LinearLatencyModel, alpha: Double, score: Double?
    if case .crossValidation = selection {
        var progress = context.reporter("cross-validation", total: progressOffset + folds.count)
        let cv = try ridgePath(x: xs, y: ys, folds: folds, context: context, onFold: { progress.advance(to: progressOffset + $0) })
        (model, alpha, score) = (cv.model, cv.lambda, cv.score)
    } else {
        let full = RidgeFit(xs, ys)
        let alphas = ridgeGrid(meanEigen: full.meanEigen)
        let scores = alphas.map { spearman(full.model($0).predictSummingFromIntercept(rows: val, of: X), val.map { y[$0] }).value }
        let chosen = CVCriterion.pooledSRCC.choose(scores, lambdas: alphas)
        (model, alpha, score) = (full.model(alphas[chosen]), alphas[chosen], scores[chosen])
    }
    return (alpha, model.predictSummingFromIntercept(rows: Array(0..<X.rows), of: X), score)
}

/// The adapted predictions `c + Σⱼ x_ij·w_j(a + b_j)` of each solution on each of `rows` (one array
/// per solution), in one pass over X: the same sums in the same order as predicting each solution
/// separately, so the same values. Zero features are skipped when every weight is finite.
public func predictAdapted(X: Matrix, weights w: [Double], solutions sols: [AdaProxySolution], rows: [Int]) -> [[Double]] {
    let L = sols.count, d = w.count
    precondition(X.cols == d)
    var wt = [Double](repeating: 0, count: d * L)  // d × L, one row per feature, λ contiguous
    var finite = true
    for (l, s) in sols.enumerated() {
        for j in 0..<d {
            let v = w[j] * (s.a + s.b[j])
            wt[j * L + l] = v
            if !v.isFinite { finite = false }
        }
    }
    let cs = sols.map(\.c)
    var out = [[Double]](repeating: [Double](repeating: 0, count: rows.count), count: L)
    var acc = [Double](repeating: 0, count: L)
    X.storage.withUnsafeBufferPointer { x in
        wt.withUnsafeBufferPointer { wt in
            acc.withUnsafeMutableBufferPointer { acc in
                for (r, i) in rows.enumerated() {
                    for l in 0..<L { acc[l] = cs[l] }
                    let base = i * d
                    for j in 0..<d {
                        let xij = x[base + j]
                        if xij == 0 && finite { continue }
                        let wj = j * L
                        for l in 0..<L { acc[l] += xij * wt[wj + l] }
                    }
                    for l in 0..<L { out[l][r] = acc[l] }
                }
            }
        }
    }
    return out
}
