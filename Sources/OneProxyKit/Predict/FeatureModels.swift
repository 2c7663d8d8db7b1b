import Foundation

/// A feature family of a space seen as a map from architectures to rows of numbers: the basis a
/// rich latency model is linear over (METHOD.md section 9). The last column is the constant 1.
///
/// A basis maps genes to its row, and an architecture's one-hot encoding back to its genes, so a
/// model over the basis predicts any architecture of its space, and any row of a dataset from the
/// encoding the rest of the project carries.
public struct FeatureBasis: Sendable {
    public let space: SpaceKind
    public let family: String
    /// One name per column, the constant column last ("1").
    public let names: [String]
    let write: @Sendable ([Int], inout ArraySlice<Double>) -> Void
    let decode: @Sendable (ArraySlice<Double>) -> [Int]?

    /// A family of a space (`ArchitectureSpace.featureFamilies`); throws for a family the space does
    /// not have, naming the ones it has.
    public init(space: SpaceKind, family: String) throws {
        let s = space.descriptor
        guard !s.featureFamilies.isEmpty else { throw OneProxyError("\(space.rawValue) keys have no feature families") }
        self.space = space
        self.family = family
        names = try s.featureNames(family: family)
        write = { s.features(family: family, genes: $0, into: &$1) }
        decode = { s.genes(fromEncoding: $0) }
    }

    public var width: Int { names.count }

    /// The basis row of an architecture.
    public func row(genes: [Int]) -> [Double] {
        var r = [Double](repeating: 0, count: width)[...]
        write(genes, &r)
        return Array(r)
    }

    /// The basis rows of architectures given by their one-hot encodings (rows of `encoded`); a row
    /// that is no encoding of the space's genes (an OFA resolution off the search grid) is NaN.
    public func matrix(encoded: Matrix) -> Matrix {
        var m = Matrix(rows: encoded.rows, cols: width)
        var r = [Double](repeating: 0, count: width)[...]
        for i in 0..<encoded.rows {
            if let g = decode(encoded.row(i)) { write(g, &r) } else { for k in 0..<width { r[k] = .nan } }
            for k in 0..<width { m.storage[i * width + k] = r[k] }
        }
        return m
    }
}

/// `x ↦ base(x) + φ(x) · weights + intercept`: a linear model over a feature family φ, optionally
/// on top of a model linear over the one-hot encoding (a stack, a proxy fit). Predicts any
/// architecture of its space.
public struct FeatureLatencyModel: LatencyModel {
    public var basis: FeatureBasis
    public var base: LinearLatencyModel?
    /// One weight per basis column (the constant column's weight is folded into `intercept`).
    public var weights: [Double]
    public var intercept: Double

    public init(basis: FeatureBasis, base: LinearLatencyModel?, weights: [Double], intercept: Double) {
        precondition(weights.count == basis.width)
        self.basis = basis; self.base = base; self.weights = weights; self.intercept = intercept
    }

    public func predict(rows: [Int], encoded: Matrix) -> [Double] {
        let phi = basis.matrix(encoded: encoded)
        var out = phi.multiply(weights)
        let b = base?.predict(encoded)
        for i in out.indices { out[i] += intercept + (b?[i] ?? 0) }
        return out
    }

    /// The predicted latency of one architecture, given its one-hot encoding row too (for `base`).
    public func predict(genes: [Int], encoding: [Double]) -> Double {
        let phi = basis.row(genes: genes)
        var s = intercept
        for k in 0..<phi.count { s += phi[k] * weights[k] }
        if let base { for k in 0..<encoding.count { s += encoding[k] * base.weights[k] }; s += base.intercept }
        return s
    }

    /// Not linear over the one-hot encoding unless the basis is the encoding itself.
    public var linear: LinearLatencyModel? {
        guard basis.family == "onehot" else { return nil }
        var w = weights
        if let base { for k in w.indices { w[k] += base.weights[k] } }
        return LinearLatencyModel(weights: w, intercept: intercept + (base?.intercept ?? 0))
    }
}

