import OneProxyKit

enum TopOptions {
    static let order = CommandOption.word("order", ["best", "asc", "desc"], default: "best", "best (fastest or most accurate first), asc or desc")
}

let topCommand = CommandSpec(
    name: "top", category: .search,
    summary: "the n best architectures by a column (fastest on a device, most accurate), optionally filtered",
    usage: ["top d by=COLUMN [n=10|all] [where=\"COLUMN OP VALUE and …\"] [columns=[A, B]]"],
    options: [
        OptionHelp("by", "the column to rank by: a device (fastest first) or an accuracy (most accurate first)", completion: .deviceOrAccuracy),
        OptionHelp("n", "how many rows (default 10), or all", choices: ["all"]),
        OptionHelp("where", "conditions joined by `and` (at most 1000), each COLUMN <, <=, >, >= or = a number (latencies may carry a unit: 5ms, 0.005s)"),
        TopOptions.order.help,
        OptionHelp("columns", "more device or accuracy columns to show, e.g. columns=[pixel3, cifar100]", completion: .deviceOrAccuracy),
        OptionHelp("rows", "only these rows: a list, a sample or a plan (p = plan …, c = shortlist …)", completion: .rows),
    ],
    details: "Rows missing the ranked column, or a column a condition names, are left out. The table shows the row number (what adapt samples= takes), the NB201 index and the architecture, then the ranked and filtered columns.",
    examples: [
        "d = load oneproxy-nb201; top d by=cifar10 n=5",
        "d = load help-nb201; top d by=pixel3 where=\"cifar10 >= 93 and pixel3 < 20ms\"",
    ]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (dv, variable) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    guard let byArg = inv.option("by") else {
        let example = d.accuracies.first?.name ?? d.deviceNames.first ?? "COLUMN"
        throw Diagnostic("top needs by=COLUMN", at: inv.commandName.location, length: inv.commandName.length, hint: "for example: top \(variable.value) by=\(example)")
    }
    let by = try inv.column(byArg, in: d)
    var count = 10
    if let n = inv.option("n") {
        if case .word("all") = n.value { count = Int.max } else { count = try inv.int(n, key: "n", range: 1...1_000_000) }
    }
    let order = try inv.get(TopOptions.order)
    var conditions: [RowCondition] = []
    if let w = inv.option("where") {
        guard case .string(let text) = w.value else {
            throw Diagnostic("where= takes conditions in quotes, e.g. where=\"cifar10 >= 93\"", at: w.location, length: w.length)
        }
        conditions = try parseConditions(text, at: w, in: d, inv: inv)
    }
    let descending = order == "desc" || (order == "best" && by.isAccuracy)
    var pool = Array(0..<d.rowCount)
    if let (given, loc) = try inv.rows("rows") {
        if let bad = given.first(where: { !(0..<d.rowCount).contains($0) }) {
            throw Diagnostic("row \(bad) is out of range: \(d.name) has rows 0..<\(d.rowCount)", at: loc.location, length: loc.length)
        }
        pool = Array(Set(given)).sorted()
    }
    var rows = pool.filter { r in !by.values[r].isNaN && conditions.allSatisfy { $0.holds(r) } }
    // Ties keep the data's order, so the result is the same on every run.
    rows.sort { a, b in
        let x = by.values[a], y = by.values[b]
        return x != y ? (descending ? x > y : x < y) : a < b
    }
    let matched = rows.count
    rows = Array(rows.prefix(count))

    var columns = [by]
    for c in conditions where !columns.contains(where: { $0.name == c.column.name }) { columns.append(c.column) }
    for name in try inv.wordList("columns") ?? [] {
        let c = try inv.column(named: name.value, in: d, at: name.location, length: name.length)
        if !columns.contains(where: { $0.name == c.name }) { columns.append(c) }
    }
    var t = Table(columns: ["row"] + (d.nb201Index != nil ? ["nb201_index"] : []) + [d.keyName] + columns.map { $0.isAccuracy ? $0.name : $0.name + "_ms" })
    t.rows = rows.map { r in
        [.integer(r)] + (d.nb201Index.map { [.integer($0[r])] } ?? []) + [.text(d.keys[r])]
            + columns.map { .number($0.values[r], digits: $0.isAccuracy ? 2 : 3) }
    }
    let what = (descending ? (by.isAccuracy ? "most accurate" : "slowest") : (by.isAccuracy ? "least accurate" : "fastest"))
    t.title = "\(rows.count) \(what) by \(by.name)" + (conditions.isEmpty ? "" : " where " + conditions.map(\.text).joined(separator: " and "))
        + " (\(matched) of \(pool.count) architectures qualify)"
    if matched == 0 { inv.warn("no architecture of \(d.name) meets the conditions") }
    return .value(TableValue(typeName: "table", table: t, summary: "\(rows.count) architectures of \(d.name) by \(by.name) (\(matched) qualify)"))
}

