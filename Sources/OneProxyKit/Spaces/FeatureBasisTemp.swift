// TEMPORARY: replaced by the space descriptors' feature families on merge.
extension FeatureBasis {
    public static func make(space: SpaceKind, family: String) throws -> FeatureBasis {
        switch space {
        case .nb201:
            let decode: @Sendable (ArraySlice<Double>) -> [Int] = { e in
                let b = e.startIndex
                return (0..<6).map { k in (0..<5).first { e[b + 5 * k + $0] > 0.5 } ?? 0 }
            }
            @Sendable func live(_ c: [Int]) -> [Bool] {
                let on = c.map { $0 != 0 }
                let p01 = on[0], p013 = on[0] && on[4], p02 = on[1], p012 = on[0] && on[2]
                // paths: 0→3 (3); 0→1→3 (0,4); 0→2→3 (1,5); 0→1→2→3 (0,2,5)
                var l = [Bool](repeating: false, count: 6)
                if on[3] { l[3] = true }
                if p013 { l[0] = true; l[4] = true }
                if p02 && on[5] { l[1] = true; l[5] = true }
                if p012 && on[5] { l[0] = true; l[2] = true; l[5] = true }
                _ = p01
                return l
            }
            let width: Int
            switch family {
            case "onehot", "live": width = 31
            case "counts": width = 5
            case "pairs": width = 241
            case "all": width = 305
            default: throw OneProxyError("unknown family \(family)")
            }
            let fam = family
            return FeatureBasis(space: .nb201, family: family, names: (0..<width).map { $0 == width - 1 ? "1" : "f\($0)" }, write: { c, row in
                let b = row.startIndex
                for k in 0..<width { row[b + k] = 0 }
                let l = live(c)
                let lc = (0..<6).map { l[$0] ? c[$0] : 0 }
                var o = 0
                if fam == "onehot" || fam == "all" { for k in 0..<6 { row[b + o + 5 * k + c[k]] = 1 }; o += 30 }
                if fam == "live" || fam == "all" { for k in 0..<6 { row[b + o + 5 * k + lc[k]] = 1 }; o += 30 }
                if fam == "pairs" || fam == "all" {
                    var q = 0
                    for i in 0..<6 { for j in (i + 1)..<6 {
                        if lc[i] > 0 && lc[j] > 0 { row[b + o + q * 16 + (lc[i] - 1) * 4 + lc[j] - 1] = 1 }
                        q += 1
                    } }
                    o += 240
                }
                if fam == "counts" || fam == "all" { for k in 0..<6 where lc[k] > 0 { row[b + o + lc[k] - 1] += 1 }; o += 4 }
                row[b + o] = 1
            }, decode: decode)
        default:
            throw OneProxyError("no families yet")
        }
    }
}
