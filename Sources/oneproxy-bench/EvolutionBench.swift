import Foundation
import OneProxyKit

/// One protocol of the evolution study: which accuracy columns, latency quantiles for the budget
/// and seeds, over every help-nb201 device.
struct EvolutionProtocol {
    var name: String
    var accuracies: [String]
    var quantiles: [Double]
    var seeds: [UInt64]

    /// Where methods and the evaluation limit were chosen.
    static let validation = EvolutionProtocol(
        name: "validation", accuracies: ["cifar100", "imagenet16"], quantiles: [0.05, 0.25, 0.75], seeds: [1, 2, 3])
    /// Reported once, after the choice: the issue's protocol (every device, 3 budgets, 10 seeds).
    /// The issue's example: raspi4, 20 ms, CIFAR-10 (a deceptive case: a strong local optimum).
    static let example = EvolutionProtocol(name: "example", accuracies: ["cifar10"], quantiles: [], seeds: Array(1...20))
    static let test = EvolutionProtocol(
        name: "test", accuracies: ["cifar10"], quantiles: [0.1, 0.5, 0.9], seeds: Array(1001...1010))
}

/// The success of evolution and of random search at equal accuracy evaluations: a run succeeds
/// when its best is the exhaustive optimum's accuracy under the budget.
func benchEvolutionStudy(_ p: EvolutionProtocol, limits: [Int] = [1000, 2000, 3000]) throws {
    let d = try BundledDatasets.load("help-nb201")
    let space = NB201Space()
    print("== evolution (\(p.name)): help-nb201, \(d.devices.count) devices x budgets at latency quantiles \(p.quantiles) x seeds \(p.seeds.first!)...\(p.seeds.last!), accuracy \(p.accuracies.joined(separator: ", "))")
    print("   evolution: Once-for-All's (population 100, 500 generations, 25% distinct parents, mutation 0.1, half crossover, random immigrants when a generation finds nothing new) stopped at the limit of accuracy evaluations;")
    print("   random: uniform draws, memoised, the same limit. Success: the exhaustive optimum's accuracy under the budget.")
    struct Case { var lat: ArchitectureTable<NB201Space>; var acc: ArchitectureTable<NB201Space>; var budget: Double; var optimum: Double; var seed: UInt64 }
    var cases: [Case] = []
    for accName in p.accuracies {
        guard let acc = d.accuracy(named: accName)?.values else { throw OneProxyError("no \(accName)") }
        let accTable = try ArchitectureTable(space: space, keys: d.keys, values: acc)
        for dev in d.devices {
            let latTable = try ArchitectureTable(space: space, keys: d.keys, values: dev.latencies)
            let sorted = dev.latencies.filter { !$0.isNaN }.sorted()
            for q in p.quantiles + (p.name == "example" && dev.name == "raspi4" ? [-1] : []) {
                // The type-1 quantile (a latency that occurs), as search's max=pNN.
                let budget = q < 0 ? 20 : sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
                guard let opt = try ParetoFront(accuracies: acc, latencies: dev.latencies).bestUnder(budget: budget) else { continue }
                for s in p.seeds { cases.append(Case(lat: latTable, acc: accTable, budget: budget, optimum: opt.accuracy, seed: s)) }
            }
        }
    }
    for limit in limits {
        var rows: [(String, [Double], Double)] = []
        for method in ["evolution", "random"] {
            let start = Date()
            let gaps: [Double] = try cases.map { c in
                let r = method == "evolution"
                    ? try evolutionSearch(space: space, budget: c.budget, settings: EvolutionSettings(maxEvaluations: limit, seed: c.seed),
                                          accuracy: { c.acc.value(of: $0) }, latency: { c.lat.value(of: $0) })
                    : try randomSearch(space: space, budget: c.budget, maxEvaluations: limit, seed: c.seed,
                                       accuracy: { c.acc.value(of: $0) }, latency: { c.lat.value(of: $0) })
                return c.optimum - r.accuracy
            }
            rows.append((method, gaps, Date().timeIntervalSince(start)))
        }
        for (method, gaps, seconds) in rows {
            let ok = gaps.filter { $0 <= 0 }.count
            let sorted = gaps.sorted()
            print(String(format: "  %5d evaluations  %-9@ success %4d/%d = %5.1f%%   gap: mean %.3f, p90 %.3f, p99 %.3f, max %.3f points   (%.1f s)",
                         limit, method, ok, gaps.count, 100 * Double(ok) / Double(gaps.count), gaps.reduce(0, +) / Double(gaps.count),
                         sorted[Int(0.9 * Double(sorted.count - 1))], sorted[Int(0.99 * Double(sorted.count - 1))], sorted.last!, seconds))
        }
        let paired = zip(rows[0].1, rows[1].1)
        let better = paired.filter { $0 < $1 }.count, worse = paired.filter { $0 > $1 }.count
        print("         evolution vs random, paired by case: better in \(better), worse in \(worse), tied in \(cases.count - better - worse)")
    }
}

func benchEvolutionValidation() throws { try benchEvolutionStudy(.validation) }
func benchEvolutionTest() throws { try benchEvolutionStudy(.test) }
func benchEvolutionExample() throws { try benchEvolutionStudy(.example, limits: [3000]) }
