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

    public var json: JSONValue {
        let d = dataset
        return [
            "name": .string(d.name), "source": .string(d.source), "space": .string(d.space.rawValue),
            "architectures": .int(d.rowCount), "devices": devicesTable(d).jsonValue,
            "accuracies": .strings(d.accuracies.map(\.name)),
        ]
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
