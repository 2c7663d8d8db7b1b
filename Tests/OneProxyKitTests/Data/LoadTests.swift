import Foundation
import Testing
@testable import OneProxyKit

@Suite struct LoadTests {
    let a0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"  // index 0
    let a1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"  // index 1

    @Test func nb201ByArchGetsIndexAndByIndexGetsArch() throws {
        let (d, r) = try loadText("arch_str,gpu_ms\n\(a1),2\n\(a0),1\n")
        #expect(d.space == .nb201 && r.keyColumn == "arch_str")
        #expect(d.nb201Index == [1, 0])
        let (e, _) = try loadText("nb201_index,gpu_ms\n1,2\n0,1\n")
        #expect(e.keys == [a1, a0])
        #expect(e.keyName == "nb201_index")
    }

    @Test func unitsFromSuffixesAndOption() throws {
        let (d, r) = try loadText("nb201_index,a_s,b_us,c_ms,plain\n0,0.5,1500,2,3\n", unit: .s)
        #expect(d.deviceNames == ["a", "b", "c", "plain"])
        #expect(d.devices.map { $0.latencies[0] } == [500, 1.5, 2, 3000])
        #expect(r.units == [.s, .us, .ms, .s])
        #expect(r.warnings.contains("column 'plain' has no unit suffix: read as s"))
    }

    @Test func missingValuesAreCountedPerDevice() throws {
        let text = "nb201_index,x_ms,y_ms\n0,,1\n1,NA,1\n2,nan,1\n3,-1,1\n4,0,1\n5,inf,1\n6,7,1\n"
        let (d, r) = try loadText(text)
        #expect(r.missing == [6, 0])
        #expect(d.devices[0].missingCount == 6)
        #expect(r.warnings.contains("x: 6 of 7 missing"))
    }

    @Test func unknownArchitectureNamesLineAndColumn() {
        let bad = a0.replacingOccurrences(of: "skip_connect~2", with: "conv_9x9~2")
        let e = oneProxyError { _ = try loadText("x_ms,arch_str\n1,\(a1)\n2,\(bad)\n") }
        #expect(e?.file == "t.csv")
        #expect(e?.line == 3)
        // The bad operation starts at character 81 of the arch string, which starts at column 3.
        #expect(e?.column == 3 + 80)
        #expect(e?.message.hasPrefix("unknown NB201 architecture: unknown NB201 operation 'conv_9x9'") == true)
    }

    @Test func duplicateArchitectureNamesBothLines() {
        let e = oneProxyError { _ = try loadText("arch_str,x_ms\n\(a0),1\n# c\n\(a1),2\n\(a0),3\n") }
        #expect(e == OneProxyError("duplicate architecture (first on line 2)", file: "t.csv", line: 5, column: 1))
        let f = oneProxyError { _ = try loadText("op_idx_list,x_ms\n0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0,1\n0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0,1\n") }
        #expect(f?.line == 3)
    }

    @Test func indexDisagreeingWithArchIsAnError() {
        let e = oneProxyError { _ = try loadText("nb201_index,arch_str,x_ms\n1,\(a0),1\n") }
        #expect(e?.line == 2 && e?.column == 3)
        #expect(e?.message == "arch_str does not match nb201_index 1, which is \(a1)")
    }

    /// nb201_index is read in the one pass (its numbers reach readKeys); a value that is no index
    /// is named with its line and column, whether or not the arch string is there too.
    @Test func badIndexIsNamedWhereItIs() {
        for (text, value) in [
            ("nb201_index,arch_str,x_ms\n0,\(a0),1\n2.5,\(a1),2\n", "2.5"),
            ("nb201_index,x_ms\n0,1\n15625,2\n", "15625"),
            ("x_ms,nb201_index\n1,0\n2,abc\n", "abc"),
            ("nb201_index,x_ms\n0,1\n,2\n", ""),
        ] {
            let e = oneProxyError { _ = try loadText(text) }
            #expect(e?.message == "nb201_index '\(value)' is not an integer in 0...15624", "\(text)")
            #expect(e?.line == 3 && e?.column == (text.hasPrefix("x_ms") ? 3 : 1), "\(text)")
        }
    }

