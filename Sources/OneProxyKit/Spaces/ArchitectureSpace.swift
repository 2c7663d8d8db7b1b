/// The identifier of a search space, as a dataset carries it (`nb201`, `fbnet`, `ofa`, `custom`).
///
/// A lightweight Equatable value; `descriptor` gives the space itself. Each space declares its
/// identifier in its own file (`extension SpaceKind { static let nb201 = … }`) and is listed once in
/// `SpaceRegistry.all`: adding a space is one file plus one registry entry.
public struct SpaceKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The space this identifier names (the custom space for an identifier no space declares).
    public var descriptor: any ArchitectureSpace { SpaceRegistry.descriptor(of: self) }
}

/// Every known space.
public enum SpaceRegistry {
    /// The spaces in CSV detection order (the first whose key columns a header has wins); the
    /// custom space (keys with no encoding) last, the fallback when no other matches.
    public static let all: [any ArchitectureSpace] = [NB201Space(), FBNetSpace(), OFASpace(), CustomSpace()]

    /// The space of an identifier; the custom space for an unknown one.
    public static func descriptor(of id: SpaceKind) -> any ArchitectureSpace {
        all.first { $0.id == id } ?? CustomSpace()
    }

    /// The space whose datasets use this key name (`arch_str`, `op_idx_list`, `ks|e|d|r`), else custom.
    public static func space(keyName: String) -> SpaceKind {
        all.first { $0.keyNames.contains(keyName) }?.id ?? .custom
    }
}

/// The keys a space read from a CSV table.
public struct CSVKeys: Sendable {
    /// The dataset's `keyName` (`arch_str`, `op_idx_list`, `ks|e|d|r`, or the custom column's name).
    public var keyName: String
    /// Canonical keys, one per row.
    public var keys: [String]
    public var nb201Index: [Int]?
    /// Whether the space already rejected duplicate architectures; if not, the loader compares the
    /// keys and reports a duplicate at `column`.
    public var checkedUnique: Bool
    public var column: Int

    public init(keyName: String, keys: [String], nb201Index: [Int]? = nil, checkedUnique: Bool = false, column: Int) {
        self.keyName = keyName
        self.keys = keys
        self.nb201Index = nb201Index
        self.checkedUnique = checkedUnique
        self.column = column
    }
}

/// A search space described once (DESIGN.md section 3): how its architectures are keyed in a CSV and
/// a dataset, how a key parses into genes, how it is enumerated where finite, and its feature
/// families for linear predictors (METHOD.md sections 2 and 9).
///
/// Genes are `[Int]`; a space that can be searched also conforms to `SearchSpace`.
public protocol ArchitectureSpace: Sendable {
    /// The identifier datasets carry.
    var id: SpaceKind { get }
    /// The `Dataset.keyName`s of this space's datasets.
    var keyNames: [String] { get }

    /// The CSV columns holding the key, found with `column` (which takes alternative spellings and
    /// answers the index of the first present): nil when the header is not this space's; entries
    /// may be nil for optional columns (NB201's `nb201_index`).
    func keyColumns(_ column: ([String]) -> Int?) -> [Int?]?
    /// Reads and canonicalises the keys from `columns` (as `keyColumns` found them). Errors carry the
    /// file, line and column. `fastPaths: false` takes the general parse everywhere.
    func readKeys(_ t: CSVTable, columns: [Int?], fastPaths: Bool) throws -> CSVKeys
    /// A code for a field of the first key column, computed by the one-pass CSV route while the
    /// row is in cache (`CSVTable.recordedField`'s `codes`; -1 for a field it cannot code: then
    /// `readKeys` takes its general parse). Given the bytes from the field's first byte to the end
    /// of the text, the code of the key the field starts with and its length in bytes, or nil; the
    /// pass keeps the code only when the field ends there (so it also finds the field's end without
    /// reading it again). Default nil: none.
    var keyFieldCode: (@Sendable (UnsafeBufferPointer<UInt8>) -> (code: Int32, length: Int)?)? { get }
    /// The header of the key columns `exportCSV` writes for a dataset of this space.
    func exportHeader(_ d: Dataset) -> [String]
    /// The (unquoted) key fields of row `r` that `exportCSV` writes.
    func exportFields(_ d: Dataset, row r: Int) -> [String]
    /// The dataset with whatever bundled accuracies the space knows added (NB201's); default: as is.
    func addingKnownAccuracies(_ d: Dataset) throws -> Dataset
    /// Every architecture of the space as a dataset, when it is small enough (NB201's 15625 with
    /// their accuracies); default nil.
    func allArchitectures() throws -> Dataset?

