import Foundation
import OneProxyKit

/// The accuracy predictor of `fitacc` on NB201 (help-nb201: all 15625 architectures, their
/// bundled accuracies and 27 devices' latencies), trained on n random rows (`sampleRows`, as
/// `fitacc … n=N seed=S` draws them), n = 50, 200, 1000, seeds 1..10.
/// 1. validation (the default family is chosen here only): cifar100 and imagenet16, the SRCC of
///    each family's predictions with the truth on the 15625 − n rows not trained, and the
///    leave-one-out SRCC on the trained rows, for each fixed family and for the rule that picks
///    the family by leave-one-out SRCC per fit.
/// 2. search: for cifar10 (the column not used to choose), cifar100 and imagenet16, devices
///    pixel3, raspi4, titan_rtx_256 and eyeriss, budgets at the 10th, 50th and 90th percentiles of
///    the device's latencies: the exhaustive search with predicted accuracy and true latency
///    (`search d acc=q lat=DEVICE max=pNN`), its pick's TRUE accuracy against the exhaustive
///    optimum's under the same budget. Beside it, the best of the n trained rows under the budget
///    (what the same measurements give without a model).
func benchAccuracyPredictor() throws {
    let d = try BundledDatasets.load("help-nb201")
    let x = try encodingMatrix(d)
    let all = Array(0..<d.rowCount)
    let sizes = [50, 200, 1000], seeds: [UInt64] = Array(1...10)
    let families = d.space.descriptor.featureFamilies
    func mean(_ a: [Double]) -> Double { a.isEmpty ? .nan : a.reduce(0, +) / Double(a.count) }
    func pad(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }

    // 1. validation
    print("  validation: SRCC on the rows not trained (leave-one-out SRCC on the trained rows), mean over seeds 1..10")
    let methods = families + ["chosen by LOO SRCC"]
    var table: [String: [[Double]]] = [:]  // method -> [size] -> held-out SRCC over (column, seed)
    var looTable: [String: [[Double]]] = [:]
    var picks: [Int: [String: Int]] = [:]
    for column in ["cifar100", "imagenet16"] {
        let truth = d.accuracy(named: column)!.values
        for (si, n) in sizes.enumerated() {
            var line = "    " + pad(column, 10) + String(format: " n=%-5d", n)
            for m in methods {
                var held: [Double] = [], loo: [Double] = []
                for seed in seeds {
                    let rows = sampleRows(candidates: all, count: n, seed: seed)
                    let fit = try fitAccuracyModel(space: d.space, encoded: x.selectingRows(rows), accuracies: rows.map { truth[$0] },
                                                   family: m == methods.last ? nil : m)
                    if m == methods.last { picks[n, default: [:]][fit.model.basis.family, default: 0] += 1 }
                    let trained = Set(rows)
                    let rest = all.filter { !trained.contains($0) }
                    let p = fit.model.predict(encoded: x.selectingRows(rest))
                    held.append(spearman(p, rest.map { truth[$0] }).value ?? .nan)
                    loo.append(fit.looSRCC ?? .nan)
                }
                table[m, default: Array(repeating: [], count: sizes.count)][si] += held
                looTable[m, default: Array(repeating: [], count: sizes.count)][si] += loo
                line += String(format: "  %@ %.3f (%.3f)", m == methods.last ? "chosen" : m, mean(held), mean(loo))
            }
            print(line)
        }
    }
    print("    mean of the two columns:")
    for m in methods {
        print("      " + pad(m, 20) + sizes.indices.map {
            String(format: "  n=%d %.4f (LOO %.4f)", sizes[$0], mean(table[m]![$0]), mean(looTable[m]![$0]))
        }.joined())
    }
    for n in sizes {
        print("    families chosen at n=\(n) (20 fits): " + picks[n]!.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    // 2. search with predicted accuracy, true latency
    let devices = ["pixel3", "raspi4", "titan_rtx_256", "eyeriss"]
    let quantiles = [0.1, 0.5, 0.9]
    print("  search: true accuracy of the model picked by predicted accuracy under a budget, against the exhaustive optimum")
    print("  (\(devices.joined(separator: ", ")); budgets p10, p50, p90 of each device's latencies; seeds 1..10: 120 searches per cell)")
    var totals: [String: [Int: [Double]]] = [:]
    var seconds: [Int: [Double]] = [:]
    for column in ["cifar10", "cifar100", "imagenet16"] {
        let truth = d.accuracy(named: column)!.values
        for n in sizes {
            var gaps: [String: [Double]] = [:]
            var optima: [Double] = [], heldOut: [Double] = []
            for seed in seeds {
                let rows = sampleRows(candidates: all, count: n, seed: seed)
                let t0 = DispatchTime.now().uptimeNanoseconds
                let fit = try fitAccuracyModel(space: d.space, encoded: x.selectingRows(rows), accuracies: rows.map { truth[$0] })
                let predicted = fit.model.predict(encoded: x)
                seconds[n, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                let trained = Set(rows)
                let rest = all.filter { !trained.contains($0) }
                heldOut.append(spearman(rest.map { predicted[$0] }, rest.map { truth[$0] }).value ?? .nan)
                // Each fixed family too, for the summary over the three columns.
                var byFamily: [(String, [Double])] = []
                for f in families {
                    let fixed = try fitAccuracyModel(space: d.space, encoded: x.selectingRows(rows), accuracies: rows.map { truth[$0] }, family: f)
                    byFamily.append((f, fixed.model.predict(encoded: x)))
                }
                var trainedOnly = [Double](repeating: .nan, count: d.rowCount)
                for r in rows { trainedOnly[r] = truth[r] }
                for name in devices {
                    let lat = d.device(named: name)!.latencies
                    let sorted = lat.filter { !$0.isNaN }.sorted()
                    let exact = try ParetoFront(accuracies: truth, latencies: lat)
                    let byModel = try ParetoFront(accuracies: predicted, latencies: lat)
                    let byRows = try ParetoFront(accuracies: trainedOnly, latencies: lat)
                    let fixedFronts = try byFamily.map { ($0.0, try ParetoFront(accuracies: $0.1, latencies: lat)) }
                    for q in quantiles {
                        // The type-1 quantile, as search's max=pNN.
                        let budget = sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
                        let opt = exact.bestUnder(budget: budget)!.accuracy
                        optima.append(opt)
                        gaps["model", default: []].append(opt - truth[byModel.bestUnder(budget: budget)!.index])
                        gaps["rows", default: []].append(byRows.bestUnder(budget: budget).map { opt - truth[$0.index] } ?? .nan)
                        for (f, front) in fixedFronts { gaps[f, default: []].append(opt - truth[front.bestUnder(budget: budget)!.index]) }
                    }
                }
            }
            func describe(_ g: [Double]) -> String {
                let known = g.filter { !$0.isNaN }
                return String(format: "mean gap %.2f, within 0.5 point %3.0f%%, worst %.2f", mean(known),
                              100 * Double(known.filter { $0 <= 0.5 }.count) / Double(max(known.count, 1)), known.max() ?? .nan)
                    + (known.count < g.count ? " (\(g.count - known.count) budgets no trained row meets)" : "")
            }
            print("    " + pad(column, 10) + String(format: " n=%-5d predictor (SRCC %.3f on the rows not trained): true %.2f vs optimum %.2f, %@ | best trained row: %@", n, mean(heldOut),
                         mean(optima) - mean(gaps["model"]!), mean(optima), describe(gaps["model"]!), describe(gaps["rows"]!)))
            for k in ["model", "rows"] + families { totals[k, default: [:]][n, default: []] += gaps[k]! }
        }
    }
    print("    all three columns:")
    for n in sizes {
        let m = totals["model"]![n]!, r = totals["rows"]![n]!.filter { !$0.isNaN }
        print(String(format: "      n=%-5d predictor mean gap %.2f, within 0.5 %.0f%%, worst %.2f | best trained row mean gap %.2f, within 0.5 %.0f%%, worst %.2f | fit + predict 15625: %.0f ms",
                     n, mean(m), 100 * Double(m.filter { $0 <= 0.5 }.count) / Double(m.count), m.max()!,
                     mean(r), 100 * Double(r.filter { $0 <= 0.5 }.count) / Double(r.count), r.max()!, 1000 * mean(seconds[n]!)))
        print("        each family alone, mean gap: " + families.map { String(format: "%@ %.2f", $0 as NSString, mean(totals[$0]![n]!)) }.joined(separator: ", "))
    }
}
