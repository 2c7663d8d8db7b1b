import OneProxyKit

/// A value a session variable can hold: a dataset, a correlation, a predictor, an adaptation
/// report, a search result, a curve, a table…
///
/// A value says what it shows as a `Document` (blocks of text, tables, figures) and what it is as
/// JSON; renderers draw the document for each target (terminal, CSV, Markdown, HTML), so a new
/// kind of result plugs in without touching the session or the renderers.
public protocol ShellValue: Sendable {
    /// The type's name as `vars` shows it: `dataset`, `correlation`, `predictor`, …
    var typeName: String { get }
    /// One line: what it is and how big (`vars` and assignments print it).
    var summary: String { get }
    /// The full view for `show`, bare commands and the notebook.
    var document: Document { get }
    /// The value's JSON form (`export x "x.json"`, `--format json`): an `Encodable` whose stored
    /// properties are the JSON's fields, named as JSON names them (snake_case), so the form is the
    /// schema. Numbers that can be missing or not finite are `JSONNumber` (written as null).
    var jsonForm: any Encodable & Sendable { get }
    /// The file types `export` writes (default: CSV when the document has a table, JSON, Markdown,
    /// SVG when it has a figure, and HTML).
    var exports: [ExportFormat] { get }
    /// The value's own content for one of its formats, or nil for the standard one
    /// (`ExportFormat.render`: its document through that format's renderer).
    func customExport(_ format: ExportFormat) throws -> String?
    /// Extra words for tab completion (a dataset's device names).
    var completionWords: [String] { get }
}

extension ShellValue {
    public var completionWords: [String] { [] }

    /// The value as JSON: its `jsonForm`, encoded.
    public var json: JSONValue { JSONValue(encoding: jsonForm) }

    public var exports: [ExportFormat] { defaultExports }

    public var defaultExports: [ExportFormat] {
        let doc = document
        return (doc.tables.isEmpty ? [] : [.csv]) + [.json, .md] + (doc.figures.isEmpty ? [] : [.svg]) + [.html]
    }

    public func customExport(_ format: ExportFormat) throws -> String? { nil }

    /// The extensions `export` accepts, as users type them.
    public var exportExtensions: [String] { exports.map(\.rawValue) }

    /// The file's content for an extension: the value's own when it has one, else the standard
    /// content (CSV of the tables, indented JSON, Markdown with embedded figures, the first figure
    /// as SVG, a standalone HTML page).
    public func export(as ext: String) throws -> String {
        if let format = ExportFormat(rawValue: ext), exports.contains(format) {
            if let text = try customExport(format) ?? format.render(self) { return text }
        }
        throw Diagnostic("a \(typeName) exports to \(exportExtensions.map { "." + $0 }.joined(separator: ", ")), not .\(ext)")
    }
}

/// A value that is a table (device summaries, the dataset catalogue, …).
public protocol TabularValue: ShellValue {
    var table: Table { get }
}

extension TabularValue {
    public var document: Document { Document([.table(table)]) }
    public var jsonForm: any Encodable & Sendable { table.jsonValue }
}

/// A plain table result.
public struct TableValue: TabularValue {
    public var typeName: String
    public var table: Table
    public var summaryText: String

    public init(typeName: String = "table", table: Table, summary: String? = nil) {
        self.typeName = typeName
        self.table = table
        self.summaryText = summary ?? "\(table.rows.count) rows x \(table.columns.count) columns"
    }

    public var summary: String { summaryText }
}
