import OneProxyKit

/// `p = plan …` or `shortlist s`: architectures to measure on a device, with what the proxy
/// predicts for them. `export p "plan.csv"` writes `nb201_index,arch_str` for a measuring harness.
public struct PlanValue: RowListValue {
    /// Rows of the dataset the plan was made on (what `adapt samples=` takes after a merge).
    public var rows: [Int]
    public var keys: [String]
    public var keyName: String
    public var nb201Index: [Int]?
    /// What the proxy (or the predictor) expects each to take, in ms.
    public var predicted: [Double]
    public var predictedBy: String
    /// How they were chosen, for the title: `doptimal design from true_vpu (seed 1)`.
    public var how: String
    public var dataset: String
    /// Extra columns (a shortlist's accuracy), name and values.
    public var extra: [(String, [Double])] = []
    /// What to do next, for the note under the table.
    public var next: String

    public var typeName: String { "plan" }

    public var summary: String {
        "\(rows.count) architectures to measure (\(how)): rows " + rows.prefix(6).map(String.init).joined(separator: ", ") + (rows.count > 6 ? ", …" : "")
    }

    var table: Table {
        var t = Table(columns: ["row"] + (nb201Index != nil ? ["nb201_index"] : []) + [keyName] + extra.map(\.0) + ["predicted_ms"])
        t.rows = rows.indices.map { i in
            [.integer(rows[i])] + (nb201Index.map { [.integer($0[i])] } ?? []) + [.text(keys[i])]
                + extra.map { .number($0.1[i], digits: 2) } + [.number(predicted[i], digits: 3)]
        }
        t.title = "\(rows.count) architectures to measure: \(how) (predicted_ms by \(predictedBy))"
        return t
    }

    public var document: Document { Document([.table(table), .note(next)]) }

    /// `export s "s.json"`: the architectures to measure, by row, key and NB201 index (null outside
    /// NB201), with their predicted latencies.
    struct JSONForm: Encodable, Sendable {
        var dataset, how: String, rows: [Int], keys: [String], nb201_index: JSONNullable<[Int]>, predicted_ms: [JSONNumber]
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(dataset: dataset, how: how, rows: rows, keys: keys, nb201_index: JSONNullable(nb201Index), predicted_ms: predicted.jsonNumbers)
    }

    /// The harness's input: the architectures' keys only (`nb201_index,arch_str` on NB201).
    func csv() -> String {
        var out = (nb201Index != nil ? "nb201_index," : "") + keyName + "\n"
        for i in rows.indices {
            out += (nb201Index.map { "\($0[i])," } ?? "") + csvField(keys[i]) + "\n"
        }
        return out
    }

    public var exports: [ExportFormat] { [.csv, .json, .md, .html] }
    public func customExport(_ format: ExportFormat) throws -> String? { format == .csv ? csv() : nil }
}
