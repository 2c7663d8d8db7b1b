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
    /// The most accuracy evaluations (distinct architectures within the budget whose accuracy was
    /// read); the search stops when the next one would exceed it. Latency checks of architectures
    /// over the budget are not counted here (they are `EvolutionResult.latencyChecks`): latency is
    /// the cheap side of a hardware-aware search (a table or a predictor), accuracy the costly one
    /// (training, or an accuracy predictor). nil: no limit. Chosen as 3000 on a validation protocol
    /// (help-nb201, CIFAR-100 and ImageNet16, budgets at the 5, 25, 75% latency quantiles, 27
    /// devices, 3 seeds: Once-for-All's search with distinct parents found the exhaustive optimum
    /// in 97.9% of 486 runs at 3000, 95.7% at 1500; random search 69% at 3000).
    public var maxEvaluations: Int? = 3000
    /// When a generation evaluated no new architecture (the population has converged), the weaker
    /// half of the parents is replaced by random architectures within the budget. Measured on the
    /// validation protocol of `maxEvaluations`, 3000 evaluations: 98.6% of runs found the optimum
    /// with immigrants, 91.8% without (97.1% without and 2000 generations, at 4x the time).
    /// Set false for Once-for-All's search exactly.
    public var immigrants: Bool = true
    public var seed: UInt64 = 1

    public init(population: Int = 100, generations: Int = 500, parentRatio: Double = 0.25,
                mutationProbability: Double = 0.1, mutationRatio: Double = 0.5, maxTries: Int = 200, distinctParents: Bool = true,
                maxEvaluations: Int? = 3000, immigrants: Bool = true, seed: UInt64 = 1) {
        self.maxEvaluations = maxEvaluations
        self.immigrants = immigrants
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
    /// Generations completed (`settings.generations` unless stopped; a generation the evaluation
    /// limit ended counts).
    public var generations: Int
    /// Accuracy evaluations: distinct architectures within the budget whose accuracy was read
    /// (memoised per architecture). `settings.maxEvaluations` bounds it.
    public var evaluations: Int
    /// Distinct architectures whose latency was computed (within the budget or not).
    public var latencyChecks: Int
    /// The best accuracy after each accuracy evaluation: `trace[k]` after k + 1 of them
    /// (non-decreasing; NaN before the first architecture with an accuracy, which cannot happen
    /// since an evaluation is one). `trace.count == evaluations`.
    public var trace: [Double]
    /// The final population (parents and children of the last generation; for random search the
    /// best architectures found, at most 100), in ranking order, repeats kept once.
    public var population: [EvolutionMember]
    /// Candidates drawn in all (random, mutated, crossed), including repeats and rejected ones.
    public var draws: Int
    /// Draws rejected for exceeding the budget or lacking a latency or accuracy.
    public var rejected: Int
    /// Best accuracy so far: `history[0]` after the first population, `history[g]` after
    /// generation g (so `history.count == generations + 1`); non-decreasing.
    public var history: [Double]
    /// True when the search was cancelled: the result is the best found before the stop.
    public var stopped: Bool
    /// True when the search stopped because it reached `settings.maxEvaluations`.
    public var reachedEvaluationLimit: Bool
}

/// One architecture of a search's population: its genes, key, accuracy and latency.
public struct EvolutionMember: Sendable, Equatable {
    public var genes: [Int]
    public var key: String
    public var accuracy: Double
    public var latency: Double
}

