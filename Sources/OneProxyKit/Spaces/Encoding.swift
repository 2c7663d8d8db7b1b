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
            // Fast path: a canonical key's codes are its even bytes; else the general parse (and its error).
            let codes = d.keys[r].utf8.withContiguousStorageIfAvailable { FBNet.fastCodes($0) } ?? nil
            if let codes { FBNet.encode(codes: codes, into: &row) } else {
                try located(r) { FBNet.encode(codes: try FBNet.parse(d.keys[r]), into: &row) }
            }
        case .ofa:
            let arch = d.keys[r].utf8.withContiguousStorageIfAvailable { OFA.fastParse(key: $0) } ?? nil
            if let arch { OFA.encode(arch, into: &row) } else {
                try located(r) { OFA.encode(try OFA.parse(key: d.keys[r]), into: &row) }
            }
        case .custom:
            break
        }
        for k in 0..<w { m.storage[r * w + k] = row[k] }
    }
    return m
}

extension FBNet {
    /// The codes of a canonical `op_idx_list` (22 digits 0...8 joined by `-`), or nil for any other
    /// spelling (then `parse` gives the same codes or the located error).
    static func fastCodes(_ b: UnsafeBufferPointer<UInt8>) -> [Int]? {
        guard isDigitList(b, count: layerCount, allowed: 0x1FF) else { return nil }
        return (0..<layerCount).map { Int(b[2 * $0] &- 0x30) }
    }
}

extension OFA {
    /// The architecture of a canonical key `ks|e|d|r` (single-digit entries joined by `-`, allowed
    /// values only, `r` a positive integer without leading zeros), or nil for any other spelling
    /// (then `parse(key:)` gives the same architecture or its error).
    static func fastParse(key b: UnsafeBufferPointer<UInt8>) -> OFAArchitecture? {
        let listBytes = 2 * layerCount - 1, depthBytes = 2 * stageCount - 1
        let eStart = listBytes + 1, dStart = eStart + listBytes + 1, rStart = dStart + depthBytes + 1
        guard b.count > rStart, b.count <= rStart + 6, b[eStart - 1] == 0x7C, b[dStart - 1] == 0x7C, b[rStart - 1] == 0x7C
        else { return nil }
        func part(_ s: Int, _ n: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[s..<(s + n)]) }
        guard isDigitList(part(0, listBytes), count: layerCount, allowed: 1 << 3 | 1 << 5 | 1 << 7),
              isDigitList(part(eStart, listBytes), count: layerCount, allowed: 1 << 3 | 1 << 4 | 1 << 6),
              isDigitList(part(dStart, depthBytes), count: stageCount, allowed: 1 << 2 | 1 << 3 | 1 << 4),
              b[rStart] != 0x30
        else { return nil }
        var r = 0
        for k in rStart..<b.count {
            let digit = b[k] &- 0x30
            guard digit <= 9 else { return nil }
            r = r * 10 + Int(digit)
        }
        func digits(_ s: Int, _ n: Int) -> [Int] { (0..<n).map { Int(b[s + 2 * $0] &- 0x30) } }
        return OFAArchitecture(ks: digits(0, layerCount), e: digits(eStart, layerCount), d: digits(dStart, stageCount), r: r)
    }
}
