import Foundation
import OneProxyKit

/// Draws a `Document` for one output target. One renderer per target (terminal, CSV, JSON,
/// Markdown, HTML), used alike by the printer, `show … format=`, `export` and the notebook, each
/// with its target's one escape for text that comes from data.
public protocol DocumentRenderer: Sendable {
    func render(_ doc: Document) -> String
}

/// The renderer of an output format (`--format`, `set format=`, `show x format=`).
public func documentRenderer(for format: OutputFormat, palette: Palette = .plain, width: Int = 100) -> any DocumentRenderer {
    switch format {
    case .table: return TerminalRenderer(palette: palette, width: width)
    case .csv: return CSVRenderer()
    case .json: return JSONDocumentRenderer()
    case .markdown: return MarkdownRenderer(figures: .textDrawing(width: width))
    }
}

/// The file types `export` writes and the renderer of each (a value lists the ones it offers).
public enum ExportFormat: String, CaseIterable, Sendable {
    case csv, json, md, svg, html

    /// The standard content of a value in this format (`ShellValue.export(as:)` when the value has none of its own); nil when the
    /// value has nothing for it (SVG without a figure).
    func render(_ value: any ShellValue) -> String? {
        switch self {
        case .csv: return CSVRenderer().render(value.document)
        case .json: return value.json.encoded(pretty: true) + "\n"
        case .md: return MarkdownRenderer(figures: .embeddedSVG).render(value.document)
        case .svg: return value.document.figures.first?.svg()
        case .html: return htmlPage(title: value.summary, body: HTMLRenderer().render(value.document))
        }
    }
}

/// A document as one JSON value per line (`--format json` output that is not a value).
public struct JSONDocumentRenderer: DocumentRenderer {
    public init() {}
    public func render(_ doc: Document) -> String { JSONValue.object(["output": documentJSON(doc)]).encoded(pretty: false) + "\n" }
}

/// Draws documents on a terminal: tables aligned to the width, figures as braille or block
/// drawings, colours through the palette. The width is asked for at the time of drawing.
public struct TerminalRenderer: DocumentRenderer {
    public var palette: Palette
    public var width: Int

    public init(palette: Palette, width: Int) {
        self.palette = palette
        self.width = width
    }

    public func render(_ doc: Document) -> String {
        var out = ""
        var previous: Block?
        for b in doc.blocks {
            if let p = previous, needsGap(p, b) { out += "\n" }
            out += render(b)
            previous = b
        }
        return out
    }

    /// A blank line around tables, figures and preformatted text, except under a heading.
    func needsGap(_ a: Block, _ b: Block) -> Bool {
        if case .heading = a { return false }
        return a.isBlockish || b.isBlockish
    }

    func render(_ b: Block) -> String {
        switch b {
        case .heading(let s): return palette.heading(visibleControls(s)) + "\n"
        case .text(let s): return wrapWords(visibleControls(s), width: width) + "\n"
        case .note(let s): return wrapWords(visibleControls(s), width: width).split(separator: "\n", omittingEmptySubsequences: false).map { palette.dim(String($0)) }.joined(separator: "\n") + "\n"
        case .preformatted(let s): return s.hasSuffix("\n") ? s : s + "\n"
        case .table(let t): return t.renderText(palette: palette, width: width)
        case .figure(let f): return f.terminal(width: width, color: palette.enabled).map(palette.line).joined(separator: "\n") + "\n"
        case .definitions(let title, let items):
            let termWidth = (items.map { displayWidth($0.term) }.max() ?? 0) + 2
            let indent = String(repeating: " ", count: 2 + termWidth)
            var out = title + "\n"
            for (term, rawText) in items {
                let text = visibleControls(rawText)
                // The explanation wrapped to what is left of the width, continued under itself.
                let lines = wrapWords(text, width: max(20, width - indent.count)).split(separator: "\n", omittingEmptySubsequences: false)
                out += "  " + term.padding(toLength: termWidth, withPad: " ", startingAt: 0) + (lines.first.map(String.init) ?? "") + "\n"
                for l in lines.dropFirst() { out += indent + l + "\n" }
            }
            return out
        }
    }
}

