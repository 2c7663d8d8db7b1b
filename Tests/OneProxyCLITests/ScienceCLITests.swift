import Foundation
import Testing

/// The package's root folder (for examples/), from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("oneproxy executable: data, monotonicity, AdaProxy end to end")
struct ScienceCLITests {
    @Test func theColabNotebookScriptReproducesThePapersNumbers() throws {
        let r = try runOneProxy([packageRoot.appendingPathComponent("examples/colab.ops").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        // METHOD.md section 4: raw 0.6905; lambda=0 on the 60 training rows 0.866 (the notebook's
        // 0.8688 up to solver tolerance); validation-selected falls back to the proxy fit (0.696);
        // 5-fold CV over all 70 samples 0.896-0.900.
        #expect(r.stdout.contains("SRCC(true_vpu, eagle_gtx) = 0.6905 over 1999 architectures"))
        #expect(r.stdout.contains("raw SRCC 0.6905 < 0.9: weak monotonicity, adaptation is needed"))
        #expect(r.stdout.contains("fit0: AdaProxy true_vpu → eagle_gtx: SRCC 0.866"))
        #expect(r.stdout.contains("byval: AdaProxy true_vpu → eagle_gtx: SRCC 0.696"))
        let cvLine = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("bycv:") })
        let srcc = try #require(Double(cvLine.split(separator: " ")[6]))
        #expect(srcc >= 0.896 && srcc <= 0.900, "CV-selected SRCC \(srcc)")
        let looLine = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("byloo:") })
        let loo = try #require(Double(looLine.split(separator: " ")[6]))
        #expect(loo >= 0.896 && loo <= 0.901, "LOO-selected SRCC \(loo)")
        #expect(r.stdout.contains("λ path"))
    }

    @Test func exportsHaveTheFixedFormats() throws {
        let dir = try temporaryDirectory()
        let r = try runOneProxy(["-c", """
            d = load oneproxy-nb201; m = srcc d; export m "m.csv"; export m "m.json"; export m "m.svg"
            a = adapt d proxy=true_vpu target=eagle_gtx train=30 val=10 seed=4; export a "a.json"
            export d "d.csv"; u = load "d.csv"; srcc u true_vpu eagle_gtx
            """], directory: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOf: dir.appendingPathComponent("m.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 19)
        #expect(csv[0].hasPrefix("device,eagle_cpu_855,eagle_dsp_855,"))
        let gtxRow = try #require(csv.first { $0.hasPrefix("eagle_gtx,") }).split(separator: ",", omittingEmptySubsequences: false)
        let header = csv[0].split(separator: ",")
        let vpuColumn = try #require(header.firstIndex(of: "true_vpu"))
        // scipy.stats.spearmanr over the 1999 models (METHOD.md): 0.690526859861756
        #expect(abs(Double(gtxRow[vpuColumn])! - 0.690526859861756) < 1e-9)
        let a = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("a.json"))) as! [String: Any]
        for key in ["srcc_raw", "srcc_proxy_fit", "srcc_adapted", "srcc_target_only", "lambda"] {
            #expect(a[key] is NSNumber, "\(key)")
        }
        #expect((a["train"] as? [Int])?.count == 30)
        #expect((a["val"] as? [Int])?.count == 10)
        #expect(abs((a["srcc_raw"] as! Double) - 0.690526859861756) < 1e-9)
        let svg = try String(contentsOf: dir.appendingPathComponent("m.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        #expect(r.stdout.contains("SRCC(true_vpu, eagle_gtx) = 0.6905 over 1999"), "the exported dataset loads back with the same numbers")
    }

    @Test func aBadUserFileNamesFileLineAndColumnAndChangesNothing() throws {
        let dir = try temporaryDirectory()
        try "arch_str,dev_ms\n\"|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|conv_9x9~2|\",3.5\n".write(
            to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let r = try runOneProxy(["-c", "u = load help-ofa; u = load \"bad.csv\"; vars"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.csv:2:"), "\(r.stderr)")
        #expect(r.stderr.contains("conv_9x9"))
        #expect(r.stdout.contains("help-ofa"), "u still holds the dataset loaded before")
    }

    @Test func adaptErrorsAreClear() throws {
        let r = try runOneProxy(["-c", """
            d = load oneproxy-nb201
            adapt d proxy=true_vpu target=eagle_gxt
            adapt d proxy=true_vpu target=true_vpu
            adapt d proxy=true_vpu target=rice_edgetpu samples=[0, 1, 2, 3, 4, 5] train=4
            adapt d proxy=true_vpu target=eagle_gtx train=2000
            """])
        #expect(r.status == 1)
        #expect(r.stderr.contains("oneproxy-nb201 has no device 'eagle_gxt'"))
        #expect(r.stderr.contains("did you mean eagle_gtx?"))
        #expect(r.stderr.contains("the proxy and the target are the same device"))
        #expect(r.stderr.contains("has no target latency"), "\(r.stderr)")
        #expect(r.stderr.contains("only 1999 architectures have both latencies"))
    }
}
