import Foundation
import Testing

/// Ctrl-C in a script stops the running statement and the rest, and `--notebook` still writes
/// what ran (it was lost when SIGINT killed the process).
@Suite("Ctrl-C in a script")
struct ScriptInterruptTests {
    @Test func sigintStopsTheScriptAndTheNotebookIsWritten() throws {
        let dir = try temporaryDirectory()
        let script = """
            d = load help-nb201
            s = srcc d pixel3 raspi4
            b = srcc d pixel3 raspi4 ci=0.95 boot=1000000
            after = srcc d pixel3 gold_6226
            """
        try script.write(to: dir.appendingPathComponent("long.ops"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = try oneproxyBinary()
        p.arguments = ["--notebook", "nb.html", "long.ops"]
        p.currentDirectoryURL = dir
        let err = Pipe(), out = Pipe()
        p.standardError = err
        p.standardOutput = out
        try p.run()
        // Wait until the bootstrap runs (the first two statements print), then interrupt.
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while !seen.contains("s: SRCC"), Date() < deadline {
            seen += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        Thread.sleep(forTimeInterval: 0.5)
        p.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        seen += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 1, "\(p.terminationReason) \(p.terminationStatus)")
        #expect(stderr.contains("long.ops:3:5: error: interrupted: srcc stopped; nothing was changed"), "\(stderr)")
        #expect(!seen.contains("after:"))
        let page = try String(contentsOf: dir.appendingPathComponent("nb.html"), encoding: .utf8)
        #expect(page.contains("srcc d pixel3 raspi4") && !page.contains("after = srcc"))
    }
}