// MARK: - ridge in the dual, λ by exact leave-one-out

/// Ridge `‖F β + c − y‖² + λ‖β‖²` with c unpenalised, solved through the n × n Gram matrix of the
/// centred rows (n samples, any number of features), λ chosen by exact leave-one-out.
///
/// With Fc the centred features and K = Fc Fcᵀ = U diag(d) Uᵀ, the hat matrix of the fit with its
/// intercept is J/n + U diag(d/(d+λ)) Uᵀ, so every λ costs O(n²) after one eigendecomposition, and
/// the leave-one-out residuals are exact: eᵢ = (yᵢ − ŷᵢ) / (1 − 1/n − Hᵢᵢ). λ is chosen among
/// `lambdas` (default: 25 values log-spaced over 1e-3 .. 1e3 times the mean eigenvalue of K, then
/// 1e12 times it, which is the intercept alone) by the mean squared leave-one-out residual, ties to
/// the larger λ (the cross-validation engine with `CVCriterion.meanSquaredError`, each
/// leave-one-out fold in closed form). The weights are β = Fcᵀ α with α = (K + λI)⁻¹ (y − ȳ).
public struct DualRidgeFit: Sendable, Equatable {
    public var weights: [Double]
    public var intercept: Double
    public var lambda: Double
    /// Mean squared leave-one-out residual at the chosen λ.
    public var looMSE: Double
    /// Every candidate λ with its mean squared leave-one-out residual.
    public var path: [(lambda: Double, looMSE: Double)]
    /// Each sample's prediction by the fit without it, at the chosen λ (exact).
    public var looPredictions: [Double]

    public static func == (a: DualRidgeFit, b: DualRidgeFit) -> Bool {
        a.weights == b.weights && a.intercept == b.intercept && a.lambda == b.lambda && a.looMSE == b.looMSE
    }
}