/// Once-for-All's evolutionary search under a latency budget, maximising accuracy.
///
/// Algorithm (as OFA's `EvolutionFinder`): draw `population` random architectures meeting the
/// budget; each generation keeps the best `round(parentRatio · population)` as parents (distinct
/// architectures unless `settings.distinctParents` is false), then makes
/// `round(mutationRatio · population)` children by mutating a uniformly chosen parent and the rest
/// by crossing two uniformly chosen parents; the next population is the parents plus the children.
/// A candidate is valid when `latency(genes)` is a number <= `budget` and `accuracy(genes)` is a
/// number; invalid candidates are redrawn, up to `settings.maxTries` times. The search ends after
/// `settings.generations` generations or when a new accuracy evaluation would exceed
/// `settings.maxEvaluations`, whichever comes first.
///
/// Guarantees:
/// - Reproducible bit for bit for a seed: every draw comes from `SeededGenerator(seed:)` through
///   our own bounded draws, and ties in ranking are broken by (accuracy desc, latency asc, genes).
/// - Each architecture's latency and accuracy are computed at most once (memoised: a dense array
///   for spaces of at most 2²² architectures, such as NB201, else a dictionary); accuracy only for
///   architectures within the budget.
/// - Cancellation is checked before each generation and each child; when cancelled the search
///   does not throw but returns the best found so far with `stopped == true` (Ctrl-C keeps the
///   result). It throws `CancellationError` only if cancelled before any valid architecture was found.
/// - Progress is reported per generation in at most ~100 steps, label `evolution`.
///
/// Throws a `OneProxyError` for invalid settings, and when no valid architecture was found in
/// `population · maxTries` random draws (the budget is too tight or the closures answer nil).
public func evolutionSearch<Space: SearchSpace>(
    space: Space, budget: Double, settings: EvolutionSettings = EvolutionSettings(), context: ComputeContext = .none,
    accuracy: @escaping ([Int]) -> Double?, latency: @escaping ([Int]) -> Double?
) throws -> EvolutionResult {
    // A call from another module (the shell) runs the generic code, which looked up type metadata
    // at every step: the built-in spaces go to copies specialised for them.
    if let nb = space as? NB201Space {
        return try evolve(space: nb, budget: budget, settings: settings, context: context, accuracy: accuracy, latency: latency)
    }
    if let fb = space as? FBNetSpace {
        return try evolve(space: fb, budget: budget, settings: settings, context: context, accuracy: accuracy, latency: latency)
    }
    if let ofa = space as? OFASpace {
        return try evolve(space: ofa, budget: budget, settings: settings, context: context, accuracy: accuracy, latency: latency)
    }
    return try evolve(space: space, budget: budget, settings: settings, context: context, accuracy: accuracy, latency: latency)
}

