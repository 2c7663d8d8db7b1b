import Foundation

/// How `merge` joins: every row of the first dataset (left), or only the rows both have (inner).
public enum JoinKind: String, Sendable, CaseIterable {
    case left, inner
}

/// What a merge did, so the shell can say it by name.
public struct MergeReport: Sendable, Equatable {
    /// Rows of `a` whose architecture is in `b`.
    public var matched: Int
    /// Rows in the result.
    public var rows: Int
    /// Columns of `b` that clashed with a name in `a` and were renamed: (old, new).
    public var renamed: [(String, String)]
    /// Columns of `b` equal to `a`'s column of the same name on every shared row: dropped.
    public var dropped: [String]

    public static func == (x: MergeReport, y: MergeReport) -> Bool {
        x.matched == y.matched && x.rows == y.rows && x.dropped == y.dropped
            && x.renamed.map(\.0) == y.renamed.map(\.0) && x.renamed.map(\.1) == y.renamed.map(\.1)
    }
}

/// Joins two datasets on their keys, keeping `a`'s row order.
///
/// - `.left` (the default) keeps every row of `a`; `b`'s columns are missing (NaN) on rows whose
///   architecture `b` lacks. This is how a new device's few measured architectures join the
///   bundled data: the proxy keeps every row it measured.
/// - `.inner` keeps only the rows whose key is in `b` (`b`'s row order is irrelevant).
///
/// Both must be of the same space (for `.custom`, the same key column name). Name clashes: a device
/// (or accuracy) of `b` named like one of `a` is dropped when its values equal `a`'s on every matched
/// row (NaN equal to NaN), otherwise renamed with the first free suffix `_2`, `_3`, …; the report
/// names both. `nb201Index` comes from `a`, or from `b` when `a` has none (inner joins only: a left
/// join keeps `a`'s). No match at all is an error.
public func merge(_ a: Dataset, _ b: Dataset, how: JoinKind = .left) throws -> (Dataset, MergeReport) {
    guard a.space == b.space, a.space != .custom || a.keyName == b.keyName else {
        // A custom side whose keys are the other's space: name the column that loads them so.
        let custom = a.space == .custom ? a : b, other = a.space == .custom ? b : a
        let rename = (a.space == .custom) != (b.space == .custom) && other.space != .custom
            && knownSpaceHint(keyName: custom.keyName, keys: custom.keys) != nil
            ? "; \(custom.name)'s key column '\(custom.keyName)' holds \(other.space.rawValue) architectures: name it \(other.space.descriptor.keyNames.first ?? other.keyName) in the CSV and load it again"
            : ""
        throw OneProxyError(
            "cannot merge '\(a.name)' (\(a.space.rawValue), key \(a.keyName)) with '\(b.name)' (\(b.space.rawValue), key \(b.keyName)): different spaces" + rename)
    }
    var rowInB: [String: Int] = [:]
    rowInB.reserveCapacity(b.rowCount)
    for (r, k) in b.keys.enumerated() { rowInB[k] = r }
    // rowsB[i] is b's row for the i-th kept row of a, or -1 (left join, no match).
    var rowsA: [Int] = [], rowsB: [Int] = []
    var matched = 0
    for (r, k) in a.keys.enumerated() {
        if let rb = rowInB[k] {
            rowsA.append(r); rowsB.append(rb); matched += 1
        } else if how == .left {
            rowsA.append(r); rowsB.append(-1)
        }
    }
    guard matched > 0 else {
        throw OneProxyError("'\(a.name)' and '\(b.name)' share no architecture (no key in common)")
    }
    func pick(_ v: [Double], _ rows: [Int]) -> [Double] { rows.map { $0 >= 0 ? v[$0] : .nan } }
    let shared = rowsB.indices.filter { rowsB[$0] >= 0 }
    func same(_ x: [Double], _ y: [Double]) -> Bool {
        shared.allSatisfy { x[$0] == y[$0] || (x[$0].isNaN && y[$0].isNaN) }
    }
    var renamed: [(String, String)] = []
    var dropped: [String] = []
    // b's columns follow a's; one identical to a's column of the same name (on the shared rows)
    // is dropped, a different one with a taken name becomes NAME_2, NAME_3, …
    func appendColumns(_ first: [(String, [Double])], _ second: [(String, [Double])]) -> [(String, [Double])] {
        var out = first
        var taken = Set(first.map(\.0))
        for (name, values) in second {
            if let existing = out.first(where: { $0.0 == name }) {
                if same(existing.1, values) { dropped.append(name); continue }
                var k = 2
                while taken.contains("\(name)_\(k)") { k += 1 }
                out.append(("\(name)_\(k)", values))
                renamed.append((name, "\(name)_\(k)"))
                taken.insert("\(name)_\(k)")
            } else {
                out.append((name, values))
                taken.insert(name)
            }
        }
        return out
    }
    let devices = appendColumns(
        a.devices.map { ($0.name, pick($0.latencies, rowsA)) }, b.devices.map { ($0.name, pick($0.latencies, rowsB)) }
    ).map { Device(name: $0.0, latencies: $0.1) }
    let accs = appendColumns(
        a.accuracies.map { ($0.name, pick($0.values, rowsA)) }, b.accuracies.map { ($0.name, pick($0.values, rowsB)) }
    ).map { AccuracyColumn(name: $0.0, values: $0.1) }
    let index = a.nb201Index.map { idx in rowsA.map { idx[$0] } }
        ?? (how == .inner ? b.nb201Index.map { idx in rowsB.map { idx[$0] } } : nil)
    let merged = Dataset(
        name: "\(a.name)+\(b.name)", source: "merge(\(a.source), \(b.source))", space: a.space, keyName: a.keyName,
        keys: rowsA.map { a.keys[$0] }, nb201Index: index, devices: devices, accuracies: accs)
    return (merged, MergeReport(matched: matched, rows: rowsA.count, renamed: renamed, dropped: dropped))
}

/// The dataset as CSV text that `loadUserCSV` reads back to an equal dataset (same keys, row order,
/// `nb201Index`, devices, accuracies; only `name`/`source` differ).
///
/// Columns: the key (`nb201_index,arch_str` for NB201 — `nb201_index` only when present;
/// `op_idx_list` for FBNet; `ks,e,d,r` for OFA; the key column's name for custom), then one
/// `DEVICE_ms` column per device, then one `acc_NAME` column per accuracy. Numbers are written as
/// Swift's shortest round-trip text (`Double.description`), so they parse back bit-identical; missing
/// values are empty fields. Fields with commas, quotes or line breaks are quoted. Lines end in LF.
public func exportCSV(_ d: Dataset) -> String {
    func q(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.first == "#"
            || s.first == " " || s.last == " " {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
    func num(_ x: Double) -> String { x.isNaN ? "" : x.description }
    let space = d.space.descriptor
    var head = space.exportHeader(d)
    head += d.devices.map { "\($0.name)_ms" }
    head += d.accuracies.map { "acc_\($0.name)" }
    var out = head.map(q).joined(separator: ",") + "\n"
    out.reserveCapacity(d.rowCount * (32 + 12 * (d.devices.count + d.accuracies.count)))
    for r in 0..<d.rowCount {
        var fields = space.exportFields(d, row: r).map(q)
        for dev in d.devices { fields.append(num(dev.latencies[r])) }
        for acc in d.accuracies { fields.append(num(acc.values[r])) }
        out += fields.joined(separator: ",")
        out += "\n"
    }
    return out
}