    /// The canonical key of an architecture's genes.
    func key(of genes: [Int]) -> String
    /// The genes of a key; throws a `OneProxyError` saying what is wrong.
    func parse(_ key: String) throws -> [Int]
    /// Every architecture of a finite space small enough to list (NB201: all 15625, in `codeID`
    /// order), or nil.
    func enumerate() -> [[Int]]?
    /// Whether an architecture is degenerate: a network whose output does not depend on its input
    /// (NB201: disconnected, no live path from the cell's input to its output, METHOD.md section
    /// 9), so its accuracy is chance and its latency near nothing. Search and reuse leave such
    /// architectures out by default. Default false.
    func isDegenerate(_ genes: [Int]) -> Bool
    /// What this space calls its degenerate architectures, for messages (NB201: "disconnected").
    var degenerateName: String { get }

    /// Names of the space's feature families; the first is the default (`onehot`, METHOD.md section 2).
    var featureFamilies: [String] { get }
    /// One name per column of a family (the constant column last, named "1"); throws for an unknown family.
    func featureNames(family: String) throws -> [String]
    /// Writes a family's row for an architecture into `row` (as many values as `featureNames`).
    /// A family not in `featureFamilies` is a programming error.
    func features(family: String, genes: [Int], into row: inout ArraySlice<Double>)
    /// The family matrix of a dataset of this space (see the free function `featureMatrix`).
    func featureMatrix(of d: Dataset, family: String) throws -> Matrix
    /// The genes of an architecture from its `onehot` row (the inverse of the encoding, so a model
    /// over any family can be evaluated where the project carries encodings), or nil when the row
    /// is no encoding of this space's genes. Default nil.
    func genes(fromEncoding row: ArraySlice<Double>) -> [Int]?
}

extension ArchitectureSpace {
    public func addingKnownAccuracies(_ d: Dataset) throws -> Dataset { d }
    public var keyFieldCode: (@Sendable (UnsafeBufferPointer<UInt8>) -> (code: Int32, length: Int)?)? { nil }
    public func allArchitectures() throws -> Dataset? { nil }
    public func enumerate() -> [[Int]]? { nil }
    public func isDegenerate(_ genes: [Int]) -> Bool { false }
    public var degenerateName: String { "degenerate" }
    public func genes(fromEncoding row: ArraySlice<Double>) -> [Int]? { nil }

    /// The width of a family's rows.
    public func featureWidth(family: String) throws -> Int { try featureNames(family: family).count }

    /// Throws the error `featureMatrix` gives for a family this space does not have.
    func checkFamily(_ family: String, dataset d: Dataset) throws {
        if featureFamilies.isEmpty {
            throw OneProxyError("dataset '\(d.name)' has custom keys (\(d.keyName)): no encoding is known for them")
        }
        guard featureFamilies.contains(family) else {
            throw OneProxyError(
                "unknown feature family '\(family)' for \(id.rawValue) (its families: \(featureFamilies.joined(separator: ", ")))")
        }
    }

    func unknownFamily(_ family: String) -> OneProxyError {
        OneProxyError("unknown feature family '\(family)' for \(id.rawValue) (its families: \(featureFamilies.joined(separator: ", ")))")
    }

    /// The genes of an encoding made of one one-hot group per gene (sizes `counts`) and a constant:
    /// the position of the 1 in each group; nil when a group has no single 1.
    static func oneHotGroups(_ row: ArraySlice<Double>, counts: [Int]) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(counts.count)
        var k = row.startIndex
        for c in counts {
            var hit = -1
            for j in 0..<c where row[k + j] != 0 {
                guard row[k + j] == 1, hit < 0 else { return nil }
                hit = j
            }
            guard hit >= 0 else { return nil }
            out.append(hit)
            k += c
        }
        return out
    }

    /// Default: each row's genes from `parse`, then `features`.
    public func featureMatrix(of d: Dataset, family: String) throws -> Matrix {
        try checkFamily(family, dataset: d)
        let w = try featureWidth(family: family)
        return try buildFeatureMatrix(d, width: w, genes: { try parse($0) }) { features(family: family, genes: $0, into: &$1) }
    }
}

