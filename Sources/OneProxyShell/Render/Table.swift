import Foundation

/// The output formats a value can be shown in.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, markdown
}

/// One cell: text, or a number with how many decimals to show (CSV and JSON keep full precision).
public enum Cell: Sendable, Equatable {
    case text(String)
    case number(Double?, digits: Int)
    case integer(Int?)

    var display: String {
        switch self {
        case .text(let s): return s
        case .number(let v, let digits):
            guard let v, v.isFinite else { return "—" }
            return String(format: "%.\(digits)f", v)
        case .integer(let v): return v.map(String.init) ?? "—"
        }
    }

    /// Full precision, empty when missing: for CSV.
    var raw: String {
        switch self {
        case .text(let s): return s
        case .number(let v, _): return v.flatMap { $0.isFinite ? "\($0)" : nil } ?? ""
        case .integer(let v): return v.map(String.init) ?? ""
        }
    }

    var json: JSONValue {
        switch self {
        case .text(let s): return .string(s)
        case .number(let v, _): return .num(v)
        case .integer(let v): return v.map { .int($0) } ?? .null
        }
    }

    var isNumeric: Bool {
        if case .text = self { return false }
        return true
    }
}

/// A table of named columns: the one table renderer of the shell (text, CSV, JSON, Markdown).
public struct Table: Sendable {
    public var title: String?
    public var columns: [String]
    public var rows: [[Cell]]
    /// Lines printed under the table (summaries, warnings); not part of CSV.
    public var notes: [String]
    /// Optional per-cell styles for the terminal (same shape as rows); other targets ignore them.
    public var styles: [[CellStyle?]]?

    public init(title: String? = nil, columns: [String], rows: [[Cell]] = [], notes: [String] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    public func csv() -> String {
        var out = columns.map(csvField).joined(separator: ",") + "\n"
        for row in rows { out += row.map { csvField($0.raw) }.joined(separator: ",") + "\n" }
        return out
    }

    /// The rows as JSON objects keyed by column name.
    public var jsonValue: JSONValue {
        .array(rows.map { row in .object(Dictionary(zip(columns, row.map(\.json)), uniquingKeysWith: { a, _ in a })) })
    }

    /// Columns whose every cell is a number (right-aligned).
    var numericColumns: [Bool] {
        columns.indices.map { c in !rows.isEmpty && rows.allSatisfy { c < $0.count && $0[c].isNumeric } }
    }

    public func markdown() -> String {
        var out = ""
        if let title { out += "**\(title)**\n\n" }
        out += "| " + columns.joined(separator: " | ") + " |\n"
        out += "|" + numericColumns.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map { $0.display.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        for note in notes { out += "\n\(note)\n" }
        return out
    }

    /// The terminal drawing: aligned columns fitting `width` (text columns shortened with an
    /// ellipsis, numbers never), header in bold, styled cells through the palette.
    public func renderText(palette: Palette = .plain, width: Int = 100) -> String {
        var shown = rows.map { $0.map(\.display) }
        var widths = columns.map { displayWidth($0) }
        for row in shown { for (c, s) in row.enumerated() where c < widths.count { widths[c] = max(widths[c], displayWidth(s)) } }
        let numeric = numericColumns
        // Too wide for the terminal: shorten the widest text columns (never numbers) with an ellipsis.
        let gaps = 2 * max(0, columns.count - 1)
        while widths.reduce(0, +) + gaps > width {
            guard let c = widths.indices.filter({ !numeric[$0] && widths[$0] > 16 }).max(by: { widths[$0] < widths[$1] }) else { break }
            widths[c] = max(16, widths[c] - (widths.reduce(0, +) + gaps - width))
        }
        for r in shown.indices {
            for c in shown[r].indices where c < widths.count && displayWidth(shown[r][c]) > widths[c] {
                shown[r][c] = String(shown[r][c].prefix(widths[c] - 1)) + "…"
            }
        }
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, w - displayWidth(s)))
            return right ? fill + s : s + fill
        }
        func line(_ cells: [String]) -> String {
            var l = cells.joined(separator: "  ")
            while l.hasSuffix(" ") { l.removeLast() }
            return l + "\n"
        }
        var out = ""
        if let title { out += palette.bold(title) + "\n" }
        let header = columns.enumerated().map { pad(String($1.prefix(widths[$0])), widths[$0], right: numeric[$0]) }
        out += palette.bold(String(line(header).dropLast())) + "\n"
        out += palette.dim(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")) + "\n"
        for (r, row) in shown.enumerated() {
            var cells: [String] = []
            for (c, s) in row.enumerated() where c < widths.count {
                let padded = pad(s, widths[c], right: numeric[c])
                if let style = styles?[r][c] { cells.append(palette.cell(style, padded)) } else { cells.append(padded) }
            }
            out += line(cells)
        }
        for note in notes { out += note + "\n" }
        return out
    }
}

/// Terminal columns a string takes (combining marks take none; good enough for names and numbers).
func displayWidth(_ s: String) -> Int { s.count }

func csvField(_ s: String) -> String {
    if s.contains(",") || s.contains("\"") || s.contains("\n") || s.hasPrefix(" ") || s.hasSuffix(" ") {
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
}
