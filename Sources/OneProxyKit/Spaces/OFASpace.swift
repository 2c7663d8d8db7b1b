extension SpaceKind {
    /// The Once-for-All MobileNetV3 space.
    public static let ofa = SpaceKind(rawValue: "ofa")
}

/// The OFA MobileNetV3 space as a search space: 46 genes, each an index into its choices —
/// 20 kernel genes (`OFA.kernels`, layer j of stage s at 4s + j), 20 expand genes (`OFA.expands`),
/// 5 depth genes (`OFA.depths`), then the resolution (`OFA.resolutions`, 128…224 step 4: the 25
/// values of the bundled data). Genes of inactive layers are kept (mutation and crossover carry
/// them) but do not affect the features.
///
/// CSV key: the four columns `ks`, `e`, `d`, `r`; dataset key `ks|e|d|r`. A dataset's resolution
/// may be any positive integer for its features; genes (search) need one of `OFA.resolutions`.
///
/// Feature families: `onehot` (137, `OFA.encode`), `counts` (active layers per kernel 3/5/7 (3), per
/// expand 3/4/6 (3), per kernel x expand (9, kernel major: k3e3, k3e4, k3e6, k5e3, …), the total
/// depth d0+…+d4 (1), the resolution r (1), + 1: 18 columns), `all` (onehot without its constant
/// (136) + counts (18): 154).
public struct OFASpace: SearchSpace {
    /// The encoding read back: each active layer's kernel and expand one-hots, each stage's depth
    /// one-hot, the resolution number (`OFA.encode`); inactive layers get gene 0 (they do not change
    /// any feature). Nil when the resolution is not one of `OFA.resolutions` or a group is not one-hot.
    public func genes(fromEncoding row: ArraySlice<Double>) -> [Int]? {
        let b = row.startIndex
        let depthBase = b + OFA.layerCount * 6
        guard let depths = Self.oneHotGroups(row[depthBase..<(depthBase + 3 * OFA.stageCount)],
                                             counts: [Int](repeating: 3, count: OFA.stageCount)) else { return nil }
        var ks = [Int](repeating: 0, count: OFA.layerCount), es = ks
        for s in 0..<OFA.stageCount {
            for j in 0..<OFA.depths[depths[s]] {
                let l = s * OFA.maxDepth + j
                guard let g = Self.oneHotGroups(row[(b + 6 * l)..<(b + 6 * l + 6)], counts: [3, 3]) else { return nil }
                ks[l] = g[0]; es[l] = g[1]
            }
        }
        guard let r = OFA.resolutions.firstIndex(of: Int(row[depthBase + 3 * OFA.stageCount])) else { return nil }
        return ks + es + depths + [r]
    }
    public init() {}
    public var id: SpaceKind { .ofa }
    public var keyNames: [String] { ["ks|e|d|r"] }
    /// (One shared array: search reads it at every draw and lookup.)
    public var choiceCounts: [Int] { Self.counts }
    private static let counts: [Int] =
        [Int](repeating: OFA.kernels.count, count: OFA.layerCount) + [Int](repeating: OFA.expands.count, count: OFA.layerCount)
            + [Int](repeating: OFA.depths.count, count: OFA.stageCount) + [OFA.resolutions.count]
    public var featureCount: Int { OFA.encodingWidth }

    /// The architecture of valid genes.
    public func architecture(_ genes: [Int]) -> OFAArchitecture {
        let l = OFA.layerCount, s = OFA.stageCount
        return OFAArchitecture(
            ks: genes[0..<l].map { OFA.kernels[$0] }, e: genes[l..<(2 * l)].map { OFA.expands[$0] },
            d: genes[(2 * l)..<(2 * l + s)].map { OFA.depths[$0] }, r: OFA.resolutions[genes[2 * l + s]])
    }

    /// The genes of an architecture; throws when its resolution is not one of `OFA.resolutions`.
    public func genes(_ a: OFAArchitecture) throws -> [Int] {
        guard let r = OFA.resolutions.firstIndex(of: a.r) else {
            throw OneProxyError("OFA resolution \(a.r) is not a search choice (\(OFA.resolutions.first!)…\(OFA.resolutions.last!) step 4)")
        }
        return a.ks.map { OFA.kernels.firstIndex(of: $0)! } + a.e.map { OFA.expands.firstIndex(of: $0)! }
            + a.d.map { OFA.depths.firstIndex(of: $0)! } + [r]
    }

    public func key(of genes: [Int]) -> String { OFA.key(architecture(genes)) }
    public func parse(_ key: String) throws -> [Int] { try genes(OFA.parse(key: key)) }
    public func encode(_ genes: [Int], into row: inout ArraySlice<Double>) { OFA.encode(architecture(genes), into: &row) }

    // MARK: CSV

    public func keyColumns(_ column: ([String]) -> Int?) -> [Int?]? {
        guard let k = column(["ks"]), let e = column(["e"]), let d = column(["d"]), let r = column(["r"]) else { return nil }
        return [k, e, d, r]
    }

