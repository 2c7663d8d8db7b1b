import Foundation
@testable import OneProxyKit

/// help-nb201's pixel3 latencies and the CIFAR-10 accuracies, by dataset row and by `NB201.codeID`.
struct NB201SearchData: Sendable {
    let keys: [String]
    let latency: [Double]
    let accuracy: [Double]
    let latencyTable: ArchitectureTable<NB201Space>
    let accuracyTable: ArchitectureTable<NB201Space>

    static let shared: Result<NB201SearchData, OneProxyError> = {
        do {
            let d = try BundledDatasets.load("help-nb201")
            guard let lat = d.device(named: "pixel3")?.latencies, let acc = d.accuracy(named: "cifar10")?.values else {
                return .failure(OneProxyError("help-nb201 lacks pixel3 or cifar10"))
            }
            let space = NB201Space()
            return .success(NB201SearchData(
                keys: d.keys, latency: lat, accuracy: acc,
                latencyTable: try ArchitectureTable(space: space, keys: d.keys, values: lat),
                accuracyTable: try ArchitectureTable(space: space, keys: d.keys, values: acc)))
        } catch let e as OneProxyError { return .failure(e) } catch { return .failure(OneProxyError("\(error)")) }
    }()

    static func load() throws -> NB201SearchData { try shared.get() }
}

/// The non-dominated set by definition, O(n²): a valid point is kept unless another valid point has
/// latency <= and accuracy >= with one strict (so identical pairs, twins, are all kept).
func bruteForceFront(_ acc: [Double], _ lat: [Double]) -> Set<Int> {
    let valid = acc.indices.filter { acc[$0].isFinite && lat[$0].isFinite }
    var out = Set<Int>()
    for i in valid {
        var dominated = false
        for j in valid where j != i {
            let noWorse = lat[j] <= lat[i] && acc[j] >= acc[i]
            let strictly = lat[j] < lat[i] || acc[j] > acc[i]
            if noWorse && strictly { dominated = true; break }
        }
        if !dominated { out.insert(i) }
    }
    return out
}
