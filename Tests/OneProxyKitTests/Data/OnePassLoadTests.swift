import Foundation
import Testing
@testable import OneProxyKit

/// The one-pass route (records checked and numbers read in one walk, for quote-free text) against
/// the two-pass route it replaces (`CSVTable(bytes:)`, then `buildDataset` reading the numbers):
/// on mutated files of several pieces, both give the same dataset and report bit for bit, or the
/// same error at the same line and column.
@Suite struct OnePassLoadTests {
    enum Outcome: Equatable {
        case loaded(String)
        case failed(String)
    }

    /// A dataset and report rendered exactly (every latency's bits), or the error's full text.
    static func outcome(_ body: () throws -> (Dataset, LoadReport)) -> Outcome {
        do {
            let (d, r) = try body()
            var s = "\(d.space) \(d.keyName) \(d.keys) \(d.nb201Index ?? []) \(r)\n"
            for dev in d.devices + d.accuracies.map({ Device(name: "acc:" + $0.name, latencies: $0.values) }) {
                s += dev.name + ":" + dev.latencies.map { String($0.bitPattern, radix: 16) }.joined(separator: ",") + "\n"
            }
            return .loaded(s)
        } catch let e as OneProxyError {
            return .failed("\(e.file ?? "-"):\(e.line ?? 0):\(e.column ?? 0): \(e.message)")
        } catch {
            return .failed("\(error)")
        }
    }

    static func onePass(_ bytes: [UInt8]) -> Outcome {
        outcome { try loadCSV(bytes: bytes, file: "f.csv", name: "f") }
    }

    static func twoPass(_ bytes: [UInt8]) -> Outcome {
        outcome {
            let t = try CSVTable(bytes: bytes, file: "f.csv")
            return try buildDataset(t, name: "f", source: "f.csv", unit: .ms, findNearDuplicates: true)
        }
    }

    /// The table's rows (where each starts, its line) by either route, or the error.
    static func rows(_ bytes: [UInt8], onePass: Bool) -> String {
        do {
            var numbers: [Int: CSVTable.ColumnNumbers] = [:]
            let t = onePass
                ? try CSVTable(bytes: bytes, file: "f.csv", context: .none, numbersFor: plannedNumberColumns, numbers: &numbers)
                : try CSVTable(bytes: bytes, file: "f.csv")
            return "\(t.header) \(t.rowStarts) \(t.rowLines)"
        } catch {
            return "\(error)"
        }
    }

    /// Whether `loadCSV` took the one-pass route on these bytes (the scan returned its numbers).
    static func tookOnePass(_ bytes: [UInt8]) -> Bool {
        (try? bytes.withUnsafeBufferPointer { b in
            try CSVTable.scan(b, file: "f.csv", numbersFor: plannedNumberColumns).numbers.isEmpty == false
        }) ?? false
    }

    /// A file of `rows` rows: custom keys or NB201 arch strings, `devices` latency columns with
    /// values of 1 to 9 digits around a point, and LF or CRLF line ends.
    static func file(rows: Int, devices: Int, nb201: Bool, crlf: Bool, _ g: inout SeededGenerator) -> [String] {
        let end = crlf ? "\r" : ""
        var lines = [(nb201 ? "arch_str" : "key") + "," + (0..<devices).map { "d\($0)_ms" }.joined(separator: ",") + end]
        for r in 0..<rows {
            let key = nb201 ? NB201.archString(NB201.codes(codeID: r % NB201.architectureCount)) : "m\(r)"
            var fields = [key]
            for _ in 0..<devices {
                let whole = g.index(below: 4) == 0 ? String(g.index(below: 100_000_000)) : String(g.index(below: 100))
                let frac = g.index(below: 5) == 0 ? "" : "." + String(String(g.next()).prefix(1 + g.index(below: 9)))
                fields.append(whole + frac)
            }
            lines.append(fields.joined(separator: ",") + end)
        }
        return lines
    }

    /// One mutation of the lines: a short row, a long row, empty extra fields, blank and comment
    /// lines, padded, empty, signed, exponent and non-numeric values, a lone CR, a quote.
    static func mutate(_ lines: inout [String], _ g: inout SeededGenerator) -> String {
        let r = 1 + g.index(below: lines.count - 1)
        var fields = lines[r].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let c = 1 + g.index(below: fields.count - 1)
        let kind = g.index(below: 13)
        switch kind {
        case 0: fields.remove(at: c)
        case 1: fields.append("7")
        case 2: fields[fields.count - 1] += ","
        case 3: lines.insert(g.index(below: 2) == 0 ? "" : "  \t", at: r); return "blank line at \(r)"
        case 4: lines.insert("# a comment, with commas", at: r); return "comment at \(r)"
        case 5: fields[c] = " " + fields[c] + " "
        case 6: fields[c] = ""
        case 7: fields[c] = "-" + fields[c]
        case 8: fields[c] += "e-3"
        case 9: fields[c] = "n/a"
        case 10: fields[c] = "12345678901234567890.5"
        case 11: fields[c] += "\rx"
        default: fields[c] = "\"" + fields[c] + "\""
        }
        lines[r] = fields.joined(separator: ",")
        return "mutation \(kind) at line \(r + 1), field \(c + 1)"
    }

