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
    /// The value as JSON (`export x "x.json"`, `--format json`).
    var json: JSONValue { get }
    /// File types `export` can write, by extension (`csv`, `json`, `md`, `svg`, `html`).
    var exportExtensions: [String] { get }
    /// The file's content for an extension from `exportExtensions`.
    func export(as ext: String) throws -> String
    /// Extra words for tab completion (a dataset's device names).
    var completionWords: [String] { get }
}

extension ShellValue {
    public var completionWords: [String] { [] }

    /// What a value exports to unless it says otherwise: CSV when it has a table, JSON, Markdown,
    /// SVG when it has a figure, and HTML.
    public var exportExtensions: [String] { defaultExportExtensions }

    public var defaultExportExtensions: [String] {
        let doc = document
        return (doc.tables.isEmpty ? [] : ["csv"]) + ["json", "md"] + (doc.figures.isEmpty ? [] : ["svg"]) + ["html"]
    }

    public func export(as ext: String) throws -> String { try defaultExport(as: ext) }

    /// The standard file contents: CSV of the tables, indented JSON, Markdown with embedded
    /// figures, the first figure as SVG, or a standalone HTML page.
    public func defaultExport(as ext: String) throws -> String {
        switch ext {
        case "csv": return CSVRenderer().render(document)
        case "json": return json.encoded(pretty: true) + "\n"
        case "md": return MarkdownRenderer(figures: .embeddedSVG).render(document)
        case "svg":
            guard let f = document.figures.first else { break }
            return f.svg()
        case "html": return htmlPage(title: summary, body: HTMLRenderer().render(document))
        default: break
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
    public var json: JSONValue { table.jsonValue }
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
