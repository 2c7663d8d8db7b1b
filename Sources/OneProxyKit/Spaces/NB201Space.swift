extension SpaceKind {
    /// NAS-Bench-201 (15625 cells).
    public static let nb201 = SpaceKind(rawValue: "nb201")
}

/// NAS-Bench-201 as a space: 6 genes (edges in arch-string order), 5 operations each.
///
/// CSV key: `arch_str` (or `ArchitectureString`) and/or `nb201_index`, each derived from the other
/// through the official table and checked against it when both are present. Dataset key: the arch
/// string. Feature families: `onehot`, `live`, `counts`, `pairs`, `all` (see `NB201.Family`).
public struct NB201Space: SearchSpace {
    /// The one-hot groups read back (`ArchitectureSpace.genes(fromEncoding:)`).
    public func genes(fromEncoding row: ArraySlice<Double>) -> [Int]? { Self.oneHotGroups(row, counts: [Int](repeating: NB201.operations.count, count: NB201.edgeCount)) }
    public init() {}
    public var id: SpaceKind { .nb201 }
    public var keyNames: [String] { ["arch_str", "ArchitectureString", "nb201_index"] }
    /// (One shared array: search reads it at every draw and lookup.)
    public var choiceCounts: [Int] { Self.counts }
    private static let counts = [Int](repeating: NB201.operations.count, count: NB201.edgeCount)
    public var featureCount: Int { NB201.encodingWidth }
    public func key(of genes: [Int]) -> String { NB201.archString(genes) }
    public func parse(_ key: String) throws -> [Int] { try NB201.parse(key) }
    public func encode(_ genes: [Int], into row: inout ArraySlice<Double>) { NB201.encode(codes: genes, into: &row) }
    /// All 15625 architectures in `NB201.codeID` order (index i has codeID i).
    public func enumerate() -> [[Int]]? { (0..<NB201.architectureCount).map { NB201.codes(codeID: $0) } }
    public func allArchitectures() throws -> Dataset? { try nb201AllArchitectures() }
    /// Disconnected: no live edge (`NB201.liveEdges`), so no path of non-`none` edges from node 0 to
    /// node 3. 341 of the 15625.
    public func isDegenerate(_ genes: [Int]) -> Bool {
        genes.count == NB201.edgeCount && !NB201.liveEdges(genes).contains(true)
    }
    public var degenerateName: String { "disconnected" }
    public func addingKnownAccuracies(_ d: Dataset) throws -> Dataset { try withNB201Accuracies(d) }

    // MARK: CSV

    public func keyColumns(_ column: ([String]) -> Int?) -> [Int?]? {
        let arch = column(["arch_str", "ArchitectureString"]), idx = column(["nb201_index"])
        return arch == nil && idx == nil ? nil : [arch, idx]
    }

    /// The `NB201.codeID` and length of the canonical arch string the bytes start with
    /// (`NB201.fastCodePrefix`), else nil.
    public var keyFieldCode: (@Sendable (UnsafeBufferPointer<UInt8>) -> (code: Int32, length: Int)?)? {
        { NB201.fastCodePrefix($0).map { (Int32($0.id), $0.length) } }
    }

