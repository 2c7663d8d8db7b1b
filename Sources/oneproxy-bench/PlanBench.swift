import Foundation
import OneProxyKit

/// Which architectures to measure on a new device: the plan designs compared on the bundled data.
///
/// oneproxy-nb201, every device with no missing latency as the proxy and every other one held out
/// as the "new" target; for each design, n and draw k (seed k), the plan is made from the proxy
/// alone, the target's latencies at those rows are its only measurements, AdaProxy (l2, λ by
/// leave-one-out CV at n <= 10, 5-fold above) is fit on them, and scored by SRCC on all the
/// target's rows. Printed: the mean over pairs and draws, the standard error over draws (of the
/// per-draw mean), and the paired difference to random with its standard error.
func benchPlan() throws {
    let d = try BundledDatasets.load("oneproxy-nb201")
    let x = try encodingMatrix(d)
    let devices = d.devices.filter { $0.missingCount == 0 }
    let draws = Int(ProcessInfo.processInfo.environment["ONEPROXY_PLAN_DRAWS"] ?? "") ?? 10
    let sizes = [10, 20]
    print("oneproxy-nb201: \(devices.count) devices as proxies, each other one as the new target (\(devices.count * (devices.count - 1)) pairs), \(draws) draws")
    let t0 = DispatchTime.now().uptimeNanoseconds
    // scores[design][n][draw] = mean SRCC over pairs
    var scores: [PlanDesign: [Int: [Double]]] = [:]
    for design in PlanDesign.allCases { scores[design] = Dictionary(uniqueKeysWithValues: sizes.map { ($0, [Double](repeating: 0, count: draws)) }) }
    let all = Array(0..<d.rowCount)
    for proxy in devices {
        let fit = try fitLinearPredictor(X: x, latencies: proxy.latencies)
        for n in sizes {
            for design in PlanDesign.allCases {
                for k in 0..<draws {
                    let rows = planSamples(X: x, weights: fit.weights, candidates: all, n: n, design: design, seed: UInt64(k))
                    var sum = 0.0, count = 0
                    for target in devices where target.name != proxy.name {
                        let r = try adaptProxy(X: x, proxyLatencies: proxy.latencies, targetLatencies: target.latencies,
                                               train: rows, val: [], norm: .l2, selection: .crossValidation(folds: n <= 10 ? nil : 5))
                        if let s = r.srccAdapted { sum += s; count += 1 }
                    }
                    scores[design]![n]![k] += sum / Double(max(count, 1)) / Double(devices.count)
                }
            }
        }
    }
    func meanSE(_ v: [Double]) -> (Double, Double) {
        let m = v.reduce(0, +) / Double(v.count)
        let sd = (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(v.count - 1, 1))).squareRoot()
        return (m, sd / Double(v.count).squareRoot())
    }
    print("design        n   mean SRCC ± se     vs random ± se")
    for n in sizes {
        let random = scores[.random]![n]!
        for design in PlanDesign.allCases {
            let v = scores[design]![n]!
            let (m, se) = meanSE(v)
            let (dm, dse) = meanSE(zip(v, random).map { $0 - $1 })
            print(design.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0) + String(format: " %3d   %.4f ± %.4f    %+.4f ± %.4f", n, m, se, dm, dse))
        }
    }
    print(String(format: "(%.1f s)", Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9))
}
