import Foundation

/// Anything that predicts latencies for a dataset's architectures (DESIGN.md section 3): the proxy
/// fit, an adapted predictor, a stack of proxies, or a device's own measurements.
public protocol LatencyModel: Sendable {
    /// Predicted latencies of the dataset rows `rows`, whose encodings are the rows of `encoded`
    /// (same order, same count).
    func predict(rows: [Int], encoded: Matrix) -> [Double]
    /// The model as `x ↦ x · weights + intercept` when it is linear over the encoding (nil for a
    /// lookup of measurements). A linear model predicts any architecture of its space.
    var linear: LinearLatencyModel? { get }
}

/// `x ↦ x · weights + intercept` over an architecture encoding.
public struct LinearLatencyModel: LatencyModel, Equatable {
    public var weights: [Double]
    public var intercept: Double

    public init(weights: [Double], intercept: Double) {
        self.weights = weights
        self.intercept = intercept
    }

    public func predict(_ x: Matrix) -> [Double] { x.multiply(weights).map { $0 + intercept } }
    public func predict(rows: [Int], encoded: Matrix) -> [Double] { predict(encoded) }
    public var linear: LinearLatencyModel? { self }
}

/// A device's measured latencies, looked up by row (the "raw proxy" baseline).
public struct MeasuredLatencyModel: LatencyModel {
    public var device: String
    public var latencies: [Double]
    public init(device: String, latencies: [Double]) {
        self.device = device
        self.latencies = latencies
    }
    public func predict(rows: [Int], encoded: Matrix) -> [Double] { rows.map { latencies[$0] } }
    public var linear: LinearLatencyModel? { nil }
}

/// The proxy devices of a few-shot problem, fitted once: the encoding of every row, each proxy's
/// measured latencies, its linear predictor (rank-aware least squares on every row it measured)
/// and that predictor's value on every row. Built once per dataset and pool, shared by every
/// target, method and repeat.
public struct FewShotPool: Sendable {
    public let x: Matrix
    public let names: [String]
    public let measured: [[Double]]
    public let fits: [LinearPredictor]
    /// fits[k] evaluated on every row of x.
    public let fitted: [[Double]]

    /// Throws when a proxy has fewer than 2 measured rows, or CancellationError.
    public init(x: Matrix, proxies: [Device], context: ComputeContext = .none) throws {
        self.x = x
        names = proxies.map(\.name)
        measured = proxies.map(\.latencies)
        var fits: [LinearPredictor] = []
        var reporter = context.reporter("proxy fits", total: proxies.count)
        for (k, p) in proxies.enumerated() {
            try context.check()
            fits.append(try fitLinearPredictor(X: x, latencies: p.latencies))
            reporter.advance(to: k + 1)
        }
        self.fits = fits
        fitted = fits.map { $0.predict(x) }
    }

    public func index(of name: String) -> Int? { names.firstIndex(of: name) }

    private init(x: Matrix, names: [String], measured: [[Double]], fits: [LinearPredictor], fitted: [[Double]]) {
        self.x = x; self.names = names; self.measured = measured; self.fits = fits; self.fitted = fitted
    }

    /// The pool of the proxies at `indices`, in that order (no refit).
    public func subset(_ indices: [Int]) -> FewShotPool {
        FewShotPool(x: x, names: indices.map { names[$0] }, measured: indices.map { measured[$0] },
                    fits: indices.map { fits[$0] }, fitted: indices.map { fitted[$0] })
    }
}

/// One target of a few-shot problem: the pool, the target's latencies (NaN = not measured), and the
/// rows a model is scored on, with their encodings and the target's ranks computed once.
public struct FewShotContext: Sendable {
    public let pool: FewShotPool
    public let targetName: String
    public let target: [Double]
    /// The rows scored (default: every row the target measured).
    public let evalRows: [Int]
    let evalX: Matrix
    let evalRanks: [Double]