private func evolve<Space: SearchSpace>(
    space: Space, budget: Double, settings: EvolutionSettings, context: ComputeContext,
    accuracy: @escaping ([Int]) -> Double?, latency: @escaping ([Int]) -> Double?
) throws -> EvolutionResult {
    let s = settings
    guard s.population >= 1, s.generations >= 0, s.maxTries >= 1 else {
        throw OneProxyError("evolution needs population >= 1, generations >= 0 and maxTries >= 1")
    }
    guard (0...1).contains(s.parentRatio), (0...1).contains(s.mutationProbability), (0...1).contains(s.mutationRatio) else {
        throw OneProxyError("evolution's parent ratio, mutation probability and mutation ratio must lie in 0...1")
    }
    if let m = s.maxEvaluations, m < 1 { throw OneProxyError("evolution needs at least 1 evaluation") }
    guard !budget.isNaN else { throw OneProxyError("the latency budget is not a number") }
    let parentCount = max(1, Int((s.parentRatio * Double(s.population)).rounded()))
    let mutationCount = min(s.population, Int((s.mutationRatio * Double(s.population)).rounded()))

    var g = SeededGenerator(seed: s.seed)
    var run = SearchRun(space: space, budget: budget, limit: s.maxEvaluations, accuracy: accuracy, latency: latency)
    var population: [Individual] = []
    var generationsDone = 0
    var history: [Double] = []
    var stopped = false
    var reporter = context.reporter("evolution", total: s.generations)
    var evaluationsBefore = 0

    do {
        // The first population.
        population.reserveCapacity(s.population + parentCount)
        for _ in 0..<s.population {
            if context.isCancelled { stopped = true; break }
            for _ in 0..<s.maxTries {
                let genes = space.random(using: &g)
                if let c = try run.evaluate(genes) { population.append(c); break }
            }
        }
        if !stopped {
            guard let first = run.best else { throw NoValidArchitecture(budget: budget, draws: run.draws) }
            history = [first.accuracy]
            history.reserveCapacity(s.generations + 1)
        }
        generations: for generation in stride(from: 1, through: stopped ? 0 : s.generations, by: 1) {
            if context.isCancelled { stopped = true; break }
            var parents = leaders(population, count: parentCount, distinct: s.distinctParents)
            // A population that stopped finding new architectures has converged on a few: its
            // weaker parents make way for random immigrants, so the search keeps exploring.
            if s.immigrants, generation > 1, run.evaluations == evaluationsBefore {
                for k in stride(from: parents.count - 1, through: max(1, parents.count / 2), by: -1) {
                    for _ in 0..<s.maxTries {
                        if let c = try run.evaluate(space.random(using: &g)) { parents[k] = c; break }
                    }
                }
            }
            evaluationsBefore = run.evaluations
            population.removeAll(keepingCapacity: true)   // (its buffer, sized for parents and children)
            population.append(contentsOf: parents)
            for child in 0..<s.population {
                if context.isCancelled { stopped = true; break generations }
                let byMutation = child < mutationCount
                // (Indices, not copies: a copy of an individual retains its genes.)
                let i1 = g.nextBounded(parents.count)
                let i2 = byMutation ? i1 : g.nextBounded(parents.count)
                var made: Individual?
                for _ in 0..<s.maxTries {
                    let genes = byMutation
                        ? space.mutate(parents[i1].genes, probability: s.mutationProbability, using: &g)
                        : space.crossover(parents[i1].genes, parents[i2].genes, using: &g)
                    if let c = try run.evaluate(genes) { made = c; break }
                }
                population.append(made ?? parents[i1])
            }
            generationsDone = generation
            history.append(run.best!.accuracy)
            reporter.advance(to: generation)
        }
    } catch is EvaluationLimitReached {
        // The limit came inside the first population (history empty) or inside a generation,
        // which then counts as done: history keeps `history.count == generations + 1`.
        if let b = run.best {
            if history.isEmpty { history = [b.accuracy] } else { history.append(b.accuracy); generationsDone += 1 }
        }
        return try run.result(generations: generationsDone, history: history, population: population, stopped: false, limit: true)
    }
    // Cancelled inside the first population: its best so far is the history.
    if history.isEmpty, let b = run.best { history = [b.accuracy] }
    return try run.result(generations: generationsDone, history: history, population: population, stopped: stopped, limit: false)
}

/// Random search under a latency budget, the honest baseline for `evolutionSearch`: uniform draws
/// from the space, each architecture evaluated once (memoised like evolution), until
/// `maxEvaluations` accuracy evaluations or `maxDraws` draws (default 100 per evaluation, so a
/// budget that few architectures meet ends the search). The same counts as evolution's, so the
/// two compare at equal evaluations. `population` holds the best 100 architectures found.
public func randomSearch<Space: SearchSpace>(
    space: Space, budget: Double, maxEvaluations: Int, seed: UInt64, maxDraws: Int? = nil, context: ComputeContext = .none,
    accuracy: @escaping ([Int]) -> Double?, latency: @escaping ([Int]) -> Double?
) throws -> EvolutionResult {
    // Specialised for the built-in spaces, as `evolutionSearch`.
    if let nb = space as? NB201Space {
        return try drawRandomly(space: nb, budget: budget, maxEvaluations: maxEvaluations, seed: seed, maxDraws: maxDraws, context: context,
                                accuracy: accuracy, latency: latency)
    }
    if let fb = space as? FBNetSpace {
        return try drawRandomly(space: fb, budget: budget, maxEvaluations: maxEvaluations, seed: seed, maxDraws: maxDraws, context: context,
                                accuracy: accuracy, latency: latency)
    }
    if let ofa = space as? OFASpace {
        return try drawRandomly(space: ofa, budget: budget, maxEvaluations: maxEvaluations, seed: seed, maxDraws: maxDraws, context: context,
                                accuracy: accuracy, latency: latency)
    }
    return try drawRandomly(space: space, budget: budget, maxEvaluations: maxEvaluations, seed: seed, maxDraws: maxDraws, context: context,
                            accuracy: accuracy, latency: latency)
}