/// See `DualRidgeFit`. Needs n >= 3 samples. With more samples than features (a device's full
/// measurements) the same fit and the same exact leave-one-out go through the p × p Gram matrix
/// FcᵀFc = V diag(d) Vᵀ instead (Z = Fc V then plays the part of U diag(√d)), so the cost is
/// O(n p²) once and O(n p) per λ.
public func dualRidge(features f: Matrix, y: [Double], lambdas: [Double]? = nil) throws -> DualRidgeFit {
    let n = f.rows, p = f.cols
    guard n >= 3, y.count == n else { throw OneProxyError("ridge needs at least 3 samples with one target each (got \(n) rows, \(y.count) targets)") }
    let nD = Double(n)
    var mean = [Double](repeating: 0, count: p)
    for i in 0..<n { for j in 0..<p { mean[j] += f.storage[i * p + j] } }
    for j in 0..<p { mean[j] /= nD }
    let ym = y.reduce(0, +) / nD
    let yc = y.map { $0 - ym }
    let primal = n > p
    // z (n × r) and d (r): the fitted values at λ are Σ_c z_ic (z_cᵀ yc)/(d_c + λ) and the hat
    // matrix's diagonal Σ_c z_ic²/(d_c + λ) (plus 1/n for the intercept).
    var z: Matrix, d: [Double], v = Matrix(rows: 0, cols: 0), trace = 0.0
    var fc = Matrix(rows: 0, cols: 0)
    if primal {
        // FcᵀFc = FᵀF − n m mᵀ: the Gram of the raw (sparse) features, corrected.
        var g = f.gram()
        for a in 0..<p { for b in 0..<p { g.storage[a * p + b] -= nD * mean[a] * mean[b] } }
        for a in 0..<p { trace += g[a, a] }
        let e = g.svd()
        d = e.singularValues; v = e.v
        z = f.multiply(v)
        var shift = [Double](repeating: 0, count: d.count)
        for c in 0..<d.count { for a in 0..<p { shift[c] += mean[a] * v[a, c] } }
        for i in 0..<n { for c in 0..<d.count { z.storage[i * d.count + c] -= shift[c] } }
    } else {
        fc = f
        for i in 0..<n { for j in 0..<p { fc.storage[i * p + j] -= mean[j] } }
        var k = Matrix(rows: n, cols: n)
        for i in 0..<n {
            for j in i..<n {
                var s = 0.0
                for t in 0..<p { s += fc.storage[i * p + t] * fc.storage[j * p + t] }
                k[i, j] = s; k[j, i] = s
            }
            trace += k[i, i]
        }
        // K is symmetric positive semi-definite: its SVD is its eigendecomposition.
        let e = k.svd()
        d = e.singularValues
        z = e.u
        for i in 0..<n { for c in 0..<d.count { z.storage[i * d.count + c] *= d[c].squareRoot() } }
    }
    // Eigenvalues at rounding level (a rank-deficient basis) are zero.
    let cutoff = (d.max() ?? 0) * 1e-12 * Double(max(n, p))
    d = d.map { $0 > cutoff ? $0 : 0 }
    let r = d.count
    let grid = lambdas ?? dualRidgeGrid(meanEigen: trace / nD)
    var zty = [Double](repeating: 0, count: r)
    for i in 0..<n { for c in 0..<r { zty[c] += z.storage[i * r + c] * yc[i] } }
    // The engine (`crossValidatedPath`, `CVCriterion.meanSquaredError`) over n single-sample
    // folds, each "fitted" in closed form: sample i's exact leave-one-out prediction at λ is
    // yᵢ − eᵢ with eᵢ = (yᵢ − ŷᵢ)/(1 − 1/n − Hᵢᵢ), from the one decomposition above. The engine
    // scores mean (yᵢ − (yᵢ − eᵢ))², which is Σeᵢ²/n up to rounding (within 1e-13 relative on
    // NB201's families: the chosen λ, the weights and the predictions are the same bits).
    let inverses = grid.map { lambda in d.map { $0 > 0 ? 1 / ($0 + lambda) : 0 } }
    let cv = try crossValidatedPath(
        y: y, lambdas: grid, folds: crossValidationFolds(count: n, folds: nil), criterion: .meanSquaredError,
        fitFold: { fold in
            let i = fold.heldOut.lowerBound
            return inverses.map { inv in
                var fitted = 0.0, h = 0.0
                for c in 0..<r {
                    let zc = z.storage[i * r + c]
                    fitted += zc * zty[c] * inv[c]
                    h += zc * zc * inv[c]
                }
                return [y[i] - (yc[i] - fitted) / max(1 - 1 / nD - h, 1e-12)]
            }
        },
        refit: { grid[$0] })
    let lambda = cv.model
    var beta = [Double](repeating: 0, count: p)
    if primal {
        // β = V diag(1/(d+λ)) Zᵀ yc
        for c in 0..<r where d[c] > 0 {
            let g = zty[c] / (d[c] + lambda)
            for a in 0..<p { beta[a] += v[a, c] * g }
        }
    } else {
        // β = Fcᵀ α, α = (K + λI)⁻¹ yc = U diag(1/(d+λ)) Uᵀ yc, with U = Z diag(1/√d).
        var alpha = [Double](repeating: 0, count: n)
        for c in 0..<r where d[c] > 0 {
            let g = zty[c] / (d[c] * (d[c] + lambda))
            for i in 0..<n { alpha[i] += z.storage[i * r + c] * g }
        }
        for i in 0..<n { for j in 0..<p { beta[j] += fc.storage[i * p + j] * alpha[i] } }
    }
    var c = ym
    for j in 0..<p { c -= mean[j] * beta[j] }
    return DualRidgeFit(weights: beta, intercept: c, lambda: lambda, looMSE: cv.score ?? .nan,
                        path: zip(grid, cv.scores).map { ($0, $1 ?? .nan) }, looPredictions: cv.outOfFold[cv.chosen])
}

// MARK: - few-shot methods over a feature family

