import Foundation
import Testing
@testable import OneProxyKit

/// The loader's fast paths (row-major number parsing, one-pass NB201 keys, digit-list keys, the
/// short-number parser, the encoders' canonical-key paths) against the general routes they shortcut.
@Suite struct LoadFastPathTests {
    /// Bit-exact equality (NaN equals NaN), so missing values compare too.
    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    static func same(_ a: Dataset, _ b: Dataset) -> Bool {
        a.name == b.name && a.source == b.source && a.space == b.space && a.keyName == b.keyName && a.keys == b.keys
            && a.nb201Index == b.nb201Index && a.deviceNames == b.deviceNames
            && zip(a.devices, b.devices).allSatisfy { same($0.latencies, $1.latencies) }
            && a.accuracies.map(\.name) == b.accuracies.map(\.name)
            && zip(a.accuracies, b.accuracies).allSatisfy { same($0.values, $1.values) }
    }

    static let bundledFiles = [
        "nb201_oneproxy_latency.csv", "nb201_help_latency.csv", "fbnet_help_latency.csv", "ofa_help_latency.csv",
        "nb201_i7_brpnas_latency.csv", "nb201_accuracy.csv",
    ]

    @Test(arguments: bundledFiles)
    func fastAndGeneralLoadsAgree(file: String) throws {
        let t = try CSVTable(contentsOfFile: try BundledFiles.url(file).path, displayName: file)
        let (fast, fr) = try buildDataset(t, name: "x", source: file, unit: .ms, findNearDuplicates: false)
        let (slow, sr) = try buildDataset(t, name: "x", source: file, unit: .ms, findNearDuplicates: false, fastPaths: false)
        #expect(Self.same(fast, slow))
        #expect(fr.missing == sr.missing && fr.warnings == sr.warnings && fr.ignoredColumns == sr.ignoredColumns)
    }

    @Test(arguments: bundledFiles)
    func rowMajorNumbersMatchColumnByColumn(file: String) throws {
        let t = try CSVTable(contentsOfFile: try BundledFiles.url(file).path)
        let all = Array(0..<t.columnCount)
        for (c, v) in zip(all, t.doubles(columns: all)) {
            let one = t.doubles(column: c)
            #expect(Self.same(v.values, one.values) && v.nonNumeric == one.nonNumeric, "column \(c)")
        }
    }

    /// The one-pass route records its first non-numeric column's field bounds; `mapColumn` reads
    /// them instead of finding the field again, and must give every row the same field as the
    /// table's own `string(row:column:)`: with blanks around fields, CRLF, comments, blank lines,
    /// an empty field, extra empty fields at a row's end, and on the bundled files.
    @Test func recordedKeyBoundsGiveTheSameFields() throws {
        // (`arch_str` names a key column, which the pass does not read as numbers; readTable does
        // not check the keys themselves.)
        let texts = [
            "id,arch_str,x_ms,note\n1, a b ,2.5,n1\r\n2,\tb\t,3,n2\n# comment\n\n3,,4,\n4,d,5,n4,,\n  5,e ,6,n5\n",
            "arch_str,x_ms\nalpha  ,1\nbeta,2\n",
            "x_ms,y_ms,arch_str\n1,2,k1\t\n3,4,k2",
        ] + (try Self.bundledFiles.map { String(decoding: try Data(contentsOf: try BundledFiles.url($0)), as: UTF8.self) })
        for text in texts {
            let (t, _) = try readTable(bytes: Array(text.utf8), file: "t.csv")
            // Every one of these texts names a registered space's key column: its first is recorded.
            guard let rec = t.recordedField else { Issue.record("no recorded column: \(t.header)"); continue }
            #expect(["arch_str", "ArchitectureString", "op_idx_list", "ks"].contains(t.header[rec.column]))
            let viaBounds = try t.mapColumn(rec.column) { _, b, _ in String(decoding: b, as: UTF8.self) }
            let direct = (0..<t.rowCount).map { t.string(row: $0, column: rec.column) }
            let name = t.header[rec.column]
            #expect(viaBounds == direct, "\(name)")
        }
    }

