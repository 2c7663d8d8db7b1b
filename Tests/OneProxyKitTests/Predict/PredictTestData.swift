import Foundation
import Testing
@testable import OneProxyKit

/// Test-only helpers: fixture JSON and the bundled 1999-model latency data.
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

    /// The bundled oneproxy-nb201 dataset through the project's loader: its NB201 encoding and
    /// every device column, keyed as in the file (`true_vpu_ms`; missing = NaN).
    static func oneProxyCSV() throws -> Latencies {
        let d = try BundledDatasets.load("oneproxy-nb201")
        var columns = [String: [Double]]()
        for device in d.devices { columns[device.name + "_ms"] = device.latencies }
        return Latencies(x: try encodingMatrix(d), columns: columns)
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