/// Ridge over a feature family from the target samples alone, λ by exact leave-one-out.
public struct FeatureRidgeMethod: FewShotMethod {
    public let basis: FeatureBasis
    public let name: String
    public init(basis: FeatureBasis, name: String? = nil) {
        self.basis = basis
        self.name = name ?? "target-only ridge (\(basis.family))"
    }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        let y = try context.sampleLatencies(samples)
        let r = try dualRidge(features: basis.matrix(encoded: context.x.selectingRows(samples)), y: y)
        return FeatureLatencyModel(basis: basis, base: nil, weights: r.weights, intercept: r.intercept)
    }
}

/// The pool's knowledge first, the target's samples second: a non-negative stack of the pool's
/// proxy fits (`stackProxies`, learned from every pool device's full measurements), then a ridge
/// over a rich feature family on what the stack leaves unexplained in the samples, λ by exact
/// leave-one-out (`dualRidge`). λ → ∞ gives the stack itself; λ → 0 a target fit that starts from
/// the stack. A stack whose weights are all 0 leaves the ridge to fit the samples alone.
///
/// With `opCosts` (a `PoolOpCosts` of the same pool), the ridge also sees, for every pool device k
/// and operation type v, the part of k's fit due to operations of type v (standardised over the
/// pool's rows): the target may then weigh each device's cost of each op type on its own, which is
/// how devices differ most (a GPU's conv3x3 against a phone's). These columns are linear over the
/// one-hot encoding, so they fold into the model's base.
public struct StackResidualMethod: FewShotMethod {
    public let basis: FeatureBasis
    public let proxies: [Int]?
    public let opCosts: PoolOpCosts?
    public let name: String
    public init(basis: FeatureBasis, proxies: [Int]? = nil, opCosts: PoolOpCosts? = nil, name: String? = nil) {
        self.basis = basis; self.proxies = proxies; self.opCosts = opCosts
        self.name = name ?? "stack + residual ridge (\(basis.family)\(opCosts == nil ? "" : " + pool op costs"))"
    }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        try fitDetailed(context, samples: samples).model
    }
    public func fitDetailed(_ context: FewShotContext, samples: [Int]) throws -> (stack: ProxyStack, ridge: DualRidgeFit, model: FeatureLatencyModel) {
        let y = try context.sampleLatencies(samples)
        let s = stackProxies(context.pool, proxies: proxies ?? Array(context.pool.names.indices), samples: samples, y: y)
        let base = LinearLatencyModel(weights: s.weights, intercept: s.intercept)
        let xs = context.x.selectingRows(samples)
        let b = base.predict(xs)
        let phi = basis.matrix(encoded: xs)
        guard let opCosts else {
            let r = try dualRidge(features: phi, y: zip(y, b).map { $0 - $1 })
            return (s, r, FeatureLatencyModel(basis: basis, base: base, weights: r.weights, intercept: r.intercept))
        }
        // [φ | op-cost columns]: the ridge's weights on the op-cost columns map back to one weight
        // per one-hot column, added to the stack's.
        let g = opCosts.columns.multiplyRight(xs)
        var f = Matrix(rows: samples.count, cols: phi.cols + g.cols)
        for i in 0..<samples.count {
            for j in 0..<phi.cols { f[i, j] = phi[i, j] }
            for j in 0..<g.cols { f[i, phi.cols + j] = g[i, j] }
        }
        let full = try dualRidge(features: f, y: zip(y, b).map { $0 - $1 })
        var w = base.weights
        for j in 0..<g.cols where full.weights[phi.cols + j] != 0 {
            for c in 0..<w.count { w[c] += full.weights[phi.cols + j] * opCosts.columns[j, c] }
        }
        var r = full
        r.weights = Array(full.weights.prefix(phi.cols))
        return (s, r, FeatureLatencyModel(basis: basis, base: LinearLatencyModel(weights: w, intercept: base.intercept), weights: r.weights, intercept: r.intercept))
    }
}