    public init(pool: FewShotPool, target: Device, evalRows: [Int]? = nil) throws {
        self.pool = pool
        targetName = target.name
        self.target = target.latencies
        let rows = evalRows ?? target.latencies.indices.filter { !target.latencies[$0].isNaN }
        guard rows.count >= 3, rows.allSatisfy({ !target.latencies[$0].isNaN }) else {
            throw OneProxyError("the target \(target.name) needs at least 3 measured rows to score on")
        }
        self.evalRows = rows
        evalX = pool.x.selectingRows(rows)
        evalRanks = averageRanks(rows.map { target.latencies[$0] })
    }

    public var x: Matrix { pool.x }

    /// SRCC of the model's predictions against the target on `evalRows` (nil when undefined).
    public func score(_ model: any LatencyModel) -> Double? {
        let p = model.predict(rows: evalRows, encoded: evalX)
        if p.contains(where: { $0.isNaN }) { return spearman(p, evalRows.map { target[$0] }).value }
        return pearsonComplete(averageRanks(p), evalRanks)
    }

    /// The target's latencies at the sample rows; throws when one is missing.
    public func sampleLatencies(_ rows: [Int]) throws -> [Double] {
        try rows.map { r in
            guard r >= 0, r < target.count else { throw OneProxyError("sample row \(r) is out of range") }
            guard !target[r].isNaN else { throw OneProxyError("sample row \(r) has no \(targetName) latency") }
            return target[r]
        }
    }
}

/// A way to predict a target's latencies from a few of its measurements (and the pool).
public protocol FewShotMethod: Sendable {
    var name: String { get }
    func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel
}

/// The cross-validation used with few samples: leave-one-out up to 20 samples, 5 folds above.
public func fewShotFolds(_ n: Int) -> Int? { n <= 20 ? nil : 5 }

// MARK: - baselines

/// The proxy's measured latencies, as they are (needs no sample).
public struct RawProxyMethod: FewShotMethod {
    public let proxy: Int
    public let name: String
    public init(proxy: Int, name: String) { self.proxy = proxy; self.name = name }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        MeasuredLatencyModel(device: context.pool.names[proxy], latencies: context.pool.measured[proxy])
    }
}

/// The proxy's linear fit x·w, as it is.
public struct ProxyFitMethod: FewShotMethod {
    public let proxy: Int
    public let name: String
    public init(proxy: Int, name: String) { self.proxy = proxy; self.name = name }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        LinearLatencyModel(weights: context.pool.fits[proxy].weights, intercept: 0)
    }
}

/// Ridge on the encoding from the target samples alone, α chosen by cross-validation
/// (`fewShotFolds`) over the same 25 candidates as `adaptProxy`'s target-only baseline.
public struct TargetOnlyRidgeMethod: FewShotMethod {
    public let name: String
    public init(name: String = "target-only ridge") { self.name = name }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        let y = try context.sampleLatencies(samples)
        guard samples.count >= 3 else { throw OneProxyError("target-only ridge needs at least 3 samples") }
        return try ridgeByCV(x: context.x.selectingRows(samples), y: y, folds: fewShotFolds(samples.count))
    }
}

// MARK: - AdaProxy and the many-proxy methods

/// AdaProxy (METHOD.md §4) from one proxy, λ by cross-validation (`fewShotFolds`).
public struct AdaProxyMethod: FewShotMethod {
    public let proxy: Int
    public let norm: AdaNorm
    public let name: String
    public init(proxy: Int, norm: AdaNorm = .l2, name: String) { self.proxy = proxy; self.norm = norm; self.name = name }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        try adaptLinear(x: context.x, weights: context.pool.fits[proxy].weights, samples: samples,
                        y: context.sampleLatencies(samples), norm: norm).model
    }
}

