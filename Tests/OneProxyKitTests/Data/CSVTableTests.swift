import Foundation
import Testing
@testable import OneProxyKit

@Suite struct CSVTableTests {
    func table(_ s: String) throws -> CSVTable { try CSVTable(bytes: Array(s.utf8), file: "t.csv") }

    @Test func quotedFieldsEscapesCommasAndNewlines() throws {
        let t = try table("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,2,3\n")
        #expect(t.header == ["a", "b", "c"])
        #expect(t.rowCount == 2)
        #expect(t.string(row: 0, column: 0) == "x, y")
        #expect(t.string(row: 0, column: 1) == "say \"hi\"")
        #expect(t.string(row: 0, column: 2) == "two\nlines")
        #expect(t.line(ofRow: 1) == 4)
        #expect(t.double(row: 1, column: 2) == 3)
    }

    @Test func crlfBomCommentsBlankLinesAndTrailingWhitespace() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("# a comment\r\n\r\nk , v \r\n  x ,1.5  \r\n# mid\r\n\r\n   \r\ny,2,\r\n\r\n  \n".utf8)
        let t = try CSVTable(bytes: bytes, file: "t.csv")
        #expect(t.header == ["k", "v"])
        #expect(t.rowCount == 2)
        #expect(t.string(row: 0, column: 0) == "x")
        #expect(t.double(row: 0, column: 1) == 1.5)
        #expect(t.string(row: 1, column: 0) == "y")
        #expect(t.line(ofRow: 1) == 8)
    }

    @Test func raggedRowTooManyFields() {
        let e = oneProxyError { _ = try table("a,b\n1,2\n3,4,5\n") }
        #expect(e == OneProxyError("ragged row: 3 fields, but the header has 2 columns", file: "t.csv", line: 3, column: 5))
        #expect(e?.description == "t.csv:3:5: ragged row: 3 fields, but the header has 2 columns")
    }

    @Test func raggedRowTooFewFields() {
        let e = oneProxyError { _ = try table("a,b,c\n1,2,3\r\n1,2\r\n") }
        #expect(e == OneProxyError("ragged row: 2 fields, but the header has 3 columns", file: "t.csv", line: 3, column: 4))
    }

    @Test func raggedRowAfterMultilineQuotedFieldCountsPhysicalLines() {
        // Line 3 is `y",1,2`: the extra field starts at column 6.
        let e = oneProxyError { _ = try table("k,v\n\"x\ny\",1,2\n") }
        #expect(e?.line == 3)
        #expect(e?.column == 6)
    }

    @Test func raggedRowColumnCountsCharactersNotBytes() {
        let e = oneProxyError { _ = try table("a,b\nü,é,x\n") }
        #expect(e?.line == 2)
        #expect(e?.column == 5)
    }

    @Test func unterminatedQuote() {
        let e = oneProxyError { _ = try table("a,b\n1,\"oops\n2,3\n") }
        #expect(e == OneProxyError("unterminated quoted field (no closing \")", file: "t.csv", line: 2, column: 3))
    }

    @Test func textAfterClosingQuote() {
        let e = oneProxyError { _ = try table("a,b\n\"x\"y,1\n") }
        #expect(e?.line == 2)
        #expect(e?.column == 4)
        #expect(e?.message.hasPrefix("unexpected text after a closing quote") == true)
    }

    @Test func emptyFiles() {
        for text in ["", "\n\n", "# only a comment\n", "\u{FEFF}"] {
            let e = oneProxyError { _ = try table(text) }
            #expect(e == OneProxyError("the file is empty (no header line)", file: "t.csv", line: 1, column: 1))
        }
    }

    @Test func numberParsingIsCorrectlyRounded() {
        // Against Swift's own correctly rounded Double(String), on shortest and 17-digit spellings.
        var rng = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "1e3", "1E-3", "+2.5", ".5", "5.", "123456789012345678901234567890", "0.000000000000000000001234",
                     "4.9e-324", "1.7976931348623157e308", "9007199254740993", "0.1", "6.126977205276489"]
        for _ in 0..<3000 {
            let x = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let y = Double.random(in: 0.001...1000, using: &rng)
            texts += [x.description, String(format: "%.17g", x), y.description, String(format: "%.6f", y)]
        }
        for s in texts {
            let t = try? table("v\n\(s)\n")
            #expect(t?.double(row: 0, column: 0)?.bitPattern == Double(s)?.bitPattern, "\(s)")
        }
        for s in ["nan", "NaN", "inf", "-", "1e", "1.2.3", "0x10", "1 2", "abc"] {
            #expect((try? table("v\n\(s)\n"))?.double(row: 0, column: 0) == nil, "\(s)")
        }
    }

    @Test func binaryDataIsNotARaggedRow() {
        let bytes: [UInt8] = Array("a_ms,b\n1,2\n".utf8) + [0x7F, 0x45, 0x00, 0x01]
        #expect(throws: OneProxyError("not a CSV text file (a NUL byte, as in binary data)", file: "x.bin", line: 3, column: 3)) {
            _ = try CSVTable(bytes: bytes, file: "x.bin")
        }
    }

    /// 70 columns (three groups of the parallel pass), 5000 rows (several pieces), some fields empty,
    /// quoted, padded or not numbers, one column asked twice: each column equals the numbers its
    /// fields' text gives (Swift's Double(String) on the trimmed text, NaN when empty).
    @Test func wideTablesParseEveryColumn() throws {
        var g = SeededGenerator(seed: 3)
        let w = 70, rows = 5000
        var text = (0..<w).map { "c\($0)" }.joined(separator: ",") + "\n"
        for r in 0..<rows {
            let fields = (0..<w).map { c -> String in
                let k = g.next() % 50
                let v = String(Double(g.next() % 1_000_000) / 1000 + Double(r))
                return k == 0 ? "" : k == 1 ? "x\(c)" : k == 2 ? " \(v) " : k == 3 ? "\"\(v)\"" : v
            }
            text += fields.joined(separator: ",") + (r % 2 == 0 ? "\n" : "\r\n")
        }
        let t = try table(text)
        let asked = Array(0..<w) + [5]
        let got = t.doubles(columns: asked)
        for (k, c) in asked.enumerated() {
            var bad = 0
            for r in 0..<rows {
                let s = t.string(row: r, column: c).trimmingCharacters(in: .whitespaces)
                let v = got[k].values[r]
                if s.isEmpty { #expect(v.isNaN) } else if let x = Double(s) { #expect(v == x, "\(s)") } else { #expect(v.isNaN); bad += 1 }
            }
            #expect(got[k].nonNumeric == bad)
        }
    }

    /// A quote-free file of several MB is checked in pieces: the rows, their lines (with comments,
    /// blank lines and CRLF between) and the first ragged row are those of the file, wherever the
    /// pieces were cut.
    @Test func largeFilesCheckedInPiecesKeepLinesAndErrors() throws {
        var text = "k,a_ms,b_ms\n"
        var lines: [Int] = []
        var line = 2
        for r in 0..<120_000 {
            if r % 1000 == 7 { text += "# comment \(r)\n"; line += 1 }
            if r % 1777 == 3 { text += "   \r\n"; line += 1 }
            text += "k\(r), \(r).25,\(r % 97)" + (r % 3 == 0 ? "\r\n" : "\n")
            lines.append(line); line += 1
        }
        let t = try table(text)
        #expect(t.rowCount == 120_000)
        for r in [0, 1, 999, 1000, 50_000, 119_999] { #expect(t.line(ofRow: r) == lines[r], "row \(r)") }
        #expect(t.doubles(columns: [1])[0].values[50_000] == 50_000.25)
        // Two ragged rows: the first one in the file is the error.
        var rows = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }  // by bytes: a CR LF is one Character
        let bad1 = lines[90_000] - 1, bad2 = lines[100_000] - 1
        rows[bad2] = "x,1"
        rows[bad1] = "y,1,2,3"
        #expect(throws: OneProxyError("ragged row: 4 fields, but the header has 3 columns", file: "t.csv", line: bad1 + 1, column: 7)) {
            _ = try table(rows.joined(separator: "\n"))
        }
        // Trailing empty fields beyond the width are dropped, also on the quick path.
        rows[bad1] = "y,1,2,,"
        rows[bad2] = "x,1,2"
        let ok = try table(rows.joined(separator: "\n"))
        #expect(ok.rowCount == 120_000 && ok.string(row: 90_000, column: 0) == "y")
    }
}