/// For every pool device k and operation type v, the linear map x ↦ Σ_{j: column j is op v} x_j w_k[j]
/// / sd (the part of k's fit due to ops of type v, standardised over the pool's rows), as the rows
/// of `columns` (one row per (k, v), one column per one-hot column). Defined for spaces whose
/// one-hot encoding is one group of the same C choices per gene, then a constant (NB201: 5
/// operations, FBNet: 9 blocks); nil otherwise.
public struct PoolOpCosts: Sendable {
    /// (devices × choices) × encoding width.
    public let columns: Matrix

    public init?(pool: FewShotPool, space: SpaceKind) {
        guard let s = space.descriptor as? any SearchSpace, let c = s.choiceCounts.first,
              s.choiceCounts.allSatisfy({ $0 == c }), pool.x.cols == s.choiceCounts.count * c + 1 else { return nil }
        let width = pool.x.cols, k = pool.names.count
        var m = Matrix(rows: k * c, cols: width)
        for d in 0..<k {
            for v in 0..<c {
                for j in stride(from: v, to: width - 1, by: c) { m[d * c + v, j] = pool.fits[d].weights[j] }
            }
        }
        // Standardise each map over the pool's rows (a map that is constant there stays unscaled).
        let values = m.multiplyRight(pool.x)
        for row in 0..<m.rows {
            var mean = 0.0, sq = 0.0
            for i in 0..<values.rows { mean += values[i, row] }
            mean /= Double(max(values.rows, 1))
            for i in 0..<values.rows { sq += (values[i, row] - mean) * (values[i, row] - mean) }
            let sd = (sq / Double(max(values.rows, 1))).squareRoot()
            if sd > 1e-12 { for j in 0..<width { m[row, j] /= sd } }
        }
        columns = m
    }
}

extension Matrix {
    /// X Mᵀ for this matrix M (rows × cols) and X (n × cols): one column per row of M.
    func multiplyRight(_ x: Matrix) -> Matrix {
        precondition(x.cols == cols)
        var out = Matrix(rows: x.rows, cols: rows)
        for i in 0..<x.rows {
            for j in 0..<cols where x[i, j] != 0 {
                let xij = x[i, j]
                for r in 0..<rows { out.storage[i * rows + r] += xij * storage[r * cols + j] }
            }
        }
        return out
    }
}

/// AdaProxy (METHOD.md §4) over a rich feature family: the proxy's ridge over the family on every
/// row it measured (λ by exact leave-one-out, `dualRidge`), its intercept folded into the constant
/// column's weight, then AdaProxy on that basis (`adaptLinear`, λ by cross-validation). The proxy's
/// fit and the family matrix of the pool's rows are computed once, in `init`.
public struct FeatureAdaProxyMethod: FewShotMethod {
    public let basis: FeatureBasis
    public let proxy: Int
    public let norm: AdaNorm
    public let name: String
    /// The family matrix of the pool's rows, and the proxy's weights over it.
    let features: Matrix
    public let proxyWeights: [Double]

    public init(pool: FewShotPool, proxy: Int, basis: FeatureBasis, norm: AdaNorm = .l2, name: String? = nil) throws {
        self.basis = basis; self.proxy = proxy; self.norm = norm
        self.name = name ?? "\(pool.names[proxy]) + AdaProxy (\(basis.family))"
        features = basis.matrix(encoded: pool.x)
        let rows = pool.measured[proxy].indices.filter { !pool.measured[proxy][$0].isNaN }
        let fit = try dualRidge(features: features.selectingRows(rows), y: rows.map { pool.measured[proxy][$0] })
        var w = fit.weights
        w[w.count - 1] += fit.intercept
        proxyWeights = w
    }

    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        let a = try adaptLinear(x: features, weights: proxyWeights, samples: samples, y: context.sampleLatencies(samples), norm: norm)
        return FeatureLatencyModel(basis: basis, base: nil, weights: a.model.weights, intercept: a.model.intercept)
    }
}
