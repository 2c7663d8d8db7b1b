/// The settings of Once-for-All's evolutionary search (METHOD.md section 7); the defaults are the
/// method's: population 100, 500 generations, 25% parents, mutation probability 0.1 per gene, half
/// of the children by mutation and the rest by crossover.
public struct EvolutionSettings: Sendable, Equatable {
    public var population: Int = 100
    public var generations: Int = 500
    /// Share of the population kept as parents (rounded, at least 1).
    public var parentRatio: Double = 0.25
    /// Probability that mutation redraws each gene.
    public var mutationProbability: Double = 0.1
    /// Share of the children made by mutation (rounded); the rest come from crossover.
    public var mutationRatio: Double = 0.5
    /// Draws allowed for one child (or one member of the first population) to meet the budget;
    /// a child that fails them all is a copy of its (first) parent, which meets it.
    public var maxTries: Int = 200
    /// Parents are distinct architectures: the best `parentCount` different ones (duplicates of a
    /// child already ranked are passed over). Once-for-All keeps duplicates (`false`), and its
    /// population then fills with copies of a few architectures and stops exploring. Measured on
    /// NB201 (help-nb201 pixel3, CIFAR-10, budgets at the 2, 5, 10, 20, 50% latency quantiles,
    /// seeds 1-5, 100 x 500): OFA exactly found the exhaustive optimum in 18 of 25 runs, distinct
    /// parents in 25 of 25. Set false for OFA exactly.
    public var distinctParents: Bool = true
    public var seed: UInt64 = 1

    public init(population: Int = 100, generations: Int = 500, parentRatio: Double = 0.25,
                mutationProbability: Double = 0.1, mutationRatio: Double = 0.5, maxTries: Int = 200, distinctParents: Bool = true, seed: UInt64 = 1) {
        self.population = population
        self.generations = generations
        self.parentRatio = parentRatio
        self.mutationProbability = mutationProbability
        self.mutationRatio = mutationRatio
        self.maxTries = maxTries
        self.distinctParents = distinctParents
        self.seed = seed
    }
}

/// What an evolutionary search found.
public struct EvolutionResult: Sendable, Equatable {
    /// The best architecture found under the budget (highest accuracy; ties: lower latency, then
    /// genes in lexicographic order).
    public var genes: [Int]
    public var key: String
    public var accuracy: Double
    public var latency: Double
    /// Generations completed (`settings.generations` unless stopped).
    public var generations: Int
    /// Distinct architectures evaluated (latency closure calls; the accuracy closure is called only
    /// for those within the budget). Evaluations are memoised per architecture.
    public var evaluations: Int
    /// Candidates drawn in all (random, mutated, crossed), including repeats and rejected ones.
    public var draws: Int
    /// Draws rejected for exceeding the budget or lacking a latency or accuracy.
    public var rejected: Int
    /// Best accuracy so far: `history[0]` after the first population, `history[g]` after
    /// generation g (so `history.count == generations + 1`); non-decreasing.
    public var history: [Double]
    /// True when the search was cancelled: the result is the best found before the stop.
    public var stopped: Bool
}