    /// The one pass codes an arch string from its start and takes the code (and the field's end)
    /// only when a separator follows the canonical string; each row's recorded code must be
    /// `fastCodeID` of its whole trimmed field (-1 when there is none) and its bounds that field:
    /// canonical strings followed by a comma, CRLF, LF, the end of the text, blanks, or more text
    /// (`|...|x`, `|...|+|`), blanks before, a canonical prefix cut short, an empty field.
    @Test func recordedCodesAreThoseOfTheWholeFields() throws {
        let a = NB201.archString([1, 2, 3, 4, 0, 1]), b = NB201.archString([0, 0, 0, 0, 0, 0]), c = NB201.archString([4, 4, 4, 4, 4, 4])
        let fields = [a, b, c, "\(a) ", " \(b)", "\(a)x", "\(c)+|", String(a.dropLast()), "", "\t\(c)\t", "|none~0|", b]
        var g = SeededGenerator(seed: 41)
        for ending in ["\n", "\r\n"] {
            for archLast in [false, true] {
                var rows: [String] = []
                for f in fields {
                    let number = "\(g.index(below: 1000)).\(g.index(below: 100))"
                    rows.append(archLast ? "\(number),\(f)" : "\(f),\(number)")
                }
                // (The last row without a line end: the canonical string then ends the text.)
                let text = (archLast ? "x_ms,arch_str" : "arch_str,x_ms") + ending + rows.joined(separator: ending)
                let (t, _) = try readTable(bytes: Array(text.utf8), file: "t.csv")
                let rec = try #require(t.recordedField)
                let codes = try #require(rec.codes)
                #expect(codes.count == fields.count)
                for (r, f) in fields.enumerated() {
                    let trimmed = f.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                    let want = Array(trimmed.utf8).withUnsafeBufferPointer { NB201.fastCodeID($0) }.map(Int32.init) ?? -1
                    #expect(codes[r] == want, "row \(r) '\(f)' \(ending == "\n" ? "LF" : "CRLF") arch last: \(archLast)")
                    #expect(t.string(row: r, column: rec.column) == trimmed)
                    let s = Int(rec.bounds[2 * r]), e = Int(rec.bounds[2 * r + 1])
                    #expect(String(decoding: Array(text.utf8)[s..<e], as: UTF8.self) == trimmed, "row \(r)")
                }
            }
        }
    }

    @Test func rowMajorNumbersOnOddFields() throws {
        let t = try CSVTable(bytes: Array("a,b,c\n1,,x\n\"2.5\", -3 ,1e3\n".utf8), file: "t.csv")
        let v = t.doubles(columns: [2, 0, 1])
        #expect(Self.same(v[0].values, [.nan, 1000]) && v[0].nonNumeric == 1)
        #expect(Self.same(v[1].values, [1, 2.5]) && v[1].nonNumeric == 0)
        #expect(Self.same(v[2].values, [.nan, -3]) && v[2].nonNumeric == 0)
        #expect(t.doubles(columns: []).isEmpty)
    }

