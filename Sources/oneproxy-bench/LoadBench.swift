import Foundation
import OneProxyKit

/// Load time per bundled dataset (median of 15 after a warm-up; the NB201 index/accuracy table is
/// built once per process, so its one-off cost is reported on its own), then resident memory.
func benchLoad() throws {
    let python = pythonReference("load")
    let t0 = DispatchTime.now().uptimeNanoseconds
    _ = try NB201Table.shared()
    let tableSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    report("nb201 accuracy table (first use, once)", seconds: tableSeconds, python: python, key: "nb201_accuracy")
    for info in BundledDatasets.catalog {
        var rows = 0
        let s = try medianSeconds { rows = try BundledDatasets.load(info.name).rowCount }
        report("load \(info.name) (\(rows) rows)", seconds: s, python: python, key: info.name)
    }
    // Goal (issue 23): help-nb201 in <= 10 ms and >= 10x numpy.loadtxt of its 27 latency columns,
    // numpy timed now by bench/load_large.py (median of 15 after a warm-up, as here). On a shared
    // machine whose speed swings within seconds, one numpy block and one Swift block can land in
    // different minutes: five rounds alternate them, and the verdict takes the median ratio.
    // The first 15 loads after numpy's run follow a second and more of this process idling; on
    // this shared VM the second core then takes tens of milliseconds to join parallel work again
    // (a 2 x 1 ms concurrentPerform takes 2 ms after 1.5 s idle, 1.05 ms warm), so each round
    // also times the next 15 loads, back to back ("warm"). The verdict takes the first.
    var ratios: [Double] = [], warmRatios: [Double] = []
    for round in 1...5 {
        guard let np = runPythonReference(["bench/load_large.py", "--help-nb201"]), let m = np["numpy_loadtxt_median"] else { break }
        let s = try medianSeconds { _ = try BundledDatasets.load("help-nb201") }
        let warm = try medianSeconds { _ = try BundledDatasets.load("help-nb201") }
        ratios.append(m / s)
        warmRatios.append(m / warm)
        print(String(format: "load help-nb201 round %d: %.2f ms (median of 15; the next 15: %.2f ms) vs numpy loadtxt %.1f ms just before: x%.1f (x%.1f)",
                     round, s * 1e3, warm * 1e3, m * 1e3, m / s, m / warm))
    }
    if !ratios.isEmpty {
        let median = ratios.sorted()[ratios.count / 2], warmMedian = warmRatios.sorted()[warmRatios.count / 2]
        print(String(format: "load help-nb201 vs numpy loadtxt, median of %d alternating rounds: x%.1f (target >= 10x: %@); the next 15 loads of each round: x%.1f",
                     ratios.count, median, median >= 10 ? "met" : "missed", warmMedian))
    }
    let helpPath = try BundledFiles.url("nb201_help_latency.csv").path
    let csvOnly = try medianSeconds { _ = try CSVTable(bytes: try fileBytes(helpPath), file: helpPath) }
    report("  of which CSVTable(help-nb201) alone", seconds: csvOnly, python: python, key: "csv_help_nb201")
    let t = try CSVTable(bytes: try fileBytes(helpPath), file: helpPath)
    let numbers = medianSeconds { for c in 2..<t.columnCount { _ = t.doubles(column: c) } }
    report("  of which 27 x 15625 numbers, by column", seconds: numbers, python: python, key: "numbers_help_nb201")
    let columns = Array(2..<t.columnCount)
    let rowMajor = medianSeconds { _ = t.doubles(columns: columns) }
    report("  of which 27 x 15625 numbers, one pass", seconds: rowMajor, python: python, key: "numbers_help_nb201")
    let i7Path = try BundledFiles.url("nb201_i7_brpnas_latency.csv").path
    let s = try medianSeconds(repeats: 7) { _ = try loadCSV(bytes: try fileBytes(i7Path), file: i7Path, name: "i7") }
    report("loadCSV i7 file (15284 rows)", seconds: s, python: python, key: "i7_user")
    // A user file of 27 devices: loadCSV also runs the all-pairs SRCC near-duplicate check.
    let u = try medianSeconds(repeats: 7) { _ = try loadCSV(bytes: try fileBytes(helpPath), file: helpPath, name: "help") }
    report("loadCSV help-nb201 file (27 devices)", seconds: u, python: python, key: "help_user")
    let help = try BundledDatasets.load("help-nb201")
    let near = medianSeconds(repeats: 7) { _ = nearDuplicateDevices(help) }
    report("  of which nearDuplicateDevices (351 pairs)", seconds: near, python: python, key: "near_help")
    var keep: [Dataset] = []
    keep.append(try BundledDatasets.load("help-nb201"))
    if let rss = residentBytes() {
        print(String(format: "resident memory after loading help-nb201: %.1f MB", Double(rss) / 1e6))
    }
    _ = keep.count
}

/// A file's bytes, read inside the timed work (the Kit takes bytes; reading is the caller's).
func fileBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw OneProxyError("cannot read \(path)") }
    return [UInt8](data)
}