/// The proxy of the pool whose fit ranks the samples best (in-sample SRCC of x·w on the samples;
/// ties to the earlier proxy), then AdaProxy from it.
public struct BestProxyMethod: FewShotMethod {
    public let proxies: [Int]?
    public let norm: AdaNorm
    public let name: String
    public init(proxies: [Int]? = nil, norm: AdaNorm = .l2, name: String = "best proxy + AdaProxy") {
        self.proxies = proxies; self.norm = norm; self.name = name
    }
    public func choose(_ context: FewShotContext, samples: [Int]) throws -> Int {
        let y = try context.sampleLatencies(samples)
        var best = -1, bestScore = -Double.infinity
        for k in proxies ?? Array(context.pool.names.indices) {
            let s = spearman(samples.map { context.pool.fitted[k][$0] }, y).value ?? -.infinity
            if best < 0 || s > bestScore + 1e-12 { best = k; bestScore = s }
        }
        return best
    }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        let k = try choose(context, samples: samples)
        return try adaptLinear(x: context.x, weights: context.pool.fits[k].weights, samples: samples,
                               y: context.sampleLatencies(samples), norm: norm).model
    }
}

/// A stack of proxies' linear predictors: the weights β ≥ 0 and intercept c of
/// `y ≈ Σₖ βₖ (x·wₖ) + c` by NNLS on the samples, so the stacked predictor is linear:
/// `x · Σₖ βₖ wₖ + c`.
public struct ProxyStack: Sendable, Equatable {
    public var proxies: [String]
    public var beta: [Double]
    public var intercept: Double
    /// Σₖ βₖ wₖ.
    public var weights: [Double]
}

/// NNLS of the samples' target latencies on the proxies' fitted predictions, with a free intercept
/// (centring both sides over the samples removes it exactly; it is recovered after).
public func stackProxies(_ pool: FewShotPool, proxies: [Int], samples: [Int], y: [Double]) -> ProxyStack {
    let n = samples.count, k = proxies.count
    let ym = y.reduce(0, +) / Double(max(n, 1))
    var means = [Double](repeating: 0, count: k)
    for (j, p) in proxies.enumerated() { means[j] = samples.reduce(0) { $0 + pool.fitted[p][$1] } / Double(max(n, 1)) }
    var a = Matrix(rows: n, cols: k)
    for (i, r) in samples.enumerated() { for (j, p) in proxies.enumerated() { a[i, j] = pool.fitted[p][r] - means[j] } }
    let beta = nonNegativeLeastSquares(a, y.map { $0 - ym })
    var c = ym
    for j in 0..<k { c -= beta[j] * means[j] }
    var w = [Double](repeating: 0, count: pool.x.cols)
    for (j, p) in proxies.enumerated() where beta[j] != 0 {
        for i in 0..<w.count { w[i] += beta[j] * pool.fits[p].weights[i] }
    }
    return ProxyStack(proxies: proxies.map { pool.names[$0] }, beta: beta, intercept: c, weights: w)
}

/// A non-negative stack of the pool's predictors (`stackProxies`), then, when `adapt`, AdaProxy on
/// the stacked weights (λ by cross-validation). A stack whose weights are all 0 (no proxy ranks
/// the samples with a positive slope) falls back to the target-only ridge.
public struct StackMethod: FewShotMethod {
    public let proxies: [Int]?
    public let adapt: Bool
    public let norm: AdaNorm
    /// Refit the stack inside each cross-validation fold when choosing λ (nested CV).
    public let nested: Bool
    public let name: String
    public init(proxies: [Int]? = nil, adapt: Bool = true, norm: AdaNorm = .l2, nested: Bool = false, name: String? = nil) {
        self.proxies = proxies; self.adapt = adapt; self.norm = norm; self.nested = nested
        self.name = name ?? (adapt ? "stack + AdaProxy" : "stack (NNLS)")
    }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        try fitStack(context, samples: samples).model
    }
    public func fitStack(_ context: FewShotContext, samples: [Int]) throws -> (stack: ProxyStack, model: LinearLatencyModel, adaptation: LinearAdaptation?) {
        let y = try context.sampleLatencies(samples)
        let s = stackProxies(context.pool, proxies: proxies ?? Array(context.pool.names.indices), samples: samples, y: y)
        if s.beta.allSatisfy({ $0 == 0 }) {
            return (s, try ridgeByCV(x: context.x.selectingRows(samples), y: y, folds: fewShotFolds(samples.count)), nil)
        }
        let plain = LinearLatencyModel(weights: s.weights, intercept: s.intercept)
        guard adapt else { return (s, plain, nil) }
        let ks = proxies ?? Array(context.pool.names.indices)
        let inner: (([Int]) -> [Double])? = nested ? { pos in
            stackProxies(context.pool, proxies: ks, samples: pos.map { samples[$0] }, y: pos.map { y[$0] }).weights
        } : nil
        let ada = try adaptLinear(x: context.x, weights: s.weights, samples: samples, y: y, norm: norm, foldWeights: inner)
        return (s, ada.model, ada)
    }
}

