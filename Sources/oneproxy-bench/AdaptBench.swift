import Foundation
import OneProxyKit

/// Times AdaProxy on the notebook's problem (NB201, proxy true_vpu, target eagle_gtx, the 70
/// notebook samples): λ chosen over the default 0 + 25 candidates by 5-fold CV, per norm.
/// "solve" = the λ grid solved on the 5 folds and on all 70 samples plus the pooled SRCC (the work
/// bench/adapt.py gives cvxpy); "report" = the full `adaptProxy` (also the proxy fit, the path's
/// SRCC on all 1999 models and the target-only ridge baseline), shown beside cvxpy's CV solve
/// alone (the report does strictly more). Proxy fit beside numpy's lstsq.
func benchAdapt() throws {
    let (x, proxy, target) = try loadNotebookData()
    let rows = [
        275, 1165, 1735, 1643, 1564, 129, 522, 241, 1014, 1558, 920, 967, 1334, 777, 1615, 429, 192, 999, 58, 1829,
        1711, 798, 886, 1244, 1561, 1571, 4, 1425, 912, 545, 1477, 1642, 468, 1210, 1935, 209, 1846, 650, 62, 45,
        52, 1330, 1108, 18, 1923, 1804, 780, 1405, 443, 1984, 864, 1486, 59, 1080, 454, 896, 1015, 1132, 477, 707,
        472, 1386, 448, 941, 1950, 593, 1897, 44, 852, 1715,
    ]
    let train = Array(rows[0..<60]), val = Array(rows[60...])
    let python = pythonReference("adapt")

    var fit: LinearPredictor?
    let tFit = try medianSeconds { fit = try fitLinearPredictor(X: x, latencies: proxy) }
    report("proxy fit (1999 x 31, rank-aware lstsq)", seconds: tFit, python: python, key: "proxy_fit")
    let w = fit!.weights
    let pred = fit!.predict(x)

    func std(_ v: [Double]) -> Double {
        let m = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
    }
    let scale = AdaProxyScale(target: std(rows.map { target[$0] }), proxy: std(rows.map { pred[$0] }))
    // ONEPROXY_BENCH_NORMS=l2 (comma-separated) times only those norms, e.g. for profiling.
    let only = ProcessInfo.processInfo.environment["ONEPROXY_BENCH_NORMS"]?.split(separator: ",").map(String.init)
    for norm in AdaNorm.allCases where only?.contains(norm.rawValue) ?? true {
        var chosen = 0.0
        let t = medianSeconds { chosen = adaptCV5Solve(x: x, w: w, rows: rows, target: target, scale: scale, norm: norm) }
        report("adapt \(norm.rawValue): CV5 over 26 λ (solve)", seconds: t, python: python, key: "adapt_cv5_\(norm.rawValue)")
        var r: AdaptationReport?
        let tr = try medianSeconds(repeats: 15) {
            r = try adaptProxy(X: x, proxyLatencies: proxy, targetLatencies: target, train: train, val: val,
                               norm: norm, selection: .crossValidation(folds: 5))
        }
        report("adapt \(norm.rawValue): CV5 full report", seconds: tr, python: python, key: "adapt_cv5_\(norm.rawValue)")
        print(String(format: "    chosen λ %.6g (solve) / %.6g (report), SRCC all %.4f, target-only %.4f",
                     chosen, r!.lambda, r!.srccAdapted ?? .nan, r!.srccTargetOnly ?? .nan))
    }
}

/// The bundled NB201 latency file: encodings, true_vpu_ms (proxy), eagle_gtx_ms (target).
func loadNotebookData() throws -> (Matrix, [Double], [Double]) {
    let text = try String(contentsOf: BundledFiles.url("nb201_oneproxy_latency.csv"), encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    guard let a = header.firstIndex(of: "arch_str"), let p = header.firstIndex(of: "true_vpu_ms"),
          let t = header.firstIndex(of: "eagle_gtx_ms") else { throw OneProxyError("unexpected header") }
    var rowsData: [Double] = []
    var proxy: [Double] = [], target: [Double] = []
    for line in lines {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var row = ArraySlice([Double](repeating: 0, count: NB201.encodingWidth))
        NB201.encode(codes: try NB201.parse(f[a]), into: &row)
        rowsData.append(contentsOf: row)
        let pv = Double(f[p]) ?? .nan, tv = Double(f[t]) ?? .nan
        proxy.append(pv > 0 ? pv : .nan)
        target.append(tv > 0 ? tv : .nan)
    }
    return (Matrix(rows: lines.count, cols: NB201.encodingWidth, storage: rowsData), proxy, target)
}

/// The notebook's 70 sample rows (the first 60 train, the last 10 validate).
let notebookRows = [
    275, 1165, 1735, 1643, 1564, 129, 522, 241, 1014, 1558, 920, 967, 1334, 777, 1615, 429, 192, 999, 58, 1829,
    1711, 798, 886, 1244, 1561, 1571, 4, 1425, 912, 545, 1477, 1642, 468, 1210, 1935, 209, 1846, 650, 62, 45,
    52, 1330, 1108, 18, 1923, 1804, 780, 1405, 443, 1984, 864, 1486, 59, 1080, 454, 896, 1015, 1132, 477, 707,
    472, 1386, 448, 941, 1950, 593, 1897, 44, 852, 1715,
]

/// The work bench/adapt.py gives cvxpy: 0 + 25 λ up to λ_max (of all samples), solved on 5
/// contiguous folds, pooled out-of-fold SRCC, the chosen λ refitted on all samples, through the
/// Kit's cross-validation engine (ties to the larger λ, as bench/adapt.py's `(round(score, 12), λ)`).
/// Returns that λ.
func adaptCV5Solve(x: Matrix, w: [Double], rows: [Int], target: [Double], scale: AdaProxyScale, norm: AdaNorm) -> Double {
    let full = AdaProxyProblem(x: x.selectingRows(rows), weights: w, targets: rows.map { target[$0] }, scale: scale)
    let grid = defaultLambdaGrid(lambdaMax: full.lambdaMax(norm))
    let cv = try! crossValidatedPath(
        y: rows.map { target[$0] }, lambdas: grid, folds: crossValidationFolds(count: rows.count, folds: 5),
        fitFold: { fold in
            full.droppingSamples(fold.heldOut).pathPredictions(norm: norm, lambdas: grid, x: x, weights: w, rows: fold.heldOut.map { rows[$0] })
        },
        refit: { full.solve(norm: norm, lambda: grid[$0]) })
    return cv.model.lambda
}