/// Once-for-All's evolutionary search under a latency budget, maximising accuracy.
///
/// Algorithm (as OFA's `EvolutionFinder`): draw `population` random architectures meeting the
/// budget; each generation keeps the best `round(parentRatio · population)` as parents (distinct
/// architectures unless `settings.distinctParents` is false), then makes
/// `round(mutationRatio · population)` children by mutating a uniformly chosen parent and the rest
/// by crossing two uniformly chosen parents; the next population is the parents plus the children.
/// A candidate is valid when `latency(genes)` is a number <= `budget` and `accuracy(genes)` is a
/// number; invalid candidates are redrawn, up to `settings.maxTries` times.
///
/// Guarantees:
/// - Reproducible bit for bit for a seed: every draw comes from `SeededGenerator(seed:)` through
///   our own bounded draws, and ties in ranking are broken by (accuracy desc, latency asc, genes).
/// - Each architecture's latency and accuracy are computed at most once (memoised: a dense array
///   for spaces of at most 2²² architectures, such as NB201, else a dictionary).
/// - Cancellation is checked before each generation and each child; when cancelled the search
///   does not throw but returns the best found so far with `stopped == true` (Ctrl-C keeps the
///   result). It throws `CancellationError` only if cancelled before any valid architecture was found.
/// - Progress is reported per generation in at most ~100 steps, label `evolution`.
///
/// Throws a `OneProxyError` for invalid settings, and when no valid architecture was found in
/// `population · maxTries` random draws (the budget is too tight or the closures answer nil).
public func evolutionSearch<Space: SearchSpace>(
    space: Space, budget: Double, settings: EvolutionSettings = EvolutionSettings(), context: ComputeContext = .none,
    accuracy: ([Int]) -> Double?, latency: ([Int]) -> Double?
) throws -> EvolutionResult {
    let s = settings
    guard s.population >= 1, s.generations >= 0, s.maxTries >= 1 else {
        throw OneProxyError("evolution needs population >= 1, generations >= 0 and maxTries >= 1")
    }
    guard (0...1).contains(s.parentRatio), (0...1).contains(s.mutationProbability), (0...1).contains(s.mutationRatio) else {
        throw OneProxyError("evolution's parent ratio, mutation probability and mutation ratio must lie in 0...1")
    }
    guard !budget.isNaN else { throw OneProxyError("the latency budget is not a number") }
    let parentCount = max(1, Int((s.parentRatio * Double(s.population)).rounded()))
    let mutationCount = min(s.population, Int((s.mutationRatio * Double(s.population)).rounded()))

    var g = SeededGenerator(seed: s.seed)
    var memo = EvaluationMemo(space: space)
    var draws = 0, rejected = 0

    /// The (accuracy, latency) of a valid candidate, or nil.
    func evaluate(_ genes: [Int]) -> (Double, Double)? {
        draws += 1
        if let e = memo.lookup(genes, budget: budget, accuracy: accuracy, latency: latency) { return e }
        rejected += 1
        return nil
    }

    var best: Individual?
    func consider(_ c: Individual) {
        if let b = best, !c.ranksBefore(b) { return }
        best = c
    }
    func result(generations: Int, history: [Double], stopped: Bool) throws -> EvolutionResult {
        guard let b = best else { throw CancellationError() }
        return EvolutionResult(
            genes: b.genes, key: space.key(of: b.genes), accuracy: b.accuracy, latency: b.latency,
            generations: generations, evaluations: memo.evaluations, draws: draws, rejected: rejected,
            history: history, stopped: stopped)
    }

    // The first population.
    var population: [Individual] = []
    population.reserveCapacity(s.population + parentCount)
    for _ in 0..<s.population {
        if context.isCancelled { break }
        for _ in 0..<s.maxTries {
            let genes = space.random(using: &g)
            if let (a, l) = evaluate(genes) {
                let c = Individual(genes: genes, accuracy: a, latency: l)
                population.append(c)
                consider(c)
                break
            }
        }
    }
    if context.isCancelled { return try result(generations: 0, history: best.map { [$0.accuracy] } ?? [], stopped: true) }
    guard let first = best else {
        throw OneProxyError(
            "no architecture met the latency budget \(budget) (with an accuracy) in \(s.population * s.maxTries) random draws")
    }
    var history = [first.accuracy]
    history.reserveCapacity(s.generations + 1)
    var reporter = context.reporter("evolution", total: s.generations)

    for generation in stride(from: 1, through: s.generations, by: 1) {
        if context.isCancelled { return try result(generations: generation - 1, history: history, stopped: true) }
        population.sort { $0.ranksBefore($1) }
        var parents: [Individual] = []
        parents.reserveCapacity(parentCount)
        if s.distinctParents {
            var seen = Set<[Int]>()
            for c in population where parents.count < parentCount && seen.insert(c.genes).inserted { parents.append(c) }
        } else {
            parents = Array(population.prefix(parentCount))
        }
        population = parents
        for child in 0..<s.population {
            if context.isCancelled { return try result(generations: generation - 1, history: history, stopped: true) }
            let byMutation = child < mutationCount
            let p1 = parents[g.nextBounded(parents.count)]
            let p2 = byMutation ? p1 : parents[g.nextBounded(parents.count)]
            var made = p1
            for _ in 0..<s.maxTries {
                let genes = byMutation
                    ? space.mutate(p1.genes, probability: s.mutationProbability, using: &g)
                    : space.crossover(p1.genes, p2.genes, using: &g)
                if let (a, l) = evaluate(genes) {
                    made = Individual(genes: genes, accuracy: a, latency: l)
                    break
                }
            }
            population.append(made)
            consider(made)
        }
        history.append(best?.accuracy ?? first.accuracy)
        reporter.advance(to: generation)
    }
    return try result(generations: s.generations, history: history, stopped: false)
}

/// A valid candidate and its evaluation.
struct Individual: Sendable {
    var genes: [Int]
    var accuracy: Double
    var latency: Double

    /// The ranking order: accuracy descending, then latency ascending, then genes lexicographically.
    func ranksBefore(_ o: Individual) -> Bool {
        if accuracy != o.accuracy { return accuracy > o.accuracy }
        if latency != o.latency { return latency < o.latency }
        return genes.lexicographicallyPrecedes(o.genes)
    }
}

/// Memoised evaluations: for each architecture its latency, and its accuracy once needed.
struct EvaluationMemo<Space: SearchSpace> {
    let space: Space
    /// Dense store for small spaces: state 0 = unknown, 1 = latency known, 2 = both known.
    private var state: [UInt8]
    private var lat: [Double]
    private var acc: [Double]
    private var sparse: [[Int]: (Double?, Double?)] = [:]
    private let dense: Bool
    private(set) var evaluations = 0

    init(space: Space) {
        self.space = space
        if let n = space.architectureCount, n <= 1 << 22 {
            dense = true
            state = [UInt8](repeating: 0, count: n)
            lat = [Double](repeating: .nan, count: n)
            acc = [Double](repeating: .nan, count: n)
        } else {
            dense = false
            state = []; lat = []; acc = []
        }
    }

    /// (accuracy, latency) when the architecture has a latency <= budget and an accuracy, else nil.
    mutating func lookup(_ genes: [Int], budget: Double, accuracy: ([Int]) -> Double?, latency: ([Int]) -> Double?) -> (Double, Double)? {
        func clean(_ v: Double?) -> Double { v.flatMap { $0.isNaN ? nil : $0 } ?? .nan }
        if dense, let id = space.denseID(of: genes) {
            if state[id] == 0 {
                lat[id] = clean(latency(genes))
                state[id] = 1
                evaluations += 1
            }
            let l = lat[id]
            guard !l.isNaN, l <= budget else { return nil }
            if state[id] == 1 {
                acc[id] = clean(accuracy(genes))
                state[id] = 2
            }
            let a = acc[id]
            return a.isNaN ? nil : (a, l)
        }
        var entry = sparse[genes] ?? (nil, nil)
        if entry.1 == nil {
            entry.1 = clean(latency(genes))
            evaluations += 1
        }
        let l = entry.1 ?? .nan
        guard !l.isNaN, l <= budget else { sparse[genes] = entry; return nil }
        if entry.0 == nil { entry.0 = clean(accuracy(genes)) }
        sparse[genes] = entry
        let a = entry.0 ?? .nan
        return a.isNaN ? nil : (a, l)
    }
}
