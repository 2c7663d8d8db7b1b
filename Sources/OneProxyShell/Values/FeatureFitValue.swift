import Foundation
import OneProxyKit

/// `p = fit d DEVICE features=FAMILY`: a device's latency model over a rich feature family of its
/// space (ridge, λ by exact leave-one-out), a predictor like any other.
public struct FeatureFitValue: ModelValue {
    public var dataset: String
    public var device: String
    public var model: FeatureLatencyModel
    public var ridge: DualRidgeFit
    public var rowsUsed: Int
    /// SRCC of the fit against the device's own measurements: in-sample, and of each row's
    /// leave-one-out prediction.
    public var srccFit: Double?
    public var srccLOO: Double?
    public var mapeLOO: Double?

    public var space: SpaceKind { model.basis.space }
    public var latencyModel: any LatencyModel { model }
    public var typeName: String { "predictor" }
    public func modelDescription(variable: String) -> String { "\(variable) (\(device)'s \(model.basis.family) predictor)" }
    public var predictedDeviceName: String { device + "_fit" }

    public var summary: String {
        "ridge predictor of \(device) over \(space.rawValue) family \(model.basis.family) (\(model.basis.width) columns, λ = \(formatLambda(ridge.lambda)) by leave-one-out), SRCC \(format4(srccLOO)) leave-one-out (\(format4(srccFit)) in-sample) on its \(rowsUsed) architectures"
    }

    var weightsTable: Table {
        var t = Table(columns: ["column", "feature", "weight_ms"])
        t.rows = model.weights.enumerated().map { [.integer($0.offset), .text(model.basis.names[$0.offset]), .number($0.element, digits: 4)] }
        t.rows.append([.integer(nil), .text("intercept"), .number(model.intercept, digits: 4)])
        return t
    }

    public var document: Document {
        var t = weightsTable
        t.title = "Ridge latency predictor of \(device) over the \(model.basis.family) family, fit on \(rowsUsed) architectures of \(dataset)"
        var path = Table(columns: ["lambda", "loo_mse"])
        path.rows = ridge.path.map { [.number($0.lambda, digits: 4), .number($0.looMSE, digits: 5)] }
        path.title = "λ path: mean squared leave-one-out error (the smallest is chosen, ties to the larger λ)"
        return Document([
            .table(t),
            .note("features: \(space.rawValue) family \(model.basis.family), \(model.basis.width) columns (the constant's weight is in the intercept)"),
            .note("λ = \(formatLambda(ridge.lambda)) by exact leave-one-out over \(ridge.path.count) candidates; leave-one-out SRCC \(format4(srccLOO)), MAPE \(mapeLOO.map { String(format: "%.1f%%", 100 * $0) } ?? "undefined"); in-sample SRCC \(format4(srccFit))"),
            .table(path),
        ])
    }

    /// `export p "p.json"`: the family's features and weights, λ, and the fit's validation.
    struct JSONForm: Encodable, Sendable {
        var device, dataset, space, family: String, features: [String], weights: [JSONNumber], intercept, lambda: JSONNumber
        var rows_used: Int, srcc_fit, srcc_loo, mape_loo: JSONNumber
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(device: device, dataset: dataset, space: space.rawValue, family: model.basis.family, features: model.basis.names,
                 weights: model.weights.jsonNumbers, intercept: JSONNumber(model.intercept), lambda: JSONNumber(ridge.lambda),
                 rows_used: rowsUsed, srcc_fit: JSONNumber(srccFit), srcc_loo: JSONNumber(srccLOO), mape_loo: JSONNumber(mapeLOO))
    }

    public var exports: [ExportFormat] { [.csv, .json] }
    public func customExport(_ format: ExportFormat) throws -> String? { format == .csv ? weightsTable.csv() : nil }
}

/// The ridge of `fit … features=FAMILY` on every row the device measured.
func fitFeatureModel(_ d: Dataset, device dev: Device, family: String) throws -> FeatureFitValue {
    let basis = try FeatureBasis(space: d.space, family: family)
    let rows = dev.latencies.indices.filter { !dev.latencies[$0].isNaN }
    guard rows.count >= 3 else { throw OneProxyError("\(dev.name) measured \(rows.count) architectures: a ridge needs at least 3") }
    let f = try featureMatrix(d, family: family).selectingRows(rows)
    let y = rows.map { dev.latencies[$0] }
    let ridge = try dualRidge(features: f, y: y)
    let model = FeatureLatencyModel(basis: basis, base: nil, weights: ridge.weights, intercept: ridge.intercept)
    let fitted = f.multiply(ridge.weights).map { $0 + ridge.intercept }
    let mape = zip(ridge.looPredictions, y).reduce(0) { $0 + abs($1.0 - $1.1) / $1.1 } / Double(y.count)
    return FeatureFitValue(dataset: d.name, device: dev.name, model: model, ridge: ridge, rowsUsed: rows.count,
                           srccFit: spearman(fitted, y).value, srccLOO: spearman(ridge.looPredictions, y).value, mapeLOO: mape)
}
