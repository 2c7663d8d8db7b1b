import Foundation
import OneProxyKit
import OneProxyShell

/// How soon long computations stop after Ctrl-C, in a release build: the flag is raised at several
/// moments of each run and the time from raising it to the computation's `CancellationError` is
/// measured (the worst over the moments is printed).
func benchInterrupt() throws {
    let h = try BundledDatasets.load("help-nb201")
    let x = try encodingMatrix(h)
    let p = h.device(named: "pixel3")!, t = h.device(named: "titan_rtx_1")!
    let rows = sampleRows(candidates: Array(0..<h.rowCount), count: 2000, seed: 1)
    let work: [(String, (ComputeContext) throws -> Void)] = [
        ("adapt, leave-one-out over 2000 samples", { c in
            _ = try adaptProxy(X: x, proxyLatencies: p.latencies, targetLatencies: t.latencies, train: rows, val: [],
                               norm: .l2, selection: .crossValidation(folds: nil), context: c)
        }),
        ("adapt l1, 5-fold CV over 2000 samples", { c in
            _ = try adaptProxy(X: x, proxyLatencies: p.latencies, targetLatencies: t.latencies, train: rows, val: [],
                               norm: .l1, selection: .crossValidation(folds: 5), context: c)
        }),
        ("Kendall matrix of help-nb201 (351 pairs)", { c in
            _ = try correlationMatrix(names: h.deviceNames, columns: h.devices.map(\.latencies), method: .kendall, context: c)
        }),
        ("bootstrap, 10^6 resamples", { c in
            _ = try bootstrapInterval(p.latencies, t.latencies, method: .spearman, resamples: 1_000_000, seed: 1, context: c)
        }),
    ]
    // A 1M x 30 CSV loaded as the shell does once the bytes are read (the file, 246 MB, is written
    // and read before the clock starts): Ctrl-C during each phase (checking the records, parsing
    // the numbers, the keys, the devices, the near-duplicate check).
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-bench-interrupt-\(getpid()).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    try writeLargeCSV(url, rows: 1_000_000, devices: 30)
    let (bytes, _) = try FileAccess().read(url.path)
    let t0 = DispatchTime.now().uptimeNanoseconds
    _ = try loadCSV(bytes: bytes, file: "large.csv", name: "large")
    let whole = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    print(String(format: "load 1M x 30 CSV (bytes in memory) uninterrupted: %.0f ms", whole * 1e3))
    let loadWork: (String, (ComputeContext) throws -> Void) = ("load a 1M x 30 CSV (246 MB)", { c in
        _ = try loadCSV(bytes: bytes, file: "large.csv", name: "large", context: c)
    })
    let loadDelays = [0.0005, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].filter { $0 < whole }
    for (label, run) in work + [loadWork] {
        var worst = 0.0
        var stopped = 0
        var each: [String] = []
        let delays = label == loadWork.0 ? loadDelays : [0.0005, 0.002, 0.01, 0.03, 0.06]
        for delay in delays {
            let raisedAt = RaisedAt()
            // A thread of its own: Dispatch's workers may all be busy with the computation itself.
            Thread { Thread.sleep(forTimeInterval: delay); raisedAt.raise() }.start()
            do {
                try run(ComputeContext(cancellation: Cancellation { raisedAt.isRaised }))
            } catch is CancellationError {
                stopped += 1
                let s = raisedAt.seconds
                worst = max(worst, s)
                each.append(String(format: "%.0f ms: %.1f", delay * 1e3, s * 1e3))
            }
        }
        print(String(format: "%@: stopped %d of %d runs, at worst %.1f ms after Ctrl-C", label, stopped, delays.count, worst * 1e3))
        if delays.count > 5 { print("  (Ctrl-C at: ms to stop) " + each.joined(separator: ", ")) }
    }
}

private final class RaisedAt: @unchecked Sendable {
    private let lock = NSLock()
    private var at: UInt64?
    func raise() { lock.lock(); at = DispatchTime.now().uptimeNanoseconds; lock.unlock() }
    var isRaised: Bool { lock.lock(); defer { lock.unlock() }; return at != nil }
    var seconds: Double { lock.lock(); defer { lock.unlock() }; return at.map { Double(DispatchTime.now().uptimeNanoseconds - $0) / 1e9 } ?? 0 }
}