    /// The one pass's loop-free reader of `digits[.digits]` against its contract and strtod: on
    /// 200,000 random fields (0 to 9 digits each side, with or without a point, then a separator
    /// or another byte), it takes exactly those with at most 7 digits each side, at least one in
    /// all, directly followed by `,`, LF or CR, and gives strtod's value bit for bit.
    @Test func shortDecimalKeepsItsContract() {
        var g = SeededGenerator(seed: 29)
        let after: [UInt8] = Array(",\n\r".utf8) + Array("xe-.+ 5".utf8)
        var taken = 0
        for _ in 0..<200_000 {
            let k = g.index(below: 10), f = g.index(below: 10), point = g.index(below: 4) != 0
            var field: [UInt8] = (0..<k).map { _ in UInt8(0x30 + g.index(below: 10)) }
            if point { field.append(0x2E); field += (0..<f).map { _ in UInt8(0x30 + g.index(below: 10)) } }
            let next = after[g.index(below: after.count)]
            let bytes = field + [next] + [UInt8](repeating: 0x39, count: 16)
            let got = bytes.withUnsafeBufferPointer { shortDecimal($0.baseAddress!, 0) }
            let digitsAfter = point ? f : 0
            let inContract = k <= 7 && digitsAfter <= 7 && k + digitsAfter > 0 && [0x2C, 0x0A, 0x0D].contains(next)
            #expect((got != nil) == inContract, "\(String(decoding: field, as: UTF8.self)) then \(next)")
            if let (v, end) = got {
                taken += 1
                #expect(end == field.count)
                #expect(v.bitPattern == Double(String(decoding: field, as: UTF8.self))?.bitPattern, "\(String(decoding: field, as: UTF8.self))")
            }
        }
        #expect(taken > 30_000)
    }

