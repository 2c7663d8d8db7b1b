import Foundation
import Testing
@testable import OneProxyKit

@Suite struct BundledDatasetTests {
    @Test func catalogMatchesTheLoadedData() throws {
        for info in BundledDatasets.catalog {
            let d = try BundledDatasets.load(info.name)
            #expect(d.rowCount == info.rows, "\(info.name)")
            #expect(d.devices.count == info.devices, "\(info.name)")
            #expect(d.space == info.space)
            #expect(d.source == "bundled:\(info.name)")
            #expect(d.accuracies.map(\.name) == (info.space == .nb201 ? ["cifar10", "cifar100", "imagenet16"] : []))
        }
    }

    @Test func deviceNamesAndJoinedAccuracies() throws {
        let ref = try DataReference.load()
        let op = try BundledDatasets.load("oneproxy-nb201")
        #expect(op.device(named: "true_vpu") != nil && op.device(named: "eagle_gtx") != nil && op.device(named: "rice_pixel3") != nil)
        #expect(op.nb201Index?.prefix(2) == [910, 16])
        for r in 0..<5 {
            for (k, name) in ["cifar10", "cifar100", "imagenet16"].enumerated() {
                #expect(op.accuracy(named: name)?.values[r] == ref.oneproxy_first_accuracies[r][k])
            }
        }
        let f = try BundledDatasets.load("help-fbnet")
        #expect(f.device(named: "1080ti_32") != nil)
    }

    @Test func unknownNameSuggestsNearest() {
        let e = oneProxyError { _ = try BundledDatasets.load("help-nb20") }
        #expect(e?.message == "unknown dataset 'help-nb20'; did you mean 'help-nb201'? (bundled: oneproxy-nb201, help-nb201, help-fbnet, help-ofa)")
        #expect(editDistance("kitten", "sitting") == 3)
    }
}

@Suite struct MergeExportSummaryTests {
    @Test func exportThenLoadIsIdentical() throws {
        var sets = try BundledDatasets.catalog.map { try BundledDatasets.load($0.name) }
        sets.append(try loadUserCSV(path: try BundledFiles.url("nb201_i7_brpnas_latency.csv").path, name: "i7").0)
        sets.append(try loadText("model,lat_ms\n\"a, \"\"b\"\"\",1e-300\n#x,2\n").0)
        for d in sets {
            let text = exportCSV(d)
            let (back, _) = try loadCSV(bytes: Array(text.utf8), file: "export.csv", name: d.name)
            #expect(sameContent(d, back), "\(d.name)")
            #expect(exportCSV(back) == text)
        }
    }

    @Test func mergeCountsAgainstPython() throws {
        let ref = try DataReference.load()
        let op = try BundledDatasets.load("oneproxy-nb201")
        let help = try BundledDatasets.load("help-nb201")
        let i7 = try loadUserCSV(path: try BundledFiles.url("nb201_i7_brpnas_latency.csv").path, name: "i7").0
        let (m, report) = try merge(op, help, how: .inner)
        let n = report.matched
        #expect(n == ref.merge_oneproxy_help && m.rowCount == n && m.keys == op.keys)
        #expect(m.devices.count == 18 + 27)
        #expect(m.accuracies.count == 3)  // identical accuracies are kept once
        // SOURCES.md: HELP's pixel3 equals the OneProxy file's rice_pixel3 on the shared models.
        let p = try #require(m.device(named: "pixel3")), q = try #require(m.device(named: "rice_pixel3"))
        #expect(zip(p.latencies, q.latencies).allSatisfy { abs($0 - $1) <= 1e-6 * abs($1) })
        #expect(try merge(i7, op, how: .inner).1.matched == ref.merge_i7_oneproxy)
        #expect(try merge(help, i7, how: .inner).1.matched == ref.merge_help_i7)
        // A left join keeps every row of the first and counts the same matches.
        let (left, leftReport) = try merge(help, i7)
        #expect(leftReport.matched == ref.merge_help_i7 && leftReport.rows == help.rowCount && left.keys == help.keys)
    }

    @Test func mergeNameClashes() throws {
        let op = try BundledDatasets.load("oneproxy-nb201")
        let (same, sameReport) = try merge(op, op)
        #expect(sameReport.matched == 1999 && same.deviceNames == op.deviceNames)
        #expect(sameReport.dropped == op.deviceNames + op.accuracies.map(\.name))
        var other = op
        other.devices[0].latencies = other.devices[0].latencies.map { $0 * 2 }
        let (m, report) = try merge(op, other)
        #expect(m.deviceNames == op.deviceNames + ["eagle_cpu_855_2"])
        #expect(report.renamed.map(\.0) == ["eagle_cpu_855"] && report.renamed.map(\.1) == ["eagle_cpu_855_2"])
        #expect(m.devices.last?.latencies[0] == 2 * op.devices[0].latencies[0])
        #expect(throws: OneProxyError.self) { _ = try merge(op, try BundledDatasets.load("help-fbnet")) }
    }

    /// A new device measured on 5 architectures joins by a left join: 1999 rows, 5 measured,
    /// every other device intact; an inner join keeps the 5.
    @Test func leftJoinOfANewDevicesFewRows() throws {
        let op = try BundledDatasets.load("oneproxy-nb201")
        let rows = [3, 70, 500, 1200, 1998]
        let newDevice = Dataset(name: "mine", source: "test", space: .nb201, keyName: "arch_str", keys: rows.reversed().map { op.keys[$0] },
                                devices: [Device(name: "new", latencies: rows.reversed().map { Double($0) + 0.5 })])
        let (m, report) = try merge(op, newDevice)
        #expect(report.matched == 5 && report.rows == 1999 && m.keys == op.keys && m.nb201Index == op.nb201Index)
        let new = try #require(m.device(named: "new"))
        #expect(new.missingCount == 1994)
        #expect(rows.allSatisfy { new.latencies[$0] == Double($0) + 0.5 })
        // (NaN-aware: rice_edgetpu misses 259 rows.)
        #expect(zip(m.devices.prefix(18), op.devices).allSatisfy { a, b in
            a.name == b.name && zip(a.latencies, b.latencies).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        })
        let (inner, innerReport) = try merge(op, newDevice, how: .inner)
        #expect(innerReport.matched == 5 && inner.rowCount == 5 && inner.keys == rows.map { op.keys[$0] })
    }

    @Test func deviceSummariesAgainstNumpy() throws {
        let ref = try DataReference.load()
        for (name, expected) in [("oneproxy-nb201", ref.summaries_oneproxy_nb201), ("help-fbnet", ref.summaries_help_fbnet)] {
            let s = summarizeDevices(try BundledDatasets.load(name))
            #expect(s.count == expected.count)
            for x in s {
                let e = try #require(expected[x.name])
                #expect(x.count == e.count && x.missing == e.missing && x.distinct == e.distinct, "\(x.name)")
                // Same parsed doubles, same arithmetic: agreement to 1e-12 relative.
                for (a, b) in [(x.min, e.min), (x.median, e.median), (x.max, e.max)] {
                    #expect(abs((a ?? .nan) - b) <= 1e-12 * abs(b), "\(x.name)")
                }
            }
        }
    }

    @Test func nearDuplicatesInOneproxy() throws {
        let pairs = nearDuplicateDevices(try BundledDatasets.load("oneproxy-nb201"))
        #expect(pairs.contains { $0.first == "eagle_gtx" && $0.second == "eagle_i7" && $0.n == 1999 })
        #expect(pairs.allSatisfy { $0.srcc >= 0.995 })
    }
}