extension Block {
    var isBlockish: Bool {
        switch self {
        case .table, .figure, .preformatted, .definitions: return true
        default: return false
        }
    }
}

/// Breaks running text into lines of at most `width` characters at spaces (a word longer than the
/// width stands alone on its line). Existing line breaks are kept.
func wrapWords(_ text: String, width: Int) -> String {
    guard width >= 20 else { return text }
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        guard line.count > width else { return String(line) }
        var lines: [String] = []
        var current = ""
        // Keep a continuation indent when the line starts with spaces (hints under errors).
        let indent = String(repeating: " ", count: line.prefix { $0 == " " }.count)
        for word in line.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = indent + word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = indent + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }.joined(separator: "\n")
}

/// Markdown: tables as pipe tables, figures either as a text drawing in a fenced block (for a
/// terminal) or as an embedded SVG image (for files).
public struct MarkdownRenderer: DocumentRenderer {
    public enum Figures: Sendable { case textDrawing(width: Int), embeddedSVG }
    public var figures: Figures

    public init(figures: Figures = .textDrawing(width: 100)) { self.figures = figures }

    public func render(_ doc: Document) -> String {
        doc.blocks.map(render).joined(separator: "\n")
    }

    func render(_ b: Block) -> String {
        switch b {
        case .heading(let s): return "**\(escapeMarkdown(s))**\n"
        case .text(let s): return s.split(separator: "\n").map { escapeMarkdown(String($0)) }.joined(separator: "  \n") + "\n"
        case .note(let s): return s.split(separator: "\n").map { "> " + escapeMarkdown(String($0)) }.joined(separator: "\n") + "\n"
        case .preformatted(let s): return "```\n" + s + (s.hasSuffix("\n") ? "" : "\n") + "```\n"
        case .table(let t): return t.markdown()
        case .definitions(let title, let items):
            return escapeMarkdown(title) + "\n\n" + items.map { "- `\($0.term)` " + escapeMarkdown($0.text) }.joined(separator: "\n") + "\n"
        case .figure(let f):
            switch figures {
            case .textDrawing(let w):
                return "```\n" + f.terminal(width: w, color: false).map(Palette.plain.line).joined(separator: "\n") + "\n```\n"
            case .embeddedSVG:
                let data = Data(f.svg().utf8).base64EncodedString()
                return "![\(escapeMarkdown(f.title))](data:image/svg+xml;base64,\(data))\n"
            }
        }
    }
}

/// Escapes the characters Markdown would read as emphasis, table syntax or HTML (`<script>` shows
/// as text), and makes control characters visible: the one escape of Markdown output.
func escapeMarkdown(_ raw: String) -> String {
    let s = visibleControls(raw)
    var out = ""
    for ch in s {
        if "*_|`<>[]".contains(ch) { out.append("\\") }
        out.append(ch)
    }
    return out
}

/// HTML fragments: tables as `<table>`, figures as inline SVG, text escaped. The notebook page and
/// `.html` exports wrap these in a self-contained page.
public struct HTMLRenderer: DocumentRenderer {
    public init() {}

    public func render(_ doc: Document) -> String {
        var out = ""
        var i = 0
        let blocks = doc.blocks
        while i < blocks.count {
            // Consecutive figures sit side by side (the two panels of an adaptation).
            if case .figure = blocks[i] {
                out += "<div class=\"figures\">\n"
                while i < blocks.count, case .figure(let f) = blocks[i] {
                    out += "<figure>" + inlineSVG(f.svg()) + "<figcaption>\(xmlEscape(f.title))</figcaption></figure>\n"
                    i += 1
                }
                out += "</div>\n"
                continue
            }
            out += render(blocks[i])
            i += 1
        }
        return out
    }

