import Foundation

/// The penalty norm on AdaProxy's per-feature correction b.
public enum AdaNorm: String, Sendable, CaseIterable, Equatable {
    case l1, l2, linf
}

/// The units AdaProxy works in: target latencies are divided by `target`, the proxy's weights by
/// `proxy`. `adaptProxy` uses the population standard deviations of the target latencies and of the
/// proxy fit's predictions over the rows it fits, which makes λ independent of the latency units.
public struct AdaProxyScale: Sendable, Equatable {
    public var target: Double
    public var proxy: Double
    public init(target: Double, proxy: Double) {
        self.target = target
        self.proxy = proxy
    }
    /// No rescaling: λ is then exactly the λ of METHOD.md's objective in the data's own units.
    public static let identity = AdaProxyScale(target: 1, proxy: 1)
}

/// One solution of the AdaProxy problem, in the caller's units (see `AdaProxyProblem`).
public struct AdaProxySolution: Sendable, Equatable {
    public var lambda: Double
    /// The adaptation: the adapted predictor is `x ↦ x · (w ∘ (a·1 + b)) + c`.
    public var a: Double
    public var b: [Double]
    public var c: Double
    /// An upper bound on (objective − optimum) in the scaled objective, from a feasible dual point.
    /// 0 for the closed forms (λ = 0, b = 0 region, and p = 2).
    public var dualityGap: Double
    /// Coordinate-descent sweeps (l1) or proximal-gradient steps (∞); 0 for closed forms.
    public var iterations: Int
}

/// AdaProxy's problem on a set of samples (METHOD.md §4):
///
///     minimise over a, b, c:  (1/n) ‖ Z̃ (a·1 + b) + c̃ − ỹ ‖²  +  λ ‖b‖_p,
///
/// where Z̃ = X · diag(w / scale.proxy) and ỹ = y / scale.target, and c = scale.target · c̃. The
/// returned a, b, c are in the caller's units, i.e. those of METHOD.md's formula
/// `x ↦ x · (w ∘ (a + b)) + c` with the original w and y. (With `AdaProxyScale.identity`, λ is the
/// METHOD objective's λ; in general the METHOD-units λ is λ · scale.target · scale.proxy.)
///
/// a and c are unpenalised, so they are eliminated exactly (centring, then projecting out Z̃·1),
/// leaving `min_b (1/n)‖A b − r‖² + λ‖b‖_p`, solved by:
/// - p = 2: the ridge path (AᵀA + nμ I) b = Aᵀr with μ chosen so that λ = 2μ‖b(μ)‖ (the
///   stationarity condition of the non-squared norm), found by safeguarded Newton in τ = 1/(nμ)
///   (`ridgeCoefficients`) over one symmetric eigendecomposition of AᵀA (the SVD of A when n < d),
///   computed once per problem; a cross-validation fold formed by `droppingSamples` decomposes
///   its Gram matrix in this problem's eigenbasis (k × k, k the rank), and `pathPredictions`
///   gives a fold's held-out predictions along the path without forming the solutions;
/// - p = 1: cyclic coordinate descent, stopped by a duality gap;
/// - p = ∞: FISTA with adaptive restart; the prox of t·λ‖·‖∞ is v − Π_{‖·‖₁ ≤ tλ}(v), i.e. clipping
///   at the threshold of the ℓ1-ball projection; stopped by a duality gap.
/// λ = 0 gives the minimum-‖b‖₂ least-squares solution for every p. For λ ≥ `lambdaMax(norm)`,
/// b = 0 exactly (the fit falls back to a rescaled proxy fit).
/// Guarantee: the returned (a, b, c) is optimal to within `dualityGap` ≤ 1e-12 · (‖r‖²/n) + 1e-300
/// (l1, ∞; or an iteration cap reached, visible in `iterations`), and to rounding for p = 2.
public struct AdaProxyProblem: Sendable {
    public let n: Int
    public let d: Int
    public let scale: AdaProxyScale
    /// Scaled proxy weights w / scale.proxy.
    let wScaled: [Double]
    /// Reduced design A (n × d) and response r, Gram G = AᵀA, q = Aᵀr, rr = rᵀr.
    let A: Matrix
    let r: [Double]
    /// G = AᵀA, formed on first use (the ridge path's eigendecomposition, the iterative solvers).
    var G: Matrix { gram.value(of: A) }
    private let gram = LazyGram()
    let q: [Double]
    let rr: Double
    // For recovering a and c from b.
    let zMean: [Double]
    let tMean: Double
    let yMean: Double
    let ztc: [Double]
    let tcyc: Double
    let tctc: Double
    /// Whether tc was projected out (false when the proxy fit is constant on these samples).
    let projectsT: Bool
    /// The scaled samples Z̃ (n × d, row-major), targets ỹ and row sums t = Z̃·1, kept to form the
    /// problem on part of the samples (`droppingSamples`).
    let z: [Double]
    let y: [Double]
    let t: [Double]
    /// Set by `droppingSamples`: this problem's G in the eigenbasis of the problem it came from.
    private(set) var reducedGram: ReducedGram?
    /// The ridge spectrum (and the rows of A in its eigenbasis), formed on first use.
    private let spectrumCache = LazySpectrum()

    /// - Parameters: `x` the encoded samples (n × d), `weights` the proxy's linear weights (d),
    ///   `targets` the target latencies of the samples (n, no NaN), `scale` the units.
    public init(x: Matrix, weights: [Double], targets: [Double], scale: AdaProxyScale = .identity) {
        precondition(weights.count == x.cols && targets.count == x.rows)
        let n = x.rows, d = x.cols
        let ws = weights.map { $0 / scale.proxy }
        var z = x.storage
        if n > 0 && d > 0 {
            z.withUnsafeMutableBufferPointer { zp in
                for i in 0..<n {
                    let zi = zp.baseAddress! + i &* d
                    for j in 0..<d { zi[j] *= ws[j] }
                }
            }
        }
        self.init(z: z, y: targets.map { $0 / scale.target }, rows: n, cols: d, wScaled: ws, scale: scale)
    }

