import Foundation
import OneProxyKit

/// One line of the summary table.
private struct SummaryRow {
    var work: String
    var seconds: Double
    var python: Double?
    var pythonLabel: String
    /// Speed-up the line is held to (Python / Swift), or nil for no target.
    var target: Double?
    var peakMB: Double?
}

/// Every command that can take long, timed in one run, in one table: Swift time, the Python
/// reference doing the same work (bench/results/*.json), the ratio, the target, and the peak
/// resident memory of the process after the line (VmHWM; for the colab replay, the child's).
func benchSummary() throws {
    var rows: [SummaryRow] = []
    func peakMB() -> Double? { peakResidentBytes().map { Double($0) / 1e6 } }
    // The peak mark is reset after each line, so a line's peak is the highest resident size while it ran
    // (data kept from earlier lines included); a repeated line (same timing, another reference) repeats it.
    var lastPeak: Double?
    resetPeakMemory()
    func add(_ work: String, _ s: Double, _ py: Double?, _ pyLabel: String, target: Double? = 10, peak: Double? = nil, same: Bool = false) {
        if !same { lastPeak = peak ?? peakMB(); resetPeakMemory() }
        rows.append(SummaryRow(work: work, seconds: s, python: py, pythonLabel: pyLabel, target: target, peakMB: lastPeak))
        print(String(format: "  %@: %.3f ms", work as NSString, s * 1e3))
    }
    let load = pythonReference("load"), corr = pythonReference("correlations"), adapt = pythonReference("adapt")
    let few = pythonReference("fewshot"), search = pythonReference("search"), colab = pythonReference("colab")

    // load
    let tLoad = try medianSeconds(repeats: 7) { _ = try BundledDatasets.load("help-nb201") }
    add("load help-nb201 (15625 x 27 + accuracies)", tLoad, load?["help-nb201"], "csv module")
    add("load help-nb201", tLoad, load?["numpy:help-nb201"], "numpy loadtxt", same: true)

    // correlations + the bare sort of the same matrix
    let (names, columns) = try latencyColumns("nb201_help_latency.csv")
    var sorted: [[Double]] = []
    let tSort = medianSeconds(repeats: 25) { sorted = columns.map { $0.sorted() } }
    _ = sorted.count
    add("bare sort, 27 columns x 15625 (same matrix)", tSort, nil, "", target: nil)
    let tSrcc = medianSeconds(repeats: 25) { _ = correlationMatrix(names: names, columns: columns, method: .spearman) }
    add("SRCC all 351 pairs (help-nb201)", tSrcc, corr?["spearman_all_pairs"], "scipy spearmanr/pair")
    add("SRCC all 351 pairs", tSrcc, corr?["spearman_numpy_rank_corrcoef"], "numpy corrcoef of ranks", same: true)
    let tKendall = medianSeconds(repeats: 5) { _ = correlationMatrix(names: names, columns: columns, method: .kendall) }
    add("Kendall tau-b all 351 pairs", tKendall, corr?["kendall_all_pairs"], "scipy kendalltau/pair", target: 20)

    // adapt: the notebook problem, λ by 5-fold CV, per norm, against cvxpy
    let (x, proxy, target) = try loadNotebookData()
    let w = try fitLinearPredictor(X: x, latencies: proxy)
    let pred = w.predict(x)
    func std(_ v: [Double]) -> Double {
        let m = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
    }
    let scale = AdaProxyScale(target: std(notebookRows.map { target[$0] }), proxy: std(notebookRows.map { pred[$0] }))
    for norm in [AdaNorm.l1, .l2, .linf] {
        let t = medianSeconds(repeats: 25) {
            _ = adaptCV5Solve(x: x, w: w.weights, rows: notebookRows, target: target, scale: scale, norm: norm)
        }
        add("adapt \(norm.rawValue), λ by CV5 over 26 λ, n=70", t, adapt?["adapt_cv5_\(norm.rawValue)"], "cvxpy (CLARABEL)", target: norm == .l2 ? 1000 : 100)
    }

    // few-shot
    let o = try BundledDatasets.load("oneproxy-nb201")
    let tCurve = try medianSeconds(repeats: 3) { _ = try benchCurveWork(o) }
    add("few-shot curve, 7 methods x 5 sizes x 10 repeats", tCurve, few?["curve_10"], "numpy/scipy")
    let d = try BundledDatasets.load("help-nb201")
    let hx = try encodingMatrix(d)
    let tHelp = try medianSeconds(repeats: 1) {
        let pool = try FewShotPool(x: hx, proxies: HelpProtocol.nb201.pool.map { d.device(named: $0)! })
        _ = try helpBenchmark(d, pool: pool, methods: HelpProtocol.nb201.methods(pool: pool, rich: nil), draws: 10)
    }
    add("helpbench, 10 draws (with the pool's fits)", tHelp, few?["helpbench_draws10"], "numpy/scipy")

    // search
    guard let lat = d.device(named: "pixel3")?.latencies, let acc = d.accuracy(named: "cifar10")?.values else {
        throw OneProxyError("help-nb201 lacks pixel3 or cifar10")
    }
    let tFront = try medianSeconds(repeats: 25) { _ = try ParetoFront(accuracies: acc, latencies: lat) }
    add("exact Pareto front, 15625 models", tFront, search?["front_15625"], "numpy sort + running max")
    let space = NB201Space()
    let budget = lat.filter { !$0.isNaN }.sorted()[lat.count / 2]
    let accTable = try ArchitectureTable(space: space, keys: d.keys, values: acc)
    let linear = try linearLatency(try fitLinearPredictor(X: hx, latencies: lat), space: space)
    let tEvo = try medianSeconds(repeats: 5) {
        _ = try evolutionSearch(space: space, budget: budget, settings: EvolutionSettings(seed: 1),
                                accuracy: { accTable.value(of: $0) }, latency: linear)
    }
    add("evolution 100 x 500, linear predictor", tEvo, search?["evolution_100x500_linear"], "plain Python")

    // examples/colab.ops replayed by the release binary, as a whole process
    let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("oneproxy")
    if FileManager.default.isExecutableFile(atPath: bin.path) {
        var times: [Double] = []
        for _ in 0..<3 {
            let p = Process()
            p.executableURL = bin
            p.arguments = ["examples/colab.ops"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            let t0 = DispatchTime.now().uptimeNanoseconds
            try p.run()
            p.waitUntilExit()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            if p.terminationStatus != 0 { print("  colab replay exited with \(p.terminationStatus)") }
        }
        times.sort()
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        add("replay examples/colab.ops (process, wall)", times[1], colab?["colab_process"], "python3 bench/colab.py process",
            peak: Double(usage.ru_maxrss) * 1024 / 1e6)
    } else {
        print("  (no release oneproxy binary beside this one: build it with --product oneproxy)")
    }

    // the table
    print("")
    print("| work | Swift | Python reference | ratio (Python / Swift) | target | peak RSS |")
    print("|---|---|---|---|---|---|")
    func ms(_ s: Double) -> String { s >= 1 ? String(format: "%.2f s", s) : String(format: s < 0.01 ? "%.2f ms" : "%.1f ms", s * 1e3) }
    for r in rows {
        let py = r.python.map { "\(ms($0)) \(r.pythonLabel)" } ?? "—"
        let ratio = r.python.map { String(format: "%.1fx", $0 / r.seconds) } ?? "—"
        var tgt = "—"
        if let t = r.target, let p = r.python {
            tgt = String(format: "≥ %gx: %@", t, (p / r.seconds >= t ? "met" : "missed") as NSString)
        }
        let mem = r.peakMB.map { String(format: "%.0f MB", $0) } ?? "—"
        print("| \(r.work) | \(ms(r.seconds)) | \(py) | \(ratio) | \(tgt) | \(mem) |")
    }
    let multiple = tSrcc / tSort
    print(String(format: "\nall-pairs SRCC = %.2f x the bare sort of the same matrix (%.2f ms vs %.2f ms): target ≤ 3x: %@",
                 multiple, tSrcc * 1e3, tSort * 1e3, multiple <= 3 ? "met" : "missed"))
    print("peak RSS: this process's VmHWM while the line ran (the mark reset before each line; earlier lines' data stays resident); the colab line: the child process's maxrss")
}

/// One kernel on its own, for profiling (e.g. under valgrind --tool=callgrind):
/// ONEPROXY_KERNEL=adapt-l2|adapt-l1|adapt-linf|srcc|kendall|sort|load-help|neardup-wide|evolution, ONEPROXY_KERNEL_REPEATS (default 20).
func benchKernel() throws {
    let env = ProcessInfo.processInfo.environment
    let kernel = env["ONEPROXY_KERNEL"] ?? "adapt-l2"
    let repeats = Int(env["ONEPROXY_KERNEL_REPEATS"] ?? "20") ?? 20
    if kernel.hasPrefix("adapt-"), let norm = AdaNorm(rawValue: String(kernel.dropFirst(6))) {
        let (x, proxy, target) = try loadNotebookData()
        let w = try fitLinearPredictor(X: x, latencies: proxy)
        let pred = w.predict(x)
        func std(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
        }
        let scale = AdaProxyScale(target: std(notebookRows.map { target[$0] }), proxy: std(notebookRows.map { pred[$0] }))
        var lam = 0.0
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { lam = adaptCV5Solve(x: x, w: w.weights, rows: notebookRows, target: target, scale: scale, norm: norm) }
        print(String(format: "%@ x%d: %.3f ms each, chosen λ %.17g", kernel as NSString, repeats,
                     Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(repeats), lam))
    } else if kernel == "neardup-wide" {
        // The load's near-duplicate check on 5000 rows x 500 devices (the widest it runs on).
        var g = SeededGenerator(seed: 3)
        // ONEPROXY_NEARDUP_DATA=correlated: the large bench's 5k x 500 file's values (device d is
        // the row's base times 1 + 0.01 d, plus noise: SRCC from about 0.8 to 0.99), else independent.
        let correlated = ProcessInfo.processInfo.environment["ONEPROXY_NEARDUP_DATA"] == "correlated"
        var cols = [[Double]](repeating: [Double](repeating: 0, count: 5000), count: 500)
        for r in 0..<5000 {
            let base = 1 + g.nextUnit() * 20
            for k in 0..<500 {
                cols[k][r] = correlated ? ((base * (1 + Double(k) * 0.01) + 10 * g.nextUnit()) * 10_000).rounded() / 10_000
                    : 1 + Double(g.next() % 1_000_000) / 1e4
            }
        }
        let devices = (0..<500).map { k in Device(name: "d\(k)", latencies: cols[k]) }
        let d = Dataset(name: "wide", source: "bench", space: .custom, keyName: "key", keys: (0..<5000).map { "m\($0)" }, devices: devices)
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { _ = try nearDuplicateDevicesScreened(d, context: .none) }
        print(String(format: "neardup-wide x%d: %.3f ms each", repeats, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(repeats)))
    } else if kernel == "evolution" {
        // The search bench's evolution: help-nb201, pixel3's linear predictor, the median latency.
        let d = try BundledDatasets.load("help-nb201")
        let lat = d.device(named: "pixel3")!.latencies, acc = d.accuracy(named: "cifar10")!.values
        let space = NB201Space()
        let linear = try linearLatency(try fitLinearPredictor(X: try encodingMatrix(d), latencies: lat), space: space)
        let accTable = try ArchitectureTable(space: space, keys: d.keys, values: acc)
        let budget = lat.filter { !$0.isNaN }.sorted()[lat.count / 2]
        let t0 = DispatchTime.now().uptimeNanoseconds
        var best = 0.0
        for _ in 0..<repeats {
            best = try evolutionSearch(space: space, budget: budget, settings: EvolutionSettings(maxEvaluations: nil, seed: 1),
                                       accuracy: { accTable.value(of: $0) }, latency: linear).accuracy
        }
        print(String(format: "evolution x%d: %.3f ms each, best %.4f%%", repeats, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(repeats), best))
    } else if kernel == "load-help" {
        _ = try BundledDatasets.load("help-nb201")
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { _ = try BundledDatasets.load("help-nb201") }
        print(String(format: "load help-nb201 x%d: %.3f ms each", repeats, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(repeats)))
    } else {
        let (names, columns) = try latencyColumns("nb201_help_latency.csv")
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats {
            if kernel == "sort" { _ = columns.map { $0.sorted() } } else {
                _ = correlationMatrix(names: names, columns: columns, method: kernel == "kendall" ? .kendall : .spearman)
            }
        }
        print(String(format: "%@ x%d: %.3f ms each", kernel as NSString, repeats,
                     Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(repeats)))
    }
}
