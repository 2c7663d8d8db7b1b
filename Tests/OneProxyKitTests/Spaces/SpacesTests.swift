import Foundation
import Testing
@testable import OneProxyKit

@Suite struct SpacesTests {
    @Test func allNB201IndicesAndArchStringsAgreeAcrossFiles() throws {
        let ref = try DataReference.load()
        #expect(ref.help_vs_accuracy_agree == 15625)
        let table = try NB201Table.shared()  // built from nb201_accuracy.csv
        let help = try CSVTable(contentsOfFile: try BundledFiles.url("nb201_help_latency.csv").path)
        let ic = try #require(help.columnIndex("nb201_index")), ac = try #require(help.columnIndex("arch_str"))
        #expect(help.rowCount == 15625)
        var seen = Set<Int>()
        for r in 0..<help.rowCount {
            let idx = Int(try #require(help.double(row: r, column: ic)))
            let arch = help.string(row: r, column: ac)
            let codes = try NB201.parse(arch)
            #expect(NB201.archString(codes) == arch)
            #expect(NB201.codes(codeID: NB201.codeID(codes)) == codes)
            #expect(try table.archString(index: idx) == arch)
            #expect(try table.index(of: arch) == idx)
            seen.insert(NB201.codeID(codes))
        }
        #expect(seen.count == 15625)
    }

    @Test func wholeSpaceEncodingHasSevenOnesPerRow() throws {
        let all = try nb201AllArchitectures()
        #expect(all.rowCount == 15625 && all.nb201Index == Array(0..<15625))
        let m = try encodingMatrix(all)
        #expect(m.rows == 15625 && m.cols == 31)
        for i in 0..<m.rows {
            let row = m.row(i)
            #expect(row.reduce(0, +) == 7)
            #expect(row.allSatisfy { $0 == 0 || $0 == 1 })
            for g in 0..<6 { #expect(row[row.startIndex + 5 * g ..< row.startIndex + 5 * g + 5].reduce(0, +) == 1) }
        }
        #expect(try NB201.encoding(all.keys[0]) == Array(m.row(0)))
    }

    @Test func fbnetEncodingAgainstPython() throws {
        let ref = try DataReference.load()
        let d = try BundledDatasets.load("help-fbnet")
        let m = try encodingMatrix(d)
        #expect(m.cols == 199)
        for x in ref.fbnet_encodings {
            #expect(d.keys[x.row] == x.key)
            let nz = m.row(x.row).indices.filter { m.row(x.row)[$0] != 0 }.map { $0 - x.row * 199 }
            #expect(nz == x.nonzero)
        }
        for i in 0..<m.rows { #expect(m.row(i).reduce(0, +) == 23) }
    }

    @Test func ofaEncodingAgainstPython() throws {
        let ref = try DataReference.load()
        let d = try BundledDatasets.load("help-ofa")
        let m = try encodingMatrix(d)
        #expect(m.cols == 137)
        for x in ref.ofa_encodings {
            #expect(d.keys[x.row] == x.key)
            #expect(Array(m.row(x.row)) == x.encoding)
        }
        let a = try OFA.parse(key: d.keys[0])
        #expect(OFA.key(a) == d.keys[0])
        #expect(OFA.encoding(a).reduce(0, +) == Double(2 * a.d.reduce(0, +) + 5 + a.r + 1))
    }

    @Test func parseErrorsNameTheColumn() {
        #expect(oneProxyError { _ = try FBNet.parse("1-2-x") }?.column == 5)
        #expect(oneProxyError { _ = try FBNet.parse("1-2-3") }?.message == "an FBNet op_idx_list has 22 codes joined by '-', found 3")
        #expect(oneProxyError { _ = try OFA.parse(ks: "3", e: "3", d: "2", r: "224") }?.message == "OFA ks has 20 entries joined by '-', found 1")
        #expect(oneProxyError { _ = try NB201Table.shared().archString(index: 15625) } != nil)
        #expect(oneProxyError { _ = try NB201.parse("|none~0|+|none~0|none~1|+|none~0|none~1|") } != nil)
    }

    /// A bad OFA field in a CSV is located in its own column (the parser says which field failed).
    @Test func ofaCSVErrorsPointAtTheFieldAtFault() {
        let ks = Array(repeating: "3", count: 20).joined(separator: "-"), e = Array(repeating: "4", count: 20).joined(separator: "-")
        let badE = Array(repeating: "4", count: 19).joined(separator: "-") + "-5"
        func load(_ ks: String, _ e: String, _ d: String, _ r: String) -> OneProxyError? {
            oneProxyError { _ = try loadCSV(bytes: Array("row,ks,e,d,r,gpu_ms\n0,\(ks),\(e),\(d),\(r),1.5\n".utf8), file: "t.csv", name: "t") }
        }
        // Columns of line 2: "0," is 2 characters, so ks starts at column 3.
        let eStart = 3 + ks.count + 1, dStart = eStart + e.count + 1
        #expect(load(ks, badE, "2-2-2-2-2", "224")?.column == eStart + badE.count - 1)
        #expect(load(ks, e, "2-2-9-2-2", "224")?.column == dStart + 4)
        #expect(load(ks, e, "2-2-2-2-2", "0")?.column == dStart + 10)
        #expect(load(ks, e, "2-2-2-2-2", "0")?.line == 2)
    }
}
