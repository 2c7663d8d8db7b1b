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
}
