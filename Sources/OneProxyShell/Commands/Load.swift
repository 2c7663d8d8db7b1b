import Foundation
import OneProxyKit

enum LoadOptions {
    static let unit = CommandOption<LatencyUnit>.choice("unit", default: .ms, "the unit of plain numeric device columns: ms, s or us; *_ms, *_s, *_us columns say their own")
    static let how = CommandOption<JoinKind>.choice(
        "how", default: .left, "left (every row of the first dataset; the second's columns are missing where it has no row) or inner (only the architectures both have)")
}

let loadCommand = CommandSpec(
    name: "load", category: .data,
    summary: "load a bundled dataset by name, or your own measurements from a CSV file",
    usage: ["d = load NAME", "u = load \"file.csv\" [unit=ms|s|us] [name=NAME]"],
    positionals: Positionals([.bundledDataset]),
    options: [
        LoadOptions.unit.help,
        OptionHelp("name", "the dataset's name (default: the file's name)"),
        OptionHelp("sha256", "the file's expected SHA-256 (save records it): a different file is loaded with a warning naming it"),
    ],
    details: """
        Bundled datasets (type `datasets`): oneproxy-nb201, help-nb201, help-fbnet, help-ofa.
        A CSV file needs a key column (arch_str, nb201_index, op_idx_list, or OFA's ks/e/d/r) and one
        column per device (*_ms, or plain numbers). Latencies that are empty, non-numeric, NaN or <= 0
        are missing: counted per device and left out of every correlation.
        """,
    examples: ["d = load oneproxy-nb201", "o = load help-ofa; export o \"/tmp/oneproxy-ofa.csv\"; u = load \"/tmp/oneproxy-ofa.csv\" name=mine"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let arg = try inv.positional(0, "a bundled dataset name or a CSV file in quotes")
    let unit = try inv.get(LoadOptions.unit)
    let nameOption = try inv.option("name").map { try inv.word($0, "a name") }
    switch arg.value {
    case .word(let name) where !(name.contains(".") || name.contains("/")):
        guard BundledDatasets.names.contains(name) else {
            let hint = nearestName(to: name, in: BundledDatasets.names).map { "did you mean \($0)?" }
                ?? "bundled datasets: " + BundledDatasets.names.joined(separator: ", ") + "; a file goes in quotes"
            throw Diagnostic("no bundled dataset named '\(name)'", at: arg.location, length: arg.length, hint: hint)
        }
        var d = try BundledDatasets.load(name)
        if let n = nameOption { d.name = n.value }
        inv.session.noteInput(InputFile(dataset: d.name, source: "bundled:\(name)", sha256: nil))
        return .value(DatasetValue(d))
    case .word(let path), .string(let path):
        let p = Located(path, at: arg.location, length: arg.length)
        let expected = try inv.option("sha256").map { try inv.word($0, "a SHA-256 in hex") }
        let text: CSVText, absolute: String
        do {
            (text, absolute) = try inv.readText(p)
        } catch var d as Diagnostic {
            if BundledDatasets.names.contains(path) { d.hint = "\(path) is bundled: write it without quotes" }
            throw d
        }
        let name = nameOption?.value ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let loaded: (Dataset, LoadReport)
        do {
            loaded = try loadCSV(text: text, file: path, unit: unit, name: name,
                                 context: inv.session.computeContext)
        } catch let e as OneProxyError {
            // Point at the path: the message itself names the file's line and column.
            throw Diagnostic(e.description, at: arg.location, length: arg.length)
        }
        let (d, report) = loaded
        for w in report.warnings { inv.warn(w) }
        let hash = try sha256Hex(text, cancellation: inv.session.computeContext.cancellation)
        if let expected, expected.value.lowercased() != hash {
            inv.warn("\(path) changed since the script was saved (\(absolute)): its SHA-256 is \(hash.prefix(12))…, the script recorded \(expected.value.prefix(12))…; results may differ")
        }
        inv.logFile(p, path: absolute, sha256: hash)
        inv.session.noteInput(InputFile(dataset: d.name, source: path, sha256: hash))
        return .value(DatasetValue(d))
    default:
        throw Diagnostic("expected a bundled dataset name or a CSV file in quotes, found \(arg.value.typeDescription)", at: arg.location, length: arg.length)
    }
}

let datasetsCommand = CommandSpec(
    name: "datasets", category: .data,
    summary: "list the bundled datasets with their sizes and sources",
    usage: ["datasets"],
    positionals: .none,
    examples: ["datasets"]
) { inv in
    try inv.checkPositionalCount(max: 0)
    var t = Table(columns: ["name", "architectures", "devices", "space", "description", "source"])
    t.rows = BundledDatasets.catalog.map { [.text($0.name), .integer($0.rows), .integer($0.devices), .text($0.space.rawValue), .text($0.description), .text($0.credit)] }
    return .value(TableValue(typeName: "table", table: t, summary: "\(t.rows.count) bundled datasets"))
}

let devicesCommand = CommandSpec(
    name: "devices", category: .data,
    summary: "per device: measured count, missing, distinct values, min/median/max; near-duplicates",
    usage: ["devices d"],
    details: "Notes near-duplicate devices (SRCC >= 0.995: they rank the architectures alike, so as proxies or targets they say the same; that may be one device at two settings, such as one GPU at two batch sizes, or two devices that behave alike) and heavily tied devices (few distinct values).",
    examples: ["d = load oneproxy-nb201; devices d"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (dv, _) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    var t = devicesTable(d)
    t.title = dv.summary
    for p in try nearDuplicateDevices(d, context: inv.session.computeContext) {
        t.notes.append(String(format: "near-duplicate: %@ and %@ rank the architectures almost identically (SRCC %.4f): as proxies or targets they say the same (one device at two settings, or two that behave alike)", p.first, p.second, p.srcc))
    }
    for s in summarizeDevices(d) where s.count > 0 && s.distinct * 20 < s.count {
        t.notes.append("ties: \(s.name) has \(s.distinct) distinct value\(s.distinct == 1 ? "" : "s") over \(s.count) architectures (rank correlations use average ranks)")
    }
    return .value(TableValue(typeName: "table", table: t, summary: "devices of \(d.name): \(d.devices.count)"))
}

let mergeCommand = CommandSpec(
    name: "merge", category: .data,
    summary: "join two datasets on the architecture: every row of the first (left join), or only shared rows",
    usage: ["m = merge d u [how=left|inner]"],
    positionals: Positionals([.dataset, .dataset]),
    options: [LoadOptions.how.help],
    details: """
        Keeps the first dataset's row order. A left join is how a new device's few measurements join
        the bundled data: the proxy keeps every row it measured, the new device has latencies on its
        measured rows only. Says how many rows matched, and names the columns of the second dataset
        that were renamed (a clashing name with other values becomes NAME_2) or dropped (equal to
        the first's column of the same name on every shared row).
        """,
    examples: ["d = load oneproxy-nb201; h = load help-nb201; m = merge d h", "d = load oneproxy-nb201; h = load help-nb201; m = merge h d how=inner"]
) { inv in
    try inv.checkPositionalCount(max: 2)
    let (a, _) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let (b, _) = try inv.variable(1, as: DatasetValue.self, "a second dataset")
    let how = try inv.get(LoadOptions.how)
    let (m, report) = try merge(a.dataset, b.dataset, how: how)
    var note = "merge (\(how.rawValue) join) matched \(report.matched) of \(a.dataset.rowCount) architectures of \(a.dataset.name) (\(b.dataset.rowCount) in \(b.dataset.name))"
    if how == .left && report.matched < report.rows {
        note += "; \(b.dataset.name)'s columns are missing on the other \(report.rows - report.matched) rows"
    }
    inv.note(note)
    if !report.renamed.isEmpty {
        inv.note("renamed (same name, other values): " + report.renamed.map { "\($0.0) → \($0.1)" }.joined(separator: ", "))
    }
    if !report.dropped.isEmpty {
        inv.note("dropped as duplicates (equal on every shared row): " + report.dropped.joined(separator: ", "))
    }
    return .value(DatasetValue(m))
}

extension Invocation {
    /// A device of `d` named by `e`, or an error with the nearest device name.
    func device(_ e: Located<Expr>, in d: Dataset, role: String = "a device") throws -> Device {
        let name = try word(e, role)
        if let dev = d.device(named: name.value) { return dev }
        let hint = nearestName(to: name.value, in: d.deviceNames).map { "did you mean \($0)?" }
            ?? "devices of \(d.name): " + d.deviceNames.joined(separator: ", ")
        throw Diagnostic("\(d.name) has no device '\(name.value)'", at: name.location, length: name.length, hint: hint)
    }
}
