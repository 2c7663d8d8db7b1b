import Foundation
import OneProxyKit
import Testing

@Suite struct SummaryHeatmapTests {
    @Test func oneproxySummaryAgainstScipyValues() throws {
        let file = "nb201_oneproxy_latency.csv"
        let data = try TestCSV.msColumns(file)
        let fixture = try StatsFixtures.pairs(file)
        let m = correlationMatrix(names: data.names, columns: data.columns, method: .spearman)
        let s = summarize(m)
        let scipy = fixture.spearman.compactMap { $0 }
        #expect(s.totalPairs == 18 * 17 / 2)
        #expect(s.undefinedPairs == fixture.spearman.count - scipy.count)
        #expect(s.strongPairs == scipy.filter { $0 >= 0.9 }.count)
        let weakest = try #require(s.weakest)
        #expect(abs(weakest.value - scipy.min()!) < 1e-9)
        // the known quirk: eagle_gtx and eagle_i7 are one device under two names (SRCC 0.999)
        let dup = s.nearDuplicates.first { Set([$0.a, $0.b]) == ["eagle_gtx_ms", "eagle_i7_ms"] }
        #expect(dup != nil)
        #expect(dup.map { $0.value > 0.998 } == true)
        #expect(s.nearDuplicates.count == scipy.filter { $0 >= 0.995 }.count)
        #expect(zip(s.nearDuplicates, s.nearDuplicates.dropFirst()).allSatisfy { $0.value >= $1.value })
    }
}

func occurrences(_ needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}
