import Foundation
import OneProxyKit

/// Times search on help-nb201 (pixel3 latencies, CIFAR-10 accuracies): the exact Pareto front of
/// all 15625 models (sort + running max), the same with predicted latencies (predict the whole
/// space with pixel3's linear predictor, then the front), and the evolutionary search at full
/// settings (population 100, 500 generations) under the median latency, once with the linear
/// predictor as the latency closure and once with the measured table; bench/search.py does the same.
func benchSearch() throws {
    let d = try BundledDatasets.load("help-nb201")
    guard let lat = d.device(named: "pixel3")?.latencies, let acc = d.accuracy(named: "cifar10")?.values else {
        throw OneProxyError("help-nb201 lacks pixel3 or cifar10")
    }
    let python = pythonReference("search")
    let space = NB201Space()

    var front: ParetoFront?
    let tFront = try medianSeconds { front = try ParetoFront(accuracies: acc, latencies: lat) }
    report("exact front, 15625 models (measured)", seconds: tFront, python: python, key: "front_15625")
    print("    \(front?.points.count ?? 0) models on the front")

    let x = try encodingMatrix(d)
    let predictor = try fitLinearPredictor(X: x, latencies: lat)
    let tPredFront = try medianSeconds { front = try ParetoFront(accuracies: acc, latencies: predictor.predict(x)) }
    report("predict 15625 + exact front", seconds: tPredFront, python: python, key: "predict_front_15625")

    let budget = lat.filter { !$0.isNaN }.sorted()[lat.count / 2]
    let accTable = try ArchitectureTable(space: space, keys: d.keys, values: acc)
    let latTable = try ArchitectureTable(space: space, keys: d.keys, values: lat)
    let linear = try linearLatency(predictor, space: space)
    var r: EvolutionResult?
    let tEvo = try medianSeconds(repeats: 5) {
        r = try evolutionSearch(space: space, budget: budget, settings: EvolutionSettings(maxEvaluations: nil, seed: 1),
                                accuracy: { accTable.value(of: $0) }, latency: linear)
    }
    report("evolution 100 x 500, linear predictor", seconds: tEvo, python: python, key: "evolution_100x500_linear")
    if let r {
        print(String(format: "    budget %.4f ms: best %.4f%% at %.4f ms (predicted), %d evaluations, %d draws",
                     budget, r.accuracy, r.latency, r.evaluations, r.draws))
    }
    let tEvoTable = try medianSeconds(repeats: 5) {
        r = try evolutionSearch(space: space, budget: budget, settings: EvolutionSettings(maxEvaluations: nil, seed: 1),
                                accuracy: { accTable.value(of: $0) }, latency: { latTable.value(of: $0) })
    }
    report("evolution 100 x 500, measured table", seconds: tEvoTable, python: python, key: "evolution_100x500_table")
    if let r, let best = try ParetoFront(accuracies: acc, latencies: lat).bestUnder(budget: budget) {
        print(String(format: "    best %.4f%% (exhaustive optimum %.4f%%), %d evaluations", r.accuracy, best.accuracy, r.evaluations))
    }
}
