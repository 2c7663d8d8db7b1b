import Foundation

/// `x ↦ φ(x) · weights + intercept`: an accuracy predictor, linear over a feature family φ of the
/// space (`FeatureBasis`). It predicts any architecture of its space, so a search can rank every
/// candidate, trained or not.
public struct AccuracyModel: Sendable {
    public var basis: FeatureBasis
    /// One weight per basis column (the constant column's weight is folded into `intercept`).
    public var weights: [Double]
    public var intercept: Double

    public init(basis: FeatureBasis, weights: [Double], intercept: Double) {
        precondition(weights.count == basis.width)
        self.basis = basis; self.weights = weights; self.intercept = intercept
    }

    /// The predicted accuracy of architectures given by their one-hot encodings (rows of `encoded`).
    public func predict(encoded: Matrix) -> [Double] {
        basis.matrix(encoded: encoded).multiply(weights).map { $0 + intercept }
    }

    /// The predicted accuracy of every row of a dataset of the model's space.
    public func predict(_ d: Dataset) throws -> [Double] {
        guard d.space == basis.space else {
            throw OneProxyError("the accuracy predictor is over \(basis.space.rawValue) architectures; \(d.name) holds \(d.space.rawValue) ones")
        }
        return predict(encoded: try encodingMatrix(d))
    }
}

/// One feature family's ridge on the trained rows, scored by exact leave-one-out.
public struct AccuracyFamilyScore: Sendable, Equatable {
    public var family: String
    public var width: Int
    public var lambda: Double
    /// Root mean squared leave-one-out error, in accuracy points.
    public var looRMSE: Double
    /// SRCC of the leave-one-out predictions with the trained accuracies (nil when undefined).
    public var looSRCC: Double?
}

/// An accuracy predictor fitted on rows whose accuracy is known (`fitAccuracyModel`).
public struct AccuracyFit: Sendable {
    public var model: AccuracyModel
    public var ridge: DualRidgeFit
    /// The trained rows' accuracies, in the order the rows were given.
    public var accuracies: [Double]
    public var looRMSE: Double
    public var looSRCC: Double?
    /// SRCC of the fitted values with the trained accuracies (in-sample).
    public var fitSRCC: Double?
    /// Every family fitted when the family was chosen (in the space's order), else the one given.
    public var families: [AccuracyFamilyScore]
    /// Whether the family was chosen by leave-one-out SRCC rather than given.
    public var chosen: Bool
}

/// Ridge of the accuracy on a feature family, `‖F β + c − y‖² + λ‖β‖²` with c unpenalised and λ
/// by exact leave-one-out (`dualRidge`: 25 values log-spaced over 1e-3..1e3 times the mean
/// eigenvalue of the centred Gram matrix, and 1e12 times it, the intercept alone).
///
/// `encoded` holds the trained architectures' one-hot encodings (one row each, in the order of
/// `accuracies`). With `family` nil every family of the space is fitted and the one whose
/// leave-one-out predictions rank the trained accuracies best (highest SRCC) is kept; an undefined
/// SRCC never wins, and ties go to the family listed first. This choice was validated on NB201's
/// cifar100 and imagenet16 columns (`oneproxy-bench accpred`): no single family is best from 50 to
/// 1000 rows, and the rule comes within 0.01 SRCC of the best one at each size.
/// Needs at least 3 rows.
public func fitAccuracyModel(space: SpaceKind, encoded: Matrix, accuracies y: [Double], family: String? = nil) throws -> AccuracyFit {
    guard encoded.rows == y.count else { throw OneProxyError("\(encoded.rows) architectures but \(y.count) accuracies") }
    guard y.count >= 3 else { throw OneProxyError("an accuracy predictor needs at least 3 rows with a known accuracy (got \(y.count))") }
    guard y.allSatisfy(\.isFinite) else { throw OneProxyError("every trained row needs a known accuracy") }
    let families = family.map { [$0] } ?? space.descriptor.featureFamilies
    guard !families.isEmpty else { throw OneProxyError("\(space.rawValue) keys have no feature families") }
    var best: (fit: AccuracyFit, srcc: Double?)?
    var scores: [AccuracyFamilyScore] = []
    for f in families {
        let basis = try FeatureBasis(space: space, family: f)
        let phi = basis.matrix(encoded: encoded)
        let r = try dualRidge(features: phi, y: y)
        let fitted = phi.multiply(r.weights).map { $0 + r.intercept }
        let looSRCC = spearman(r.looPredictions, y).value
        let rmse = r.looMSE.squareRoot()
        scores.append(AccuracyFamilyScore(family: f, width: basis.width, lambda: r.lambda, looRMSE: rmse, looSRCC: looSRCC))
        let fit = AccuracyFit(model: AccuracyModel(basis: basis, weights: r.weights, intercept: r.intercept), ridge: r, accuracies: y,
                              looRMSE: rmse, looSRCC: looSRCC, fitSRCC: spearman(fitted, y).value, families: [], chosen: family == nil)
        if let b = best {
            if let s = looSRCC, s > (b.srcc ?? -.infinity) + 1e-12 { best = (fit, s) }
        } else {
            best = (fit, looSRCC)
        }
    }
    var out = best!.fit
    out.families = scores
    return out
}

/// `fitAccuracyModel` on rows of a dataset: the accuracy column `accuracy` on `rows` (each must
/// have a known accuracy).
public func fitAccuracyModel(_ d: Dataset, accuracy: String, rows: [Int], family: String? = nil) throws -> AccuracyFit {
    guard let a = d.accuracy(named: accuracy) else { throw OneProxyError("\(d.name) has no accuracy column '\(accuracy)'") }
    for r in rows where !(0..<d.rowCount).contains(r) || !a.values[r].isFinite {
        throw OneProxyError((0..<d.rowCount).contains(r) ? "row \(r) has no \(accuracy) accuracy" : "row \(r) is out of range (0..<\(d.rowCount))")
    }
    return try fitAccuracyModel(space: d.space, encoded: encodingMatrix(d).selectingRows(rows), accuracies: rows.map { a.values[$0] }, family: family)
}
