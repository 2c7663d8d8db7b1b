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
        // Every text from data goes through the one Markdown escape (HTML tags, emphasis, pipes),
        // with line breaks as spaces so a name cannot break the table's row.
        func cell(_ s: String) -> String { escapeMarkdown(visibleControls(s).replacingOccurrences(of: "\n", with: " ")) }
        var out = ""
        if let title { out += "**\(cell(title))**\n\n" }
        out += "| " + columns.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + numericColumns.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map { cell($0.display) }.joined(separator: " | ") + " |\n" }
        for note in notes { out += "\n\(escapeMarkdown(visibleControls(note)))\n" }
        return out
    }

    /// The terminal drawing: aligned columns fitting `width` (text columns shortened with an
    /// ellipsis, numbers never), header in bold, styled cells through the palette.
    public func renderText(palette: Palette = .plain, width: Int = 100) -> String {
        var shown = rows.map { $0.map { visibleControls($0.display) } }
        let columns = self.columns.map(visibleControls), title = self.title.map(visibleControls)
        var cellWidths = columns.map { _ in 0 }
        for row in shown { for (c, s) in row.enumerated() where c < cellWidths.count { cellWidths[c] = max(cellWidths[c], displayWidth(s)) } }
        var widths = zip(columns, cellWidths).map { max(displayWidth($0), $1) }
        let numeric = numericColumns
        let gaps = 2 * max(0, columns.count - 1)
        // Too wide for the terminal, in three steps: stack long headers over two or more lines at
        // their underscores (`accuracy_lost_mean` over a column of 6-digit numbers); shorten the
        // widest text columns (never numbers) with an ellipsis; and if it still does not fit, split
        // the columns into groups that do, each repeating the first column.
        var headerLines = columns.map { [$0] }
        if widths.reduce(0, +) + gaps > width {
            for c in columns.indices {
                let words = columns[c].split(separator: "_", omittingEmptySubsequences: false).map(String.init)
                let w = max(cellWidths[c], (words.map { displayWidth($0) }.max() ?? 0) + 1)
                guard w < widths[c], words.count > 1 else { continue }
                var lines: [String] = []
                var current = ""
                for (k, word) in words.enumerated() {
                    let piece = (k == 0 ? "" : "_") + word
                    if !current.isEmpty, displayWidth(current) + displayWidth(piece) > w { lines.append(current); current = piece } else { current += piece }
                }
                lines.append(current)
                headerLines[c] = lines
                widths[c] = lines.map { displayWidth($0) }.max() ?? w
            }
        }
        while widths.reduce(0, +) + gaps > width {
            guard let c = widths.indices.filter({ !numeric[$0] && widths[$0] > 16 }).max(by: { widths[$0] < widths[$1] }) else { break }
            widths[c] = max(16, widths[c] - (widths.reduce(0, +) + gaps - width))
        }
        for r in shown.indices {
            for c in shown[r].indices where c < widths.count && displayWidth(shown[r][c]) > widths[c] {
                shown[r][c] = String(shown[r][c].prefix(widths[c] - 1)) + "…"
            }
        }
        // Column groups that fit (the first column repeated in each).
        var groups: [[Int]] = []
        var group: [Int] = []
        var used = 0
        for c in columns.indices {
            let add = widths[c] + (group.isEmpty ? 0 : 2)
            if !group.isEmpty, c > 0, used + add > width, group.count > 1 || group != [0] {
                groups.append(group)
                group = [0]
                used = widths[0]
            }
            group.append(c)
            used += group.count == 1 ? widths[c] : widths[c] + 2
        }
        if !group.isEmpty { groups.append(group) }

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
        for (g, cols) in groups.enumerated() {
            if g > 0 { out += "\n" }
            // Headers bottom-aligned over their stacked lines.
            let depth = cols.map { headerLines[$0].count }.max() ?? 1
            for k in 0..<depth {
                let cells = cols.map { c -> String in
                    let lines = headerLines[c]
                    let i = k - (depth - lines.count)
                    return pad(i >= 0 ? String(lines[i].prefix(widths[c])) : "", widths[c], right: numeric[c])
                }
                out += palette.bold(String(line(cells).dropLast())) + "\n"
            }
            out += palette.dim(cols.map { String(repeating: "─", count: widths[$0]) }.joined(separator: "  ")) + "\n"
            for (r, row) in shown.enumerated() {
                var cells: [String] = []
                for c in cols where c < row.count {
                    let padded = pad(row[c], widths[c], right: numeric[c])
                    if let style = styles?[r][c] { cells.append(palette.cell(style, padded)) } else { cells.append(padded) }
                }
                out += line(cells)
            }
        }
        for note in notes { out += visibleControls(note) + "\n" }
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
