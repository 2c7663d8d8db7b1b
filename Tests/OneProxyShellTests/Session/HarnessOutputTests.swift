import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// measure parse=…: the summary lines real benchmark tools print.
@Suite("benchmark tools' output")
struct HarnessOutputTests {
    func near(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) <= 1e-12 * b } ?? false }

    /// TFLite benchmark_model (INFO: prefix, scientific notation, µs).
    @Test func tflite() {
        let modern = """
            INFO: STARTING!
            INFO: Graph: [nb201.tflite]
            INFO: Initialized session in 3.051ms.
            INFO: Running benchmark for at least 1 iterations and at least 0.5 seconds but terminate if exceeding 150 seconds.
            INFO: count=1 curr=3104521
            INFO: Running benchmark for at least 50 iterations and at least 1 seconds but terminate if exceeding 150 seconds.
            INFO: count=50 first=2961234 curr=2948812 min=2931004 max=2990113 avg=2.95034e+06 std=12345
            INFO: Inference timings in us: Init: 3051, First inference: 3104521, Warmup (avg): 3.10452e+06, Inference (avg): 2.95034e+06
            INFO: Memory footprint delta from the start of the tool (MB): init=2.59766 overall=8.74609
            """
        #expect(near(HarnessOutput.tflite.latency(in: modern, unit: .ms), 2950.34))
        // Without the summary: the last count=… avg=… line.
        let counts = "count=170 first=4890 curr=2921 min=2850 max=4890 avg=2950.5 std=181\ncount=339 first=2955 curr=2936 min=2843 max=3488 avg=2940.25 std=74\n"
        #expect(near(HarnessOutput.tflite.latency(in: counts, unit: .ms), 2.94025))
        // Older builds.
        #expect(HarnessOutput.tflite.latency(in: "Average inference timings in us: Warmup: 4001.5, Init: 2041, no stats: 3012.78\n", unit: .ms).map { abs($0 - 3.01278) < 1e-12 } == true)
        #expect(HarnessOutput.tflite.latency(in: "Loaded model\n12.5 ms\n", unit: .ms) == nil)
    }

    /// onnxruntime_perf_test, older and newer summaries.
    @Test func onnxRuntime() {
        let old = """
            Session creation time cost: 0.123 s
            Total inference time cost: 6.229 s
            Total inference requests: 100
            Average inference time cost: 62.29 ms
            Total inference run time: 6.23011 s
            Number of inferences per second: 16.0511
            """
        #expect(HarnessOutput.ort.latency(in: old, unit: .ms) == 62.29)
        #expect(HarnessOutput.ort.latency(in: "Average inference time cost total: 1.5e+01 ms\n", unit: .ms) == 15)
        #expect(HarnessOutput.ort.latency(in: "Total inference time cost: 6.229 s\n", unit: .ms) == nil)
    }

    /// trtexec: the median of "Latency:", not of "H2D Latency:".
    @Test func tensorRT() {
        let text = """
            [12/01/2026-10:00:00] [I] === Performance summary ===
            [12/01/2026-10:00:00] [I] Throughput: 785.2 qps
            [12/01/2026-10:00:00] [I] Latency: min = 1.23413 ms, max = 1.61182 ms, mean = 1.27456 ms, median = 1.26562 ms, percentile(90%) = 1.29834 ms, percentile(95%) = 1.31006 ms, percentile(99%) = 1.36328 ms
            [12/01/2026-10:00:00] [I] H2D Latency: min = 0.0123 ms, max = 0.05 ms, mean = 0.02 ms, median = 0.0199 ms, percentile(90%) = 0.03 ms
            [12/01/2026-10:00:00] [I] GPU Compute Time: min = 1.1 ms, max = 1.5 ms, mean = 1.2 ms, median = 1.19 ms, percentile(90%) = 1.25 ms
            """
        #expect(HarnessOutput.trtexec.latency(in: text, unit: .ms) == 1.26562)
    }

    /// A harness that fails on every architecture is an error that names the first failure.
    @Test func aHarnessThatAlwaysFailsIsAnError() throws {
        let (s, sink) = try makeSession()
        #expect(!s.run(source: "d = load oneproxy-nb201; p = plan d n=3 proxy=eagle_cpu_855; m = measure p cmd=\"/nonexistent/harness {arch_str}\" device=x repeats=1", origin: "t"))
        #expect(s.value(of: "m") == nil)
        #expect(sink.stderr.contains("the harness failed on all 3 architectures"))
        // parse=ort reads the tool's line from a harness that prints it.
        #expect(s.run(source: "m = measure p cmd=\"printf 'Average inference time cost: 4.5 ms\\\\nNumber of inferences per second: 222\\\\n'\" device=y repeats=1 parse=ort", origin: "t"), "\(sink.stderr)")
        let m = try #require((s.value(of: "m") as? DatasetValue)?.dataset)
        #expect(m.devices[0].latencies == [4.5, 4.5, 4.5])
    }
}

/// Whether python3 can import onnx and onnxruntime (CI installs them; the shell never needs them).
let onnxRuntimeAvailable: Bool = {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import onnx, onnxruntime, numpy"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}()

@Suite("the ONNX Runtime harness")
struct ONNXHarnessTests {
    /// examples/harness/nb201_onnx.py through measure: a conv3x3-heavy cell takes longer than a
    /// cell whose every edge is skip or none, and a cell with a dead conv (on no path to the
    /// output) is no slower than the same cell without it (the runtime prunes it).
    @Test(.tags(.heavy), .enabled(if: onnxRuntimeAvailable, "python3 with onnx and onnxruntime (pip) is not installed"))
    func measuresNB201NetworksWithONNXRuntime() throws {
        let (s, sink) = try makeSession()
        let harness = projectRoot.appendingPathComponent("examples/harness/nb201_onnx.py").path
        #expect(s.run(source: "h = load help-nb201", origin: "t"))
        let h = try #require((s.value(of: "h") as? DatasetValue)?.dataset)
        func row(_ arch: String) throws -> Int { try #require(h.keys.firstIndex(of: arch)) }
        let heavy = try row("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
        let light = try row("|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|")
        let dead = try row("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
        let alive = try row("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
        #expect(s.run(source: "m = measure h rows=[\(heavy), \(light), \(dead), \(alive)] cmd=\"python3 \(harness) {arch_str} --runs 30\" device=ort repeats=3", origin: "t"), "\(sink.stderr)")
        let m = try #require((s.value(of: "m") as? DatasetValue)?.dataset)
        let v = m.devices[0].latencies
        #expect(v.allSatisfy { $0 > 0 })
        #expect(v[0] > 3 * v[1], "\(v)")
        #expect(v[2] < 1.5 * v[3] + 0.05, "a dead conv is pruned: \(v)")
    }
}
