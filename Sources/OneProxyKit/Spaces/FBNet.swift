/// The FBNet search space: 22 layers, each one of 9 blocks (codes 0..8).
///
/// Key: `op_idx_list`, the 22 codes joined by `-` (e.g. `7-8-1-...`). Encoding: 22 one-hot groups of
/// 9 (layer-major), then a constant 1: 199 columns with exactly 23 ones. Rank-deficient like NB201's.
public enum FBNet {
    public static let blocks = ["k3_e1", "k3_e1_g2", "k3_e3", "k3_e6", "k5_e1", "k5_e1_g2", "k5_e3", "k5_e6", "skip"]
    public static let layerCount = 22
    public static let encodingWidth = layerCount * 9 + 1

    /// The 22 block codes of an `op_idx_list`. Throws a `OneProxyError` whose `column` is the
    /// 1-based position in the string of the first bad entry (non-integer, out of 0...8), or of the end
    /// when there are not exactly 22 entries.
    public static func parse(_ s: String) throws -> [Int] {
        var codes: [Int] = []
        codes.reserveCapacity(layerCount)
        var column = 1
        for part in s.split(separator: "-", omittingEmptySubsequences: false) {
            guard let v = Int(part), (0..<blocks.count).contains(v) else {
                throw OneProxyError("FBNet block code '\(part)' must be an integer 0...8 (layers joined by '-')", column: column)
            }
            codes.append(v)
            column += part.utf8.count + 1
        }
        guard codes.count == layerCount else {
            throw OneProxyError("an FBNet op_idx_list has \(layerCount) codes joined by '-', found \(codes.count)", column: column - 1)
        }
        return codes
    }

    /// The canonical key of 22 codes (the inverse of `parse`).
    public static func key(_ codes: [Int]) -> String { codes.map(String.init).joined(separator: "-") }

    /// Writes the 199-column encoding of 22 codes into `row`.
    public static func encode(codes: [Int], into row: inout ArraySlice<Double>) {
        precondition(codes.count == layerCount)
        let base = row.startIndex
        for k in 0..<(encodingWidth - 1) { row[base + k] = 0 }
        for (layer, b) in codes.enumerated() { row[base + layer * blocks.count + b] = 1 }
        row[base + encodingWidth - 1] = 1
    }
}