    public func readKeys(_ t: CSVTable, columns: [Int?], fastPaths: Bool) throws -> CSVKeys {
        let archCol = columns[0], idxCol = columns[1]
        let keyName = archCol.map { t.header[$0] } ?? "nb201_index"
        let table = try NB201Table.shared()
        var ids = [Int](repeating: 0, count: t.rowCount)
        // The one-pass route's codes (`keyFieldCode`), when it coded this column: -1 where a string
        // was not canonical.
        let codes = fastPaths && t.recordedField?.column == archCol ? t.recordedField?.codes : nil
        if let codes, !codes.contains(-1) {
            ids = codes.map { Int($0) }
        } else if let ac = archCol {
            // Otherwise one parse per arch string not coded yet, to its id, in parallel; Ctrl-C is
            // checked every 4096 rows of each piece. The key is the canonical string of the id: the
            // file's own when the fast parser accepts it, which it does exactly for the canonical
            // spelling.
            ids = try t.mapColumn(ac) { r, b, _ -> Int in
                if let codes, codes[r] >= 0 { return Int(codes[r]) }
                if fastPaths, let id = NB201.fastCodeID(b) { return id }
                do {
                    return NB201.codeID(try NB201.parse(String(decoding: b, as: UTF8.self)))
                } catch let e as OneProxyError {
                    throw t.error("unknown NB201 architecture: \(e.message)", row: r, column: ac, offsetInField: (e.column ?? 1) - 1)
                }
            }
        }
        var nb201Index: [Int]
        if let ic = idxCol {
            var idx = [Int](repeating: 0, count: t.rowCount)
            let v = t.doubles(column: ic).values
            for r in 0..<t.rowCount {
                if r & 0x3FFF == 0x3FFF { try t.cancellation.check() }  // Ctrl-C on a large file
                guard let i = Int(exactly: v[r]), (0..<NB201.architectureCount).contains(i) else {
                    throw t.error("nb201_index '\(t.string(row: r, column: ic))' is not an integer in 0...15624", row: r, column: ic)
                }
                idx[r] = i
                if let ac = archCol {
                    let expected = table.codeID(ofIndex: i)
                    if expected != ids[r] {
                        throw t.error(
                            "arch_str does not match nb201_index \(i), which is \(NB201.archString(NB201.codes(codeID: expected)))",
                            row: r, column: ac)
                    }
                } else {
                    ids[r] = table.codeID(ofIndex: i)
                }
            }
            nb201Index = idx
        } else {
            nb201Index = ids.map { table.index(ofCodeID: $0) }
        }
        var firstRow = [Int32](repeating: -1, count: NB201.architectureCount)
        for r in 0..<t.rowCount {
            let id = ids[r]
            if firstRow[id] >= 0 {
                throw t.error("duplicate architecture (first on line \(t.line(ofRow: Int(firstRow[id]))))",
                              row: r, column: archCol ?? idxCol!)
            }
            firstRow[id] = Int32(r)
        }
        // Every architecture in index order (the bundled files): the table's arrays, shared whole;
        // else one shared string per row.
        let keys: [String]
        if nb201Index == table.allIndices {
            keys = table.archStringsByIndex
            nb201Index = table.allIndices
        } else {
            let strings = table.archStrings
            keys = ids.map { strings[$0] }
        }
        return CSVKeys(keyName: keyName, keys: keys, nb201Index: nb201Index, checkedUnique: true, column: archCol ?? idxCol!)
    }

    public func exportHeader(_ d: Dataset) -> [String] { (d.nb201Index != nil ? ["nb201_index"] : []) + ["arch_str"] }
    public func exportFields(_ d: Dataset, row r: Int) -> [String] {
        (d.nb201Index.map { [String($0[r])] } ?? []) + [d.keys[r]]
    }

    // MARK: Feature families

    public var featureFamilies: [String] { NB201.Family.allCases.map(\.rawValue) }

    public func featureNames(family: String) throws -> [String] {
        guard let f = NB201.Family(rawValue: family) else { throw unknownFamily(family) }
        return NB201.featureNames(f)
    }

    public func features(family: String, genes: [Int], into row: inout ArraySlice<Double>) {
        guard let f = NB201.Family(rawValue: family) else { preconditionFailure("NB201 has no feature family '\(family)'") }
        NB201.writeFeatures(f, codes: genes, into: &row)
    }

    /// Rows from each key's `codeID` (the fast byte parser), written straight from the id (its
    /// digits and the cached live-edge mask): no strings nor arrays per row.
    public func featureMatrix(of d: Dataset, family: String) throws -> Matrix {
        try checkFamily(family, dataset: d)
        let f = NB201.Family(rawValue: family)!
        var ids = [Int](repeating: 0, count: d.rowCount)
        for (r, key) in d.keys.enumerated() {
            do {
                ids[r] = try key.utf8.withContiguousStorageIfAvailable { try NB201.codeID(bytes: $0) }
                    ?? NB201.codeID(try NB201.parse(key))
            } catch let e as OneProxyError {
                throw OneProxyError("row \(r + 1) of '\(d.name)': \(e.message)", column: e.column)
            }
        }
        var m = Matrix(rows: d.rowCount, cols: f.width)
        m.storage.withUnsafeMutableBufferPointer { s in
            for r in 0..<ids.count { NB201.writeFeatures(f, codeID: ids[r], zeroed: s.baseAddress! + r * f.width) }
        }
        return m
    }
}

extension NB201 {
    /// NB201's feature families (METHOD.md sections 2 and 9). Operations are in `operations` order
    /// (none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3), edges in arch-string order.
    /// Every family ends in one constant column of 1s.
    public enum Family: String, CaseIterable, Sendable {
        /// The paper's encoding: 6 one-hot groups of 5, + 1 (31 columns).
        case onehot
        /// The same 30 one-hot slots where a dead edge (see `liveEdges`) reads as `none`, + 1 (31).
        case live
        /// The number of live edges of each non-none operation (skip, conv1x1, conv3x3, avgpool), + 1 (5).
        case counts
        /// For each pair of edges i < j ((0,1), (0,2), …, (4,5)) and non-none operations a on i, b on j
        /// (a major, each 1...4): whether both edges are live with those operations, + 1 (241).
        case pairs
        /// onehot (30) + live (30) + pairs (240) + counts (4) + 1 (305).
        case all

        public var width: Int {
            switch self {
            case .onehot, .live: 31
            case .counts: 5
            case .pairs: 241
            case .all: 305
            }
        }
    }