/// AdaProxy fitted on samples with λ by cross-validation: the model and the λ chosen.
public struct LinearAdaptation: Sendable {
    public var model: LinearLatencyModel
    public var lambda: Double
    public var a: Double
    public var cvSRCC: Double?
}

/// AdaProxy's exact solver (`AdaProxyProblem`) on the samples, λ from `defaultLambdaGrid` chosen by
/// pooled out-of-fold SRCC (folds: `folds` or `fewShotFolds`), ties to the larger λ, as
/// `adaptProxy` does with `.crossValidation`; the same scaling (σ of the samples' latencies and of
/// x·w over them). Only the samples are touched: the cost does not grow with the dataset.
///
/// `foldWeights`, when given, supplies the proxy weights to use inside each fold from the fold's
/// training positions (into `samples`): a stack refitted on the fold alone, so the out-of-fold
/// score does not see the held-out samples through the stack (nested cross-validation).
public func adaptLinear(
    x: Matrix, weights w: [Double], samples: [Int], y: [Double], norm: AdaNorm = .l2, folds: Int?? = nil,
    foldWeights: (([Int]) -> [Double])? = nil
) throws -> LinearAdaptation {
    let n = samples.count
    guard n >= 3 else { throw OneProxyError("too few samples: AdaProxy needs at least 3 (got \(n))") }
    let xs = x.selectingRows(samples)
    let pred = xs.multiply(w)
    let sY = populationStd(y), sP = populationStd(pred)
    guard sY > 0 else { throw OneProxyError("the target latencies are constant over the samples: nothing to adapt to") }
    let scale = AdaProxyScale(target: sY, proxy: sP > 0 ? sP : 1)
    func problem(_ rows: [Int], _ w: [Double]) -> AdaProxyProblem {
        AdaProxyProblem(x: xs.selectingRows(rows), weights: w, targets: rows.map { y[$0] }, scale: scale)
    }
    let full = problem(Array(0..<n), w)
    let grid = defaultLambdaGrid(lambdaMax: full.lambdaMax(norm))
    let k: Int? = folds ?? fewShotFolds(n)
    // The held-out predictions sum x·(w∘(a + b)) term by term as (x_j w_j)(a + b_j); `adaptProxy`
    // forms w_j(a + b_j) first. Both orders are kept so neither caller's numbers move (they agree
    // bit for bit on 0/1 encodings).
    let cv = try crossValidatedPath(
        y: y, lambdas: grid, folds: crossValidationFolds(count: n, folds: k),
        fitFold: { fold in
            let inRows = fold.training
            let wf = foldWeights?(inRows) ?? w
            return problem(inRows, wf).solvePath(norm: norm, lambdas: grid).map { s in
                fold.heldOut.map { pos in
                    var acc = s.c
                    for j in 0..<w.count { acc += xs[pos, j] * wf[j] * (s.a + s.b[j]) }
                    return acc
                }
            }
        },
        refit: { full.solve(norm: norm, lambda: grid[$0]) })
    let s = cv.model
    let weights = (0..<w.count).map { w[$0] * (s.a + s.b[$0]) }
    return LinearAdaptation(model: LinearLatencyModel(weights: weights, intercept: s.c), lambda: cv.lambda, a: s.a, cvSRCC: cv.score)
}

