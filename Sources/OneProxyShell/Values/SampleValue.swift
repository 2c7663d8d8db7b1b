import OneProxyKit

/// A value that names rows of a dataset (a sample, a plan): `adapt samples=` takes any of them.
public protocol RowListValue: ShellValue {
    var rows: [Int] { get }
}

/// A list of row numbers (architectures) to measure or train on: `s = sample …`.
public struct SampleValue: RowListValue {
    public var rows: [Int]
    /// How it was made: given, or drawn (from which dataset, with which seed).
    public var origin: String

    public var typeName: String { "sample" }

    public var summary: String {
        let head = rows.prefix(8).map(String.init).joined(separator: ", ")
        return "\(rows.count) rows (\(origin)): \(head)\(rows.count > 8 ? ", …" : "")"
    }

    public var document: Document {
        // (Typed steps: as one expression this took the type checker 0.5 s of every build.)
        let lines: [String] = stride(from: 0, to: rows.count, by: 15).map { (start: Int) -> String in
            let slice: [String] = rows[start..<min(start + 15, rows.count)].map { String($0) }
            return "  " + slice.joined(separator: ", ")
        }
        let head: String = "\(rows.count) rows (\(origin)):"
        return Document([.text(head), .preformatted(lines.joined(separator: "\n"))])
    }

    public var jsonForm: any Encodable & Sendable { rows }

    func csv() -> String { "row\n" + rows.map { "\($0)\n" }.joined() }

    public var exports: [ExportFormat] { [.csv, .json] }
    public func customExport(_ format: ExportFormat) throws -> String? { format == .csv ? csv() : nil }
}
