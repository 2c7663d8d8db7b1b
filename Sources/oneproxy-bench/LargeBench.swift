import Foundation
import OneProxyKit
import OneProxyShell

/// Large user files, generated here (never kept in the repository) and loaded as `load "file.csv"`
/// does: the shell's file access maps the file under a read lease (`FileAccess.text`), then
/// `loadCSV(text:)` (with its near-duplicate check).
/// Three shapes: 5,000 architectures x 500 devices (the widest file whose near-duplicate check runs),
/// 100,000 x 50 (about 40 MB) and 1,000,000 x 30 (about 280 MB).
/// For each: the whole load (best and median of 3; the peak resident memory of the first, VmHWM
/// reset before it) and its parts; for the 1M x 30 file, the physical limit (reading the file into
/// memory, one memchr pass over the bytes in memory) and polars' and pyarrow's CSV readers on the
/// same file, timed in the same run by `python3 bench/load_large.py FILE`.
func benchLarge() throws {
    // The widest file the near-duplicate check still runs on (500 devices: 124,750 pairs).
    try largeCase(rows: 5_000, devices: 500, python: false)
    try largeCase(rows: 100_000, devices: 50, python: false)
    try largeCase(rows: 1_000_000, devices: 30, python: true)
}

private func largeCase(rows: Int, devices: Int, python: Bool) throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-bench-large-\(getpid())-\(rows).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    try writeLargeCSV(url, rows: rows, devices: devices)
    let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
    let numberBytes = Double(rows * devices * 8)
    print(String(format: "generated %d x %d CSV: %.1f MB (its numbers: %.1f MB of doubles)", rows, devices, Double(size) / 1e6, numberBytes / 1e6))
    let access = FileAccess()
    let label = "\(rows / 1000)k x \(devices)"

    // The whole load, as the shell does it; the first run's peak memory.
    var times: [Double] = []
    var peakMB = 0.0, beforeMB = 0.0
    var summary = ""
    for k in 0..<3 {
        if k == 0 { resetPeakMemory(); beforeMB = Double(peakResidentBytes() ?? 0) / 1e6 }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let (text, _) = try access.text(url.path)
        let (d, report) = try loadCSV(text: text, file: url.lastPathComponent, name: "large")
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        if k == 0 {
            peakMB = Double(peakResidentBytes() ?? 0) / 1e6
            summary = "\(d.rowCount) rows, \(d.devices.count) devices, \(report.nearDuplicates.count) near-duplicate pairs"
        }
    }
    let best = times.min()!, median = times.sorted()[1]
    let mapped = try access.text(url.path).text.isMapped
    print(String(format: "load %@ (%@ + parse + checks): best %.3f s, median %.3f s of 3 (%.0f MB/s at best)", label,
                 mapped ? "map under a read lease" : "read", best, median, Double(size) / best / 1e6))
    print("  \(summary)")
    print(String(format: "  peak resident memory: %.1f MB (%.1f MB before the load): %.2fx the numbers (the load's own: %.2fx)",
                 peakMB, beforeMB, peakMB / (numberBytes / 1e6), (peakMB - beforeMB) / (numberBytes / 1e6)))

    // Its parts.
    let read = try bestSeconds { _ = try access.read(url.path) }
    let (bytes, _) = try access.read(url.path)
    let table = try bestSeconds { _ = try CSVTable(bytes: bytes, file: "large.csv") }
    let t = try CSVTable(bytes: bytes, file: "large.csv")
    let numbers = bestSeconds { _ = t.doubles(columns: Array(1..<t.columnCount)) }
    let (d, _) = try loadCSV(bytes: bytes, file: "large.csv", name: "large")
    let near = try bestSeconds { _ = try nearDuplicateDevicesScreened(d, context: .none) }
    let load = try bestSeconds { _ = try loadCSV(bytes: bytes, file: "large.csv", name: "large") }
    let hash = try bestSeconds(repeats: 1) { _ = try sha256Hex(try access.text(url.path).text, cancellation: .never) }
    print(String(format: "  after the load, the shell's SHA-256 of the file   %8.1f ms (one run; not in the load above)", hash * 1e3))
    print(String(format: "  of which reading the file (shell's file access)  %8.1f ms (best of 3)", read * 1e3))
    print(String(format: "  loadCSV on the bytes in memory                 %8.1f ms", load * 1e3))
    print(String(format: "    two-pass route (files with quotes): CSVTable %8.1f ms", table * 1e3))
    print(String(format: "    two-pass route: %d x %d numbers          %8.1f ms", rows, devices, numbers * 1e3))
    let route = rows > 16_384 ? "screened on 2000 rows" : "exact"
    print(String(format: "    near-duplicate check (%d pairs, %@)    %8.1f ms = %.1f%% of the load", devices * (devices - 1) / 2, route, near * 1e3, 100 * near / load))

    guard python else { return }
    // The physical limit: the bytes read into memory, and one pass over them in memory.
    let scan = bestSeconds {
        var lines = 0
        bytes.withUnsafeBufferPointer { b in
            var p = UnsafeRawPointer(b.baseAddress!)
            let end = p + b.count
            while let q = memchr(p, 0x0A, end - p) { lines += 1; p = UnsafeRawPointer(q) + 1 }
        }
        precondition(lines > 0)
    }
    print(String(format: "  physical limit: reading the file %.1f ms (%.0f MB/s); a memchr pass over the bytes in memory %.1f ms (%.1f GB/s)",
                 read * 1e3, Double(size) / read / 1e6, scan * 1e3, Double(size) / scan / 1e9))
    print(String(format: "  the load (best) = %.1fx reading the file, %.1fx the memchr pass", best / read, best / scan))
    guard let ref = runPythonReference(["bench/load_large.py", url.path]) else {
        print("  (python3 bench/load_large.py failed: pip install polars pyarrow)")
        return
    }
    for (name, key) in [("polars read_csv", "polars"), ("pyarrow csv.read_csv", "pyarrow")] {
        guard let b = ref[key + "_best"], let m = ref[key + "_median"] else { continue }
        print(String(format: "  %@: best %.3f s, median %.3f s of 3; oneproxy's load: x%.2f (best/best), x%.2f (median/median): target >= 1: %@",
                     name, b, m, b / best, m / median, b / best >= 1 ? "met" : "missed"))
    }
}

