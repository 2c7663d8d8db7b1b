import Foundation
import Testing
@testable import OneProxyKit

/// Evolution at its default limit of 3000 accuracy evaluations against random search at equal
/// evaluations, on cases kept apart from those `oneproxy-bench evolution-val|evolution-test`
/// reports (ImageNet16 accuracy, budgets at the 30% and 60% latency quantiles, seeds 501-505).
@Suite("evolution against random search")
struct EvolutionStudyTests {
    static func cases() throws -> [(acc: ArchitectureTable<NB201Space>, lat: ArchitectureTable<NB201Space>, budget: Double, optimum: Double)] {
        let d = try BundledDatasets.load("help-nb201")
        let space = NB201Space()
        let acc = try #require(d.accuracy(named: "imagenet16")).values
        let accTable = try ArchitectureTable(space: space, keys: d.keys, values: acc)
        var out: [(ArchitectureTable<NB201Space>, ArchitectureTable<NB201Space>, Double, Double)] = []
        for name in ["samsung_a50", "titanxp_1"] {
            let lat = try #require(d.device(named: name)).latencies
            let table = try ArchitectureTable(space: space, keys: d.keys, values: lat)
            let sorted = lat.sorted()
            for q in [0.3, 0.6] {
                let budget = sorted[Int(q * Double(sorted.count))]
                // The optimum by brute force: the best accuracy among rows within the budget.
                let optimum = lat.indices.filter { lat[$0] <= budget }.map { acc[$0] }.max()!
                out.append((accTable, table, budget, optimum))
            }
        }
        return out
    }

    /// At most one run in 20 misses the optimum (the benchmark's test protocol measured 808 of
    /// 810), and evolution finds it at least as often as random search. Seeds 501-502 (8 runs, at
    /// least 7) by default; ONEPROXY_HEAVY=1 runs seeds 501-505 (20 runs, at least 19).
    @Test(.tags(.heavy)) func findsTheOptimumMoreOftenThanRandomSearch() throws {
        var evo = 0, rnd = 0, runs = 0
        for c in try Self.cases() {
            for seed in UInt64(501)...(heavyRuns ? 505 : 502) {
                let e = try evolutionSearch(space: NB201Space(), budget: c.budget, settings: EvolutionSettings(seed: seed),
                                            accuracy: { c.acc.value(of: $0) }, latency: { c.lat.value(of: $0) })
                let r = try randomSearch(space: NB201Space(), budget: c.budget, maxEvaluations: 3000, seed: seed,
                                         accuracy: { c.acc.value(of: $0) }, latency: { c.lat.value(of: $0) })
                #expect(e.latency <= c.budget && e.accuracy <= c.optimum && r.latency <= c.budget && r.accuracy <= c.optimum)
                #expect(e.evaluations <= 3000 && r.evaluations <= 3000)
                evo += e.accuracy == c.optimum ? 1 : 0
                rnd += r.accuracy == c.optimum ? 1 : 0
                runs += 1
            }
        }
        #expect(evo >= runs - 1, "evolution found the optimum in \(evo) of \(runs) runs")
        #expect(evo >= rnd, "evolution \(evo), random search \(rnd) of \(runs)")
    }

