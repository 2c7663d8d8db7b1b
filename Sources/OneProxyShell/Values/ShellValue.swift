/// A value a session variable can hold: a dataset, a correlation, a predictor, an adaptation
/// report, a search result, a curve, a table…
///
/// Each kind renders itself in every output format and exports to the file types it supports, so a
/// new kind of result (search fronts, few-shot curves, figures) plugs in without touching the session.
public protocol ShellValue: Sendable {
    /// The type's name as `vars` shows it: `dataset`, `correlation`, `predictor`, …
    var typeName: String { get }
    /// One line: what it is and how big (`vars` and assignments print it).
    var summary: String { get }
    /// The full rendering for `show` and bare commands.
    func render(_ ctx: RenderContext) -> String
    /// File types `export` can write, by extension (`csv`, `json`, `md`, `svg`).
    var exportExtensions: [String] { get }
    /// The file's content for an extension from `exportExtensions`.
    func export(as ext: String) throws -> String
    /// Extra words for tab completion (a dataset's device names).
    var completionWords: [String] { get }
}

extension ShellValue {
    public var completionWords: [String] { [] }
}

/// A value that is a table (device summaries, the dataset catalogue, …).
public protocol TabularValue: ShellValue {
    var table: Table { get }
}

extension TabularValue {
    public func render(_ ctx: RenderContext) -> String { table.render(ctx) }
    public var exportExtensions: [String] { ["csv", "json", "md"] }
    public func export(as ext: String) throws -> String {
        switch ext {
        case "csv": return table.csv()
        case "json": return table.json()
        case "md": return table.markdown()
        default: throw Diagnostic("a \(typeName) exports to \(exportExtensions.joined(separator: ", ")), not .\(ext)")
        }
    }
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
