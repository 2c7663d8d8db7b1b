import Foundation
import OneProxyKit

/// The tool's version, printed by `--version` and in every notebook's header.
public let oneproxyVersion = "0.2.0"

/// A dataset the session loaded: bundled (`bundled:NAME`) or a user's file with its SHA-256.
public struct InputFile: Sendable, Equatable {
    public var dataset: String
    public var source: String
    public var sha256: String?

    public init(dataset: String, source: String, sha256: String?) {
        self.dataset = dataset
        self.source = source
        self.sha256 = sha256
    }
}

extension Session {
    func noteInput(_ f: InputFile) {
        if !inputs.contains(f) { inputs.append(f) }
    }
}

/// Records every statement of a session with what it printed: the notebook page's content.
///
/// Guarantees: entries are in the order the statements ran (typed, from a script, or `run`
/// inside one), each with its outputs and diagnostics in the order they were reported; a
/// statement that failed to parse or run is kept with its error.
public final class NotebookRecorder: SessionObserver {
    public enum Output: Sendable {
        /// `name: summary` (an assignment).
        case summary(name: String, text: String)
        /// A value shown in full (a bare command or `show`), in the format asked for if any.
        case value(any ShellValue, format: OutputFormat?)
        case document(Document)
        case diagnostic(Severity, String)
    }

    public struct Entry: Sendable {
        public var statement: String
        public var origin: String
        public var line: Int
        public var outputs: [Output]
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public func receive(_ event: SessionEvent, from session: Session) {
        switch event {
        case .statement(let text, let origin, let line):
            entries.append(Entry(statement: text, origin: origin, line: line, outputs: []))
        case .bound(let name, let value, let shown):
            add(shown ? .value(value, format: nil) : .summary(name: name, text: value.summary))
        case .show(let value, let format):
            add(.value(value, format: format))
        case .display(let doc):
            add(.document(doc))
        case .diagnostic(let d):
            add(.diagnostic(d.severity, d.render(palette: .plain)))
        case .progress:
            break
        }
    }

    func add(_ o: Output) {
        if entries.isEmpty { entries.append(Entry(statement: "", origin: "", line: 0, outputs: [])) }
        entries[entries.count - 1].outputs.append(o)
    }
}

/// What a notebook page says about where it came from.
public struct NotebookHeader: Sendable {
    public var date: Date
    public var inputs: [InputFile]

    public init(date: Date, inputs: [InputFile]) {
        self.date = date
        self.inputs = inputs
    }

    var dateText: String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return f.string(from: date)
    }

    var datasetLines: [String] {
        inputs.map { i in
            i.source.hasPrefix("bundled:")
                ? "\(i.dataset): bundled dataset \(i.source.dropFirst("bundled:".count))"
                : "\(i.dataset): \(i.source) (SHA-256 \(i.sha256 ?? "unknown"))"
        }
    }
}

/// The session as a self-contained HTML page: a header (version, date, datasets), then every
/// statement with its output, tables and figures inline (SVG). No scripts, no fonts or styles from
/// the network; prints on paper.
public func notebookHTML(_ entries: [NotebookRecorder.Entry], header: NotebookHeader) -> String {
    var body = "<header>\n<h1>oneproxy session</h1>\n"
    body += "<p class=\"meta\">oneproxy \(xmlEscape(oneproxyVersion)) · <span class=\"date\">\(xmlEscape(header.dateText))</span></p>\n"
    if !header.inputs.isEmpty {
        body += "<p class=\"meta\">datasets:</p>\n<ul class=\"meta\">\n" + header.datasetLines.map { "<li>\(xmlEscape($0))</li>\n" }.joined() + "</ul>\n"
    }
    body += "</header>\n"
    let html = HTMLRenderer()
    for (k, e) in entries.enumerated() {
        let failed = e.outputs.contains { if case .diagnostic(.error, _) = $0 { return true } else { return false } }
        body += "<section class=\"cell\(failed ? " failed" : "")\" id=\"s\(k + 1)\">\n"
        body += "<pre class=\"statement\"><span class=\"prompt\">[\(k + 1)]</span> \(xmlEscape(e.statement))"
        if !e.origin.isEmpty && e.origin != "input" { body += "<span class=\"origin\">\(xmlEscape(e.origin)):\(e.line)</span>" }
        body += "</pre>\n"
        for o in e.outputs {
            switch o {
            case .summary(let name, let text):
                body += "<p class=\"summary\"><b>\(xmlEscape(name))</b>: \(xmlEscape(text))</p>\n"
            case .value(let v, let format):
                if let format, format != .table {
                    body += "<pre>\(xmlEscape(renderValue(v, format: format)))</pre>\n"
                } else {
                    body += "<div class=\"output\">\n" + html.render(v.document) + "</div>\n"
                }
            case .document(let d):
                body += "<div class=\"output\">\n" + html.render(d) + "</div>\n"
            case .diagnostic(let severity, let text):
                body += "<pre class=\"\(severity.rawValue)\">\(xmlEscape(text))</pre>\n"
            }
        }
        body += "</section>\n"
    }
    return htmlPage(title: "oneproxy session", body: body)
}

