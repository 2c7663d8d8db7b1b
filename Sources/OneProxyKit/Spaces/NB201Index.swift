import Foundation

/// The official NAS-Bench-201 numbering and accuracies, read once from the bundled
/// `nb201_accuracy.csv` (15625 rows, `nb201_index` 0..15624, `ArchitectureString`, three accuracies).
///
/// Guarantee: `index(ofCodeID:)` and `codeID(ofIndex:)` are inverse bijections over all 15625
/// architectures (checked when the table is built; a bundled file breaking that is an error).
public struct NB201Table: Sendable {
    /// For each official index, the architecture's `NB201.codeID`.
    public let codeIDOfIndex: [Int]
    /// For each `NB201.codeID`, the official index.
    public let indexOfCodeID: [Int]
    /// `cifar10`, `cifar100`, `imagenet16` test accuracies (percent), indexed by official index.
    public let accuracies: [AccuracyColumn]
    /// For each `NB201.codeID`, its canonical arch string: the keys of every NB201 dataset share
    /// these (a load made one 95-byte String per row).
    public let archStrings: [String]
    /// The same strings in official index order, and the indices 0..<15625: a file holding every
    /// architecture in index order (the bundled ones) shares these two arrays whole.
    public let archStringsByIndex: [String]
    public let allIndices: [Int]

    /// The shared table (built on first use; later calls are free).
    public static func shared() throws -> NB201Table { try sharedTable.get() }

    public func index(ofCodeID id: Int) -> Int { indexOfCodeID[id] }
    public func codeID(ofIndex index: Int) -> Int { codeIDOfIndex[index] }

    /// The official index of an arch string.
    public func index(of arch: String) throws -> Int { indexOfCodeID[NB201.codeID(try NB201.parse(arch))] }

    /// The canonical arch string of an official index (0..15624).
    public func archString(index: Int) throws -> String {
        guard (0..<NB201.architectureCount).contains(index) else {
            throw OneProxyError("NB201 index \(index) is out of range (0...\(NB201.architectureCount - 1))")
        }
        return archStrings[codeIDOfIndex[index]]
    }

    static func loadBundled() throws -> NB201Table {
        let url = try BundledFiles.url("nb201_accuracy.csv")
        let t = try CSVTable(contentsOfFile: url.path, displayName: "bundled:nb201_accuracy.csv")
        guard let ic = t.columnIndex("nb201_index"), let ac = t.columnIndex("ArchitectureString") else {
            throw OneProxyError("nb201_accuracy.csv lacks nb201_index/ArchitectureString", file: t.file)
        }
        let n = NB201.architectureCount
        guard t.rowCount == n else { throw OneProxyError("nb201_accuracy.csv has \(t.rowCount) rows, expected \(n)", file: t.file) }
        var codeOf = [Int](repeating: -1, count: n)
        var indexOf = [Int](repeating: -1, count: n)
        var strings = [String](repeating: "", count: n)
        let idx = t.doubles(column: ic).values
        for r in 0..<n {
            let v = idx[r]
            guard let i = Int(exactly: v), (0..<n).contains(i), codeOf[i] < 0 else {
                throw t.error("bad or repeated nb201_index", row: r, column: ic)
            }
            // The file's string when it is canonical (the fast parser accepts exactly those), else
            // the canonical spelling.
            let (id, string) = try t.withFieldBytes(row: r, column: ac) { b -> (Int, String) in
                if let id = NB201.fastCodeID(b) { return (id, String(decoding: b, as: UTF8.self)) }
                let id = try NB201.codeID(bytes: b)
                return (id, NB201.archString(NB201.codes(codeID: id)))
            }
            guard indexOf[id] < 0 else { throw t.error("repeated architecture", row: r, column: ac) }
            codeOf[i] = id
            indexOf[id] = i
            strings[id] = string
        }
        var accs: [AccuracyColumn] = []
        for (col, name) in [("CIFAR10TestAccuracy200Epochs", "cifar10"), ("CIFAR100TestAccuracy200Epochs", "cifar100"),
                            ("ImageNetTestAccuracy200Epochs", "imagenet16")] {
            guard let c = t.columnIndex(col) else { throw OneProxyError("nb201_accuracy.csv lacks \(col)", file: t.file) }
            let v = t.doubles(column: c).values
            var byIndex = [Double](repeating: .nan, count: n)
            for r in 0..<n { byIndex[Int(idx[r])] = v[r] }
            accs.append(AccuracyColumn(name: name, values: byIndex))
        }
        return NB201Table(
            codeIDOfIndex: codeOf, indexOfCodeID: indexOf, accuracies: accs, archStrings: strings,
            archStringsByIndex: codeOf.map { strings[$0] }, allIndices: Array(0..<n))
    }
}

private let sharedTable: Result<NB201Table, OneProxyError> = {
    do { return .success(try NB201Table.loadBundled()) } catch let e as OneProxyError {
        return .failure(e)
    } catch {
        return .failure(OneProxyError("\(error)"))
    }
}()

/// All 15625 NAS-Bench-201 architectures in official index order (keys = arch strings,
/// `nb201Index` = 0..15624), with no devices and the three accuracies, so a predictor can predict
/// the whole space; `encodingMatrix` of it is 15625 x 31.
public func nb201AllArchitectures() throws -> Dataset {
    let t = try NB201Table.shared()
    return Dataset(
        name: "nb201-all", source: "bundled:nb201_accuracy.csv", space: .nb201, keyName: "arch_str", keys: t.archStringsByIndex,
        nb201Index: t.allIndices, devices: [], accuracies: t.accuracies)
}
