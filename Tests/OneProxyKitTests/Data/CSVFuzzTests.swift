import Foundation
import Testing
@testable import OneProxyKit

/// Mutated CSV files through the loader: every case ends, quickly, in a dataset or in an error that
/// names the file and a line (never a crash or a hang).
///
/// `ONEPROXY_FUZZ_CASES` raises the number of cases and `ONEPROXY_FUZZ_SEED` changes the seed
/// (`scripts/fuzz.sh` runs a longer campaign).
@Suite("Fuzzing the CSV loader")
struct CSVFuzzTests {
    static var cases: Int { ProcessInfo.processInfo.environment["ONEPROXY_FUZZ_CASES"].flatMap(Int.init) ?? 300 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["ONEPROXY_FUZZ_SEED"].flatMap(UInt64.init) ?? 12 }

    /// A small valid file of each kind of key the loader detects.
    static let seeds: [String] = [
        "arch_str,pixel3_ms,gpu_ms,cifar10\n"
            + "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,3.5,1.25,93.1\n"
            + "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|,9.75,2.5,94.2\n"
            + "|none~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|none~2|,0.5,0.3,10.0\n",
        "key,a_ms,b_us,c\nm1,1.5,1500,3\nm2,2.5,\"2,500\",4\nm3,NaN,3500,-1\nm4,4.5,4500,\n",
        "ks,e,d,r,cpu_ms,gpu\n\"[3,5,7]\",\"[3,4,6]\",\"[2,3]\",224,12.5,1.5\n\"[5,5,5]\",\"[6,6,6]\",\"[4,4]\",192,20.0,2.0\n",
    ]

    /// Checks one input: it loads, or fails with a located error, within a time bound.
    func check(_ bytes: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        do {
            let (d, report) = try loadCSV(bytes: bytes, file: "fuzz.csv", name: "fuzz")
            #expect(d.rowCount == report.rows, sourceLocation: sourceLocation)
            for dev in d.devices { #expect(dev.latencies.count == d.rowCount, sourceLocation: sourceLocation) }
        } catch let e as OneProxyError {
            #expect(e.file == "fuzz.csv", "\(what): \(e)", sourceLocation: sourceLocation)
            #expect(!e.message.isEmpty, sourceLocation: sourceLocation)
            if let line = e.line {
                let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } + bytes.reduce(0) { $0 + ($1 == 0x0D ? 1 : 0) }
                #expect(line >= 1 && line <= lines + 1, "\(what): line \(line) of \(lines)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("\(what): unexpected error \(error)", sourceLocation: sourceLocation)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        #expect(seconds < 10, "\(what) took \(seconds) s", sourceLocation: sourceLocation)
    }

    static func mutate(_ input: [UInt8], _ g: inout SeededGenerator) -> ([UInt8], String) {
        var b = input
        let pos = b.isEmpty ? 0 : g.index(below: b.count)
        switch g.index(below: 12) {
        case 0: return (Array(b.prefix(pos)), "truncated at \(pos)")
        case 1: b.insert(0x22, at: pos); return (b, "stray quote at \(pos)")
        case 2: return ([0xEF, 0xBB, 0xBF] + b, "BOM")
        case 3: b.insert(contentsOf: Array("1e400".utf8), at: pos); return (b, "huge exponent at \(pos)")
        case 4: b.insert(contentsOf: Array(String(repeating: "9", count: 400).utf8), at: pos); return (b, "400 digits at \(pos)")
        case 5: b.insert(0, at: pos); return (b, "NUL at \(pos)")
        case 6: return (b.map { $0 == 0x0A ? 0x0D : $0 }, "CR-only line ends")
        case 7: if !b.isEmpty { b[pos] = UInt8(truncatingIfNeeded: g.next()) }; return (b, "byte flipped at \(pos)")
        case 8: if !b.isEmpty { b.remove(at: pos) }; return (b, "byte removed at \(pos)")
        case 9: b.insert(0x2C, at: pos); return (b, "comma at \(pos)")
        case 10: b.insert(contentsOf: [0xC3], at: pos); return (b, "broken UTF-8 at \(pos)")
        default:
            let lines = b.split(separator: 0x0A, omittingEmptySubsequences: false)
            let k = g.index(below: max(1, lines.count))
            return (Array(lines.flatMap { $0 + [0x0A] }) + Array(lines[min(k, lines.count - 1)]) + [0x0A], "line \(k) repeated")
        }
    }

    @Test func mutatedFilesLoadOrFailWithALocatedError() {
        var g = SeededGenerator(seed: Self.seed)
        for _ in 0..<Self.cases {
            var bytes = Array(Self.seeds[g.index(below: Self.seeds.count)].utf8)
            var what: [String] = []
            for _ in 0..<(g.index(below: 3) + 1) {
                let (m, w) = Self.mutate(bytes, &g)
                bytes = m
                what.append(w)
            }
            check(bytes, what.joined(separator: ", "))
        }
    }

    @Test func pathologicalFiles() {
        let header = Array("key,a_ms\n".utf8)
        check([], "empty")
        check([0xEF, 0xBB, 0xBF], "only a BOM")
        check(Array("\"".utf8), "one quote")
        check(Array("key,a_ms\r1,2\r3,4\r".utf8), "CR-only")
        check(header + Array("x,\(String(repeating: "1", count: 5000))\n".utf8), "a 5000-digit number")
        check(header + Array("x,1e308\ny,1e309\nz,-0\n".utf8), "huge and signed zero")
        // A 10 MB single line: one field, and many fields.
        check(Array(repeating: UInt8(ascii: "a"), count: 10_000_000), "10 MB single line, one field")
        var wide = Array("key".utf8)
        wide.reserveCapacity(10_000_100)
        while wide.count < 10_000_000 { wide += Array(",d\(wide.count)_ms".utf8) }
        check(wide + Array("\nx".utf8) + Array(repeating: UInt8(ascii: ","), count: 3), "10 MB header line, a short row")
        check(header + Array(repeating: UInt8(ascii: "7"), count: 10_000_000), "10 MB row without a newline")
    }

    @Test func aLargeLoadStopsWhenCancelled() throws {
        var text = "key,a_ms,b_ms\n"
        for i in 0..<200_000 { text += "m\(i),\(i % 97 + 1),\(i % 89 + 1)\n" }
        let cancelled = ComputeContext(cancellation: Cancellation { true })
        #expect(throws: CancellationError.self) { try loadCSV(bytes: Array(text.utf8), file: "big.csv", name: "big", context: cancelled) }
    }
}