    /// The problem on scaled samples z = X·diag(wScaled) (n × d, row-major) and scaled targets y;
    /// `rowSums` t = z·1 when already known (summed in the same order, so the same values).
    /// The same operations in the same order as the indexed loops this replaced (so the same values
    /// bit for bit), on raw buffers, with z centred and then reduced in a copy.
    init(z: [Double], y: [Double], rows n: Int, cols d: Int, wScaled ws: [Double], scale: AdaProxyScale, rowSums: [Double]? = nil) {
        precondition(z.count == n * d && y.count == n && ws.count == d && (rowSums?.count ?? n) == n)
        self.n = n
        self.d = d
        self.scale = scale
        wScaled = ws
        self.z = z
        self.y = y
        reducedGram = nil
        var a = z  // zc, then A
        var zm = [Double](repeating: 0, count: d)
        var t = rowSums ?? [Double](repeating: 0, count: n)
        let nn = Double(max(n, 1))
        if n > 0 && d > 0 {
            a.withUnsafeMutableBufferPointer { ap in
                zm.withUnsafeMutableBufferPointer { mp in
                    let Z = ap.baseAddress!, M = mp.baseAddress!
                    if rowSums == nil {
                        for i in 0..<n {
                            let zi = Z + i &* d
                            var ti = 0.0
                            for j in 0..<d {
                                let v = zi[j]
                                M[j] += v
                                ti += v
                            }
                            t[i] = ti
                        }
                    } else {
                        for i in 0..<n {
                            let zi = Z + i &* d
                            for j in 0..<d { M[j] += zi[j] }
                        }
                    }
                    for j in 0..<d { M[j] /= nn }
                    for i in 0..<n {
                        let zi = Z + i &* d
                        for j in 0..<d { zi[j] -= M[j] }
                    }
                }
            }
        }
        self.t = t
        var tm = 0.0
        for v in t { tm += v }
        tm /= nn
        var ym = 0.0
        for v in y { ym += v }
        ym /= nn
        var tc = t, rv = y  // tc, and yc then r
        var tt = 0.0, ty = 0.0
        for i in 0..<n { tc[i] -= tm; tt += tc[i] * tc[i] }
        for i in 0..<n { rv[i] -= ym; ty += tc[i] * rv[i] }
        var ztcv = [Double](repeating: 0, count: d)
        var qv = [Double](repeating: 0, count: d)
        var rrv = 0.0
        // Project out tc (a is unpenalised). If the proxy fit is constant on these rows, a drops out.
        let useA = tt > 1e-300
        if n > 0 && d > 0 {
            a.withUnsafeMutableBufferPointer { ap in
                ztcv.withUnsafeMutableBufferPointer { up in
                    qv.withUnsafeMutableBufferPointer { qp in
                        let Z = ap.baseAddress!, U = up.baseAddress!, Q = qp.baseAddress!
                        // Zcᵀ tc (rows with tc = 0 skipped, as `multiplyTransposed`)
                        for i in 0..<n where tc[i] != 0 {
                            let zi = Z + i &* d, ti = tc[i]
                            for j in 0..<d { U[j] += zi[j] * ti }
                        }
                        if useA {
                            for i in 0..<n {
                                let f = tc[i] / tt
                                let zi = Z + i &* d
                                for j in 0..<d { zi[j] -= f * U[j] }
                                rv[i] -= f * ty
                            }
                        }
                        // q = Aᵀ r (rows with r = 0 skipped, as `multiplyTransposed`)
                        for i in 0..<n where rv[i] != 0 {
                            let zi = Z + i &* d, ri = rv[i]
                            for j in 0..<d { Q[j] += zi[j] * ri }
                        }
                    }
                }
            }
        }
        for v in rv { rrv += v * v }
        A = Matrix(rows: n, cols: d, storage: a)
        r = rv
        q = qv
        rr = rrv
        zMean = zm
        tMean = tm
        yMean = ym
        ztc = useA ? ztcv : [Double](repeating: 0, count: d)
        tcyc = useA ? ty : 0
        tctc = useA ? tt : 1
        projectsT = useA
    }

    /// The problem on this problem's samples without the positions `heldOut` (a cross-validation
    /// fold's training samples, in order): its A, r, q, a and c are what `init` gives on those
    /// samples, bit for bit. When the fold still has n ≥ d samples (the ridge path's
    /// eigendecomposition route), its Gram matrix G_f is not formed for the ridge path: with V
    /// (k × d) this problem's kept eigenvectors and e their eigenvalues, the rows of the fold's A are
    /// those of this problem's A (rows F), centred again and with the fold's tc projected out, so
    ///
    ///     V G_f Vᵀ = diag(e) − Ã_Hᵀ Ã_H − n_F ā āᵀ − v vᵀ / (tcᵀ tc),   Ã = A Vᵀ (n × k),
    ///
    /// with H the held-out rows, ā the mean of Ã over the fold's rows F and v = Ã_Fᵀ tc (tc the
    /// fold's centred row sums); a k × k matrix whose eigendecomposition gives the fold's (k ≤ d).
    /// G_f's range lies in span(V) (G_f ≼ G in exact arithmetic), so the directions this problem's
    /// rank rule dropped are dropped in every fold; the fold's own rule (max(n, d)·ε·trace(G_f))
    /// then applies to the k × k eigenvalues. This problem's spectrum is computed once and kept
    /// (also for its own `solvePath` and `solve`). Otherwise (fewer samples than d, or tc constant
    /// on either set) the fold is exactly `init` on its samples.
    public func droppingSamples(_ heldOut: Range<Int>) -> AdaProxyProblem {
        precondition(heldOut.lowerBound >= 0 && heldOut.upperBound <= n, "held-out positions out of range")
        let keep = Array(0..<heldOut.lowerBound) + Array(heldOut.upperBound..<n)
        let m = keep.count
        var zs = [Double](repeating: 0, count: m * d)
        if d > 0 {
            z.withUnsafeBufferPointer { src in
                zs.withUnsafeMutableBufferPointer { dst in
                    for (r, i) in keep.enumerated() {
                        (dst.baseAddress! + r &* d).update(from: src.baseAddress! + i &* d, count: d)
                    }
                }
            }
        }
        let ys = keep.map { y[$0] }
        var plain = AdaProxyProblem(z: zs, y: ys, rows: m, cols: d, wScaled: wScaled, scale: scale, rowSums: keep.map { t[$0] })
        guard m >= d, d > 0, projectsT, plain.projectsT else { return plain }
        let (sp, at) = spectrumCache.projected(self)
        let k = sp.e.count
        var g = [Double](repeating: 0, count: k * k)
        if k > 0 {
            let h = heldOut.count, mD = Double(m), tm = plain.tMean, tt = plain.tctc
            withUnsafeTemporaryAllocation(of: Double.self, capacity: k * (h + 2)) { buf in
                let mean = buf.baseAddress!, v = mean + k, colsH = v + k  // colsH: Ã_Hᵀ, k × h
                mean.initialize(repeating: 0, count: 2 * k)
                at.withUnsafeBufferPointer { ap in
                    g.withUnsafeMutableBufferPointer { gp in
                        let At = ap.baseAddress!, G = gp.baseAddress!
                        // ā and v = Ã_Fᵀ tc over the fold's rows, in order
                        for i in keep {
                            let row = At + i &* k
                            let tc = t[i] - tm
                            for a in 0..<k { mean[a] += row[a]; v[a] += row[a] * tc }
                        }
                        for a in 0..<k { mean[a] /= mD }
                        // row a of Ã_HᵀÃ_H = Σ over the held-out rows of Ã[r, a]·(row r of Ã)
                        let rowsH = At + heldOut.lowerBound &* k
                        for r in 0..<h { for a in 0..<k { colsH[a &* h &+ r] = rowsH[r &* k &+ a] } }
                        for a in 0..<k {
                            let ga = G + a &* k
                            combineRows(rowsH, rows: h, cols: k, coefficients: colsH + a &* h, into: ga)
                            let ma = mD * mean[a], va = v[a] / tt
                            for b in 0..<k { ga[b] = -ga[b] - (ma * mean[b] + va * v[b]) }
                            ga[a] += sp.e[a]
                        }
                    }
                }
            }
        }
        plain.reducedGram = ReducedGram(k: k, basis: sp.m > 0 ? sp.vectors(d: d) : sp.v, gram: g)
        return plain
    }

    /// The smallest λ at which b = 0 is optimal: (2/n)‖Aᵀr‖_q with q the dual norm of p.
    public func lambdaMax(_ norm: AdaNorm) -> Double {
        2 / Double(n) * dualNorm(q, norm)
    }

