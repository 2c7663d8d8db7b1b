/// Names the shell knows before any dataset is loaded (for completion and hints).
enum BundledNames {
    static let datasets = ["oneproxy-nb201", "help-nb201", "help-fbnet", "help-ofa"]
    static var all: [String] { datasets }
}
