import Foundation
import OneProxyKit

/// `q = fitacc d acc=cifar10 …`: an accuracy predictor, ridge over a feature family of the space,
/// fitted on rows whose accuracy is known. `search d acc=q …` ranks its candidates by it.
public struct AccuracyModelValue: ShellValue {
    public var dataset: String
    /// The accuracy column it predicts.
    public var accuracy: String
    public var fit: AccuracyFit
    /// The trained rows of `dataset`, and how they were chosen (`200 random rows … (seed 1)`).
    public var rows: [Int]
    public var selection: String
    /// SRCC with the truth on the dataset's other rows whose accuracy is known (none: nil).
    public var heldOutSRCC: Double?
    public var heldOutRows: Int

    public var space: SpaceKind { fit.model.basis.space }
    public var family: String { fit.model.basis.family }
    public var typeName: String { "accuracy predictor" }
    /// How search labels the accuracy it ranks by.
    public var label: String { "predicted \(accuracy)" }

    /// The predicted accuracy of every row of a dataset of the same space.
    public func predict(_ d: Dataset) throws -> [Double] { try fit.model.predict(d) }

    var familyText: String {
        "\(space.rawValue) family \(family) (\(fit.model.basis.width) columns\(fit.chosen ? ", chosen by leave-one-out SRCC" : ""))"
    }

    public var summary: String {
        "accuracy predictor of \(accuracy) over \(familyText), λ = \(formatLambda(fit.ridge.lambda)), \(selection): leave-one-out RMSE "
            + String(format: "%.2f", fit.looRMSE) + " points, SRCC \(format4(fit.looSRCC))"
            + (heldOutRows > 0 ? "; SRCC \(format4(heldOutSRCC)) on the \(heldOutRows) rows of known \(accuracy) not trained" : "")
    }

    var familiesTable: Table {
        var t = Table(columns: ["family", "columns", "lambda", "loo_rmse", "loo_srcc", "chosen"])
        t.rows = fit.families.map { f in
            [.text(f.family), .integer(f.width), .number(f.lambda, digits: 4), .number(f.looRMSE, digits: 3), .number(f.looSRCC, digits: 4),
             .text(f.family == family ? "yes" : "")]
        }
        t.title = fit.chosen ? "every family of \(space.rawValue) on the trained rows: the highest leave-one-out SRCC is kept" : "the family given"
        return t
    }

    var weightsTable: Table {
        let m = fit.model
        var t = Table(columns: ["column", "feature", "weight"])
        t.rows = m.weights.enumerated().map { [.integer($0.offset), .text(m.basis.names[$0.offset]), .number($0.element, digits: 4)] }
        t.rows.append([.integer(nil), .text("intercept"), .number(m.intercept, digits: 4)])
        return t
    }

    public var document: Document {
        var w = weightsTable
        w.title = "Ridge accuracy predictor of \(accuracy) over the \(family) family, fit on \(rows.count) rows of \(dataset)"
        var path = Table(columns: ["lambda", "loo_mse"])
        path.rows = fit.ridge.path.map { [.number($0.lambda, digits: 4), .number($0.looMSE, digits: 5)] }
        path.title = "λ path: mean squared leave-one-out error (the smallest is chosen, ties to the larger λ)"
        var notes: [Block] = [
            .note("trained on \(selection); λ = \(formatLambda(fit.ridge.lambda)) by exact leave-one-out over \(fit.ridge.path.count) candidates"),
            .note("leave-one-out RMSE " + String(format: "%.2f", fit.looRMSE) + " points, SRCC \(format4(fit.looSRCC)); in-sample SRCC \(format4(fit.fitSRCC))"),
        ]
        if heldOutRows > 0 { notes.append(.note("SRCC \(format4(heldOutSRCC)) with the known \(accuracy) of the \(heldOutRows) rows of \(dataset) it was not trained on")) }
        notes.append(.note("search d acc=NAME lat=… ranks architectures by it (NAME: the variable holding this predictor)"))
        return Document([.table(familiesTable)] + notes + [.table(w), .table(path)])
    }

    /// `export q "q.json"`: the fitted model, how it was chosen and how it validates.
    struct JSONForm: Encodable, Sendable {
        struct Family: Encodable, Sendable {
            var family: String, columns: Int, lambda, loo_rmse, loo_srcc: JSONNumber
        }
        var dataset, accuracy, space, family, chosen_by: String
        var features: [String], weights: [JSONNumber], intercept, lambda: JSONNumber
        var rows: [Int], rows_trained: Int
        var loo_rmse, loo_srcc, srcc_fit, srcc_held_out: JSONNumber, held_out_rows: Int
        var families: [Family]
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(
            dataset: dataset, accuracy: accuracy, space: space.rawValue, family: family, chosen_by: fit.chosen ? "loo_srcc" : "given",
            features: fit.model.basis.names, weights: fit.model.weights.jsonNumbers, intercept: JSONNumber(fit.model.intercept),
            lambda: JSONNumber(fit.ridge.lambda), rows: rows, rows_trained: rows.count,
            loo_rmse: JSONNumber(fit.looRMSE), loo_srcc: JSONNumber(fit.looSRCC), srcc_fit: JSONNumber(fit.fitSRCC),
            srcc_held_out: JSONNumber(heldOutSRCC), held_out_rows: heldOutRows,
            families: fit.families.map {
                .init(family: $0.family, columns: $0.width, lambda: JSONNumber($0.lambda), loo_rmse: JSONNumber($0.looRMSE), loo_srcc: JSONNumber($0.looSRCC))
            })
    }

    public var exports: [ExportFormat] { [.csv, .json] }
    public func customExport(_ format: ExportFormat) throws -> String? { format == .csv ? weightsTable.csv() : nil }
}