    /// The scaled objective (1/n)‖Z̃(a + b) + c̃ − ỹ‖² + λ‖b‖_p of a candidate given in caller units,
    /// computed directly from the samples (not through the reduced form).
    public func objective(x: Matrix, targets: [Double], a: Double, b: [Double], c: Double, lambda: Double, norm: AdaNorm) -> Double {
        let k = scale.proxy / scale.target  // caller-unit a, b → scaled
        var coef = [Double](repeating: 0, count: d)
        for j in 0..<d { coef[j] = wScaled[j] * (a + b[j]) * k }
        let pred = x.multiply(coef)
        var loss = 0.0
        for i in 0..<x.rows { let e = pred[i] + c / scale.target - targets[i] / scale.target; loss += e * e }
        return loss / Double(x.rows) + lambda * primalNorm(b.map { $0 * k }, norm)
    }

    /// Solves at one λ (>= 0).
    public func solve(norm: AdaNorm, lambda: Double, activeSetRefinement: Bool = true) -> AdaProxySolution {
        solvePath(norm: norm, lambdas: [lambda], activeSetRefinement: activeSetRefinement)[0]
    }

    /// Solves at each λ (any order), warm-starting the iterative solvers from larger to smaller λ.
    /// The results are in the order of `lambdas`.
    ///
    /// `activeSetRefinement` (l1, ∞): once the iterate's active pattern (l1: the support and signs
    /// of b; ∞: which entries sit at ±‖b‖∞, with their signs) is the same at two consecutive gap
    /// checks, the optimality conditions restricted to that pattern (a small linear system, solved
    /// by Cholesky) give the exact candidate; it is accepted only if its duality gap passes the
    /// same tolerance as the iterations, else the iterations go on. Along the path, each λ first
    /// starts from the previous λ's pattern (`continued`: accepted by the same gap test,
    /// `iterations` 0).
    /// `false`: iterations only.
    ///
    /// When `cancellation` says stop, the path ends early and holds only the λ solved so far: the
    /// caller checks cancellation after the call and throws.
    public func solvePath(norm: AdaNorm, lambdas: [Double], activeSetRefinement: Bool = true, cancellation: Cancellation = .never) -> [AdaProxySolution] {
        var out = [AdaProxySolution?](repeating: nil, count: lambdas.count)
        let order = lambdas.indices.sorted { lambdas[$0] > lambdas[$1] }
        let lmax = lambdaMax(norm)
        var warm = [Double](repeating: 0, count: d)
        var spectrum: RidgeSpectrum?
        var vectors: [Double] = []  // the spectrum's eigenvectors as rows
        var ridgeGuess: RidgeGuess?  // from the previous λ (`ridgeForLambda`)
        var lipschitz: Double?
        for idx in order {
            if cancellation.isCancelled() { return out.compactMap { $0 } }
            let lam = lambdas[idx]
            precondition(lam >= 0 && lam.isFinite, "λ must be finite and >= 0")
            var b: [Double]
            var gap = 0.0
            var iterations = 0
            if lam >= lmax {
                b = [Double](repeating: 0, count: d)
            } else if lam == 0 || norm == .l2 {
                if spectrum == nil {
                    spectrum = spectrumCache.spectrum(self)
                    vectors = spectrum!.vectors(d: d)
                }
                (b, ridgeGuess) = ridgeForLambda(spectrum!, vectors: vectors, lambda: lam, guess: ridgeGuess)
            } else if activeSetRefinement, let pattern = activePattern(warm, isLinf: norm == .linf) ?? patternBelowLambdaMax(isLinf: norm == .linf),
                      let (rb, rg) = continued(pattern: pattern, isLinf: norm == .linf, lambda: lam, from: warm) {
                // Path continuation: the previous λ's active pattern, corrected by the optimality
                // conditions and solved exactly at this λ, passes the duality-gap test (no iteration).
                (b, gap) = (rb, rg)
            } else if norm == .l1 {
                (b, gap, iterations) = coordinateDescent(lambda: lam, start: warm, refine: activeSetRefinement)
            } else {
                if lipschitz == nil { lipschitz = largestEigenvalue(G) * 2 / Double(n) }
                (b, gap, iterations) = fista(lambda: lam, start: warm, lipschitz: lipschitz!, refine: activeSetRefinement)
            }
            warm = b
            out[idx] = finish(b: b, lambda: lam, gap: gap, iterations: iterations)
        }
        return out.map { $0! }
    }