/// Ridge `(1/n)‖Xβ + c − y‖² + α‖β‖²` (c unpenalised) on the samples, α among `ridgeGrid` (25
/// values log-spaced over 1e-4 .. 1e2 times the mean eigenvalue of XcᵀXc/n, as `adaptProxy`'s
/// target-only baseline), chosen by pooled out-of-fold SRCC over `folds` (nil = leave-one-out),
/// ties to the larger α (`ridgePath`).
public func ridgeByCV(x xs: Matrix, y: [Double], folds: Int?) throws -> LinearLatencyModel {
    try ridgePath(x: xs, y: y, folds: crossValidationFolds(count: xs.rows, folds: folds)).model
}

/// The primal ridge's cross-validated path (the engine, `crossValidatedPath`, with
/// `CVCriterion.pooledSRCC`): α among `ridgeGrid` of the full design, one SVD per fold, the chosen
/// α refitted on all samples.
func ridgePath(x xs: Matrix, y: [Double], folds: [CVFold], context: ComputeContext = .none,
               onFold: (Int) -> Void = { _ in }) throws -> CVPath<LinearLatencyModel> {
    let full = RidgeFit(xs, y)
    let alphas = ridgeGrid(meanEigen: full.meanEigen)
    return try crossValidatedPath(
        y: y, lambdas: alphas, folds: folds, context: context, onFold: onFold,
        fitFold: { fold in
            let inRows = fold.training
            let r = RidgeFit(xs.selectingRows(inRows), inRows.map { y[$0] })
            return alphas.map { r.model($0).predictSummingFromIntercept(rows: Array(fold.heldOut), of: xs) }
        },
        refit: { full.model(alphas[$0]) })
}

extension LinearLatencyModel {
    /// `intercept + Σⱼ x_ij·weights_j` for each of `rows` of x, summed in that order (`predict`
    /// adds the intercept last; the ridge's scores have always used this order).
    func predictSummingFromIntercept(rows: [Int], of x: Matrix) -> [Double] {
        rows.map { i in
            var acc = intercept
            for j in 0..<weights.count { acc += x[i, j] * weights[j] }
            return acc
        }
    }
}

/// Ridge through the SVD of the centred design: every α costs one pass over the singular values.
struct RidgeFit {
    let s: [Double]
    let v: Matrix
    let uty: [Double]
    let rank: Int
    let xMean: [Double]
    let yMean: Double
    let n: Int
    init(_ x: Matrix, _ y: [Double]) {
        n = x.rows
        var xm = [Double](repeating: 0, count: x.cols)
        for i in 0..<x.rows { for j in 0..<x.cols { xm[j] += x[i, j] } }
        let nD = Double(max(x.rows, 1))
        xm = xm.map { $0 / nD }
        var xc = x
        for i in 0..<x.rows { for j in 0..<x.cols { xc[i, j] -= xm[j] } }
        let ym = y.reduce(0, +) / nD
        let (d, projected) = svdProjecting(xc, y.map { $0 - ym })
        uty = projected
        s = d.singularValues
        v = d.v
        rank = numericalRank(d.singularValues, rows: x.rows, cols: x.cols)
        yMean = ym
        xMean = xm
    }
    var meanEigen: Double { s.reduce(0) { $0 + $1 * $1 } / Double(max(n, 1) * max(s.count, 1)) }
    func model(_ alpha: Double) -> LinearLatencyModel {
        var beta = [Double](repeating: 0, count: xMean.count)
        for i in 0..<min(rank, uty.count) {
            let f = s[i] * uty[i] / (s[i] * s[i] + Double(n) * alpha)
            for j in 0..<beta.count { beta[j] += v[j, i] * f }
        }
        var c = yMean
        for j in 0..<beta.count { c -= xMean[j] * beta[j] }
        return LinearLatencyModel(weights: beta, intercept: c)
    }
}
