import Foundation

/// A bundled dataset's catalogue entry.
public struct BundledDatasetInfo: Sendable, Equatable {
    /// The name `load` takes, e.g. `help-nb201`.
    public var name: String
    /// The file in Resources/data.
    public var file: String
    public var rows: Int
    public var devices: Int
    public var space: SpaceKind
    public var description: String
    /// Where the measurements come from, and their licence.
    public var credit: String
}

/// The real datasets shipped with the package, by name.
public enum BundledDatasets {
    /// The four bundled datasets. Counts are the files' (tests check them against the loaded data).
    public static let catalog: [BundledDatasetInfo] = [
        BundledDatasetInfo(
            name: "oneproxy-nb201", file: "nb201_oneproxy_latency.csv", rows: 1999, devices: 18, space: .nb201,
            description: "1999 NAS-Bench-201 models on 18 devices (the OneProxy paper's data), with accuracies",
            credit: "OneProxy paper data (MIT), from HW-NAS-Bench (rice_*, MIT), Eagle/BRP-NAS (eagle_*, Apache-2.0), nn-Meter (true_*)"),
        BundledDatasetInfo(
            name: "help-nb201", file: "nb201_help_latency.csv", rows: 15625, devices: 27, space: .nb201,
            description: "all 15625 NAS-Bench-201 models on 27 device settings, with accuracies",
            credit: "HELP (Lee et al., NeurIPS 2021, MIT); accuracies NAS-Bench-201/NATS-Bench (Dong et al.)"),
        BundledDatasetInfo(
            name: "help-fbnet", file: "fbnet_help_latency.csv", rows: 5000, devices: 27, space: .fbnet,
            description: "5000 FBNet-space models on 27 device settings (CIFAR-100 input)",
            credit: "HELP (Lee et al., NeurIPS 2021, MIT)"),
        BundledDatasetInfo(
            name: "help-ofa", file: "ofa_help_latency.csv", rows: 5000, devices: 12, space: .ofa,
            description: "5000 OFA MobileNetV3 models on 12 GPU settings",
            credit: "HELP (Lee et al., NeurIPS 2021, MIT)"),
    ]

    public static var names: [String] { catalog.map(\.name) }

    /// Loads a bundled dataset: keys and devices as `loadUserCSV` reads them (device = column name
    /// without `_ms`; `row` ignored), and for NB201 datasets the accuracies `cifar10`, `cifar100`,
    /// `imagenet16` joined by `nb201_index`. An unknown name is an error listing the names and
    /// suggesting the nearest one (edit distance).
    public static func load(_ name: String) throws -> Dataset {
        guard let info = catalog.first(where: { $0.name == name }) else {
            let nearest = names.min { editDistance($0, name) < editDistance($1, name) }!
            throw OneProxyError(
                "unknown dataset '\(name)'; did you mean '\(nearest)'? (bundled: \(names.joined(separator: ", ")))")
        }
        let url = try BundledFiles.url(info.file)
        guard let bytes = CSVTable.readFile(url.path) else {
            throw OneProxyError("cannot read the file (missing or unreadable)", file: "bundled:\(info.file)")
        }
        var (table, numbers) = try readTable(bytes: bytes, file: "bundled:\(info.file)")
        var (d, _) = try buildDataset(table, name: name, source: "bundled:\(name)", unit: .ms, findNearDuplicates: false, numbers: &numbers)
        d = try d.space.descriptor.addingKnownAccuracies(d)
        return d
    }
}

/// Adds NAS-Bench-201's `cifar10`, `cifar100`, `imagenet16` accuracies (joined by `nb201Index`) to an
/// NB201 dataset; columns it already has are kept as they are.
public func withNB201Accuracies(_ d: Dataset) throws -> Dataset {
    guard d.space == .nb201, let idx = d.nb201Index else {
        throw OneProxyError("dataset '\(d.name)' is not an NB201 dataset; it has no NAS-Bench-201 accuracies")
    }
    let table = try NB201Table.shared()
    var out = d
    // Every architecture in index order (the bundled files): the table's columns, shared.
    let inOrder = idx == table.allIndices
    for acc in table.accuracies where d.accuracy(named: acc.name) == nil {
        out.accuracies.append(inOrder ? acc : AccuracyColumn(name: acc.name, values: idx.map { acc.values[$0] }))
    }
    return out
}

/// Edit distance over characters with adjacent transpositions (optimal string alignment): the
/// fewest insertions, deletions, substitutions and swaps of neighbours turning a into b, so the
/// common typo "hepl" is 1 from "help".
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev2 = [Int](repeating: 0, count: y.count + 1)
    var prev = Array(0...y.count)
    var cur = prev
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { cur[j] = min(cur[j], prev2[j - 2] + 1) }
        }
        (prev2, prev, cur) = (prev, cur, prev2)
    }
    return prev[y.count]
}
