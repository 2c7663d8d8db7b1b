/// One architecture of the Once-for-All MobileNetV3 space: 5 stages of up to 4 layers.
///
/// `ks` and `e` have 20 entries (layer j of stage s at `4*s + j`); entries of inactive layers
/// (j >= d[s]) are kept as given in the source but do not affect the encoding.
public struct OFAArchitecture: Sendable, Equatable, Hashable {
    public var ks: [Int]
    public var e: [Int]
    public var d: [Int]
    public var r: Int

    public init(ks: [Int], e: [Int], d: [Int], r: Int) {
        self.ks = ks
        self.e = e
        self.d = d
        self.r = r
    }

    /// Whether layer `j` of stage `s` is used (j < d[s]).
    public func isActive(stage s: Int, layer j: Int) -> Bool { j < d[s] }
}

/// The OFA MobileNetV3 space (METHOD.md section 2).
///
/// Key: `ks|e|d|r`, each list joined by `-`, e.g. `7-5-…-3|6-4-…-6|2-2-2-2-3|204` (the source's values,
/// inactive layers included, so the key is lossless). Encoding (137 columns): for stage s = 0..4 and
/// layer j = 0..3, six columns `[k3, k5, k7, e3, e4, e6]` (one-hot kernel and expand when the layer
/// is active, all zero otherwise); then per stage a depth one-hot `[d2, d3, d4]`; then the resolution
/// as a number; then a constant 1.
public enum OFA {
    public static let stageCount = 5
    public static let maxDepth = 4
    public static let layerCount = stageCount * maxDepth
    public static let kernels = [3, 5, 7]
    public static let expands = [3, 4, 6]
    public static let depths = [2, 3, 4]
    public static let encodingWidth = layerCount * 6 + stageCount * 3 + 2

    static func list(_ s: String, name: String, count: Int, allowed: [Int], columnBase: Int) throws -> [Int] {
        var out: [Int] = []
        var column = columnBase
        for part in s.split(separator: "-", omittingEmptySubsequences: false) {
            guard let v = Int(part), allowed.contains(v) else {
                throw OneProxyError("OFA \(name) entry '\(part)' must be one of \(allowed.map(String.init).joined(separator: ", "))", column: column)
            }
            out.append(v)
            column += part.utf8.count + 1
        }
        guard out.count == count else {
            throw OneProxyError("OFA \(name) has \(count) entries joined by '-', found \(out.count)", column: column - 1)
        }
        return out
    }

    /// Parses the four source fields. Errors carry the column within the offending field and name it.
    public static func parse(ks: String, e: String, d: String, r: String) throws -> OFAArchitecture {
        var field = 0
        return try parse(ks: ks, e: e, d: d, r: r, failingField: &field)
    }

    /// As `parse(ks:e:d:r:)`; when it throws, `field` is the index of the field at fault (0 ks,
    /// 1 e, 2 d, 3 r), so a reader can point at that column without reading the message.
    static func parse(ks: String, e: String, d: String, r: String, failingField field: inout Int) throws -> OFAArchitecture {
        field = 0
        let k = try list(ks, name: "ks", count: layerCount, allowed: kernels, columnBase: 1)
        field = 1
        let x = try list(e, name: "e", count: layerCount, allowed: expands, columnBase: 1)
        field = 2
        let dd = try list(d, name: "d", count: stageCount, allowed: depths, columnBase: 1)
        field = 3
        guard let rr = Int(r), rr > 0 else {
            throw OneProxyError("OFA resolution r '\(r)' must be a positive integer", column: 1)
        }
        return OFAArchitecture(ks: k, e: x, d: dd, r: rr)
    }

    /// Parses a key `ks|e|d|r` (the inverse of `key`).
    public static func parse(key: String) throws -> OFAArchitecture {
        let p = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard p.count == 4 else { throw OneProxyError("an OFA key is ks|e|d|r, got: \(key)") }
        return try parse(ks: p[0], e: p[1], d: p[2], r: p[3])
    }

    /// The canonical key of an architecture.
    public static func key(_ a: OFAArchitecture) -> String {
        func j(_ v: [Int]) -> String { v.map(String.init).joined(separator: "-") }
        return "\(j(a.ks))|\(j(a.e))|\(j(a.d))|\(a.r)"
    }

    /// Writes the 137-column encoding into `row`. Active layers have 2 ones, so a row sums to
    /// 2 * (d0+…+d4) + 5 + r + 1.
    public static func encode(_ a: OFAArchitecture, into row: inout ArraySlice<Double>) {
        let base = row.startIndex
        for k in 0..<encodingWidth { row[base + k] = 0 }
        for s in 0..<stageCount {
            for j in 0..<maxDepth where a.isActive(stage: s, layer: j) {
                let l = s * maxDepth + j
                row[base + l * 6 + kernels.firstIndex(of: a.ks[l])!] = 1
                row[base + l * 6 + 3 + expands.firstIndex(of: a.e[l])!] = 1
            }
            row[base + layerCount * 6 + s * 3 + depths.firstIndex(of: a.d[s])!] = 1
        }
        row[base + encodingWidth - 2] = Double(a.r)
        row[base + encodingWidth - 1] = 1
    }

    /// The encoding as an array.
    public static func encoding(_ a: OFAArchitecture) -> [Double] {
        var row = [Double](repeating: 0, count: encodingWidth)[...]
        encode(a, into: &row)
        return Array(row)
    }
}