/// Fills a `rowCount x width` matrix row by row: `genes` parses a key (its `OneProxyError` is
/// located at the row), `write` writes the row.
func buildFeatureMatrix<G>(
    _ d: Dataset, width w: Int, genes: (String) throws -> G, write: (G, inout ArraySlice<Double>) -> Void
) throws -> Matrix {
    var m = Matrix(rows: d.rowCount, cols: w)
    var row = [Double](repeating: 0, count: w)[...]
    for r in 0..<d.rowCount {
        let g: G
        do { g = try genes(d.keys[r]) } catch let e as OneProxyError {
            throw OneProxyError("row \(r + 1) of '\(d.name)': \(e.message)", column: e.column)
        }
        write(g, &row)
        m.storage.withUnsafeMutableBufferPointer { s in
            for k in 0..<w { s[r * w + k] = row[k] }
        }
    }
    return m
}

/// The matrix of a feature family over a dataset: one row per dataset row (in row order), the
/// family's columns, ending in one constant column of 1s.
///
/// Throws a `OneProxyError` naming the family and the space's families when the space has no such
/// family (custom keys have none), and naming the row when a key does not parse.
/// `featureMatrix(d, family: "onehot")` is `encodingMatrix(d)`.
public func featureMatrix(_ d: Dataset, family: String) throws -> Matrix {
    try d.space.descriptor.featureMatrix(of: d, family: family)
}

/// The rows of a dataset whose architecture is degenerate in its space (`isDegenerate`), ascending.
/// Keys that do not parse (custom keys) are not degenerate.
public func degenerateRows(_ d: Dataset) -> [Int] {
    let space = d.space.descriptor
    return d.keys.indices.filter { r in (try? space.parse(d.keys[r])).map(space.isDegenerate) ?? false }
}

/// The width of a space's encoding (its first feature family: NB201 31, FBNet 199, OFA 137), or nil
/// for custom keys.
public func encodingWidth(_ space: SpaceKind) -> Int? {
    let s = space.descriptor
    guard let family = s.featureFamilies.first else { return nil }
    return try? s.featureWidth(family: family)
}

/// The design matrix of a dataset: one row per architecture (in row order), the space's encoding
/// (METHOD.md section 2, family `onehot`) as columns. Throws for custom datasets and for a key that
/// does not parse in the dataset's space (naming the row).
public func encodingMatrix(_ d: Dataset) throws -> Matrix {
    try featureMatrix(d, family: d.space.descriptor.featureFamilies.first ?? "onehot")
}

/// The custom space: keys the project has no encoding for (any non-empty string), so no genes and
/// no feature families.
public struct CustomSpace: ArchitectureSpace {
    public init() {}
    public var id: SpaceKind { .custom }
    public var keyNames: [String] { [] }
    /// Never detected from a header: the loader falls back to it (a column named `key`, `name`,
    /// `model` or `arch`, else the first non-numeric column).
    public func keyColumns(_ column: ([String]) -> Int?) -> [Int?]? { nil }
    public func readKeys(_ t: CSVTable, columns: [Int?], fastPaths: Bool) throws -> CSVKeys {
        let kc = columns[0]!
        let keyName = t.header[kc]
        // Read in parallel; Ctrl-C is checked every 4096 rows of each piece.
        let keys = try t.mapColumn(kc) { r, b, escaped -> String in
            if b.isEmpty { throw t.error("empty key in column '\(keyName)'", row: r, column: kc) }
            return escaped ? CSVTable.decode(b, 0, b.count, true) : String(decoding: b, as: UTF8.self)
        }
        return CSVKeys(keyName: keyName, keys: keys, column: kc)
    }
    public func exportHeader(_ d: Dataset) -> [String] { [d.keyName] }
    public func exportFields(_ d: Dataset, row r: Int) -> [String] { [d.keys[r]] }
    public func key(of genes: [Int]) -> String { genes.map(String.init).joined(separator: "-") }
    public func parse(_ key: String) throws -> [Int] {
        throw OneProxyError("custom keys have no genes: '\(key)' is not an architecture of a known space")
    }
    public var featureFamilies: [String] { [] }
    public func featureNames(family: String) throws -> [String] { throw unknownFamily(family) }
    public func features(family: String, genes: [Int], into row: inout ArraySlice<Double>) {
        preconditionFailure("custom keys have no features")
    }
}

extension SpaceKind {
    /// Architectures keyed by a string the project does not know how to encode.
    public static let custom = SpaceKind(rawValue: "custom")
}
