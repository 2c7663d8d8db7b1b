import Foundation
import Testing
@testable import OneProxyKit

/// Reference numbers from Tests/fixture-scripts/data_fixtures.py (csv + numpy + scipy on the
/// package's own resource copies).
struct DataReference: Decodable {
    struct FBNetRow: Decodable { let row: Int; let key: String; let nonzero: [Int] }
    struct OFARow: Decodable { let row: Int; let key: String; let encoding: [Double] }
    struct Summary: Decodable { let count: Int; let missing: Int; let distinct: Int; let min: Double; let median: Double; let max: Double }
    let fbnet_encodings: [FBNetRow]
    let ofa_encodings: [OFARow]
    let summaries_oneproxy_nb201: [String: Summary]
    let summaries_help_fbnet: [String: Summary]
    let srcc_eagle_gtx_i7: Double
    let oneproxy_edgetpu_missing: Int
    let i7_rows: Int
    let merge_oneproxy_help: Int
    let merge_i7_oneproxy: Int
    let merge_help_i7: Int
    let help_vs_accuracy_agree: Int
    let oneproxy_first_accuracies: [[Double]]

    static func load() throws -> DataReference {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let data = try Data(contentsOf: dir.appendingPathComponent("data/data_reference.json"))
        return try JSONDecoder().decode(DataReference.self, from: data)
    }
}

/// Loads CSV text as a user file named `t.csv`.
func loadText(_ text: String, unit: LatencyUnit = .ms) throws -> (Dataset, LoadReport) {
    try loadCSV(bytes: Array(text.utf8), file: "t.csv", unit: unit, name: "t")
}

/// The error `body` throws, as a OneProxyError (nil if it does not throw one).
func oneProxyError(_ body: () throws -> Void) -> OneProxyError? {
    do { try body() } catch let e as OneProxyError { return e } catch { return nil }
    return nil
}

/// Equal as numbers, with NaN equal to NaN.
func sameValues(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}

/// Datasets equal in content (not name/source), NaN-aware.
func sameContent(_ a: Dataset, _ b: Dataset) -> Bool {
    a.space == b.space && a.keys == b.keys && a.nb201Index == b.nb201Index
        && a.devices.map(\.name) == b.devices.map(\.name)
        && zip(a.devices, b.devices).allSatisfy { sameValues($0.latencies, $1.latencies) }
        && a.accuracies.map(\.name) == b.accuracies.map(\.name)
        && zip(a.accuracies, b.accuracies).allSatisfy { sameValues($0.values, $1.values) }
}
