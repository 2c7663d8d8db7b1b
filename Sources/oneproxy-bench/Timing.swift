import Foundation

/// Runs `body` `repeats` times after one warm-up and returns the median wall time in seconds.
func medianSeconds(repeats: Int = 15, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    times.sort()
    return times[times.count / 2]
}

/// Reads `bench/results/NAME.json` (written by the matching Python script) as a dictionary of seconds.
func pythonReference(_ name: String) -> [String: Double]? {
    let url = URL(fileURLWithPath: "bench/results/\(name).json")
    guard let data = try? Data(contentsOf: url),
          let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
    return obj.compactMapValues { ($0 as? NSNumber)?.doubleValue }
}

/// Prints one timing line, with the ratio against Python's time for the same key if known, and
/// against the numpy reference (key `numpy:KEY`) when the script wrote one.
func report(_ label: String, seconds: Double, python: [String: Double]?, key: String) {
    let padded = label.count < 44 ? label + String(repeating: " ", count: 44 - label.count) : label
    var line = padded + String(format: " %10.3f ms", seconds * 1e3)
    if let p = python?[key] {
        line += String(format: "   python %10.3f ms   speed-up x%.1f", p * 1e3, p / seconds)
    }
    if let p = python?["numpy:" + key] {
        line += String(format: "   numpy %9.3f ms   x%.1f", p * 1e3, p / seconds)
    }
    print(line)
}

/// Resident set size of this process in bytes (Linux: /proc/self/statm), or nil.
func residentBytes() -> Int? {
    guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
    let parts = s.split(separator: " ")
    guard parts.count > 1, let pages = Int(parts[1]) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