    /// Each λ's adapted predictions c + Σⱼ x_ij·w_j(a + b_j) on the rows `rows` of x (one array per
    /// λ, in the order of `lambdas`): `predictAdapted(X: x, weights: weights, solutions:
    /// solvePath(norm: norm, lambdas: lambdas), rows: rows)`, with `weights` the proxy weights this
    /// problem was built with. For p = 2 the solutions are not formed: a and c are affine in b
    /// (`finish`), so a row's prediction is αₕ + γₕ·b, and with b = Σᵢ coefᵢ(λ)·vᵢ on the ridge
    /// spectrum it is αₕ + Σᵢ coefᵢ(λ)·Γ[i, h], Γ[i, h] = γₕ·vᵢ formed once: k products per row and
    /// λ instead of d for b and the row. The same predictions to rounding. Other norms: the
    /// solutions, then `predictAdapted`. Cancellation: as `solvePath` (fewer arrays when stopped).
    public func pathPredictions(norm: AdaNorm, lambdas: [Double], x: Matrix, weights: [Double], rows: [Int],
                                cancellation: Cancellation = .never) -> [[Double]] {
        guard norm == .l2, d > 0 else {
            return predictAdapted(X: x, weights: weights, solutions: solvePath(norm: norm, lambdas: lambdas, cancellation: cancellation), rows: rows)
        }
        precondition(x.cols == d && weights.count == d)
        let m = rows.count
        let lmax = lambdaMax(.l2)
        let needSpectrum = lambdas.contains(where: { $0 < lmax })
        let d = self.d
        // prediction = target·cS + k₁(aS·s + (x∘w)·b), s = Σⱼ xⱼwⱼ, k₁ = target/proxy, with
        // aS = (tcyc − ztc·b)/tctc and cS = yMean − aS·tMean − zMean·b:
        // α = target·yMean + (tcyc/tctc)·F, γ = k₁(x∘w) − target·zMean − F·ztc/tctc, F = k₁s − target·tMean
        let k1 = scale.target / scale.proxy, tg = scale.target
        var alpha = [Double](repeating: 0, count: m)
        var gt = [Double](repeating: 0, count: d * m)  // γᵀ, d × m
        if m > 0 {
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * d) { buf in
                let W = buf.baseAddress!, Zm = W + d, U = Zm + d  // w, target·zMean, ztc/tctc
                for j in 0..<d { W[j] = weights[j]; Zm[j] = tg * zMean[j]; U[j] = ztc[j] }
                x.storage.withUnsafeBufferPointer { xp in
                    gt.withUnsafeMutableBufferPointer { gp in
                        let G = gp.baseAddress!
                        for (h, i) in rows.enumerated() {
                            let xi = xp.baseAddress! + i &* d
                            var sum = 0.0
                            for j in 0..<d {
                                let xw = xi[j] * W[j]
                                sum += xw
                                G[j &* m &+ h] = k1 * xw - Zm[j]
                            }
                            let f = k1 * sum - tg * tMean
                            alpha[h] = tg * yMean + (tcyc / tctc) * f
                            let fz = f / tctc
                            for j in 0..<d { G[j &* m &+ h] -= fz * U[j] }
                        }
                    }
                }
            }
        }
        // The spectrum (e, p) and Γ (k × m), Γ[i, h] = γₕ·vᵢ.
        var sp: RidgeSpectrum?
        var gammaT: [Double] = []
        if needSpectrum && m > 0, let rg = reducedGram, n >= d {
            // A fold: the eigenvalues of its reduced Gram matrix M = V G Vᵀ and its eigenvectors'
            // products with y = [V q | V γᵀ] (k × (1 + m)), without forming them (`ridgeSpectrum`'s
            // route otherwise: the same values, p and Γ to rounding).
            let kk = rg.k, c = 1 + m
            var y = [Double](repeating: 0, count: kk * c)
            rg.basis.withUnsafeBufferPointer { bp in
                gt.withUnsafeBufferPointer { gp in
                    y.withUnsafeMutableBufferPointer { yp in
                        for a in 0..<kk {
                            let ba = bp.baseAddress! + a &* d
                            var acc = 0.0
                            for j in 0..<d { acc += ba[j] * q[j] }
                            yp[a &* c] = acc
                            combineRows(gp.baseAddress!, rows: d, cols: m, coefficients: ba, into: yp.baseAddress! + (a &* c &+ 1))
                        }
                    }
                }
            }
            let (values, projected) = Matrix(rows: kk, cols: kk, storage: rg.gram).symmetricEigen(projecting: y, columns: c)
            let tol = rankTolerance()
            let kf = values.reduce(0) { $0 + ($1 > tol ? 1 : 0) }
            gammaT = [Double](repeating: 0, count: kf * m)
            var p = [Double](repeating: 0, count: kf)
            for i in 0..<kf {
                p[i] = projected[i &* c]
                for h in 0..<m { gammaT[i &* m &+ h] = projected[i &* c &+ 1 &+ h] }
            }
            sp = RidgeSpectrum(e: Array(values[0..<kf]), p: p, v: [])
        } else if needSpectrum {
            let spectrum = spectrumCache.spectrum(self)
            sp = spectrum
            let k = spectrum.e.count
            gammaT = [Double](repeating: 0, count: k * m)
            if k > 0 && m > 0 {
                gt.withUnsafeBufferPointer { gtp in
                    gammaT.withUnsafeMutableBufferPointer { gp in
                        let G = gp.baseAddress!, Gt = gtp.baseAddress!
                        if spectrum.m > 0 {
                            // Γ = w·(basis·γᵀ): a fold's eigenvectors as factors
                            withUnsafeTemporaryAllocation(of: Double.self, capacity: spectrum.m * m) { pb in
                                let P = pb.baseAddress!
                                spectrum.basis.withUnsafeBufferPointer { bp in
                                    for a in 0..<spectrum.m { combineRows(Gt, rows: d, cols: m, coefficients: bp.baseAddress! + a &* d, into: P + a &* m) }
                                }
                                spectrum.w.withUnsafeBufferPointer { wp in
                                    for i in 0..<k { combineRows(P, rows: spectrum.m, cols: m, coefficients: wp.baseAddress! + i &* spectrum.m, into: G + i &* m) }
                                }
                            }
                        } else {
                            spectrum.v.withUnsafeBufferPointer { vp in
                                for i in 0..<k { combineRows(Gt, rows: d, cols: m, coefficients: vp.baseAddress! + i &* d, into: G + i &* m) }
                            }
                        }
                    }
                }
            }
        }
        let k = sp?.e.count ?? 0
        var out = [[Double]](repeating: [], count: lambdas.count)
        let order = lambdas.indices.sorted { lambdas[$0] > lambdas[$1] }
        var guess: RidgeGuess?
        var done = 0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(k, 1)) { coef in
            let C = coef.baseAddress!
            for idx in order {
                if cancellation.isCancelled() { return }
                let lam = lambdas[idx]
                precondition(lam >= 0 && lam.isFinite, "λ must be finite and >= 0")
                var pred = alpha
                if lam < lmax, let sp, k > 0, m > 0 {
                    guess = ridgeCoefficients(sp, lambda: lam, guess: guess, into: C)
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { t in
                        gammaT.withUnsafeBufferPointer { g in
                            combineRows(g.baseAddress!, rows: k, cols: m, coefficients: C, into: t.baseAddress!)
                        }
                        for h in 0..<m { pred[h] += t[h] }
                    }
                }
                out[idx] = pred
                done += 1
            }
        }
        return done == lambdas.count ? out : order.prefix(done).sorted().map { out[$0] }
    }

    /// The active pattern of b (see `solvePath`): l1, the signs of b; ∞, the signs of the entries at
    /// ±‖b‖∞ (0 elsewhere). nil when b = 0 (no pattern to continue).
    func activePattern(_ b: [Double], isLinf: Bool) -> [Int8]? {
        let top = b.reduce(0) { max($0, abs($1)) }
        guard top > 0 else { return nil }
        if isLinf { return b.map { abs($0) == top ? Int8($0 > 0 ? 1 : -1) : 0 } }
        return b.map { Int8($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) }
    }

    /// The pattern just below λ_max, where b leaves 0 (the subgradient at b = 0 is (2/(nλ))·q):
    /// l1, the entry of largest |qⱼ| with its sign; ∞, every entry at ±τ with the sign of qⱼ.
    /// nil when q = 0.
    func patternBelowLambdaMax(isLinf: Bool) -> [Int8]? {
        let top = q.reduce(0) { max($0, abs($1)) }
        guard top > 0 else { return nil }
        if isLinf { return q.map { Int8($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) } }
        var p = [Int8](repeating: 0, count: d)
        if let j = q.firstIndex(where: { abs($0) == top }) { p[j] = q[j] > 0 ? 1 : -1 }
        return p
    }

    /// Recovers a and c̃ from b (scaled), and converts to caller units.
    private func finish(b: [Double], lambda: Double, gap: Double, iterations: Int) -> AdaProxySolution {
        var zb = 0.0
        for j in 0..<d { zb += ztc[j] * b[j] }
        let aS = (tcyc - zb) / tctc
        var mb = 0.0
        for j in 0..<d { mb += zMean[j] * b[j] }
        let cS = yMean - aS * tMean - mb
        let k = scale.target / scale.proxy
        return AdaProxySolution(lambda: lambda, a: aS * k, b: b.map { $0 * k }, c: cS * scale.target,
                                dualityGap: gap, iterations: iterations)
    }

    /// The spectrum of AᵀA that the ridge path needs: its nonzero eigenvalues e = σ² (descending,
    /// the numerical rank's worth), their unit eigenvectors (rows of `v`, d each) and p = Vᵀ(Aᵀr)
    /// (= σ·Uᵀr, so U is never formed).
    /// For n >= d: one symmetric eigendecomposition of the Gram matrix G = AᵀA (`symmetricEigen`),
    /// eigenvalues at or below max(n, d)·ε·trace(G) dropped as zero: rounding in G and
    /// in the eigensolver moves a zero eigenvalue by O(n ε ‖A‖²_F), i.e. σ below about 1e-7 to 1e-6 of σ_max cannot
    /// be told from 0 on this route. A fold from `droppingSamples`: the same rule on the
    /// eigenvalues of its k × k reduced Gram matrix, the eigenvectors kept as two factors (w, basis).
    /// For n < d: the SVD of A, with its own rank rule.
    struct RidgeSpectrum {
        let e: [Double]
        let p: [Double]
        /// k × d, row i the eigenvector of e[i]; empty when they are kept as `w`·`basis`.
        let v: [Double]
        /// A fold's eigenvectors in the full problem's eigenbasis (`droppingSamples`): w is k × m,
        /// basis m × d (rows orthonormal), so the eigenvectors are the rows of w·basis. m = 0: `v`.
        let w: [Double]
        let basis: [Double]
        let m: Int
        /// e and p padded with zeros to a multiple of 4 entries (the root finder's lanes; a padded
        /// term is 0).
        let ePadded: [Double]
        let pPadded: [Double]
        init(e: [Double], p: [Double], v: [Double], w: [Double] = [], basis: [Double] = [], m: Int = 0) {
            self.e = e
            self.p = p
            self.v = v
            self.w = w
            self.basis = basis
            self.m = m
            let padding = [Double](repeating: 0, count: (4 - e.count % 4) % 4)
            ePadded = e + padding
            pPadded = p + padding
        }
        /// The eigenvectors as rows (k × d), formed from w·basis when kept as factors.
        func vectors(d: Int) -> [Double] {
            guard m > 0 else { return v }
            let k = e.count
            var out = [Double](repeating: 0, count: k * d)
            if k > 0 && d > 0 {
                w.withUnsafeBufferPointer { wp in
                    basis.withUnsafeBufferPointer { bp in
                        out.withUnsafeMutableBufferPointer { op in
                            for i in 0..<k {
                                combineRows(bp.baseAddress!, rows: m, cols: d, coefficients: wp.baseAddress! + i &* m,
                                            into: op.baseAddress! + i &* d)
                            }
                        }
                    }
                }
            }
            return out
        }
    }

    /// Where the root finder of `ridgeForLambda` starts on the next (smaller) λ of a path: the
    /// previous λ's τ, the slope φ' there and that λ's 2/(nλ).
    struct RidgeGuess {
        var tau: Double
        var slope: Double
        var invC: Double
    }

    /// A fold's G in the eigenbasis of the problem it came from (`droppingSamples`): k × k `gram`
    /// = V G Vᵀ with V = `basis` (k × d, rows orthonormal).
    struct ReducedGram: Sendable {
        var k: Int
        var basis: [Double]
        var gram: [Double]
    }

    /// The eigenvalue route's rank rule, max(n, d)·ε·trace(G), with trace(G) = Σⱼ Σᵢ aᵢⱼ² summed
    /// as `gram()` sums its diagonal (so without forming G, the same value).
    func rankTolerance() -> Double {
        var trace = 0.0
        A.storage.withUnsafeBufferPointer { ap in
            for j in 0..<d {
                var s = 0.0
                for i in 0..<n { let v = ap[i &* d &+ j]; s += v * v }
                trace += s
            }
        }
        return Double(max(n, d)) * Double.ulpOfOne * trace
    }

    func ridgeSpectrum() -> RidgeSpectrum {
        if let rg = reducedGram, n >= d && d > 0 {
            // Eigenvalues W diag(e) Wᵀ of V G Vᵀ: G's nonzero eigenpairs are e and the rows of W V.
            let k = rg.k
            let eig = Matrix(rows: k, cols: k, storage: rg.gram).symmetricEigen()
            let tol = rankTolerance()
            let kf = eig.values.reduce(0) { $0 + ($1 > tol ? 1 : 0) }
            // p = W·(basis·q); the eigenvectors (rows of W·basis) are kept as the two factors
            var qt = [Double](repeating: 0, count: k)
            var p = [Double](repeating: 0, count: kf)
            rg.basis.withUnsafeBufferPointer { bp in
                let B = bp.baseAddress!
                for a in 0..<k {
                    var acc = 0.0
                    for j in 0..<d { acc += B[a &* d &+ j] * q[j] }
                    qt[a] = acc
                }
            }
            eig.vectors.withUnsafeBufferPointer { wp in
                for i in 0..<kf {
                    let wi = wp.baseAddress! + i &* k
                    var acc = 0.0
                    for a in 0..<k { acc += wi[a] * qt[a] }
                    p[i] = acc
                }
            }
            return RidgeSpectrum(e: Array(eig.values[0..<kf]), p: p, v: [], w: Array(eig.vectors[0..<(kf * k)]), basis: rg.basis, m: k)
        }
        if n >= d && d > 0 {
            let G = self.G  // formed once
            let eig = G.symmetricEigen()
            var trace = 0.0
            for j in 0..<d { trace += G[j, j] }
            let tol = Double(max(n, d)) * Double.ulpOfOne * trace
            let k = eig.values.reduce(0) { $0 + ($1 > tol ? 1 : 0) }
            var p = [Double](repeating: 0, count: k)
            for i in 0..<k {
                var acc = 0.0
                for j in 0..<d { acc += eig.vectors[i * d + j] * q[j] }
                p[i] = acc
            }
            return RidgeSpectrum(e: Array(eig.values[0..<k]), p: p, v: Array(eig.vectors[0..<(k * d)]))
        }
        let svd = A.svd()
        let ur = svd.u.multiplyTransposed(r)
        let k = numericalRank(svd.singularValues, rows: n, cols: d)
        var v = [Double](repeating: 0, count: k * d)
        for i in 0..<k { for j in 0..<d { v[i * d + j] = svd.v[j, i] } }
        return RidgeSpectrum(e: (0..<k).map { svd.singularValues[$0] * svd.singularValues[$0] },
                             p: (0..<k).map { svd.singularValues[$0] * ur[$0] }, v: v)
    }

    /// p = 2 (and λ = 0 for every p): b(ν) = V diag(p/(e + ν)) with ν = nμ chosen so that
    /// 2μ‖b(μ)‖ = λ; λ = 0 gives the pseudo-inverse solution. In τ = 1/ν, b = V diag(τp/(1 + τe))
    /// and the condition reads ‖h(τ)‖ = nλ/2 with hᵢ = pᵢ/(1 + τeᵢ), i.e. ‖(D + τI)⁻¹g‖ with
    /// D = diag(1/e), g = p/e: the trust-region secular equation, whose
    /// φ(τ) = 1/‖h(τ)‖ − 2/(nλ) is increasing and concave on τ >= 0 (and linear when one eᵢ
    /// carries all of p). Newton on φ started left of the root climbs to it monotonically: from
    /// τ = 0, or on a path (λ downwards, so τ grows) from the previous λ's τ₀ by a first step taken
    /// without evaluating φ (φ(τ₀) = 2/(nλ₀) − 2/(nλ) there, φ'(τ₀) kept from the previous λ).
    /// No exp or log; the sums four lanes at a time; safeguarded by a bisection bracket, to the
    /// last ulp of τ. A root at τ <= 0 (λ at or above (2/n)‖p‖) gives b = 0. O(k) per step, O(k·d)
    /// for b (`ridgeForLambda`): the path costs O(d²) per λ once the spectrum is known. Writes the
    /// k coefficients of b = Σᵢ coefᵢ·vᵢ to `coef`; returns the guess for the next, smaller λ.
    func ridgeCoefficients(_ sp: RidgeSpectrum, lambda: Double, guess: RidgeGuess?, into coef: UnsafeMutablePointer<Double>) -> RidgeGuess? {
        let e = sp.e, p = sp.p
        let k = e.count
        var tau = Double.infinity  // λ = 0: b = V diag(p/e)
        var guessOut: RidgeGuess?
        if lambda > 0 {
            let invC = 2 / (lambda * Double(n))
            let lanes = sp.ePadded.count / 4
            // φ(τ) and φ'(τ) = (Σ eᵢ hᵢ² /(1 + τeᵢ)) / ‖h‖³; ‖h‖ = 0 (τ overflowing) counts as φ = +∞.
            func eval(_ t: Double, _ E: UnsafeRawPointer, _ P: UnsafeRawPointer) -> (Double, Double) {
                var acc = SIMD4<Double>(), der = SIMD4<Double>()
                let tv = SIMD4<Double>(repeating: t), one = SIMD4<Double>(repeating: 1)
                for l in 0..<lanes {
                    let ei = E.loadUnaligned(fromByteOffset: l &* 32, as: SIMD4<Double>.self)
                    let pi = P.loadUnaligned(fromByteOffset: l &* 32, as: SIMD4<Double>.self)
                    let r = one / (one + tv * ei)
                    let h = pi * r
                    let hh = h * h
                    acc += hh
                    der += hh * (ei * r)
                }
                let a = acc.sum()
                if !(a > 0) { return (.infinity, 0) }
                let norm = a.squareRoot()
                return (1 / norm - invC, der.sum() / (a * norm))
            }
            var lo = 0.0, hi = Double.infinity
            var t = 0.0
            if let g = guess, g.tau.isFinite, g.tau > 0 {
                t = g.tau
                lo = g.tau
                if g.slope > 0 && g.slope.isFinite {
                    let step = (invC - g.invC) / g.slope
                    if step > 0 && step.isFinite { t = g.tau + step }
                }
            }
            var slope = 0.0
            if k > 0 {
                sp.ePadded.withUnsafeBufferPointer { ep in
                    sp.pPadded.withUnsafeBufferPointer { pp in
                        let E = UnsafeRawPointer(ep.baseAddress!), P = UnsafeRawPointer(pp.baseAddress!)
                        for _ in 0..<300 {
                            let (f, fp) = eval(t, E, P)
                            slope = fp
                            if f == 0 { break }
                            if f < 0 { lo = t } else { hi = t }
                            var tn = f.isFinite && fp > 0 ? t - f / fp : .nan
                            if !(tn > lo && tn < hi) { tn = hi.isFinite ? 0.5 * (lo + hi) : max(4 * t, 1e-300) }
                            if tn == t || abs(tn - t) <= 2 * Double.ulpOfOne * t {
                                t = tn
                                break
                            }
                            t = tn
                        }
                    }
                }
            }
            tau = t
            guessOut = RidgeGuess(tau: t, slope: slope, invC: invC)
        }
        // coefᵢ = τpᵢ/(1 + τeᵢ) (pᵢ/eᵢ for λ = 0)
        for i in 0..<k { coef[i] = tau.isInfinite ? p[i] / e[i] : tau * p[i] / (1 + tau * e[i]) }
        return guessOut
    }

    /// b at λ (see `ridgeCoefficients`): b = Σᵢ coefᵢ·vᵢ (`vectors`: the spectrum's, as rows), and
    /// the guess for the next, smaller λ.
    func ridgeForLambda(_ sp: RidgeSpectrum, vectors: [Double], lambda: Double, guess: RidgeGuess? = nil) -> ([Double], RidgeGuess?) {
        let k = sp.e.count
        var b = [Double](repeating: 0, count: d)
        let d = self.d
        let next = withUnsafeTemporaryAllocation(of: Double.self, capacity: max(k, 1)) { coef -> RidgeGuess? in
            let C = coef.baseAddress!
            let g = ridgeCoefficients(sp, lambda: lambda, guess: guess, into: C)
            if k > 0 && d > 0 {
                vectors.withUnsafeBufferPointer { v in
                    b.withUnsafeMutableBufferPointer { b in
                        combineRows(v.baseAddress!, rows: k, cols: d, coefficients: C, into: b.baseAddress!)
                    }
                }
            }
            return g
        }
        return (b, next)
    }

    /// Primal value and duality gap of b for (1/n)‖Ab − r‖² + λ‖b‖_p, from Gram quantities.
    /// gradTerm = G b − q.
    private func gap(b: [Double], gradTerm: [Double], lambda: Double, norm: AdaNorm) -> (primal: Double, gap: Double) {
        let nD = Double(n)
        var bGb = 0.0, bq = 0.0
        for j in 0..<d { bGb += b[j] * (gradTerm[j] + q[j]); bq += b[j] * q[j] }
        let loss = max(0, bGb - 2 * bq + rr) / nD
        let primal = loss + lambda * primalNorm(b, norm)
        // θ = (2/n)(Ab − r): ‖θ‖² = 4 loss / n, θ·r = (2/n)(bq − rr), Aᵀθ = (2/n) gradTerm.
        let dn = 2 / nD * dualNorm(gradTerm, norm)
        let sc = dn > lambda ? lambda / dn : 1
        let thetaR = 2 / nD * (bq - rr)
        let dual = -sc * thetaR - nD * sc * sc * (4 * loss / nD) / 4
        return (primal, max(0, primal - dual))
    }

    private var gapTolerance: Double { 1e-12 * rr / Double(max(n, 1)) + 1e-300 }

    /// Cyclic coordinate descent for p = 1 on the Gram form.
    private func coordinateDescent(lambda: Double, start: [Double], refine: Bool) -> ([Double], Double, Int) {
        let G = self.G  // formed once, outside the loops
        var lastPattern: [Int8] = []
        var triedPattern: [Int8] = []
        var b = start
        var grad = G.multiply(b)
        for j in 0..<d { grad[j] -= q[j] }  // grad = G b − q
        let thr = Double(n) * lambda / 2
        var sweeps = 0
        var lastGap = Double.infinity
        let dd = d
        while sweeps < 100_000 {
            sweeps += 1
            // G is symmetric: column j is row j, contiguous.
            G.storage.withUnsafeBufferPointer { g in
                b.withUnsafeMutableBufferPointer { b in
                    grad.withUnsafeMutableBufferPointer { grad in
                        for j in 0..<dd {
                            let gjj = g[j * dd + j]
                            if gjj <= 0 { b[j] = 0; continue }
                            let rho = gjj * b[j] - grad[j]  // q_j − Σ_{k≠j} G_jk b_k
                            let nb = rho > thr ? (rho - thr) / gjj : (rho < -thr ? (rho + thr) / gjj : 0)
                            let delta = nb - b[j]
                            if delta != 0 {
                                b[j] = nb
                                let row = j * dd
                                for k in 0..<dd { grad[k] += delta * g[row + k] }
                            }
                        }
                    }
                }
            }
            if sweeps % 5 == 0 || sweeps < 5 {
                // Refresh the gradient exactly to keep the gap honest.
                grad = G.multiply(b)
                for j in 0..<d { grad[j] -= q[j] }
                lastGap = gap(b: b, gradTerm: grad, lambda: lambda, norm: .l1).gap
                if lastGap <= gapTolerance { break }
                if refine {
                    let pattern = b.map { Int8($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) }
                    if pattern == lastPattern && pattern != triedPattern {
                        triedPattern = pattern
                        if let (rb, rg) = refined(pattern: pattern, isLinf: false, lambda: lambda, from: b) { return (rb, rg, sweeps) }
                    }
                    lastPattern = pattern
                }
            }
        }
        return (b, lastGap, sweeps)
    }

    /// The exact solution for an active pattern, if it is optimal (duality gap within tolerance).
    ///
    /// l1 (pattern = signs σ of b, 0 off the support S): b_S solves G_SS b_S = q_S − (nλ/2) σ_S,
    /// b = 0 off S. ∞ (pattern = signs σ of the entries at ±‖b‖∞, set E; F the others): with
    /// b_E = σ_E τ, (b_F, τ) solve the normal equations of (1/n)‖A M u − r‖² + λτ, M = [I_F | σ_E]:
    /// MᵀGM u = Mᵀq − (nλ/2) e_τ. The system H u = h is singular when A is (a rank-deficient
    /// encoding), so it is solved from the iterate's own coordinates u₀ by iterated Tikhonov
    /// u ← u + (H + ρI)⁻¹(h − H u), ρ = 1e-9·max Hᵢᵢ (Cholesky once): on a consistent system this
    /// converges to the solution nearest u₀, leaving the null directions where the iterations put
    /// them. Rejected (nil) when the solution breaks the pattern (signs, τ > 0, |b_F| <= τ) or its
    /// duality gap exceeds the iterations' tolerance: the iterate itself is then kept.
    func refined(pattern: [Int8], isLinf: Bool, lambda: Double, from b0: [Double]) -> ([Double], Double)? {
        guard let (b, tau) = patternSolution(pattern: pattern, isLinf: isLinf, lambda: lambda, from: b0) else { return nil }
        if isLinf {
            guard tau > 0 else { return nil }
            for j in 0..<d where pattern[j] == 0 { guard abs(b[j]) <= tau else { return nil } }
        } else {
            for j in 0..<d where pattern[j] != 0 {
                guard Double(pattern[j]) * b[j] > 0 else { return nil }
            }
        }
        var grad = G.multiply(b)
        for j in 0..<d { grad[j] -= q[j] }
        let g = gap(b: b, gradTerm: grad, lambda: lambda, norm: isLinf ? .linf : .l1).gap
        return g <= gapTolerance ? (b, g) : nil
    }

    /// The solution b of the pattern's linear system (see `refined`) and, for ∞, its τ; nil when H
    /// is zero or its Cholesky factor fails. The pattern's own conditions are not checked here.
    func patternSolution(pattern: [Int8], isLinf: Bool, lambda: Double, from b0: [Double]) -> ([Double], Double)? {
        let G = self.G  // formed once, outside the loops
        let half = Double(n) * lambda / 2
        // H = MᵀGM and Mᵀq − (nλ/2)e, read off G: M's columns are unit vectors (and, for ∞, σ_E).
        let basis = (0..<d).filter { isLinf ? pattern[$0] == 0 : pattern[$0] != 0 }
        let k = basis.count + (isLinf ? 1 : 0)
        if k == 0 { return nil }
        var h = Matrix(rows: k, cols: k)
        var rhs = [Double](repeating: 0, count: k)
        for (a, ja) in basis.enumerated() {
            for (c, jc) in basis.enumerated() where c >= a {
                h[a, c] = G[jc, ja]; h[c, a] = G[jc, ja]
            }
            rhs[a] = isLinf ? q[ja] : q[ja] - half * Double(pattern[ja])
        }
        if isLinf {
            // the τ column: G σ_E, summed in ascending j as a product with the dense σ would be
            var gs = [Double](repeating: 0, count: d)
            for i in 0..<d {
                var acc = 0.0
                for j in 0..<d where pattern[j] != 0 { acc += G[i, j] * Double(pattern[j]) }
                gs[i] = acc
            }
            for (a, ja) in basis.enumerated() { h[a, k - 1] = gs[ja]; h[k - 1, a] = gs[ja] }
            var stt = 0.0, sq = 0.0
            for j in 0..<d where pattern[j] != 0 { stt += Double(pattern[j]) * gs[j]; sq += Double(pattern[j]) * q[j] }
            h[k - 1, k - 1] = stt
            rhs[k - 1] = sq - half
        }
        var u = [Double](repeating: 0, count: k)
        if isLinf {
            var a = 0
            for j in 0..<d where pattern[j] == 0 { u[a] = b0[j]; a += 1 }
            u[k - 1] = b0.reduce(0) { max($0, abs($1)) }
        } else {
            var a = 0
            for j in 0..<d where pattern[j] != 0 { u[a] = b0[j]; a += 1 }
        }
        var maxDiag = 0.0
        for a in 0..<k { maxDiag = max(maxDiag, h[a, a]) }
        guard maxDiag > 0 else { return nil }
        var shifted = h
        for a in 0..<k { shifted[a, a] += 1e-9 * maxDiag }
        guard let chol = CholeskyFactor(shifted) else { return nil }
        var z = [Double](repeating: 0, count: k)
        for _ in 0..<6 {
            // z = h·u, then rhs − z, then the two triangular solves, in place (the same operations
            // in the same order as `h.multiply(u)` and `chol.solve`)
            h.storage.withUnsafeBufferPointer { hp in
                for a in 0..<k {
                    let row = hp.baseAddress! + a &* k
                    var acc = 0.0
                    for j in 0..<k { acc += row[j] * u[j] }
                    z[a] = rhs[a] - acc
                }
            }
            chol.solveInPlace(&z)
            var moved = 0.0, size = 0.0
            for a in 0..<k { u[a] += z[a]; moved = max(moved, abs(z[a])); size = max(size, abs(u[a])) }
            if moved <= 1e-15 * size { break }
        }
        var b = [Double](repeating: 0, count: d)
        for (a, ja) in basis.enumerated() { b[ja] = u[a] }
        if isLinf { for j in 0..<d where pattern[j] != 0 { b[j] = Double(pattern[j]) * u[k - 1] } }
        return (b, isLinf ? u[k - 1] : 0)
    }

    /// Active-set continuation along the path: starting from `pattern` (the previous λ's), solve
    /// the pattern's system (`patternSolution`) and correct the pattern by the optimality
    /// conditions it breaks, all at once (a primal–dual active-set step), up to 8 times:
    /// l1: an entry of the support whose sign flipped leaves it; an entry outside with
    /// |(Gb − q)ⱼ| > nλ/2 enters with sign −sign((Gb − q)ⱼ). ∞: a free entry with |bⱼ| > τ joins the
    /// set at ±τ with its sign; an entry at ±τ whose subgradient −(Gb − q)ⱼ has the wrong sign
    /// becomes free. A pattern that breaks nothing is accepted only by the same duality-gap test as
    /// the iterations; nil sends the caller to the iterations.
    func continued(pattern start: [Int8], isLinf: Bool, lambda: Double, from b0: [Double]) -> ([Double], Double)? {
        let G = self.G
        let half = Double(n) * lambda / 2
        var pattern = start
        var from = b0
        var tried = Set<[Int8]>()
        for _ in 0..<8 {
            guard tried.insert(pattern).inserted,
                  let (b, tau) = patternSolution(pattern: pattern, isLinf: isLinf, lambda: lambda, from: from) else { return nil }
            var grad = G.multiply(b)
            for j in 0..<d { grad[j] -= q[j] }
            var next = pattern
            if isLinf {
                guard tau > 0 else { return nil }
                for j in 0..<d {
                    if pattern[j] == 0 {
                        if abs(b[j]) > tau { next[j] = b[j] > 0 ? 1 : -1 }
                    } else if -grad[j] * Double(pattern[j]) < 0 {
                        next[j] = 0
                    }
                }
                if !next.contains(where: { $0 != 0 }) { return nil }
            } else {
                for j in 0..<d {
                    if pattern[j] != 0 {
                        if Double(pattern[j]) * b[j] <= 0 { next[j] = 0 }
                    } else if abs(grad[j]) > half {
                        next[j] = grad[j] > 0 ? -1 : 1
                    }
                }
            }
            if next == pattern {
                let g = gap(b: b, gradTerm: grad, lambda: lambda, norm: isLinf ? .linf : .l1).gap
                return g <= gapTolerance ? (b, g) : nil
            }
            pattern = next
            from = b
        }
        return nil
    }

    /// FISTA with gradient-based adaptive restart for p = ∞.
    private func fista(lambda: Double, start: [Double], lipschitz: Double, refine: Bool) -> ([Double], Double, Int) {
        let G = self.G  // formed once, outside the loops
        var lastPattern: [Int8] = []
        var triedPattern: [Int8] = []
        guard lipschitz > 0 else { return ([Double](repeating: 0, count: d), 0, 0) }
        let step = 1 / lipschitz
        let nD = Double(n)
        var x = start
        var y = start
        var t = 1.0
        var iter = 0
        var lastGap = Double.infinity
        var v = [Double](repeating: 0, count: d)
        let dd = d
        let step2n = step * 2 / nD
        while iter < 200_000 {
            iter += 1
            G.storage.withUnsafeBufferPointer { g in
                y.withUnsafeBufferPointer { y in
                    for i in 0..<dd {
                        var acc = 0.0
                        let row = i * dd
                        for k in 0..<dd { acc += g[row + k] * y[k] }
                        v[i] = y[i] - step2n * (acc - q[i])
                    }
                }
            }
            let xNew = proxLinf(v, radius: step * lambda)
            let tNew = (1 + (1 + 4 * t * t).squareRoot()) / 2
            // Restart when the momentum points uphill: (y − xNew)·(xNew − x) > 0.
            var dot = 0.0
            for j in 0..<d { dot += (y[j] - xNew[j]) * (xNew[j] - x[j]) }
            if dot > 0 {
                y = xNew
                t = 1
            } else {
                let mom = (t - 1) / tNew
                for j in 0..<d { y[j] = xNew[j] + mom * (xNew[j] - x[j]) }
                t = tNew
            }
            x = xNew
            if iter % 10 == 0 {
                var gx = G.multiply(x)
                for j in 0..<d { gx[j] -= q[j] }
                lastGap = gap(b: x, gradTerm: gx, lambda: lambda, norm: .linf).gap
                if lastGap <= gapTolerance { break }
                if refine {
                    let top = x.reduce(0) { max($0, abs($1)) }
                    let pattern = x.map { top > 0 && abs($0) == top ? Int8($0 > 0 ? 1 : -1) : 0 }
                    if top > 0 && pattern == lastPattern && pattern != triedPattern {
                        triedPattern = pattern
                        if let (rb, rg) = refined(pattern: pattern, isLinf: true, lambda: lambda, from: x) { return (rb, rg, iter) }
                    }
                    lastPattern = pattern
                }
            }
        }
        return (x, lastGap, iter)
    }
}


