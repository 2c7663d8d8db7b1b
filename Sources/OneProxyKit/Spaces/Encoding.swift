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