    /// The limit holds exactly; the trace is the best after each evaluation; random search with
    /// a limit above the number of architectures within the budget evaluates every one of them
    /// (each once) and so finds the optimum.
    @Test func evaluationLimitTraceAndExhaustiveRandomSearch() throws {
        let c = try Self.cases()[0]
        let e = try evolutionSearch(space: NB201Space(), budget: c.budget, settings: EvolutionSettings(maxEvaluations: 250, seed: 7),
                                    accuracy: { c.acc.value(of: $0) }, latency: { c.lat.value(of: $0) })
        #expect(e.evaluations == 250 && e.reachedEvaluationLimit && e.trace.count == 250)
        #expect(zip(e.trace, e.trace.dropFirst()).allSatisfy { $0 <= $1 } && e.trace.last == e.accuracy)
        #expect(e.latencyChecks >= e.evaluations && e.history.last == e.accuracy && e.history.count == e.generations + 1)
        // A limit inside the first population: no generation ran.
        let early = try evolutionSearch(space: NB201Space(), budget: c.budget, settings: EvolutionSettings(maxEvaluations: 30, seed: 7),
                                        accuracy: { c.acc.value(of: $0) }, latency: { c.lat.value(of: $0) })
        #expect(early.evaluations == 30 && early.generations == 0 && early.history == [early.accuracy] && early.trace.count == 30)
        // The final population: distinct, in ranking order, each within the budget.
        #expect(Set(e.population.map(\.genes)).count == e.population.count && e.population.first?.accuracy == e.accuracy)
        #expect(e.population.allSatisfy { $0.latency <= c.budget })
        #expect(zip(e.population, e.population.dropFirst()).allSatisfy { $0.accuracy >= $1.accuracy })

        // A tight budget: the 1% quantile, fewer than 200 architectures within it.
        let d = try BundledDatasets.load("help-nb201")
        let lat = try #require(d.device(named: "samsung_a50")).latencies
        let acc = try #require(d.accuracy(named: "imagenet16")).values
        let budget = lat.sorted()[156]
        let within = lat.indices.filter { lat[$0] <= budget }
        let r = try randomSearch(space: NB201Space(), budget: budget, maxEvaluations: 3000, seed: 3,
                                 accuracy: { c.acc.value(of: $0) },
                                 latency: { [t = try! ArchitectureTable(space: NB201Space(), keys: d.keys, values: lat)] in t.value(of: $0) })
        #expect(r.evaluations == within.count && !r.reachedEvaluationLimit)
        #expect(r.accuracy == within.map { acc[$0] }.max())
    }
}

/// Evolution's parent choice against its definition.
@Suite struct DistinctLeadersTests {
    /// `leaders` equals the definition (sort the population by rank, walk it, keep an architecture
    /// the first time it is seen, until `count`; without `distinct`, the sorted prefix), on 500 random
    /// populations of NB201 architectures drawn from a small pool (so with many copies), values
    /// memoised per architecture as the search's are, ties in accuracy and latency included.
    @Test func leadersMatchTheSortedDefinition() {
        var g = SeededGenerator(seed: 61)
        var copiesSeen = 0
        for _ in 0..<500 {
            let pool = (0..<(1 + g.nextBounded(12))).map { _ in NB201Space().random(using: &g) }
            // One accuracy and latency per architecture (coarse, so that different ones tie).
            var values: [[Int]: (Double, Double)] = [:]
            for genes in pool where values[genes] == nil {
                values[genes] = (Double(g.nextBounded(4)), Double(g.nextBounded(3)))
            }
            var population = (0..<(1 + g.nextBounded(40))).map { _ -> Individual in
                let genes = pool[g.nextBounded(pool.count)]
                return Individual(genes: genes, accuracy: values[genes]!.0, latency: values[genes]!.1)
            }
            population.sort { $0.ranksBefore($1) }
            let count = 1 + g.nextBounded(10)
            var seen = Set<[Int]>()
            var want: [[Int]] = []
            for c in population where want.count < count && seen.insert(c.genes).inserted { want.append(c.genes) }
            // `leaders` finds them without the sort, from the population in any order.
            let shuffled = population.shuffled(using: &g)
            #expect(leaders(shuffled, count: count, distinct: true).map(\.genes) == want)
            #expect(leaders(shuffled, count: count, distinct: false).map(\.genes) == Array(population.prefix(count)).map(\.genes))
            if Set(population.map(\.genes)).count < population.count { copiesSeen += 1 }
        }
        #expect(copiesSeen > 300, "\(copiesSeen) populations with copies: the test says something")
    }
}