/// AᵀA computed once, on first use, by whichever caller gets there first (under a lock, so an
/// `AdaProxyProblem` shared across threads stays safe); the value is the same `Matrix.gram()` as before.
private final class LazyGram: @unchecked Sendable {
    private var cached: Matrix?
    private let lock = NSLock()
    func value(of a: Matrix) -> Matrix {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let g = a.gram()
        cached = g
        return g
    }
}

/// The ridge spectrum of a problem, computed once on first use (under a lock, as `LazyGram`), and
/// the rows of its A in the spectrum's eigenbasis (Ã = A Vᵀ, n × k) for the folds formed from it.
private final class LazySpectrum: @unchecked Sendable {
    private var spectrum: AdaProxyProblem.RidgeSpectrum?
    private var rows: [Double]?
    private let lock = NSLock()
    private func locked(_ p: AdaProxyProblem) -> AdaProxyProblem.RidgeSpectrum {
        if let spectrum { return spectrum }
        let s = p.ridgeSpectrum()
        spectrum = s
        return s
    }
    func spectrum(_ p: AdaProxyProblem) -> AdaProxyProblem.RidgeSpectrum {
        lock.lock()
        defer { lock.unlock() }
        return locked(p)
    }
    func projected(_ p: AdaProxyProblem) -> (AdaProxyProblem.RidgeSpectrum, [Double]) {
        lock.lock()
        defer { lock.unlock() }
        let s = locked(p)
        if let rows { return (s, rows) }
        let k = s.e.count, n = p.n, d = p.d
        var at = [Double](repeating: 0, count: n * k)
        if k > 0 && n > 0 {
            // row i of Ã = Σⱼ aᵢⱼ·(column j of V), from Vᵀ (d × k)
            var vt = [Double](repeating: 0, count: d * k)
            let v = s.vectors(d: d)
            for a in 0..<k { for j in 0..<d { vt[j &* k &+ a] = v[a &* d &+ j] } }
            p.A.storage.withUnsafeBufferPointer { ap in
                vt.withUnsafeBufferPointer { vp in
                    at.withUnsafeMutableBufferPointer { op in
                        for i in 0..<n {
                            combineRows(vp.baseAddress!, rows: d, cols: k, coefficients: ap.baseAddress! + i &* d,
                                        into: op.baseAddress! + i &* k)
                        }
                    }
                }
            }
        }
        rows = at
        return (s, at)
    }
}

