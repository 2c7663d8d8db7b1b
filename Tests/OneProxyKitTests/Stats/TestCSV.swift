import Foundation
import OneProxyKit

/// The latency columns of a bundled file, read with the project's loader (`BundledDatasets.load`),
/// named as in the file (`true_vpu_ms`) to match the scipy fixtures. Missing values are NaN.
struct TestColumns: Sendable {
    var names: [String]
    var columns: [[Double]]

    func column(_ name: String) -> [Double] { columns[names.firstIndex(of: name)!] }
}

enum TestCSV {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: TestColumns] = [:]

    /// Loads (once per test process) the bundled dataset stored in `file`.
    static func msColumns(_ file: String) throws -> TestColumns {
        lock.lock()
        defer { lock.unlock() }
        if let c = cache[file] { return c }
        guard let info = BundledDatasets.catalog.first(where: { $0.file == file }) else {
            throw OneProxyError("no bundled dataset is stored in \(file)")
        }
        let d = try BundledDatasets.load(info.name)
        let result = TestColumns(names: d.devices.map { $0.name + "_ms" }, columns: d.devices.map(\.latencies))
        cache[file] = result
        return result
    }
}

/// scipy's values for every pair i < j of a bundled file (Tests/fixture-scripts/stats_fixtures.py).
struct PairFixture: Decodable {
    var names: [String]
    var rows: Int
    var n: [Int]
    var spearman: [Double?]
    var kendall: [Double?]
    var pearson: [Double?]

    func values(_ method: CorrelationMethod) -> [Double?] {
        switch method {
        case .spearman: return spearman
        case .kendall: return kendall
        case .pearson: return pearson
        }
    }
}

struct ClusterFixture: Decodable {
    var names: [String]
    var leaves: [Int]
    var clusters: [String: [Int]]
}

struct EdgeCase: Decodable {
    var x: [Double?]
    var y: [Double?]
    var n: Int
    var spearman: Double?
    var kendall: Double?
    var pearson: Double?
}

struct EdgeCaseFile: Decodable {
    var cases: [String: EdgeCase]
}

enum StatsFixtures {
    static let latencyFiles = [
        "nb201_oneproxy_latency.csv", "nb201_help_latency.csv", "fbnet_help_latency.csv", "ofa_help_latency.csv",
    ]

    static func load<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw OneProxyError("test fixtures missing from the bundle")
        }
        let data = try Data(contentsOf: dir.appendingPathComponent("stats").appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    static func pairs(_ csv: String) throws -> PairFixture {
        try load("pairs_" + csv.replacingOccurrences(of: ".csv", with: ".json"), as: PairFixture.self)
    }

    static func cluster(_ csv: String) throws -> ClusterFixture {
        try load("cluster_" + csv.replacingOccurrences(of: ".csv", with: ".json"), as: ClusterFixture.self)
    }
}