/// A column of a dataset: a device's latencies (ms) or an accuracy column (%).
struct DataColumn {
    var name: String
    var values: [Double]
    var isAccuracy: Bool
}

/// One condition of `where=`: a column compared with a number.
struct RowCondition {
    var column: DataColumn
    var op: String
    var value: Double
    var text: String

    func holds(_ r: Int) -> Bool {
        let x = column.values[r]
        guard !x.isNaN else { return false }
        switch op {
        case "<": return x < value
        case "<=": return x <= value
        case ">": return x > value
        case ">=": return x >= value
        default: return x == value
        }
    }
}

extension Invocation {
    /// A device or accuracy column named by `e`, with the nearest name suggested when unknown.
    func column(_ e: Located<Expr>, in d: Dataset) throws -> DataColumn {
        let name = try word(e, "a device or an accuracy column")
        return try column(named: name.value, in: d, at: e.location, length: e.length)
    }

    func column(named name: String, in d: Dataset, at location: SourceLocation, length: Int) throws -> DataColumn {
        if let a = d.accuracy(named: name) { return DataColumn(name: a.name, values: a.values, isAccuracy: true) }
        if let dev = d.device(named: name) { return DataColumn(name: dev.name, values: dev.latencies, isAccuracy: false) }
        let all = d.deviceNames + d.accuracies.map(\.name)
        let hint = nearestName(to: name, in: all).map { "did you mean \($0)?" }
            ?? "columns of \(d.name): " + (d.accuracies.map(\.name) + d.deviceNames.prefix(8)).joined(separator: ", ") + (d.devices.count > 8 ? ", …" : "")
        throw Diagnostic("\(d.name) has no device or accuracy column '\(name)'", at: location, length: length, hint: hint)
    }
}

/// How many conditions a `where=` may hold.
let maximumConditions = 1000

/// Parses `cifar10 >= 93 and pixel3 < 5ms`; errors point inside the quoted text.
func parseConditions(_ text: String, at e: Located<Expr>, in d: Dataset, inv: Invocation) throws -> [RowCondition] {
    let chars = Array(text)
    var i = 0
    var out: [RowCondition] = []
    // Column of a character inside the string literal (after the opening quote).
    func loc(_ k: Int) -> SourceLocation { SourceLocation(line: e.location.line, column: e.location.column + 1 + k) }
    func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }
    while true {
        skipSpaces()
        let start = i
        // Each condition is checked on every row and named in the title: 1M of them took 81 s.
        guard out.count < maximumConditions else {
            throw Diagnostic("where= holds at most \(maximumConditions) conditions", at: loc(start), length: 1,
                             hint: "combine the conditions on one column into a range (x >= a and x <= b)")
        }
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "-" || chars[i] == "." { i += 1 }
        guard i > start else { throw Diagnostic("expected a column name", at: loc(start), hint: "for example: where=\"cifar10 >= 93 and pixel3 < 5ms\"") }
        let name = String(chars[start..<i])
        let column = try inv.column(named: name, in: d, at: loc(start), length: i - start)
        skipSpaces()
        let opStart = i
        while i < chars.count, "<>=!".contains(chars[i]) { i += 1 }
        let op = String(chars[opStart..<i]) == "==" ? "=" : String(chars[opStart..<i])
        guard ["<", "<=", ">", ">=", "="].contains(op) else {
            throw Diagnostic("expected <, <=, >, >= or = after \(name)", at: loc(opStart), length: max(1, i - opStart))
        }
        skipSpaces()
        let numStart = i
        while i < chars.count, chars[i].isNumber || chars[i] == "." || chars[i] == "-" || chars[i] == "e" { i += 1 }
        guard let number = Double(String(chars[numStart..<i])) else {
            throw Diagnostic("expected a number after \(name) \(op)", at: loc(numStart), length: max(1, i - numStart))
        }
        let unitStart = i
        while i < chars.count, chars[i].isLetter || chars[i] == "%" { i += 1 }
        let unit = String(chars[unitStart..<i])
        var value = number
        if !unit.isEmpty {
            guard !column.isAccuracy || unit == "%", let scale = unit == "%" ? 1 : numberUnits[unit] else {
                throw Diagnostic(column.isAccuracy ? "\(name) is an accuracy in percent: write a plain number" : "unknown unit '\(unit)': use ms, s or us",
                                 at: loc(unitStart), length: unit.count)
            }
            value = number * scale
        }
        out.append(RowCondition(column: column, op: op, value: value, text: "\(name) \(op) \(formatNumberLiteral(number))\(unit)"))
        skipSpaces()
        if i >= chars.count { return out }
        if chars[i] == "," { i += 1; continue }
        let wordStart = i
        while i < chars.count, chars[i].isLetter { i += 1 }
        guard String(chars[wordStart..<i]) == "and" else {
            throw Diagnostic("expected `and` between conditions", at: loc(wordStart), length: max(1, i - wordStart))
        }
    }
}
