import Foundation
import OneProxyKit

/// A large user file: 100,000 architectures x 50 devices (about 36 MB), generated here (never kept
/// in the repository), read and loaded as `load "file.csv"` does (bytes, then the loader, with its
/// all-pairs near-duplicate check). Prints the time and the peak resident memory of the load.
func benchLarge() throws {
    let rows = 100_000, devices = 50
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-bench-large-\(getpid()).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    // Written in chunks, so generating it does not raise the peak measured below.
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    let out = try FileHandle(forWritingTo: url)
    var g = SeededGenerator(seed: 1)
    var chunk = "key," + (0..<devices).map { "dev\($0)_ms" }.joined(separator: ",") + "\n"
    for r in 0..<rows {
        chunk += "arch\(r)"
        let base = 1 + g.nextUnit() * 20
        for d in 0..<devices { chunk += "," + String(format: "%.4f", base * (1 + Double(d) * 0.01) + 10 * g.nextUnit()) }
        chunk += "\n"
        if chunk.utf8.count > 1 << 20 { out.write(Data(chunk.utf8)); chunk = "" }
    }
    out.write(Data(chunk.utf8))
    try out.close()
    let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
    print(String(format: "generated %d x %d CSV: %.1f MB", rows, devices, Double(size) / 1e6))

    resetPeakMemory()
    let before = peakResidentBytes()
    let t0 = DispatchTime.now().uptimeNanoseconds
    let bytes = try [UInt8](Data(contentsOf: url))
    let (d, report) = try loadCSV(bytes: bytes, file: url.lastPathComponent, name: "large")
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    let peak = peakResidentBytes()
    report_("load a 100,000 x 50 CSV (read + parse + checks)", seconds: seconds)
    print("  \(d.rowCount) rows, \(d.devices.count) devices, \(report.nearDuplicates.count) near-duplicate pairs")
    if let before, let peak {
        print(String(format: "  peak resident memory: %.1f MB (%.1f MB before the load)", Double(peak) / 1e6, Double(before) / 1e6))
    }
    let table = medianSeconds(repeats: 3) { _ = try? CSVTable(bytes: bytes, file: "large.csv") }
    report_("  of which CSVTable alone", seconds: table)
    let near = try medianSeconds(repeats: 3) { _ = try nearDuplicateDevices(d, context: .none) }
    report_("  of which the near-duplicate check (1225 pairs)", seconds: near)
}

private func report_(_ label: String, seconds: Double) { report(label, seconds: seconds, python: nil, key: "") }

/// Resets the kernel's peak-RSS mark (Linux: writing 5 to /proc/self/clear_refs).
func resetPeakMemory() {
    if let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") { h.write(Data("5".utf8)); try? h.close() }
}

/// The peak resident set size of this process in bytes (Linux: VmHWM in /proc/self/status).
func peakResidentBytes() -> Int? {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first
        return kb.map { $0 * 1024 }
    }
    return nil
}
