import Testing
@testable import OneProxyKit

@Suite("pools across datasets: devices matched by architecture")
struct PoolTests {
    /// oneproxy-nb201's devices on help-nb201's rows: each value sits on the row of the same
    /// architecture (by official NB201 index), NaN elsewhere.
    @Test func devicesMatchByArchitecture() throws {
        let o = try BundledDatasets.load("oneproxy-nb201")
        let h = try BundledDatasets.load("help-nb201")
        let mapped = devicesOnRows(of: h, from: o)
        #expect(mapped.map(\.name) == o.deviceNames)
        let hIndex = try #require(h.nb201Index), oIndex = try #require(o.nb201Index)
        var rowOfIndex: [Int: Int] = [:]
        for (r, i) in hIndex.enumerated() { rowOfIndex[i] = r }
        for (k, dev) in o.devices.enumerated() {
            var seen = 0
            for (r, i) in oIndex.enumerated() {
                let hr = try #require(rowOfIndex[i])
                let a = dev.latencies[r], b = mapped[k].latencies[hr]
                #expect(a.isNaN ? b.isNaN : a == b)
                seen += 1
            }
            #expect(mapped[k].latencies.filter { !$0.isNaN }.count == dev.latencies.filter { !$0.isNaN }.count)
            #expect(seen == 1999)
        }
        // Another space never matches.
        #expect(devicesOnRows(of: h, from: try BundledDatasets.load("help-fbnet")).isEmpty)
    }

    /// pool=all: the dataset's devices, then every bundled dataset's of its space, without the
    /// target's name anywhere and each name once.
    @Test func theWholePoolLeavesTheTargetOut() throws {
        let o = try BundledDatasets.load("oneproxy-nb201")
        let all = try ProxyPoolSpec.all.devices(for: o, excluding: "pixel3")
        let names = all.map(\.device.name)
        #expect(Set(names).count == names.count && !names.contains("pixel3"))
        #expect(all.filter { $0.source == "oneproxy-nb201" }.count == 18)
        #expect(all.filter { $0.source == "help-nb201" }.count == 26)  // 27 less pixel3
        #expect(throws: OneProxyError.self) { try ProxyPoolSpec.dataset("nope").devices(for: o, excluding: "x") }
        #expect(throws: OneProxyError.self) { try ProxyPoolSpec.dataset("help-fbnet").devices(for: o, excluding: "x") }
    }

    /// choosePredictor keeps the validated default unless another candidate beats it by more than
    /// the margin, and the pick predicts the unseen rows of a real device well.
    @Test(.tags(.heavy)) func predictorChoiceFollowsItsRule() throws {
        let h = try BundledDatasets.load("help-nb201")
        let o = try BundledDatasets.load("oneproxy-nb201")
        let target = h.device(named: "gold_6226")!
        let pool = try FewShotPool(x: try encodingMatrix(h), proxies: devicesOnRows(of: h, from: o))
        let context = try FewShotContext(pool: pool, target: target)
        for seed in [1, 2] as [UInt64] {
            let samples = sampleRows(candidates: Array(0..<h.rowCount), count: 20, seed: seed)
            let c = try choosePredictor(context, space: h.space, samples: samples, seed: seed)
            #expect(c.defaultName == "stack + residual ridge (all + pool op costs)")
            let best = c.scores.compactMap(\.cvSRCC).max()!
            let def = c.scores.first { $0.name == c.defaultName }!.cvSRCC!
            let chosen = c.scores[c.chosen]
            let top = c.scores.first { $0.cvSRCC == best }!
            if top.name != c.defaultName, predictorReplacesDefault(candidate: top, defaultLOO: def) {
                #expect(chosen.name == top.name)
            } else {
                #expect(chosen.name == c.defaultName)
            }
            // On the 15605 rows it never saw, gold_6226 from oneproxy-nb201's devices (which lack it).
            let unseen = Set(samples)
            let check = try FewShotContext(pool: pool, target: target, evalRows: (0..<h.rowCount).filter { !unseen.contains($0) })
            #expect(check.score(c.model)! > 0.9, "seed \(seed)")
        }
    }
}
