/// What search needs from a search space (DESIGN.md section 3): an architecture is a list of genes
/// (`[Int]`), gene `g` taking one of `choiceCounts[g]` values `0..<choiceCounts[g]`.
///
/// Conforming spaces give their keys, parsing and encoding; random draws, mutation and crossover
/// have default implementations (Once-for-All's: uniform per gene) that draw only from the
/// `SeededGenerator` given, so a seed gives the same architectures on every machine and toolchain.
public protocol SearchSpace: ArchitectureSpace {
    /// The number of choices of each gene (NB201: 6 edges x 5 operations).
    var choiceCounts: [Int] { get }
    /// The width of `encode`'s row (NB201 31, FBNet 199, OFA 137).
    var featureCount: Int { get }
    /// Writes the architecture's encoding (METHOD.md section 2) into `row` (`featureCount` values).
    func encode(_ genes: [Int], into row: inout ArraySlice<Double>)
    /// A uniformly random architecture.
    func random(using g: inout SeededGenerator) -> [Int]
    /// A copy of `genes` where each gene, with probability `probability`, is redrawn uniformly
    /// among its choices (it may draw its old value, as in Once-for-All).
    func mutate(_ genes: [Int], probability: Double, using g: inout SeededGenerator) -> [Int]
    /// A child taking each gene from `a` or from `b` with probability 1/2.
    func crossover(_ a: [Int], _ b: [Int], using g: inout SeededGenerator) -> [Int]
}

extension SearchSpace {
    public var geneCount: Int { choiceCounts.count }