private func drawRandomly<Space: SearchSpace>(
    space: Space, budget: Double, maxEvaluations: Int, seed: UInt64, maxDraws: Int?, context: ComputeContext,
    accuracy: @escaping ([Int]) -> Double?, latency: @escaping ([Int]) -> Double?
) throws -> EvolutionResult {
    guard maxEvaluations >= 1 else { throw OneProxyError("random search needs at least 1 evaluation") }
    guard !budget.isNaN else { throw OneProxyError("the latency budget is not a number") }
    var g = SeededGenerator(seed: seed)
    var run = SearchRun(space: space, budget: budget, limit: maxEvaluations, accuracy: accuracy, latency: latency)
    var found: [Individual] = []
    var stopped = false
    let draws = maxDraws ?? 100 * maxEvaluations
    do {
        for k in 0..<draws {
            if k & 1023 == 0, context.isCancelled { stopped = true; break }
            if let c = try run.evaluate(space.random(using: &g)) { found.append(c) }
        }
    } catch is EvaluationLimitReached {}
    guard run.best != nil else {
        if stopped { throw CancellationError() }
        throw NoValidArchitecture(budget: budget, draws: run.draws)
    }
    found.sort { $0.ranksBefore($1) }
    return try run.result(generations: 0, history: [run.best!.accuracy], population: Array(found.prefix(100)), stopped: stopped,
                          limit: run.evaluations >= maxEvaluations)
}

/// The first `count` individuals of `population` in `ranksBefore` order (with `distinct`, the
/// first `count` distinct architectures): what sorting the whole population and taking its
/// first `count` (distinct) members gives, found without sorting it. The leaders are kept
/// sorted; a candidate that does not rank before the last of a full list costs one comparison
/// (most children), else it goes in at its place found by bisection, unless it repeats the
/// architecture there (copies are memoised, so equal in accuracy and latency: bisection finds the
/// copy already kept).
func leaders(_ population: [Individual], count: Int, distinct: Bool) -> [Individual] {
    var top: [Individual] = []
    top.reserveCapacity(count + 1)
    if count <= 0 { return top }
    // The last kept's accuracy and latency: most candidates fall below them, and are passed over
    // on these two numbers (reading an individual whole retains its genes).
    var worst = (accuracy: Double.infinity, latency: -Double.infinity)
    for k in population.indices {
        if top.count == count {
            let a = population[k].accuracy, l = population[k].latency
            if a < worst.accuracy || (a == worst.accuracy && l > worst.latency) { continue }
        }
        let c = population[k]
        if top.count == count, !c.ranksBefore(top[count - 1]) { continue }
        var lo = 0, hi = top.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if top[mid].ranksBefore(c) { lo = mid + 1 } else { hi = mid }
        }
        if distinct, lo < top.count, top[lo].genes == c.genes { continue }
        // (Without `distinct`, a copy goes after the copies kept, as a stable sort puts it.)
        if !distinct { while lo < top.count, !c.ranksBefore(top[lo]) { lo += 1 } }
        top.insert(c, at: lo)
        if top.count > count { top.removeLast() }
        if top.count == count { worst = (top[count - 1].accuracy, top[count - 1].latency) }
    }
    return top
}

/// Thrown inside a search when the next accuracy evaluation would exceed the limit.
struct EvaluationLimitReached: Error {}

/// The state shared by evolution and random search: memoised evaluations, counts, the best so
/// far and its trace.
struct SearchRun<Space: SearchSpace> {
    let space: Space
    let budget: Double
    let limit: Int?
    let accuracy: ([Int]) -> Double?
    let latency: ([Int]) -> Double?
    var memo: EvaluationMemo<Space>
    var draws = 0, rejected = 0
    var best: Individual?
    var trace: [Double] = []

    init(space: Space, budget: Double, limit: Int?, accuracy: @escaping ([Int]) -> Double?, latency: @escaping ([Int]) -> Double?) {
        self.space = space
        self.budget = budget
        self.limit = limit
        self.accuracy = accuracy
        self.latency = latency
        memo = EvaluationMemo(space: space)
        if let limit { trace.reserveCapacity(min(limit, 1 << 20)) }
    }

    var evaluations: Int { memo.evaluations }

