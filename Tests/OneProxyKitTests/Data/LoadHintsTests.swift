import Foundation
import Testing
@testable import OneProxyKit

/// Input hints: a unit inside the values, a unit-suffixed column with units inside, and custom keys
/// that are in fact a known space's.
@Suite("load hints")
struct LoadHintsTests {
    let keys: [String] = { (try? BundledDatasets.load("oneproxy-nb201").keys.prefix(20).map { $0 }) ?? [] }()

    func csv(_ header: String, _ value: (Int) -> String) -> [UInt8] {
        Array((header + "\n" + keys.enumerated().map { "\($0.element),\(value($0.offset))" }.joined(separator: "\n") + "\n").utf8)
    }

    @Test func aUnitInsideTheValuesOfAnUnsuffixedColumnIsNamed() {
        let e = oneProxyError { _ = try loadCSV(bytes: csv("arch_str,myphone") { "\(10 + $0)ms" }, file: "a.csv", name: "a") }
        #expect(e?.message == "no device columns (latency columns end in _ms, _s or _us, or hold numbers); column 'myphone' holds values such as '10ms': a unit inside the value: write 10 and name the column myphone_ms")
    }

    @Test func aSuffixedColumnWithUnitsInsideSaysSoAtLoad() throws {
        let (d, report) = try loadCSV(bytes: csv("arch_str,myphone_ms") { "\(10 + $0)ms" }, file: "b.csv", name: "b")
        let allMissing = d.devices[0].latencies.allSatisfy { $0.isNaN }
        #expect(allMissing)
        let all = report.warnings.joined(separator: "\n")
        #expect(all.contains("myphone: 20 of 20 missing"))
        #expect(all.contains("line 2 '10ms' (a unit inside the value: write 10 alone (the column's _ms says the unit))"), "\(all)")
    }

    @Test func customKeysThatAreNB201SayWhichColumnName() throws {
        let (c, report) = try loadCSV(bytes: csv("arch,myphone_ms") { "\(10 + $0)" }, file: "c.csv", name: "c")
        #expect(c.space == .custom)
        #expect(report.warnings.contains("the key column 'arch' holds nb201 architectures: name it arch_str to load them as such (merge, fit and search need it); read as custom keys"))
        let d = try BundledDatasets.load("oneproxy-nb201")
        let e = oneProxyError { _ = try merge(d, c) }
        #expect(e?.message.hasSuffix("c's key column 'arch' holds nb201 architectures: name it arch_str in the CSV and load it again") == true, "\(e?.message ?? "")")
        // Names that are no architecture keep the plain error.
        let (n, r2) = try loadCSV(bytes: Array("arch,myphone_ms\nfoo,1\nbar,2\n".utf8), file: "n.csv", name: "n")
        let hinted = r2.warnings.contains { $0.contains("holds") }
        #expect(!hinted)
        #expect(oneProxyError { _ = try merge(d, n) }?.message.hasSuffix("different spaces") == true)
    }

    /// Past `nearDuplicateCheckLimit` devices the quadratic near-duplicate check is skipped and said
    /// so (200 x 20,000 columns aborted allocating 8 GB before).
    @Test func theNearDuplicateCheckIsBounded() throws {
        let n = nearDuplicateCheckLimit + 1
        let header = "arch_str," + (0..<n).map { "d\($0)_ms" }.joined(separator: ",")
        // Every device a copy of the first: all pairs would be near-duplicates if checked.
        let body = keys.prefix(10).enumerated().map { r, k in k + "," + Array(repeating: "\(r + 1)", count: n).joined(separator: ",") }.joined(separator: "\n")
        let (d, report) = try loadCSV(bytes: Array((header + "\n" + body + "\n").utf8), file: "w.csv", name: "w")
        #expect(d.devices.count == n && report.nearDuplicates.isEmpty)
        #expect(report.warnings.contains { $0.hasPrefix("\(n) devices: the near-duplicate check") })
        // At the limit it still runs.
        let m = nearDuplicateCheckLimit
        let header2 = "arch_str," + (0..<m).map { "d\($0)_ms" }.joined(separator: ",")
        let body2 = keys.prefix(10).enumerated().map { r, k in k + "," + Array(repeating: "\(r + 1)", count: m).joined(separator: ",") }.joined(separator: "\n")
        let (_, report2) = try loadCSV(bytes: Array((header2 + "\n" + body2 + "\n").utf8), file: "w2.csv", name: "w2")
        #expect(report2.nearDuplicates.count == m * (m - 1) / 2)
    }

