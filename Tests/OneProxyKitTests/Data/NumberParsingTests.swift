import Foundation
import Testing
@testable import OneProxyKit

/// The loader's number parser against independent references: Python's float() (a committed
/// fixture of hard strings) and the C library's strtod (random digit strings made here).
@Suite struct NumberParsingTests {
    @Test func hardStringsGiveTheBitsOfPythonsFloat() throws {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw OneProxyError("test fixtures missing from the bundle")
        }
        let text = try String(contentsOf: dir.appendingPathComponent("data/decimal_strings.csv"), encoding: .utf8)
        var checked = 0, wrong: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            let s = Array(parts[0].utf8)
            guard let expected = UInt64(parts[1], radix: 16) else { throw OneProxyError("bad fixture line \(line)") }
            let got = s.withUnsafeBufferPointer { parseDouble($0, 0, $0.count) }
            if got?.bitPattern != expected, wrong.count < 10 { wrong.append(String(parts[0])) }
            checked += 1
        }
        #expect(checked > 10_000)
        #expect(wrong.isEmpty, "\(wrong)")
    }

    /// Random strings of 1-22 digits, a point anywhere or none, an exponent or none: bit for bit
    /// strtod (200,000 strings; ONEPROXY_HEAVY=1: 3,000,000), plus 17-digit spellings of random
    /// doubles read back to the same double.
    @Test func randomDigitStringsMatchStrtod() {
        let count = ProcessInfo.processInfo.environment["ONEPROXY_HEAVY"] == "1" ? 3_000_000 : 200_000
        var g = SeededGenerator(seed: 7)
        var buf = [UInt8](repeating: 0, count: 64)
        var mismatches: [String] = []
        for k in 0..<count {
            var n = 0
            if g.next() & 3 == 0 { buf[n] = 0x2D; n += 1 }
            let digits = 1 + Int(g.next() % 22)
            let point = Int(g.next() % UInt64(digits + 2))  // digits + 1: no point
            // A few leading zeros now and then, as in 0.000123.
            let zeros = g.next() % 4 == 0 ? Int(g.next() % 6) : 0
            for _ in 0..<zeros { buf[n] = 0x30; n += 1 }
            for d in 0..<digits {
                if d == point { buf[n] = 0x2E; n += 1 }
                buf[n] = 0x30 + UInt8(g.next() % 10); n += 1
            }
            if point == digits { buf[n] = 0x2E; n += 1 }
            if g.next() % 3 != 0 {
                buf[n] = g.next() & 1 == 0 ? 0x65 : 0x45; n += 1
                let e = Int(g.next() % 700) - 350
                for c in String(e).utf8 { buf[n] = c; n += 1 }
            }
            buf[n] = 0
            let (mine, reference) = buf.withUnsafeBufferPointer { p -> (Double?, Double) in
                let r = p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: n + 1) { strtod($0, nil) }
                return (parseDouble(p, 0, n), r)
            }
            if mine?.bitPattern != reference.bitPattern, mismatches.count < 10 {
                mismatches.append(String(decoding: buf[0..<n], as: UTF8.self) + " #\(k)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")

        for _ in 0..<20_000 {
            let x = Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF)
            for s in [String(format: "%.17g", x), x.description] {
                let b = Array(s.utf8)
                #expect(b.withUnsafeBufferPointer { parseDouble($0, 0, $0.count) } == x, "\(s)")
            }
        }
    }
}