    @Test func bothRoutesAgreeOnMutatedFiles() {
        var g = SeededGenerator(seed: 23)
        var onePass = 0
        for k in 0..<60 {
            // Every fourth file spans several pieces (a piece is about 256 KB of text).
            let rows = k % 4 == 0 ? 9000 + g.index(below: 3000) : 20 + g.index(below: 200)
            var lines = Self.file(rows: rows, devices: 1 + g.index(below: 12), nb201: k % 3 == 0, crlf: k % 5 == 1, &g)
            var what: [String] = []
            for _ in 0..<g.index(below: 4) { what.append(Self.mutate(&lines, &g)) }
            let text = lines.joined(separator: "\n") + (g.index(below: 4) == 0 ? "" : "\n")
            let bytes = Array(text.utf8)
            if Self.tookOnePass(bytes) { onePass += 1 }
            #expect(Self.onePass(bytes) == Self.twoPass(bytes), "file \(k): \(what)")
            #expect(Self.rows(bytes, onePass: true) == Self.rows(bytes, onePass: false), "file \(k): \(what)")
        }
        // Most files take the one-pass route; quotes and lone CRs send the rest to two passes.
        #expect(onePass >= 30, "\(onePass) of 60 took the one-pass route")
    }

    @Test func bundledFilesTakeTheOnePassRouteAndAgree() throws {
        for file in LoadFastPathTests.bundledFiles {
            let bytes = try #require(CSVTable.readFile(try BundledFiles.url(file).path))
            #expect(Self.tookOnePass(bytes), "\(file)")
            #expect(Self.onePass(bytes) == Self.twoPass(bytes), "\(file)")
        }
    }

    /// A memory-mapped text loads to the same dataset and report as the bytes in memory, its pages
    /// given back after each pass read the same afterwards, and its digest is the bytes'.
    @Test func mappedTextLoadsAsTheBytes() throws {
        let path = try BundledFiles.url("nb201_help_latency.csv").path
        let bytes = try #require(CSVTable.readFile(path))
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        let text = try CSVText(mapping: fd, size: bytes.count)
        #expect(text.isMapped && text.count == bytes.count)
        #expect(Self.outcome { try loadCSV(text: text, file: "f.csv", name: "f") } == Self.onePass(bytes))
        // Every page was given back by the passes; reading them again reads the file.
        text.release(0..<text.count)
        #expect(text.withUnsafeBufferPointer { Array($0) } == bytes)
        #expect(try sha256Hex(text, cancellation: .never) == sha256Hex(bytes))
    }

    /// The first look at a text (first NUL; any quote from a point on), found by chunks in
    /// parallel, against a scan of every byte: quotes and NULs on both sides of chunk boundaries.
    @Test func textFactsMatchAScanOfEveryByte() {
        var g = SeededGenerator(seed: 9)
        for k in 0..<12 {
            // Below 1 MB (one chunk), 1 to 4 MB (a chunk a core) and 8 to 12 MB (4 MB chunks or less).
            let size = [g.index(below: 1 << 20), (1 << 20) + g.index(below: 3 << 20), (8 << 20) + g.index(below: 4 << 20)][k % 3]
            var bytes = [UInt8](repeating: 0x61, count: max(1, size))
            for _ in 0..<g.index(below: 4) { bytes[g.index(below: bytes.count)] = 0x22 }
            if g.index(below: 2) == 0 { bytes[g.index(below: bytes.count)] = 0 }
            bytes.withUnsafeBufferPointer { b in
                let facts = TextFacts(b)
                let chunk = facts.chunk
                #expect(chunk <= 4 << 20 && (bytes.count + chunk - 1) / chunk >= (bytes.count < 1 << 20 ? 1 : activeCores))
                #expect(facts.firstNUL == bytes.firstIndex(of: 0))
                for from in [0, chunk - 1, chunk, chunk + 1, g.index(below: bytes.count), bytes.count - 1] where from >= 0 && from < bytes.count {
                    #expect(facts.hasQuote(b, from: from) == bytes[from...].contains(0x22), "from \(from)")
                }
            }
        }
    }

    /// The numbers the one pass reads equal `doubles(columns:)` on the same table, column by column.
    @Test func onePassNumbersEqualTheColumnReader() throws {
        let bytes = try #require(CSVTable.readFile(try BundledFiles.url("nb201_help_latency.csv").path))
        var numbers: [Int: CSVTable.ColumnNumbers] = [:]
        let t = try CSVTable(bytes: bytes, file: "h.csv", context: .none, numbersFor: { Array(2..<$0.count) }, numbers: &numbers)
        #expect(numbers.count == t.columnCount - 2)
        for (c, v) in numbers {
            let one = t.doubles(column: c)
            #expect(LoadFastPathTests.same(v.values, one.values) && v.nonNumeric == one.nonNumeric, "column \(c)")
        }
    }
}
