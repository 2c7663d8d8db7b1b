import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// measure's log goes through the session's file access: appended, and repaired atomically when a
/// killed run left a partial last line.
@Suite("measure's log")
struct MeasureLogTests {
    @Test func aPartialLastLineIsDroppedAndTheRestResumes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let d = try BundledDatasets.load("oneproxy-nb201")
        let idx = try #require(d.nb201Index)
        let log = dir.appendingPathComponent("sub/log.csv")
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Row 1 measured (7.5 ms), then a line cut mid-way by a killed run.
        let before = "nb201_index,arch_str,x_ms,error\n\(idx[1]),\(d.keys[1]),7.5,\n\(idx[2]),\(d.keys[2].prefix(9))"
        try before.write(to: log, atomically: true, encoding: .utf8)
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; m = measure d rows=[1, 2] cmd=\"echo 2.5 ms\" device=x repeats=1 log=\"\(log.path)\"", origin: "t"), "\(sink.stderr)")
        #expect(sink.stderr.contains("ended in a partial line"), "\(sink.stderr)")
        #expect(sink.stderr.contains("1 of these 2 architectures already measured"))
        let m = try #require(s.value(of: "m") as? DatasetValue).dataset
        #expect(m.devices[0].latencies == [7.5, 2.5])
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines == ["nb201_index,arch_str,x_ms,error", "\(idx[1]),\(d.keys[1]),7.5,", "\(idx[2]),\(d.keys[2]),2.5,", ""])
    }
}
