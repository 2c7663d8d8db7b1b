import OneProxyKit

/// Names the shell knows before any dataset is loaded (for completion and hints).
enum BundledNames {
    static var datasets: [String] { BundledDatasets.names }
    static var all: [String] { datasets }
}