    /// For each edge, the node it writes to.
    public static let edgeOutputs = [1, 2, 2, 3, 3, 3]

    /// The 15 edge pairs (i, j), i < j, in the order of the `pairs` family.
    public static let edgePairs: [(Int, Int)] = (0..<edgeCount).flatMap { i in ((i + 1)..<edgeCount).map { (i, $0) } }

    /// Which edges are live: not `none`, and on a path 0 → … → 3 of non-`none` edges (METHOD.md
    /// section 9). An edge i→j is live when node i is reachable from node 0 and node 3 from node j.
    public static func liveEdges(_ codes: [Int]) -> [Bool] {
        let on = codes.map { $0 != 0 }
        // Forward reachability from node 0, backward to node 3 (edges 0→1 | 0→2, 1→2 | 0→3, 1→3, 2→3).
        let from1 = on[0], from2 = on[1] || (from1 && on[2])
        let from = [true, from1, from2, true]
        let to2 = on[5], to1 = on[4] || (on[2] && to2)
        let to = [true, to1, to2, true]
        return (0..<edgeCount).map { on[$0] && from[edgeInputs[$0]] && to[edgeOutputs[$0]] }
    }

    static func featureNames(_ f: Family) -> [String] {
        let ops = operations
        let onehot = (0..<edgeCount).flatMap { e in ops.map { "edge\(e):\($0)" } }
        let live = (0..<edgeCount).flatMap { e in ops.map { "live_edge\(e):\($0)" } }
        let counts = ops.dropFirst().map { "count:\($0)" }
        let pairs = edgePairs.flatMap { (i, j) in
            ops.dropFirst().flatMap { a in ops.dropFirst().map { b in "edge\(i):\(a)&edge\(j):\(b)" } }
        }
        switch f {
        case .onehot: return onehot + ["1"]
        case .live: return live + ["1"]
        case .counts: return counts + ["1"]
        case .pairs: return pairs + ["1"]
        case .all: return onehot + live + pairs + counts + ["1"]
        }
    }

    /// The live-edge mask (bit e set when edge e is live) of every `codeID`, computed once.
    static let liveMasks: [UInt8] = (0..<architectureCount).map { id in
        let live = liveEdges(codes(codeID: id))
        var mask: UInt8 = 0
        for e in 0..<edgeCount where live[e] { mask |= 1 << e }
        return mask
    }

    /// Writes a family's row of 6 codes into `row` (`f.width` values).
    static func writeFeatures(_ f: Family, codes: [Int], into row: inout ArraySlice<Double>) {
        precondition(codes.count == edgeCount && codes.allSatisfy { (0..<operations.count).contains($0) })
        row.withUnsafeMutableBufferPointer { b in
            for k in 0..<f.width { b[k] = 0 }
            writeFeatures(f, codeID: codeID(codes), zeroed: b.baseAddress!)
        }
    }

    /// Writes a family's row of an architecture id into `p`, whose `f.width` values are zero.
    @inline(__always)
    static func writeFeatures(_ f: Family, codeID id: Int, zeroed p: UnsafeMutablePointer<Double>) {
        p[f.width - 1] = 1
        // Edge e's code is base-5 digit 5 - e of the id (first edge most significant).
        var c = (0, 0, 0, 0, 0, 0)
        var x = id
        c.5 = x % 5; x /= 5; c.4 = x % 5; x /= 5; c.3 = x % 5; x /= 5
        c.2 = x % 5; x /= 5; c.1 = x % 5; x /= 5; c.0 = x % 5
        let code = c
        func op(_ e: Int) -> Int {
            switch e { case 0: code.0; case 1: code.1; case 2: code.2; case 3: code.3; case 4: code.4; default: code.5 }
        }
        let mask = liveMasks[id]
        @inline(__always) func live(_ e: Int) -> Bool { mask & (1 << e) != 0 }
        func onehot(_ at: Int) { for e in 0..<edgeCount { p[at + e * 5 + op(e)] = 1 } }
        func liveHot(_ at: Int) { for e in 0..<edgeCount { p[at + e * 5 + (live(e) ? op(e) : 0)] = 1 } }
        func counts(_ at: Int) { for e in 0..<edgeCount where live(e) { p[at + op(e) - 1] += 1 } }
        func pairs(_ at: Int) {
            var k = 0
            for i in 0..<(edgeCount - 1) {
                for j in (i + 1)..<edgeCount {
                    if live(i) && live(j) { p[at + k * 16 + (op(i) - 1) * 4 + (op(j) - 1)] = 1 }
                    k += 1
                }
            }
        }
        switch f {
        case .onehot: onehot(0)
        case .live: liveHot(0)
        case .counts: counts(0)
        case .pairs: pairs(0)
        case .all:
            onehot(0)
            liveHot(30)
            pairs(60)
            counts(300)
        }
    }
}
