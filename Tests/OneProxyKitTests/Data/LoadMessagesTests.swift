import Foundation
@testable import OneProxyKit
import Testing

/// What the loader says about values that are no latency, columns in the wrong unit, and files
/// separated by something other than commas.
@Suite("CSV loader messages")
struct LoadMessagesTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-msg-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    let archs = ["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                 "|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|none~2|", "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"]

    @Test func badValuesAreNamedWithTheirLine() throws {
        let path = try write("arch_str,a_ms\n\(archs[0]),6.5ms\n\(archs[1]),abc\n\(archs[2]),-1\n\(archs[3]),3\n")
        let (d, report) = try loadUserCSV(path: path, name: "t")
        #expect(d.devices[0].missingCount == 3)
        let line = try #require(report.warnings.first { $0.hasPrefix("a: 3 values that are no latency") })
        #expect(line.contains("line 2 '6.5ms' (a unit inside the value: write 6.5 alone (the column's _ms says the unit))"))
        #expect(line.contains("line 3 'abc' (not a number)"))
        #expect(line.contains("line 4 '-1' (not positive)"))
    }

    @Test func aColumnInSecondsReadAsMillisecondsIsQuestioned() throws {
        let path = try write("arch_str,b\n" + archs.enumerated().map { "\($1),0.00\($0 + 2)\n" }.joined())
        let (_, report) = try loadUserCSV(path: path, name: "t")
        #expect(report.warnings.contains { $0.contains("b: median latency 0.004 ms") && $0.contains("is the column in seconds? name it b_s or load with unit=s") })
        let (_, inSeconds) = try loadUserCSV(path: path, unit: .s, name: "t")
        #expect(!inSeconds.warnings.contains { $0.contains("median latency") })
        // Microseconds read as milliseconds: a median over 100 s.
        let micro = try write("arch_str,c\n" + archs.enumerated().map { "\($1),\(200_000 + 1000 * $0)\n" }.joined())
        let (_, inMicro) = try loadUserCSV(path: micro, name: "t")
        #expect(inMicro.warnings.contains { $0.contains("c: median latency") && $0.contains("is the column in microseconds? name it c_us") })
        let (_, asMicro) = try loadUserCSV(path: micro, unit: .us, name: "t")
        #expect(!asMicro.warnings.contains { $0.contains("median latency") })
    }

    @Test func aSemicolonSeparatedFileIsNamedAsSuch() throws {
        let path = try write("arch_str;a_ms\n\(archs[0]);1\n")
        do {
            _ = try loadUserCSV(path: path, name: "t")
            Issue.record("a semicolon-separated file loaded")
        } catch let e as OneProxyError {
            #expect(e.description.contains("separated by semicolons"))
            #expect(e.line == 1)
        }
    }
}