    /// The candidate when valid (latency within the budget, an accuracy), else nil; throws
    /// `EvaluationLimitReached` when it would need an accuracy evaluation beyond the limit.
    mutating func evaluate(_ genes: [Int]) throws -> Individual? {
        draws += 1
        let before = memo.evaluations
        guard let (a, l) = try memo.lookup(genes, budget: budget, limit: limit, accuracy: accuracy, latency: latency) else {
            rejected += 1
            return nil
        }
        let c = Individual(genes: genes, accuracy: a, latency: l)
        if best == nil || c.ranksBefore(best!) { best = c }
        if memo.evaluations > before { trace.append(best!.accuracy) }
        return c
    }

    func result(generations: Int, history: [Double], population: [Individual], stopped: Bool, limit: Bool) throws -> EvolutionResult {
        guard let b = best else {
            // The evaluation limit can end a search whose accuracy lookups all answered nil.
            if limit && !stopped { throw NoValidArchitecture(budget: budget, draws: draws) }
            throw CancellationError()
        }
        var seen = Set<[Int]>()
        let members = population.sorted { $0.ranksBefore($1) }.filter { seen.insert($0.genes).inserted }
            .map { EvolutionMember(genes: $0.genes, key: space.key(of: $0.genes), accuracy: $0.accuracy, latency: $0.latency) }
        return EvolutionResult(
            genes: b.genes, key: space.key(of: b.genes), accuracy: b.accuracy, latency: b.latency,
            generations: generations, evaluations: memo.evaluations, latencyChecks: memo.latencyChecks, trace: trace,
            population: members, draws: draws, rejected: rejected, history: history, stopped: stopped, reachedEvaluationLimit: limit)
    }
}

/// No drawn architecture had a latency within the budget and an accuracy: the budget is too tight,
/// or the lookups answer for few architectures of the space (a table of a dataset's rows in a space
/// far larger than them).
public struct NoValidArchitecture: Error, Sendable, CustomStringConvertible {
    public var budget: Double
    /// Candidates drawn (random, mutated, crossed), repeats included.
    public var draws: Int
    public var description: String {
        "no architecture met the latency budget \(budget) (with an accuracy) in \(draws) random draws"
    }
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
    /// The space's choice counts, read once: a dense id is `denseID(of:)`'s mixed-radix number.
    private let counts: [Int]
    /// Accuracy reads (architectures within the budget with a latency).
    private(set) var evaluations = 0
    /// Latency computations.
    private(set) var latencyChecks = 0

    init(space: Space) {
        self.space = space
        counts = space.choiceCounts
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
    /// Throws `EvaluationLimitReached` instead of reading an accuracy beyond `limit` reads.
    mutating func lookup(_ genes: [Int], budget: Double, limit: Int?, accuracy: ([Int]) -> Double?, latency: ([Int]) -> Double?) throws -> (Double, Double)? {
        func clean(_ v: Double?) -> Double { v.flatMap { $0.isNaN ? nil : $0 } ?? .nan }
        if dense {
            var id = 0
            for (v, c) in zip(genes, counts) { id = id * c + v }
            if state[id] == 0 {
                lat[id] = clean(latency(genes))
                state[id] = 1
                latencyChecks += 1
            }
            let l = lat[id]
            guard !l.isNaN, l <= budget else { return nil }
            if state[id] == 1 {
                if let limit, evaluations >= limit { throw EvaluationLimitReached() }
                evaluations += 1
                acc[id] = clean(accuracy(genes))
                state[id] = 2
            }
            let a = acc[id]
            return a.isNaN ? nil : (a, l)
        }
        var entry = sparse[genes] ?? (nil, nil)
        if entry.1 == nil {
            entry.1 = clean(latency(genes))
            latencyChecks += 1
        }
        let l = entry.1 ?? .nan
        guard !l.isNaN, l <= budget else { sparse[genes] = entry; return nil }
        if entry.0 == nil {
            if let limit, evaluations >= limit { sparse[genes] = entry; throw EvaluationLimitReached() }
            evaluations += 1
            entry.0 = clean(accuracy(genes))
        }
        sparse[genes] = entry
        let a = entry.0 ?? .nan
        return a.isNaN ? nil : (a, l)
    }
}
