extension SpaceKind {
    /// The FBNet space (22 layers of 9 blocks).
    public static let fbnet = SpaceKind(rawValue: "fbnet")
}

/// The FBNet space: 22 genes (layers), 9 blocks each (not enumerable: 9²² models).
///
/// CSV key: `op_idx_list`. Feature families: `onehot` (22 one-hot groups of 9, + 1: 199), `counts`
/// (layers per block type (9), per kernel 3/5 (2), per expansion 1/3/6 (3), grouped g2 (1), + 1: 16),
/// `all` (onehot's 198 + counts' 15 + 1: 214). Skip has no kernel nor expansion.
public struct FBNetSpace: SearchSpace {
    /// The one-hot groups read back (`ArchitectureSpace.genes(fromEncoding:)`).
    public func genes(fromEncoding row: ArraySlice<Double>) -> [Int]? { Self.oneHotGroups(row, counts: [Int](repeating: FBNet.blocks.count, count: FBNet.layerCount)) }
    public init() {}
    public var id: SpaceKind { .fbnet }
    public var keyNames: [String] { ["op_idx_list"] }
    /// (One shared array: search reads it at every draw and lookup.)
    public var choiceCounts: [Int] { Self.counts }
    private static let counts = [Int](repeating: FBNet.blocks.count, count: FBNet.layerCount)
    public var featureCount: Int { FBNet.encodingWidth }
    public func key(of genes: [Int]) -> String { FBNet.key(genes) }
    public func parse(_ key: String) throws -> [Int] { try FBNet.parse(key) }
    public func encode(_ genes: [Int], into row: inout ArraySlice<Double>) { FBNet.encode(codes: genes, into: &row) }

    // MARK: CSV

    public func keyColumns(_ column: ([String]) -> Int?) -> [Int?]? { column(["op_idx_list"]).map { [$0] } }

    public func readKeys(_ t: CSVTable, columns: [Int?], fastPaths: Bool) throws -> CSVKeys {
        let oc = columns[0]!
        // In parallel; Ctrl-C is checked every 4096 rows of each piece.
        let keys = try t.mapColumn(oc) { r, b, escaped -> String in
            // Fast path: the canonical spelling is its own key.
            if fastPaths, isDigitList(b, count: FBNet.layerCount, allowed: 0x1FF) { return String(decoding: b, as: UTF8.self) }
            let s = escaped ? CSVTable.decode(b, 0, b.count, true) : String(decoding: b, as: UTF8.self)
            do { return FBNet.key(try FBNet.parse(s)) } catch let e as OneProxyError {
                throw t.error(e.message, row: r, column: oc, offsetInField: (e.column ?? 1) - 1)
            }
        }
        return CSVKeys(keyName: t.header[oc], keys: keys, column: oc)
    }

    public func exportHeader(_ d: Dataset) -> [String] { ["op_idx_list"] }
    public func exportFields(_ d: Dataset, row r: Int) -> [String] { [d.keys[r]] }

    // MARK: Feature families

    public var featureFamilies: [String] { FBNet.Family.allCases.map(\.rawValue) }

    public func featureNames(family: String) throws -> [String] {
        guard let f = FBNet.Family(rawValue: family) else { throw unknownFamily(family) }
        return FBNet.featureNames(f)
    }

    public func features(family: String, genes: [Int], into row: inout ArraySlice<Double>) {
        guard let f = FBNet.Family(rawValue: family) else { preconditionFailure("FBNet has no feature family '\(family)'") }
        FBNet.writeFeatures(f, codes: genes, into: &row)
    }

    public func featureMatrix(of d: Dataset, family: String) throws -> Matrix {
        try checkFamily(family, dataset: d)
        let f = FBNet.Family(rawValue: family)!
        return try buildFeatureMatrix(d, width: f.width, genes: { key in
            // Fast path: a canonical key's codes are its even bytes; else the general parse (and its error).
            try (key.utf8.withContiguousStorageIfAvailable { FBNet.fastCodes($0) } ?? nil) ?? FBNet.parse(key)
        }) { codes, row in FBNet.writeFeatures(f, codes: codes, into: &row) }
    }
}

extension FBNet {
    /// FBNet's feature families; each ends in one constant column of 1s.
    public enum Family: String, CaseIterable, Sendable {
        /// 22 one-hot groups of 9 (layer-major), + 1 (199).
        case onehot
        /// Layers per block (9, `blocks` order), per kernel 3/5 (2), per expansion 1/3/6 (3), grouped (1), + 1 (16).
        case counts
        /// onehot (198) + counts (15) + 1 (214).
        case all

        public var width: Int {
            switch self {
            case .onehot: 199
            case .counts: 16
            case .all: 214
            }
        }
    }

    /// Per block code: its kernel column (0: k3, 1: k5), expansion column (0: e1, 1: e3, 2: e6) and
    /// whether it is grouped; nil for skip.
    static let blockTraits: [(kernel: Int, expansion: Int, grouped: Bool)?] = [
        (0, 0, false), (0, 0, true), (0, 1, false), (0, 2, false),
        (1, 0, false), (1, 0, true), (1, 1, false), (1, 2, false), nil,
    ]

    static func featureNames(_ f: Family) -> [String] {
        let onehot = (0..<layerCount).flatMap { l in blocks.map { "layer\(l):\($0)" } }
        let counts = blocks.map { "count:\($0)" } + ["count:k3", "count:k5", "count:e1", "count:e3", "count:e6", "count:g2"]
        switch f {
        case .onehot: return onehot + ["1"]
        case .counts: return counts + ["1"]
        case .all: return onehot + counts + ["1"]
        }
    }

    static func writeFeatures(_ f: Family, codes: [Int], into row: inout ArraySlice<Double>) {
        precondition(codes.count == layerCount)
        if f == .onehot { encode(codes: codes, into: &row); return }
        let base = row.startIndex
        for k in 0..<f.width { row[base + k] = 0 }
        row[base + f.width - 1] = 1
        var at = base
        if f == .all {
            for (layer, b) in codes.enumerated() { row[base + layer * blocks.count + b] = 1 }
            at += layerCount * blocks.count
        }
        for b in codes {
            row[at + b] += 1
            if let t = blockTraits[b] {
                row[at + 9 + t.kernel] += 1
                row[at + 11 + t.expansion] += 1
                if t.grouped { row[at + 14] += 1 }
            }
        }
    }
}
