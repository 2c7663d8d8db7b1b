import Foundation
import Testing
@testable import OneProxyKit

/// Test-only helpers: fixture JSON and a tiny reader of the bundled 1999-model latency CSV
/// (to be replaced by the real loader once it lands).
enum PredictTestData {
    static func fixture(_ name: String) throws -> Any {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw OneProxyError("test fixtures are missing from the test bundle")
        }
        let data = try Data(contentsOf: dir.appendingPathComponent("predict").appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data)
    }

    struct Latencies {
        var x: Matrix
        var columns: [String: [Double]]
    }

    /// Encoded NB201 architectures and every `*_ms` column (missing = NaN).
    static func oneProxyCSV() throws -> Latencies {
        let text = try String(contentsOf: BundledFiles.url("nb201_oneproxy_latency.csv"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let archCol = header.firstIndex(of: "arch_str")!
        var x = Matrix(rows: lines.count, cols: NB201.encodingWidth)
        var columns = [String: [Double]]()
        for name in header where name.hasSuffix("_ms") { columns[name] = [] }
        for (i, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let codes = try NB201.parse(fields[archCol])
            var row = x.storage[(i * x.cols)..<((i + 1) * x.cols)]
            NB201.encode(codes: codes, into: &row)
            x.storage.replaceSubrange((i * x.cols)..<((i + 1) * x.cols), with: row)
            for (k, name) in header.enumerated() where name.hasSuffix("_ms") {
                let v = Double(fields[k]) ?? .nan
                columns[name]!.append(v > 0 ? v : .nan)
            }
        }
        return Latencies(x: x, columns: columns)
    }

    static let notebookRows = [
        275, 1165, 1735, 1643, 1564, 129, 522, 241, 1014, 1558, 920, 967, 1334, 777, 1615, 429, 192, 999, 58, 1829,
        1711, 798, 886, 1244, 1561, 1571, 4, 1425, 912, 545, 1477, 1642, 468, 1210, 1935, 209, 1846, 650, 62, 45,
        52, 1330, 1108, 18, 1923, 1804, 780, 1405, 443, 1984, 864, 1486, 59, 1080, 454, 896, 1015, 1132, 477, 707,
        472, 1386, 448, 941, 1950, 593, 1897, 44, 852, 1715,
    ]
}

func relClose(_ a: Double, _ b: Double, _ tol: Double, scale: Double = 1) -> Bool {
    abs(a - b) <= tol * max(abs(a), abs(b), scale)
}