/// The same notebook in Markdown: statements as code blocks, tables as pipe tables, figures as
/// embedded SVG images.
public func notebookMarkdown(_ entries: [NotebookRecorder.Entry], header: NotebookHeader) -> String {
    var out = "# oneproxy session\n\noneproxy \(oneproxyVersion) · \(header.dateText)\n\n"
    if !header.inputs.isEmpty { out += "Datasets:\n\n" + header.datasetLines.map { "- \(escapeMarkdown($0))\n" }.joined() + "\n" }
    let md = MarkdownRenderer(figures: .embeddedSVG)
    for (k, e) in entries.enumerated() {
        out += "### [\(k + 1)]\n\n```\n\(e.statement)\n```\n\n"
        for o in e.outputs {
            switch o {
            case .summary(let name, let text): out += "**\(escapeMarkdown(name))**: \(escapeMarkdown(text))\n\n"
            case .value(let v, let format):
                if let format, format != .table { out += "```\n" + renderValue(v, format: format) + "```\n\n" } else { out += md.render(v.document) + "\n" }
            case .document(let d): out += md.render(d) + "\n"
            case .diagnostic(_, let text): out += "```\n" + text + "```\n\n"
            }
        }
    }
    return out
}

/// A standalone HTML page with the project's inline style sheet.
public func htmlPage(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(xmlEscape(title))</title>
    <style>
    \(pageStyle)
    </style>
    </head>
    <body>
    \(body)</body>
    </html>

    """
}

let pageStyle = """
    body { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 1120px; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
    h1 { font-size: 1.6em; margin-bottom: 0.2em; }
    h3 { font-size: 1.05em; margin: 0.8em 0 0.3em; }
    .meta { color: #555; margin: 0.2em 0; }
    section.cell { border-top: 1px solid #ddd; padding: 0.6em 0; break-inside: avoid-page; }
    pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; white-space: pre-wrap; margin: 0.4em 0; }
    pre.statement { background: #f3f5f8; padding: 0.4em 0.6em; border-left: 3px solid #0072B2; }
    .prompt { color: #0072B2; font-weight: bold; margin-right: 0.4em; }
    .origin { float: right; color: #888; }
    pre.error { color: #b00020; background: #fdf1f2; padding: 0.4em 0.6em; }
    pre.warning { color: #8a5a00; }
    pre.note { color: #555; }
    .summary { margin: 0.3em 0; }
    .output p { margin: 0.3em 0; }
    .note { color: #555; font-size: 0.92em; margin: 0.2em 0; }
    table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.88em; }
    p.caption { font-weight: bold; margin: 0.6em 0 0.2em; }
    th, td { border-bottom: 1px solid #e3e3e3; padding: 0.15em 0.6em; text-align: left; }
    th { border-bottom: 2px solid #999; }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    .figures { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
    figure { margin: 0.5em 0; }
    .figures figure { flex: 1 1 420px; max-width: 640px; }
    .figures figure:only-child { flex: 0 1 auto; max-width: 100%; }
    figure svg { max-width: 100%; height: auto; display: block; }
    figcaption { display: none; }
    @media print { body { max-width: none; margin: 0; } pre.statement { background: none; } section.cell { page-break-inside: avoid; } }
    """