/// Best wall time of `repeats` runs (no warm-up: each run here takes long enough).
func bestSeconds(repeats: Int = 3, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return best
}

/// Runs `python3 ARGS` from the package root and reads the JSON object of numbers it prints last.
func runPythonReference(_ args: [String]) -> [String: Double]? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3"] + args
    let pipe = Pipe()
    p.standardOutput = pipe
    guard (try? p.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0, let text = String(data: data, encoding: .utf8),
          let last = text.split(separator: "\n").last,
          let obj = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else { return nil }
    return obj.compactMapValues { ($0 as? NSNumber)?.doubleValue }
}

/// Writes `key,dev0_ms,...` with `rows` rows of `%.4f` latencies (seeded), in 1 MB chunks so that
/// generating it does not raise the peak measured afterwards.
func writeLargeCSV(_ url: URL, rows: Int, devices: Int) throws {
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    let out = try FileHandle(forWritingTo: url)
    var g = SeededGenerator(seed: 1)
    var chunk = Array(("key," + (0..<devices).map { "dev\($0)_ms" }.joined(separator: ",") + "\n").utf8)
    func digits(_ v: Int, _ into: inout [UInt8], width: Int = 0) {
        var tmp: [UInt8] = []
        var x = v
        repeat { tmp.append(UInt8(0x30 + x % 10)); x /= 10 } while x > 0
        while tmp.count < width { tmp.append(0x30) }
        into.append(contentsOf: tmp.reversed())
    }
    for r in 0..<rows {
        chunk.append(contentsOf: "arch".utf8)
        digits(r, &chunk)
        let base = 1 + g.nextUnit() * 20
        for d in 0..<devices {
            // %.4f by hand (String(format:) per value would take most of a minute at 1M x 30).
            let v = Int((( base * (1 + Double(d) * 0.01) + 10 * g.nextUnit()) * 10_000).rounded())
            chunk.append(0x2C)
            digits(v / 10_000, &chunk)
            chunk.append(0x2E)
            digits(v % 10_000, &chunk, width: 4)
        }
        chunk.append(0x0A)
        if chunk.count > 1 << 20 { out.write(Data(chunk)); chunk.removeAll(keepingCapacity: true) }
    }
    out.write(Data(chunk))
    try out.close()
}

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