    /// The number of architectures, or nil when it does not fit in an `Int`.
    public var architectureCount: Int? {
        var n = 1
        for c in choiceCounts {
            let (p, overflow) = n.multipliedReportingOverflow(by: c)
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// Whether genes are a valid architecture of this space (right count, each in range).
    public func isValid(_ genes: [Int]) -> Bool {
        let counts = choiceCounts
        guard genes.count == counts.count else { return false }
        for (v, c) in zip(genes, counts) where v < 0 || v >= c { return false }
        return true
    }

    /// The mixed-radix number of valid genes (first gene most significant), a bijection onto
    /// `0..<architectureCount`; nil when the space is too large for an `Int`. For NB201 it equals
    /// `NB201.codeID`.
    public func denseID(of genes: [Int]) -> Int? {
        guard architectureCount != nil else { return nil }
        var id = 0
        for (v, c) in zip(genes, choiceCounts) { id = id * c + v }
        return id
    }

    /// The genes of a dense id (the inverse of `denseID`).
    public func genes(denseID: Int) -> [Int] {
        let counts = choiceCounts
        var out = [Int](repeating: 0, count: counts.count)
        var id = denseID
        for k in stride(from: counts.count - 1, through: 0, by: -1) { out[k] = id % counts[k]; id /= counts[k] }
        return out
    }

    /// The encoding of an architecture as a new array.
    public func encoding(_ genes: [Int]) -> [Double] {
        var row = [Double](repeating: 0, count: featureCount)[...]
        encode(genes, into: &row)
        return Array(row)
    }

    public func random(using g: inout SeededGenerator) -> [Int] {
        choiceCounts.map { g.nextBounded($0) }
    }

    public func mutate(_ genes: [Int], probability: Double, using g: inout SeededGenerator) -> [Int] {
        var out = genes
        for (k, c) in choiceCounts.enumerated() where g.nextUnit() < probability { out[k] = g.nextBounded(c) }
        return out
    }

    public func crossover(_ a: [Int], _ b: [Int], using g: inout SeededGenerator) -> [Int] {
        var out = a
        for k in out.indices where g.nextUnit() < 0.5 { out[k] = b[k] }
        return out
    }
}

/// The search space of a dataset's kind, or nil where search is not supported (custom keys).
public func searchSpace(for kind: SpaceKind) -> (any SearchSpace)? {
    kind.descriptor as? any SearchSpace
}

/// Per-architecture values (a latency or accuracy column) looked up by genes, for search's
/// fitness and latency closures.
///
/// Built from a dataset's keys and one value per key; NaN values and architectures not in the
/// table answer nil. Spaces with at most 2²² architectures use a dense array (O(1) lookups);
/// larger ones a dictionary keyed by genes.
public struct ArchitectureTable<Space: SearchSpace>: Sendable {
    public let space: Space
    private let dense: [Double]?
    private let sparse: [[Int]: Double]
    /// How many keys carried a value (not NaN).
    public let count: Int

    /// Throws when keys and values differ in length, or a key does not parse in the space (naming
    /// the row), or two keys are the same architecture.
    public init(space: Space, keys: [String], values: [Double]) throws {
        guard keys.count == values.count else {
            throw OneProxyError("\(keys.count) keys but \(values.count) values were given")
        }
        self.space = space
        var n = 0
        if let size = space.architectureCount, size <= 1 << 22 {
            var d = [Double](repeating: .nan, count: size)
            var seen = [Bool](repeating: false, count: size)
            for (r, key) in keys.enumerated() {
                let genes = try Self.parse(space, key, row: r)
                guard let id = space.denseID(of: genes) else { continue }
                guard !seen[id] else { throw OneProxyError("row \(r + 1): architecture '\(key)' appears twice") }
                seen[id] = true
                d[id] = values[r]
                if !values[r].isNaN { n += 1 }
            }
            dense = d
            sparse = [:]
        } else {
            var s: [[Int]: Double] = [:]
            for (r, key) in keys.enumerated() {
                let genes = try Self.parse(space, key, row: r)
                guard s[genes] == nil else { throw OneProxyError("row \(r + 1): architecture '\(key)' appears twice") }
                if !values[r].isNaN { s[genes] = values[r]; n += 1 }
            }
            dense = nil
            sparse = s
        }
        count = n
    }

    private static func parse(_ space: Space, _ key: String, row r: Int) throws -> [Int] {
        do { return try space.parse(key) } catch let e as OneProxyError {
            throw OneProxyError("row \(r + 1): \(e.message)", column: e.column)
        }
    }

    /// The value of an architecture, or nil when the table has none.
    public func value(of genes: [Int]) -> Double? {
        if let dense {
            guard space.isValid(genes), let id = space.denseID(of: genes) else { return nil }
            let v = dense[id]
            return v.isNaN ? nil : v
        }
        return sparse[genes]
    }
}

/// A latency closure for search: the linear predictor's `encoding · weights`. Throws when the
/// predictor's weights do not match the space's encoding width (a predictor of another space).
public func linearLatency<Space: SearchSpace>(_ predictor: LinearPredictor, space: Space) throws -> @Sendable ([Int]) -> Double? {
    let w = predictor.weights
    let width = space.featureCount
    guard w.count == width else {
        throw OneProxyError("the predictor has \(w.count) weights but this space's encoding has \(width) columns")
    }
    return { genes in
        var row = [Double](repeating: 0, count: width)[...]
        space.encode(genes, into: &row)
        var s = 0.0
        for k in 0..<width { s += row[k] * w[k] }
        return s
    }
}

/// A latency closure for search over a whole space: any model that predicts from the architecture's
/// encoding (a fit, an adaptation, a stack, a feature-family ridge), evaluated on one architecture
/// at a time, so evolution can draw architectures no dataset row holds (FBNet's 9²² and OFA's
/// spaces). Nil for a model that only looks up measured rows (`MeasuredLatencyModel`), or whose
/// space differs. Predictions that are not positive answer nil (a latency must be > 0), as
/// search's exhaustive path leaves them out.
public func modelLatency<Space: SearchSpace>(_ model: any LatencyModel, space: Space) -> (@Sendable ([Int]) -> Double?)? {
    guard !(model is MeasuredLatencyModel) else { return nil }
    return { genes in
        let v = model.predict(rows: [0], encoded: encodingRow(genes, in: space))[0]
        return v > 0 ? v : nil
    }
}

/// An accuracy closure for search over a whole space: the accuracy predictor on one architecture's
/// encoding. Throws when the predictor is over another space.
public func modelAccuracy<Space: SearchSpace>(_ model: AccuracyModel, space: Space) throws -> @Sendable ([Int]) -> Double? {
    guard model.basis.space == space.id else {
        throw OneProxyError("the accuracy predictor is over \(model.basis.space.rawValue) architectures, not \(space.id.rawValue) ones")
    }
    return { genes in
        let v = model.predict(encoded: encodingRow(genes, in: space))[0]
        return v.isFinite ? v : nil
    }
}

/// One architecture's encoding as a one-row matrix, what the models' batch predictions take.
func encodingRow<Space: SearchSpace>(_ genes: [Int], in space: Space) -> Matrix {
    Matrix(rows: 1, cols: space.featureCount, storage: space.encoding(genes))
}