    @Test func numberParserAcceptsTheDecimalSpellingsOnly() {
        // Swift's Double(String) (strtod) is the reference for what parses; it also takes spellings
        // the loader refuses (nan, inf, hex, a leading "."), and "1." and ".5" are taken by both.
        let cases = [
            "0", "-0", "0.000", ".5", "5.", "-.5", "10.7544", "007.50", "1e5", "+3", "-2.5E-3", "12345678901234567890",
            "1234567890123456789", "0.1234567890123456789", "9007199254740993", "9007199254740992", "0.30000000000000004",
            "123456789012345678.5", "1.", ".", "-", "", "abc", "1.2.3", "1-2", "nan", "inf", "0x10", "1e", "3.14159265358979",
            "1e+", "e5", "+", "-e1", "1 ", " 1", "1e5x", "1E-400", "-1e400", "0e999999",
        ]
        let refused: Set<String> = ["nan", "inf", "0x10", "", ".", "-", "+", "-e1", "e5", "1 ", " 1"]
        for c in cases {
            let b = Array(c.utf8)
            let mine = b.withUnsafeBufferPointer { parseDouble($0, 0, $0.count) }
            if refused.contains(c) { #expect(mine == nil, "\(c)"); continue }
            #expect(mine?.bitPattern == Double(c)?.bitPattern, "\(c)")
        }
    }

    @Test func fastArchParserAgreesWithParseOnTheWholeSpace() throws {
        for id in 0..<NB201.architectureCount {
            let s = NB201.archString(NB201.codes(codeID: id))
            let fast = Array(s.utf8).withUnsafeBufferPointer { NB201.fastCodeID($0) }
            let general = NB201.codeID(try NB201.parse(s))
            #expect(fast == id && general == id)
        }
        let a0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
        let broken = [
            "", "|", a0 + "x", String(a0.dropLast()), a0.replacingOccurrences(of: "~1|+", with: "~2|+"),
            a0.replacingOccurrences(of: "avg_pool_3x3", with: "avg_pool_3x4"), a0.replacingOccurrences(of: "+", with: "-"),
            a0.replacingOccurrences(of: "nor_conv_1x1~0|s", with: "nor_conv_1x1~0||s"), "|none~0|+|none~0|none~1|+|none~0|none~1|",
        ]
        for s in broken {
            #expect(Array(s.utf8).withUnsafeBufferPointer { NB201.fastCodeID($0) } == nil, "\(s)")
        }
    }

    /// Every one-byte change, deletion and insertion of 300 arch strings: the fast parser accepts a
    /// string only when it is exactly the canonical spelling of the id it returns.
    @Test func fastArchParserAcceptsOnlyCanonicalStrings() {
        var rng = SeededGenerator(seed: 23)
        let alphabet: [UInt8] = Array("|+~0123nonerskip_cavgx".utf8) + [0, 0xFF]
        var checked = 0
        for _ in 0..<300 {
            let id = Int(rng.next() % UInt64(NB201.architectureCount))
            let s = Array(NB201.archString(NB201.codes(codeID: id)).utf8)
            var variants: [[UInt8]] = []
            for i in s.indices {
                for c in alphabet where c != s[i] { var m = s; m[i] = c; variants.append(m) }
                var d = s; d.remove(at: i); variants.append(d)
                for c in alphabet { var m = s; m.insert(c, at: i); variants.append(m) }
            }
            for m in variants {
                let fast = m.withUnsafeBufferPointer { NB201.fastCodeID($0) }
                if let f = fast {
                    let canonical = Array(NB201.archString(NB201.codes(codeID: f)).utf8) == m
                    #expect(canonical, "accepted as \(f): \(String(decoding: m, as: UTF8.self))")
                }
                checked += 1
            }
        }
        #expect(checked > 300 * 95 * 20)
    }

    /// The vector check of a column against its scalar definition (x > 0 and x <= the bound, false
    /// for NaN), at every length to 40 and with one bad value at each position.
    @Test func allLatenciesAgreesWithItsDefinition() {
        let top = maximumLatencyMilliseconds
        let bad: [Double] = [0, -0.0, -1, .nan, .infinity, -.infinity, top.nextUp, top * 2]
        let good: [Double] = [1e-300, .leastNonzeroMagnitude, 0.5, 10.7544, top, top.nextDown]
        var rng = SeededGenerator(seed: 7)
        for n in 0...40 {
            let base = (0..<n).map { _ in good[Int(rng.next() % UInt64(good.count))] }
            #expect(base.withUnsafeBufferPointer { allLatencies($0) }, "n = \(n)")
            for k in 0..<n {
                for b in bad {
                    var v = base
                    v[k] = b
                    #expect(!v.withUnsafeBufferPointer { allLatencies($0) }, "n = \(n), \(b) at \(k)")
                }
            }
        }
    }

    /// A file holding every architecture in index order shares the table's key arrays; the same rows
    /// shuffled get the same key and index on every row.
    @Test func nb201KeysInIndexOrderAndShuffled() throws {
        let table = try NB201Table.shared()
        var rng = SeededGenerator(seed: 11)
        let order = Array(0..<NB201.architectureCount)
        for rows in [order, order.shuffled(using: &rng), Array(order.prefix(100).reversed())] {
            // The last variant spells one arch string's input digit `00`, which the general parse
            // takes and the one-pass route's code (`keyFieldCode`) does not: that file takes the
            // general route, with the same keys.
            for oddSpelling in [false, true] {
                var text = "nb201_index,arch_str,x_ms\n"
                for (r, i) in rows.enumerated() {
                    var arch = try table.archString(index: i)
                    if oddSpelling, r == rows.count / 2 { arch = arch.replacingOccurrences(of: "~0|", with: "~00|") }
                    text += "\(i),\(arch),\(r + 1)\n"
                }
                let (t, numbers) = try readTable(bytes: Array(text.utf8), file: "t.csv")
                let codes = try #require(t.recordedField?.codes)
                #expect(codes.contains(-1) == oddSpelling)
                #expect(zip(codes, rows).allSatisfy { $0 == -1 || Int($0) == table.codeID(ofIndex: $1) })
                var n = numbers
                let (d, _) = try buildDataset(t, name: "t", source: "t", unit: .ms, findNearDuplicates: false, numbers: &n)
                #expect(d.nb201Index == rows)
                #expect(d.keys == (try rows.map { try table.archString(index: $0) }))
                #expect(d.devices[0].latencies == rows.indices.map { Double($0 + 1) })
            }
        }
    }

    @Test func malformedArchGetsTheSameErrorOnBothRoutes() throws {
        let a0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
        let texts = [
            "x_ms,arch_str\n1,\(a0.replacingOccurrences(of: "skip_connect~2", with: "conv_9x9~2"))\n",
            "arch_str,x_ms\n\(a0.replacingOccurrences(of: "~1|+", with: "~0|+")),1\n",
            "arch_str,x_ms\n\(a0),1\n\(a0),2\n",
            "arch_str,x_ms\n\"\(a0) \",1\n|x|,2\n",
        ]
        for text in texts {
            let t = try CSVTable(bytes: Array(text.utf8), file: "t.csv")
            let fast = oneProxyError { _ = try buildDataset(t, name: "t", source: "t", unit: .ms, findNearDuplicates: true) }
            let slow = oneProxyError {
                _ = try buildDataset(t, name: "t", source: "t", unit: .ms, findNearDuplicates: true, fastPaths: false)
            }
            #expect(fast != nil && fast == slow, "\(text)")
        }
        // A valid but non-canonical spelling (`~00`) misses the fast parser and gets the canonical key.
        let odd = "arch_str,x_ms\n\(a0.replacingOccurrences(of: "avg_pool_3x3~0", with: "avg_pool_3x3~00")),1\n"
        let t = try CSVTable(bytes: Array(odd.utf8), file: "t.csv")
        let (d, _) = try buildDataset(t, name: "t", source: "t", unit: .ms, findNearDuplicates: false)
        #expect(d.keys == [a0] && d.nb201Index == [0])
    }

    @Test func encodingFastPathsMatchTheGeneralParse() throws {
        for name in ["help-fbnet", "help-ofa", "oneproxy-nb201"] {
            let d = try BundledDatasets.load(name)
            let m = try encodingMatrix(d)
            let w = m.cols
            for r in stride(from: 0, to: d.rowCount, by: 7) {
                var row = [Double](repeating: 0, count: w)[...]
                switch d.space {
                case .fbnet: FBNet.encode(codes: try FBNet.parse(d.keys[r]), into: &row)
                case .ofa: OFA.encode(try OFA.parse(key: d.keys[r]), into: &row)
                default: NB201.encode(codes: try NB201.parse(d.keys[r]), into: &row)
                }
                #expect(Array(m.storage[(r * w)..<((r + 1) * w)]) == Array(row), "\(name) row \(r)")
            }
        }
        // Non-canonical keys take the general parse, with its error.
        let f = Dataset(name: "f", source: "t", space: .fbnet, keyName: "op_idx_list", keys: ["0-9"], devices: [])
        #expect(oneProxyError { _ = try encodingMatrix(f) }?.message.contains("must be an integer 0...8") == true)
        let k = Array(repeating: "3", count: 20).joined(separator: "-")
        let o = Dataset(name: "o", source: "t", space: .ofa, keyName: "ks|e|d|r", keys: ["\(k)|\(k)|2-2-2-2-2|0224"], devices: [])
        let g = try encodingMatrix(o)
        #expect(g.storage[OFA.encodingWidth - 2] == 224)
        for bad in ["\(k)|\(k)|2-2-2-2-5|224", "\(k)|\(k)|2-2-2-2-2|0", "\(k)|\(k)|2-2-2-2-2"] {
            let x = Dataset(name: "o", source: "t", space: .ofa, keyName: "ks|e|d|r", keys: [bad], devices: [])
            #expect(oneProxyError { _ = try encodingMatrix(x) } != nil, "\(bad)")
        }
        let canonical = "\(k)|\(k)|2-2-2-2-2|224"
        let parsed = try OFA.parse(key: canonical)
        #expect(Array(canonical.utf8).withUnsafeBufferPointer { OFA.fastParse(key: $0) } == parsed)
        #expect(Array("\(k)|\(k)|2-2-2-2-2|0224".utf8).withUnsafeBufferPointer { OFA.fastParse(key: $0) } == nil)
        let z = Array(repeating: "8", count: 22).joined(separator: "-")
        let codes = try FBNet.parse(z)
        #expect(Array(z.utf8).withUnsafeBufferPointer { FBNet.fastCodes($0) } == codes)
        #expect(Array("0-9".utf8).withUnsafeBufferPointer { FBNet.fastCodes($0) } == nil)
    }
}