    public func readKeys(_ t: CSVTable, columns: [Int?], fastPaths: Bool) throws -> CSVKeys {
        let kc = columns[0]!, ec = columns[1]!, dc = columns[2]!, rc = columns[3]!
        var keys: [String] = []
        keys.reserveCapacity(t.rowCount)
        var scratch: [UInt8] = []
        for r in 0..<t.rowCount {
            if r & 0x3FFF == 0x3FFF { try t.cancellation.check() }  // Ctrl-C on a large file
            scratch.removeAll(keepingCapacity: true)
            let fast = fastPaths && t.withFieldBytes(row: r, column: kc) { b in
                isDigitList(b, count: OFA.layerCount, allowed: 1 << 3 | 1 << 5 | 1 << 7) && { scratch += b; return true }()
            } && t.withFieldBytes(row: r, column: ec) { b in
                isDigitList(b, count: OFA.layerCount, allowed: 1 << 3 | 1 << 4 | 1 << 6) && { scratch.append(0x7C); scratch += b; return true }()
            } && t.withFieldBytes(row: r, column: dc) { b in
                isDigitList(b, count: OFA.stageCount, allowed: 1 << 2 | 1 << 3 | 1 << 4) && { scratch.append(0x7C); scratch += b; return true }()
            } && t.withFieldBytes(row: r, column: rc) { b in
                (1...6).contains(b.count) && b[0] != 0x30 && b.allSatisfy { $0 &- 0x30 <= 9 } && { scratch.append(0x7C); scratch += b; return true }()
            }
            if fast { keys.append(String(decoding: scratch, as: UTF8.self)); continue }
            let columns = [kc, ec, dc, rc]
            let f = columns.map { t.string(row: r, column: $0) }
            var field = 0
            do {
                keys.append(OFA.key(try OFA.parse(ks: f[0], e: f[1], d: f[2], r: f[3], failingField: &field)))
            } catch let e as OneProxyError {
                throw t.error(e.message, row: r, column: columns[field], offsetInField: (e.column ?? 1) - 1)
            }
        }
        return CSVKeys(keyName: "ks|e|d|r", keys: keys, column: kc)
    }

    public func exportHeader(_ d: Dataset) -> [String] { ["ks", "e", "d", "r"] }
    public func exportFields(_ d: Dataset, row r: Int) -> [String] {
        d.keys[r].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }

    // MARK: Feature families

    public var featureFamilies: [String] { OFA.Family.allCases.map(\.rawValue) }

    public func featureNames(family: String) throws -> [String] {
        guard let f = OFA.Family(rawValue: family) else { throw unknownFamily(family) }
        return OFA.featureNames(f)
    }

    public func features(family: String, genes: [Int], into row: inout ArraySlice<Double>) {
        guard let f = OFA.Family(rawValue: family) else { preconditionFailure("OFA has no feature family '\(family)'") }
        OFA.writeFeatures(f, architecture(genes), into: &row)
    }

    /// Rows from each key's architecture (any positive resolution), not from genes.
    public func featureMatrix(of d: Dataset, family: String) throws -> Matrix {
        try checkFamily(family, dataset: d)
        let f = OFA.Family(rawValue: family)!
        return try buildFeatureMatrix(d, width: f.width, genes: { key in
            try (key.utf8.withContiguousStorageIfAvailable { OFA.fastParse(key: $0) } ?? nil) ?? OFA.parse(key: key)
        }) { a, row in OFA.writeFeatures(f, a, into: &row) }
    }
}

extension OFA {
    /// The resolutions search draws from: 128…224 step 4 (OFA's standard list; the bundled data
    /// has exactly these 25).
    public static let resolutions = Array(stride(from: 128, through: 224, by: 4))

    /// OFA's feature families; each ends in one constant column of 1s.
    public enum Family: String, CaseIterable, Sendable {
        /// `OFA.encode`: per layer [k3, k5, k7, e3, e4, e6] when active, per stage [d2, d3, d4], r, 1 (137).
        case onehot
        /// Active layers per kernel 3/5/7 (3), per expand 3/4/6 (3), per kernel x expand (9, kernel
        /// major), total depth (1), resolution (1), + 1 (18).
        case counts
        /// onehot without its constant (136) + counts (18): 154.
        case all

        public var width: Int {
            switch self {
            case .onehot: 137
            case .counts: 18
            case .all: 154
            }
        }
    }

    static func featureNames(_ f: Family) -> [String] {
        var onehot: [String] = []
        for l in 0..<layerCount {
            onehot += kernels.map { "layer\(l):k\($0)" } + expands.map { "layer\(l):e\($0)" }
        }
        for s in 0..<stageCount { onehot += depths.map { "stage\(s):d\($0)" } }
        onehot.append("r")
        var counts = kernels.map { "count:k\($0)" } + expands.map { "count:e\($0)" }
        for k in kernels { counts += expands.map { "count:k\(k)e\($0)" } }
        counts += ["total_depth", "resolution"]
        switch f {
        case .onehot: return onehot + ["1"]
        case .counts: return counts + ["1"]
        case .all: return onehot + counts + ["1"]
        }
    }

    static func writeFeatures(_ f: Family, _ a: OFAArchitecture, into row: inout ArraySlice<Double>) {
        if f == .onehot { encode(a, into: &row); return }
        let base = row.startIndex
        var at = base
        if f == .all {
            // onehot's 136 columns (its constant is overwritten by counts' first column).
            encode(a, into: &row)
            at += encodingWidth - 1
        }
        for k in at..<(base + f.width) { row[k] = 0 }
        for s in 0..<stageCount {
            for j in 0..<maxDepth where a.isActive(stage: s, layer: j) {
                let l = s * maxDepth + j
                let k = kernels.firstIndex(of: a.ks[l])!, e = expands.firstIndex(of: a.e[l])!
                row[at + k] += 1
                row[at + 3 + e] += 1
                row[at + 6 + 3 * k + e] += 1
            }
        }
        row[at + 15] = Double(a.d.reduce(0, +))
        row[at + 16] = Double(a.r)
        row[at + 17] = 1
    }
}