/// ‖v‖_p.
func primalNorm(_ v: [Double], _ norm: AdaNorm) -> Double {
    switch norm {
    case .l1: return v.reduce(0) { $0 + abs($1) }
    case .l2: return v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    case .linf: return v.reduce(0) { max($0, abs($1)) }
    }
}

/// The dual norm of ‖·‖_p: ∞ for p = 1, 2 for 2, 1 for ∞.
func dualNorm(_ v: [Double], _ norm: AdaNorm) -> Double {
    switch norm {
    case .l1: return primalNorm(v, .linf)
    case .l2: return primalNorm(v, .l2)
    case .linf: return primalNorm(v, .l1)
    }
}

/// prox of ρ‖·‖∞ at v: v − Π_{‖·‖₁ ≤ ρ}(v), which clips every entry at the projection's threshold θ.
func proxLinf(_ v: [Double], radius rho: Double) -> [Double] {
    let absV = v.map(abs)
    let l1 = absV.reduce(0, +)
    if l1 <= rho { return [Double](repeating: 0, count: v.count) }
    let u = absV.sorted(by: >)
    var cum = 0.0
    var theta = 0.0
    for (k, uk) in u.enumerated() {
        cum += uk
        let th = (cum - rho) / Double(k + 1)
        if uk - th > 0 { theta = th } else { break }
    }
    return v.map { $0 > theta ? theta : ($0 < -theta ? -theta : $0) }
}

/// The largest eigenvalue of a symmetric positive semidefinite matrix (power iteration, 1% safety).
func largestEigenvalue(_ g: Matrix) -> Double {
    let n = g.rows
    guard n > 0 else { return 0 }
    var x = (0..<n).map { 1 + 0.01 * Double($0 % 7) }
    var lam = 0.0
    for _ in 0..<500 {
        let y = g.multiply(x)
        let norm = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm == 0 { return 0 }
        let newLam = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / x.reduce(0) { $0 + $1 * $1 }
        x = y.map { $0 / norm }
        if abs(newLam - lam) <= 1e-10 * newLam { lam = newLam; break }
        lam = newLam
    }
    // The Rayleigh quotient under-estimates; bound above by the Frobenius-safe 1.01 factor, capped
    // by the trace (always an upper bound for PSD).
    var trace = 0.0
    for i in 0..<n { trace += g[i, i] }
    return min(lam * 1.01, trace)
}