    func render(_ b: Block) -> String {
        switch b {
        case .heading(let s): return "<h3>\(xmlEscape(s))</h3>\n"
        case .text(let s): return "<p>" + xmlEscape(s).replacingOccurrences(of: "\n", with: "<br>") + "</p>\n"
        case .note(let s): return "<p class=\"note\">" + xmlEscape(s).replacingOccurrences(of: "\n", with: "<br>") + "</p>\n"
        case .preformatted(let s): return "<pre>\(xmlEscape(s))</pre>\n"
        case .table(let t): return table(t)
        case .figure(let f): return "<figure>" + inlineSVG(f.svg()) + "</figure>\n"
        case .definitions(let title, let items):
            return "<p>\(xmlEscape(title))</p>\n<dl>\n" + items.map { "<dt><code>\(xmlEscape($0.term))</code></dt><dd>\(xmlEscape($0.text))</dd>" }.joined(separator: "\n") + "\n</dl>\n"
        }
    }

    func table(_ t: Table) -> String {
        let numeric = t.numericColumns
        // The title as a paragraph: a caption would wrap to the width of a narrow table.
        var out = t.title.map { "<p class=\"caption\">\(xmlEscape($0))</p>\n" } ?? ""
        out += "<table>\n"
        out += "<thead><tr>" + t.columns.enumerated().map { "<th\(numeric[$0] ? " class=\"num\"" : "")>\(xmlEscape($1))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in t.rows {
            out += "<tr>" + row.enumerated().map { c, cell in
                "<td\(c < numeric.count && numeric[c] ? " class=\"num\"" : "")>\(xmlEscape(cell.display))</td>"
            }.joined() + "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        for n in t.notes { out += "<p class=\"note\">\(xmlEscape(n))</p>\n" }
        return out
    }

    /// An SVG document without its XML declaration, to sit inside HTML.
    func inlineSVG(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
        return String(svg[svg.index(after: end)...])
    }
}


/// CSV: the document's tables, separated by a blank line; a document with no table prints its text.
public struct CSVRenderer: DocumentRenderer {
    public init() {}

    public func render(_ doc: Document) -> String {
        let tables = doc.tables
        if tables.isEmpty { return TerminalRenderer(palette: .plain, width: 1000).render(doc) }
        return tables.map { $0.csv() }.joined(separator: "\n")
    }
}

/// A document as JSON: a list of blocks, tables as lists of row objects.
public func documentJSON(_ doc: Document) -> JSONValue {
    .array(doc.blocks.map { b -> JSONValue in
        switch b {
        case .heading(let s): return ["heading": .string(s)]
        case .text(let s): return ["text": .string(s)]
        case .note(let s): return ["note": .string(s)]
        case .preformatted(let s): return ["text": .string(s)]
        case .table(let t): return ["table": t.jsonValue]
        case .figure(let f): return ["figure": .string(f.title)]
        case .definitions(let title, let items):
            return ["definitions": .object(["title": .string(title), "items": .array(items.map { ["term": .string($0.term), "text": .string($0.text)] })])]
        }
    })
}

/// `s` with every control character that could act on a terminal made visible: C0 controls (ESC,
/// BEL, CR, …; newlines and tabs kept) as their Unicode control pictures (ESC → ␛), DEL as ␡,
/// and C1 controls as U+FFFD. One character for one, so a caret under an echoed line stays in
/// place. Applied to everything a terminal shows that can come from data: names, cells, file
/// names, messages and echoed statements.
public func visibleControls(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: { isTerminalControl($0) }) else { return s }
    var out = String.UnicodeScalarView()
    for u in s.unicodeScalars {
        if !isTerminalControl(u) { out.append(u); continue }
        switch u.value {
        case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + u.value)!)
        case 0x7F: out.append("\u{2421}")
        default: out.append("\u{FFFD}")
        }
    }
    return String(out)
}

func isTerminalControl(_ u: Unicode.Scalar) -> Bool {
    (u.value < 0x20 && u != "\n" && u != "\t") || (0x7F...0x9F).contains(u.value)
}
