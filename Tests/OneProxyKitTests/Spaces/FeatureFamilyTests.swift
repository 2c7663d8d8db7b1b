import Foundation
import Testing
@testable import OneProxyKit

/// Reference matrices from Tests/fixture-scripts/feature_fixtures.py (csv + numpy, live edges by
/// brute-force path enumeration), stored as shape, SHA-256 of the float64 bytes, column sums and
/// a few full rows.
struct FeatureReference: Decodable {
    struct Summary: Decodable {
        let shape: [Int]
        let sha256: String
        let column_sums: [Double]
        let rows: [String: [Double]]
    }
    let nb201: [String: Summary]
    let fbnet: [String: Summary]
    let ofa: [String: Summary]
    let nb201_disconnected: Int
    let nb201_live_edges_total: Int

    static func load() throws -> FeatureReference {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let data = try Data(contentsOf: dir.appendingPathComponent("spaces/features.json"))
        return try JSONDecoder().decode(FeatureReference.self, from: data)
    }
}

@Suite struct FeatureFamilyTests {
    func check(_ d: Dataset, _ ref: [String: FeatureReference.Summary], families: [String]) throws {
        let space = d.space.descriptor
        #expect(space.featureFamilies == families)
        #expect(Set(ref.keys) == Set(families))
        for family in families {
            let r = try #require(ref[family])
            let m = try featureMatrix(d, family: family)
            #expect([m.rows, m.cols] == r.shape, "\(d.name) \(family)")
            #expect(try space.featureWidth(family: family) == m.cols)
            let names = try space.featureNames(family: family)
            #expect(names.count == m.cols && names.last == "1" && Set(names).count == names.count, "\(family)")
            // Exact: the bytes' hash, then (for a readable failure) sums and sample rows.
            let hash = m.storage.withUnsafeBytes { sha256Hex($0) }
            #expect(hash == r.sha256, "\(d.name) \(family)")
            var sums = [Double](repeating: 0, count: m.cols)
            for i in 0..<m.rows { for k in 0..<m.cols { sums[k] += m.storage[i * m.cols + k] } }
            #expect(sums == r.column_sums, "\(d.name) \(family)")
            for (row, values) in r.rows {
                let i = try #require(Int(row))
                #expect(Array(m.row(i)) == values, "\(d.name) \(family) row \(i)")
            }
            // The constant column, and `features(family:genes:)` agreeing with the matrix.
            #expect((0..<m.rows).allSatisfy { m.storage[$0 * m.cols + m.cols - 1] == 1 })
            if let search = space as? any SearchSpace {
                for i in stride(from: 0, to: d.rowCount, by: 997) {
                    var row = [Double](repeating: .nan, count: m.cols)[...]
                    search.features(family: family, genes: try search.parse(d.keys[i]), into: &row)
                    #expect(Array(row) == Array(m.row(i)), "\(d.name) \(family) row \(i)")
                }
            }
        }
        #expect(try featureMatrix(d, family: "onehot") == encodingMatrix(d))
    }

    @Test(.tags(.heavy)) func nb201FamiliesMatchNumpyOnAll15625() throws {
        let ref = try FeatureReference.load()
        let all = try nb201AllArchitectures()
        try check(all, ref.nb201, families: ["onehot", "live", "counts", "pairs", "all"])
        #expect(try NB201Space().featureNames(family: "all").count == 305)
        #expect(try NB201Space().featureNames(family: "pairs")[0] == "edge0:skip_connect&edge1:skip_connect")
        // A key that is not canonical takes the general parse and gets the same row.
        let odd = Dataset(name: "odd", source: "t", space: .nb201, keyName: "arch_str",
                          keys: [all.keys[5].replacingOccurrences(of: "~0|", with: "~00|")], devices: [])
        if odd.keys[0] != all.keys[5] {
            #expect(Array(try featureMatrix(odd, family: "all").row(0)) == Array(try featureMatrix(all, family: "all").row(5)))
        }
    }

    @Test func fbnetAndOFAFamiliesMatchNumpyOnTheBundledRows() throws {
        let ref = try FeatureReference.load()
        try check(try BundledDatasets.load("help-fbnet"), ref.fbnet, families: ["onehot", "counts", "all"])
        try check(try BundledDatasets.load("help-ofa"), ref.ofa, families: ["onehot", "counts", "all"])
        #expect(encodingWidth(.nb201) == 31 && encodingWidth(.fbnet) == 199 && encodingWidth(.ofa) == 137 && encodingWidth(.custom) == nil)
    }

