/// The width of a space's encoding (NB201 31, FBNet 199, OFA 137), or nil for `.custom`.
public func encodingWidth(_ space: SpaceKind) -> Int? {
    switch space {
    case .nb201: NB201.encodingWidth
    case .fbnet: FBNet.encodingWidth
    case .ofa: OFA.encodingWidth
    case .custom: nil
    }
}

/// The design matrix of a dataset: one row per architecture (in row order), the space's encoding
/// (METHOD.md section 2) as columns. Throws for `.custom` datasets and for a key that does not parse
/// in the dataset's space (naming the row).
public func encodingMatrix(_ d: Dataset) throws -> Matrix {
    guard let w = encodingWidth(d.space) else {
        throw OneProxyError("dataset '\(d.name)' has custom keys (\(d.keyName)): no encoding is known for them")
    }
    var m = Matrix(rows: d.rowCount, cols: w)
    func located(_ r: Int, _ body: () throws -> Void) throws {
        do { try body() } catch let e as OneProxyError {
            throw OneProxyError("row \(r + 1) of '\(d.name)': \(e.message)", column: e.column)
        }
    }
    var row = [Double](repeating: 0, count: w)[...]
    for r in 0..<d.rowCount {
        switch d.space {
        case .nb201:
            try located(r) {
                let id = try d.keys[r].utf8.withContiguousStorageIfAvailable { try NB201.codeID(bytes: $0) }
                    ?? NB201.codeID(try NB201.parse(d.keys[r]))
                NB201.encode(codes: NB201.codes(codeID: id), into: &row)
            }
        case .fbnet:
            try located(r) { FBNet.encode(codes: try FBNet.parse(d.keys[r]), into: &row) }
        case .ofa:
            try located(r) { OFA.encode(try OFA.parse(key: d.keys[r]), into: &row) }
        case .custom:
            break
        }
        for k in 0..<w { m.storage[r * w + k] = row[k] }
    }
    return m
}