    /// The load's screened check returns the full check's pairs, values and counts (help-nb201: 15625
    /// rows, many near-duplicates; help-fbnet, help-ofa: 5000 rows; one with missing values).
    @Test func theScreenedNearDuplicateCheckEqualsTheFullOne() throws {
        for name in ["help-nb201", "help-fbnet", "help-ofa"] {
            var d = try BundledDatasets.load(name)
            #expect(try nearDuplicateDevicesScreened(d, context: .none) == nearDuplicateDevices(d), "\(name)")
            // Every 7th value of the first three devices missing.
            for k in 0..<3 { for r in stride(from: k, to: d.rowCount, by: 7) { d.devices[k].latencies[r] = .nan } }
            #expect(try nearDuplicateDevicesScreened(d, context: .none) == nearDuplicateDevices(d), "\(name), missing")
        }
    }

    /// The candidates' exact pass with `atLeast`: a pair dropped early is below the threshold in the
    /// full computation, and every other pair's value is the full computation's bit for bit; on 40
    /// columns of 3000 rows whose pairwise SRCC spreads across 0.995 (a shared signal plus noise of
    /// many sizes).
    @Test func earlyRejectionOnlyDropsPairsBelowTheThreshold() throws {
        var g = SeededGenerator(seed: 31)
        let signal = (0..<3000).map { _ in Double(g.next() % 1_000_000) }
        let columns = (0..<40).map { k in signal.map { $0 + Double(g.next() % 1000) * Double(k * k) } }
        var pairs: [(Int, Int)] = []
        for i in 0..<40 { for j in (i + 1)..<40 { pairs.append((i, j)) } }
        let full = try pairCorrelations(columns: columns, pairs: pairs, method: .spearman, context: .none)
        let early = try pairCorrelations(columns: columns, pairs: pairs, method: .spearman, atLeast: 0.995, context: .none)
        var above = 0, dropped = 0
        for (f, e) in zip(full, early) {
            if let v = f.value, v >= 0.995 { above += 1; #expect(e.value?.bitPattern == v.bitPattern) }
            if e.value == nil { dropped += 1; #expect((f.value ?? -1) < 0.995) } else { #expect(e.value?.bitPattern == f.value?.bitPattern) }
        }
        // Both kinds occur, so the test says something.
        #expect(above >= 5 && dropped >= 5, "\(above) above, \(dropped) dropped")
    }

    /// The duplicate-key check finds the first repeated row and its first occurrence, as a brute-force
    /// scan with `==` does; canonically equivalent non-ASCII keys count as equal.
    @Test func firstRepeatMatchesBruteForce() throws {
        var g = SeededGenerator(seed: 5)
        for trial in 0..<200 {
            let n = 1 + Int(g.next() % 300)
            let keys = (0..<n).map { _ in "k\(g.next() % UInt64(trial < 100 ? 100_000 : 400))" }
            var expected: (Int, Int)? = nil
            search: for r in 0..<n { for f in 0..<r where keys[f] == keys[r] { expected = (f, r); break search } }
            // One table, or the keys split by hash over 2 or 3 (as from 65,536 keys on).
            for parts in [1, 2, 3] {
                let got = try firstRepeat(keys, partitions: parts)
                #expect(got?.first == expected?.0 && got?.again == expected?.1, "\(parts) partitions")
            }
        }
        #expect(try firstRepeat(["a", "caf\u{E9}", "b", "cafe\u{301}"])! == (1, 3))
        #expect(try firstRepeat(["a", "b", "c"]) == nil)
    }
}