    /// Live edges by brute force: every path 0 → … → 3 of the complete 4-node DAG, an edge live when
    /// some path of non-`none` edges runs through it.
    @Test func liveEdgesAgreeWithPathEnumerationOnAll15625() throws {
        let edges = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
        var paths: [[Int]] = []
        func walk(_ node: Int, _ used: [Int]) {
            if node == 3 { paths.append(used); return }
            for (k, e) in edges.enumerated() where e.0 == node { walk(e.1, used + [k]) }
        }
        walk(0, [])
        #expect(paths.count == 4)
        var disconnected = 0, total = 0
        for id in 0..<NB201.architectureCount {
            let codes = NB201.codes(codeID: id)
            var live = [Bool](repeating: false, count: 6)
            for p in paths where p.allSatisfy({ codes[$0] != 0 }) { for k in p { live[k] = true } }
            #expect(NB201.liveEdges(codes) == live, "\(NB201.archString(codes))")
            if !live.contains(true) { disconnected += 1 }
            total += live.filter { $0 }.count
        }
        #expect(disconnected == 341)
        let ref = try FeatureReference.load()
        #expect(ref.nb201_disconnected == 341 && ref.nb201_live_edges_total == total)
        // The live family of a disconnected cell is all `none` (6 ones) plus the constant.
        let cut = try NB201.parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|")
        #expect(NB201.liveEdges(cut) == [true, false, false, false, true, false])
        let dead = try NB201.parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|avg_pool_3x3~2|")
        #expect(NB201.liveEdges(dead) == [false, false, false, false, false, false])
    }

    @Test func familyErrorsNameTheFamilyAndTheRow() throws {
        let d = try BundledDatasets.load("oneproxy-nb201")
        let e = try #require(oneProxyError { _ = try featureMatrix(d, family: "zeros") })
        #expect(e.message.contains("'zeros'") && e.message.contains("onehot, live, counts, pairs, all"))
        let f = Dataset(name: "f", source: "t", space: .fbnet, keyName: "op_idx_list", keys: ["0-0", "0-9"], devices: [])
        let fe = try #require(oneProxyError { _ = try featureMatrix(f, family: "counts") })
        #expect(fe.message.hasPrefix("row 1 of 'f'"))
        let o = try #require(oneProxyError { _ = try featureMatrix(f, family: "pairs") })
        #expect(o.message.contains("fbnet") && o.message.contains("onehot, counts, all"))
        let c = Dataset(name: "c", source: "t", space: .custom, keyName: "model", keys: ["a"], devices: [])
        #expect(oneProxyError { _ = try featureMatrix(c, family: "onehot") }?.message.contains("custom keys") == true)
        #expect(SpaceRegistry.all.map(\.id) == [.nb201, .fbnet, .ofa, .custom])
        #expect(SpaceKind(rawValue: "ofa").descriptor is OFASpace && SpaceKind(rawValue: "zzz").descriptor is CustomSpace)
    }

    @Test func ofaGenesRoundTripOnTheBundledRows() throws {
        let d = try BundledDatasets.load("help-ofa")
        let s = OFASpace()
        #expect(s.geneCount == 46 && s.architectureCount == nil && OFA.resolutions.count == 25)
        for k in d.keys {
            let g = try s.parse(k)
            #expect(s.isValid(g) && s.key(of: g) == k)
        }
        #expect(oneProxyError { _ = try s.parse(OFA.key(OFAArchitecture(ks: [Int](repeating: 3, count: 20), e: [Int](repeating: 3, count: 20), d: [2, 2, 2, 2, 2], r: 230))) } != nil)
        // Inactive layers' genes do not change the features.
        var g = try s.parse(d.keys[0])
        let before = s.encoding(g)
        let depth0 = g[40]  // stage 0's depth gene
        if depth0 < 2 { g[3] = (g[3] + 1) % 3; g[23] = (g[23] + 1) % 3 }  // layer 3 of stage 0 is inactive
        #expect(s.encoding(g) == before)
    }

    @Test func evolutionSearchesOFA() throws {
        let s = OFASpace()
        #expect(searchSpace(for: .ofa) is OFASpace)
        // A toy objective over the counts family: accuracy grows with depth, width and resolution;
        // latency with the active layers' kernel x expand work at the resolution.
        func counts(_ g: [Int]) -> [Double] {
            var row = [Double](repeating: 0, count: 18)[...]
            s.features(family: "counts", genes: g, into: &row)
            return Array(row)
        }
        let acc: ([Int]) -> Double? = { g in let c = counts(g); return c[15] + 0.5 * c[5] + c[16] / 100 }
        let lat: ([Int]) -> Double? = { g in
            let c = counts(g)
            var work = 0.0
            for (k, kernel) in OFA.kernels.enumerated() { for (e, expand) in OFA.expands.enumerated() { work += c[6 + 3 * k + e] * Double(kernel * expand) } }
            return work * c[16] * c[16] / 1e6
        }
        let settings = EvolutionSettings(population: 30, generations: 20, seed: 7)
        let r = try evolutionSearch(space: s, budget: 5, settings: settings, accuracy: acc, latency: lat)
        let parsed = try s.parse(r.key)
        #expect(s.isValid(r.genes) && r.key == s.key(of: r.genes) && parsed == r.genes)
        #expect(r.latency <= 5 && r.latency == lat(r.genes) && r.accuracy == acc(r.genes))
        #expect(r.evaluations > 30)
        let again = try evolutionSearch(space: s, budget: 5, settings: settings, accuracy: acc, latency: lat)
        #expect(again == r)
    }

    @Test func nb201FamilyMatrixIsFast() throws {
        let all = try nb201AllArchitectures()
        let t0 = Date()
        let m = try featureMatrix(all, family: "all")
        let dt = Date().timeIntervalSince(t0)
        #expect(m.rows == 15625 && m.cols == 305)
        // Generous for a debug build on a loaded machine; release is milliseconds.
        #expect(dt < 5, "featureMatrix(all) took \(dt) s")
    }
}
