import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// A fake harness: prints a latency derived from the architecture's index that changes with each
/// run (so the median is known), fails with exit status 3 for one kind of architecture, and hangs
/// for another.
func fakeHarness(in dir: URL) throws -> String {
    let script = """
        #!/bin/sh
        arch="$1"; idx="$2"; counts="$3"
        case "$arch" in "|none~0|+|"*) echo "boom" >&2; exit 3;; esac
        case "$arch" in "|avg_pool_3x3~0|+|"*) sleep 30;; esac
        n=$(cat "$counts/$idx" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$counts/$idx"
        echo "warming up 3 times"
        echo "run $n: $(( idx % 50 + n )).5 ms"
        """
    let path = dir.appendingPathComponent("fake harness.sh").path
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("counts"), withIntermediateDirectories: true)
    return path
}

@Suite("measure: running a harness")
struct MeasureTests {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-measure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Rows of oneproxy-nb201: two ordinary ones, one that fails, one that hangs.
    func rows() throws -> (ordinary: [Int], failing: Int, hanging: Int, index: [Int]) {
        let d = try BundledDatasets.load("oneproxy-nb201")
        let failing = try #require(d.keys.firstIndex { $0.hasPrefix("|none~0|+|") })
        let hanging = try #require(d.keys.firstIndex { $0.hasPrefix("|avg_pool_3x3~0|+|") })
        let ordinary = Array(d.keys.indices.filter { !d.keys[$0].hasPrefix("|none~0|+|") && !d.keys[$0].hasPrefix("|avg_pool_3x3~0|+|") }.prefix(2))
        return (ordinary, failing, hanging, try #require(d.nb201Index))
    }

    @Test func substitutesRepeatsTakesTheMedianAndRecordsFailures() throws {
        let dir = try folder()
        let script = try fakeHarness(in: dir)
        let r = try rows()
        let (s, sink) = try makeSession()
        let all = r.ordinary + [r.failing, r.hanging]
        let log = dir.appendingPathComponent("log.csv").path
        // The script's path has a space: quoted as in a shell, passed as one argument.
        let statement = "d = load oneproxy-nb201; m = measure d rows=\(all) cmd=\"sh '\(script)' {arch_str} {nb201_index} \(dir.path)/counts\" device=fake repeats=3 timeout=1s log=\"\(log)\""
        #expect(s.run(source: statement, origin: "t"), "\(sink.stderr)")
        let m = try #require(s.value(of: "m") as? DatasetValue).dataset
        let lat = try #require(m.device(named: "fake")).latencies
        // Runs print idx%50 + 1.5, + 2.5, + 3.5: the median is idx%50 + 2.5.
        for (k, row) in r.ordinary.enumerated() { #expect(lat[k] == Double(r.index[row] % 50) + 2.5) }
        #expect(lat[r.ordinary.count].isNaN && lat[r.ordinary.count + 1].isNaN)
        #expect(sink.stderr.contains("exit status 3: boom (recorded as missing)"))
        #expect(sink.stderr.contains("timed out after 1 s (recorded as missing)"))
        #expect(m.keys == all.map { try! BundledDatasets.load("oneproxy-nb201").keys[$0] })
        let logLines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(logLines.first == "nb201_index,arch_str,fake_ms,error" && logLines.count == 5)

        // Measuring again with the same log resumes: the measured rows are not run again (their
        // counters stay at 3), the failures are retried.
        #expect(s.run(source: statement.replacingOccurrences(of: "d = load oneproxy-nb201; m =", with: "m2 ="), origin: "t"))
        let counts = try String(contentsOfFile: "\(dir.path)/counts/\(r.index[r.ordinary[0]])", encoding: .utf8)
        #expect(counts.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        #expect(sink.stderr.contains("resuming from \(log): 2 of these 4 architectures already measured"))
        let m2 = try #require(s.value(of: "m2") as? DatasetValue).dataset
        #expect(m2.device(named: "fake")?.latencies.prefix(2).elementsEqual(lat.prefix(2)) == true)
    }

    @Test func ctrlCKeepsWhatWasMeasured() throws {
        let dir = try folder()
        let (s, sink) = try makeSession()
        let started = Date()
        s.isCancelled = { Date().timeIntervalSince(started) > 1.2 }
        #expect(s.run(source: "d = load oneproxy-nb201; m = measure d rows=[1, 2, 3, 4, 5, 6, 7, 8] cmd=\"sh -c 'sleep 0.3; echo 2.5 ms'\" device=slow repeats=1", origin: "t"), "\(sink.stderr)")
        let m = try #require(s.value(of: "m") as? DatasetValue).dataset
        let measured = m.devices[0].latencies.filter { !$0.isNaN }
        #expect(measured.count >= 1 && measured.count < 8 && measured.allSatisfy { $0 == 2.5 })
        #expect(sink.stderr.contains("stopped by Ctrl-C: \(measured.count) of 8 architectures measured are kept"))
        _ = dir
    }

    @Test func safeSessionsRefuseToRunPrograms() throws {
        let dir = try folder()
        let sink = BufferSink()
        let s = Session(sink: sink, files: FileAccess(policy: .safe, workingFolder: dir.path, extraReadFolders: BundledFiles.folder.map { [$0.path] } ?? []))
        #expect(!s.run(source: "d = load oneproxy-nb201; m = measure d rows=[1] cmd=\"echo 1 ms\" device=x", origin: "t"))
        #expect(sink.stderr.contains("t:1:30: error: --safe: measure runs programs"))
        #expect(s.value(of: "m") == nil)
    }

    @Test func commandLinesSplitAsAShellWouldWithoutOne() throws {
        #expect(try splitCommandLine(#"python3 "my harness.py" --arch {arch_str} 'a b' c\ d"#) == ["python3", "my harness.py", "--arch", "{arch_str}", "a b", "c d"])
        #expect(try splitCommandLine(#"sh -c 'echo $HOME; rm x'"#) == ["sh", "-c", "echo $HOME; rm x"])
        #expect(throws: Diagnostic.self) { try splitCommandLine("prog 'open") }
        #expect(latencyInOutput("warm-up 3 runs\nmedian: 12.5 ms\n", unit: .ms) == 12.5)
        #expect(latencyInOutput("0.0125s", unit: .ms) == 12.5)
        #expect(latencyInOutput("12500 us", unit: .ms) == 12.5)
        #expect(latencyInOutput("0.0125", unit: .s) == 12.5)
        #expect(latencyInOutput("no number here", unit: .ms) == nil)
    }
}
