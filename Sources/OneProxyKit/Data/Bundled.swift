import Foundation

/// The real measurements shipped inside the package (see Resources/data/SOURCES.md).
public enum BundledFiles {
    /// The folder of the bundled data files (nil if missing from this build).
    public static var folder: URL? { dataFolder }

    /// Found once: Foundation's resource lookup took 0.1-0.15 ms, a twentieth of a bundled load.
    private static let dataFolder = Bundle.module.url(forResource: "data", withExtension: nil)

    /// The URL of a bundled data file, e.g. `nb201_oneproxy_latency.csv`.
    public static func url(_ fileName: String) throws -> URL {
        guard let dir = dataFolder else {
            throw OneProxyError("the bundled data folder is missing from this build")
        }
        let url = dir.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw OneProxyError("the bundled file \(fileName) is missing from this build")
        }
        return url
    }
}