    @Test func noDeviceColumnsNoRowsAndRaggedRows() {
        #expect(oneProxyError { _ = try loadText("arch_str,comment\n\(a0),hello\n") }
            == OneProxyError("no device columns (latency columns end in _ms, _s or _us, or hold numbers)", file: "t.csv", line: 1, column: 1))
        #expect(oneProxyError { _ = try loadText("arch_str,x_ms\n") }
            == OneProxyError("the file has a header but no data rows", file: "t.csv", line: 2, column: 1))
        #expect(oneProxyError { _ = try loadText("") }?.message == "the file is empty (no header line)")
        let e = oneProxyError { _ = try loadText("nb201_index,x_ms\n0,1\n1,2,3\n") }
        #expect(e?.line == 3 && e?.column == 5)
    }

    @Test func badFBNetAndOFAKeysAreLocated() {
        let e = oneProxyError { _ = try loadText("op_idx_list,x_ms\n0-0-9-0,1\n") }
        #expect(e?.line == 2 && e?.column == 5)
        #expect(e?.message.contains("must be an integer 0...8") == true)
        let ks = Array(repeating: "3", count: 20).joined(separator: "-")
        let f = oneProxyError { _ = try loadText("ks,e,d,r,x_ms\n\(ks),\(ks),2-2-2-2-5,224,1\n") }
        // d starts at column 81 (ks and e are 39 characters each); its 5th entry at column 89.
        #expect(f?.line == 2)
        #expect(f?.column == 89)
    }

    @Test func customKeysAndIgnoredColumns() throws {
        let (d, r) = try loadText("row,model,note,lat\n0,a,x,1\n1,b,y,2\n")
        #expect(d.space == .custom && d.keys == ["a", "b"] && d.keyName == "model")
        #expect(d.deviceNames == ["lat"])
        #expect(r.ignoredColumns == ["row", "note"])
        #expect(throws: OneProxyError.self) { _ = try encodingMatrix(d) }
    }

    @Test func oneproxyFileAsUserFile() throws {
        let ref = try DataReference.load()
        let (d, r) = try loadUserCSV(path: try BundledFiles.url("nb201_oneproxy_latency.csv").path, name: "op")
        #expect(d.rowCount == 1999 && d.devices.count == 18)
        #expect(r.ignoredColumns == ["row"])
        let k = try #require(r.devices.firstIndex(of: "rice_edgetpu"))
        #expect(r.missing[k] == ref.oneproxy_edgetpu_missing)
        #expect(r.missing[k] == 259)
        #expect(r.warnings.contains("rice_edgetpu: 259 of 1999 missing"))
        let pair = try #require(r.nearDuplicates.first { $0.first == "eagle_gtx" && $0.second == "eagle_i7" })
        #expect(abs(pair.srcc - ref.srcc_eagle_gtx_i7) < 1e-12)
        #expect(r.warnings.contains { $0.hasPrefix("eagle_gtx and eagle_i7 rank the models almost identically") })
    }

    @Test func i7FileInItsOwnShape() throws {
        let ref = try DataReference.load()
        let (d, r) = try loadUserCSV(path: try BundledFiles.url("nb201_i7_brpnas_latency.csv").path, name: "i7")
        #expect(d.rowCount == ref.i7_rows && d.rowCount == 15284)
        #expect(d.space == .nb201 && d.deviceNames == ["i7_7820x"] && r.missing == [0])
        #expect(d.nb201Index?.first == 0 && d.keys[0] == a0)
    }

    @Test func fbnetAndOFAFilesAsUserFiles() throws {
        let (f, _) = try loadUserCSV(path: try BundledFiles.url("fbnet_help_latency.csv").path, name: "f")
        #expect(f.space == .fbnet && f.rowCount == 5000 && f.devices.count == 27 && f.keyName == "op_idx_list")
        let (o, _) = try loadUserCSV(path: try BundledFiles.url("ofa_help_latency.csv").path, name: "o")
        #expect(o.space == .ofa && o.rowCount == 5000 && o.devices.count == 12)
        #expect(o.keys[0] == "7-5-5-5-7-7-5-7-5-7-3-7-5-3-7-3-5-3-5-3|6-4-4-6-6-3-4-3-3-6-3-3-3-6-3-4-6-4-3-6|2-2-2-2-3|204")
    }
}
