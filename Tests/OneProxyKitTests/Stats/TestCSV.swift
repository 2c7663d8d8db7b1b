import Foundation
import OneProxyKit

/// The `_ms` latency columns of a bundled CSV, read by a deliberately small parser (no quoting:
/// the bundled files have none). Missing (empty, non-numeric, NaN, <= 0) becomes NaN.
/// A stand-in for the real loader, which another part of the project provides.
struct TestColumns: Sendable {
    var names: [String]
    var columns: [[Double]]

    func column(_ name: String) -> [Double] { columns[names.firstIndex(of: name)!] }
}

enum TestCSV {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: TestColumns] = [:]

    /// Reads (once per test process) the `_ms` columns of a bundled file.
    static func msColumns(_ file: String) throws -> TestColumns {
        lock.lock()
        defer { lock.unlock() }
        if let c = cache[file] { return c }
        let text = try String(contentsOf: BundledFiles.url(file), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let picked = header.indices.filter { header[$0].hasSuffix("_ms") }
        var columns = [[Double]](repeating: [], count: picked.count)
        for c in columns.indices { columns[c].reserveCapacity(lines.count) }
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            for (c, j) in picked.enumerated() {
                let v = j < fields.count ? Double(fields[j]) ?? .nan : .nan
                columns[c].append(v > 0 ? v : .nan)
            }
        }
        let result = TestColumns(names: picked.map { header[$0] }, columns: columns)
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
