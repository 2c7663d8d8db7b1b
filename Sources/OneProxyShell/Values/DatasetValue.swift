import Foundation
import OneProxyKit

/// A dataset variable: architectures x devices (and accuracies).
public struct DatasetValue: ShellValue {
    public var dataset: Dataset

    public init(_ dataset: Dataset) { self.dataset = dataset }

    public var typeName: String { "dataset" }

    public var summary: String {
        let d = dataset
        var s = "\(d.name): \(d.rowCount) architectures (\(d.space.rawValue)) x \(d.devices.count) device\(d.devices.count == 1 ? "" : "s")"
        if !d.accuracies.isEmpty { s += ", accuracies " + d.accuracies.map(\.name).joined(separator: ", ") }
        return s
    }

    public var document: Document {
        Document([.heading(summary), .note("source: \(dataset.source)"), .table(devicesTable(dataset))])
    }

    /// `export d "d.json"`: what the dataset is; its devices as the `devices` table's rows.
    struct JSONForm: Encodable, Sendable {
        var name, source, space: String, architectures: Int, devices: JSONValue, accuracies: [String]
    }

    public var jsonForm: any Encodable & Sendable {
        let d = dataset
        return JSONForm(name: d.name, source: d.source, space: d.space.rawValue, architectures: d.rowCount,
                        devices: devicesTable(d).jsonValue, accuracies: d.accuracies.map(\.name))
    }

    public var exports: [ExportFormat] { [.csv, .json] }
    public func customExport(_ format: ExportFormat) throws -> String? { format == .csv ? exportCSV(dataset) : nil }
    public var completionWords: [String] { dataset.deviceNames + dataset.accuracies.map(\.name) }
}

/// The per-device table of `devices d`: count, missing, distinct values, min/median/max.
func devicesTable(_ d: Dataset) -> Table {
    var t = Table(columns: ["device", "count", "missing", "distinct", "min_ms", "median_ms", "max_ms"])
    t.rows = summarizeDevices(d).map { s in
        [.text(s.name), .integer(s.count), .integer(s.missing), .integer(s.distinct),
         .number(s.min, digits: 3), .number(s.median, digits: 3), .number(s.max, digits: 3)]
    }
    return t
}
