import Foundation
import Testing

/// `oneproxy --serve` running as a child, asked one request at a time (as the Jupyter kernel does).
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let input = Pipe(), output = Pipe()
    var buffer = Data()
    var nextID = 0

    init(directory: URL? = nil) throws {
        process.executableURL = try oneproxyBinary()
        process.arguments = ["--serve"]
        process.currentDirectoryURL = try directory ?? temporaryDirectory()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        // End of input ends the child; a child stuck in a computation is killed, not waited for.
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Sends a request (its id is added) and returns the reply.
    func ask(_ request: [String: Any]) throws -> [String: Any] {
        nextID += 1
        send(request.merging(["id": nextID]) { a, _ in a })
        let reply = try readReply()
        #expect(reply["id"] as? Int == nextID)
        return reply
    }

    func send(_ request: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: request)
        input.fileHandleForWriting.write(data + Data("\n".utf8))
    }

    func readReply() throws -> [String: Any] {
        let line = try readLine()
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(line)")
    }

    func readLine() throws -> String {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer = Data(buffer[buffer.index(after: nl)...])
                return line
            }
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { throw CLIError("oneproxy --serve ended before replying") }
            buffer += more
        }
    }

    /// Closes standard input and returns everything the child still wrote on standard output.
    func finish() -> (rest: String, status: Int32) {
        try? input.fileHandleForWriting.close()
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: buffer + rest, as: UTF8.self), process.terminationStatus)
    }
}

func outputs(_ reply: [String: Any]) -> [[String: String]] { reply["outputs"] as? [[String: String]] ?? [] }
func errors(_ reply: [String: Any]) -> [[String: Any]] { reply["errors"] as? [[String: Any]] ?? [] }

@Suite("oneproxy --serve: the machine interface of the Jupyter kernel")
struct ServeTests {
    @Test func statementsAndVariablesAcrossRequests() throws {
        let serve = try ServeProcess()
        let loaded = try serve.ask(["execute": "d = load oneproxy-nb201\nsrcc d true_vpu eagle_gtx"])
        #expect(loaded["ok"] as? Bool == true)
        #expect(loaded["interrupted"] as? Bool == false)
        let out = outputs(loaded)
        try #require(out.count == 2)
        // An assignment is its summary line, as text only.
        #expect(out[0] == ["text/plain": "d: oneproxy-nb201: 1999 architectures (nb201) x 18 devices, accuracies cifar10, cifar100, imagenet16"])
        // A shown value is the terminal's text (no colour) and HTML.
        #expect(out[1]["text/plain"]?.hasPrefix("SRCC(true_vpu, eagle_gtx) = 0.6905 over 1999 architectures") == true)
        #expect(out[1]["text/plain"]?.contains("\u{1B}[") == false)
        #expect(out[1]["text/html"]?.hasPrefix("<p>SRCC(true_vpu, eagle_gtx) = 0.6905") == true)
        // The next request sees d.
        let listed = try serve.ask(["execute": "vars"])
        #expect(outputs(listed).first?["text/plain"]?.contains("oneproxy-nb201: 1999 architectures") == true)
        let (rest, status) = serve.finish()
        #expect(rest.isEmpty)
        #expect(status == 0)
    }

    @Test func errorsCarryLineColumnAndTheCaretText() throws {
        let serve = try ServeProcess()
        let reply = try serve.ask(["execute": "d = load oneproxy-nb201\nsrcc d true_vpu nope", "origin": "In[3]"])
        #expect(reply["ok"] as? Bool == false)
        let e = try #require(errors(reply).first)
        #expect(e["message"] as? String == "oneproxy-nb201 has no device 'nope'")
        #expect(e["line"] as? Int == 2)
        #expect(e["column"] as? Int == 17)
        #expect(e["length"] as? Int == 4)
        // After the one output (d's summary) that came before it.
        #expect(e["position"] as? Int == 1)
        let text = try #require(e["text"] as? String)
        #expect(text.hasPrefix("In[3]:2:17: error: oneproxy-nb201 has no device 'nope'\n  srcc d true_vpu nope\n                  ^~~~\n"))
        // A parse error too.
        let parse = try serve.ask(["execute": "x = = 1"])
        #expect(errors(parse).first?["line"] as? Int == 1)
        #expect(errors(parse).first?["column"] as? Int != nil)
    }

    @Test func aFigureComesAsSVG() throws {
        let serve = try ServeProcess()
        let reply = try serve.ask(["execute": "d = load oneproxy-nb201\nm = srcc d devices=[true_vpu, eagle_gtx, rice_pixel3]\nheatmap m"])
        #expect(reply["ok"] as? Bool == true)
        let figures = outputs(reply).filter { $0["image/svg+xml"] != nil }
        try #require(figures.count == 1)
        let svg = figures[0]["image/svg+xml"]!
        #expect(svg.contains("<svg") && svg.contains("rice_pixel3") && svg.hasSuffix("</svg>\n"))
        // Its text fallback is the terminal drawing.
        #expect(figures[0]["text/plain"]?.contains("true_vpu") == true)
    }

    @Test func completionOffsetsCountUnicodeScalarsFromTheStartOfTheText() throws {
        let serve = try ServeProcess()
        _ = try serve.ask(["execute": "d = load oneproxy-nb201"])
        let devices = try serve.ask(["complete": "srcc d tru", "cursor": 10])
        #expect(devices["matches"] as? [String] == ["true_630", "true_640", "true_a76", "true_vpu"])
        #expect(devices["cursor_start"] as? Int == 7)
        #expect(devices["cursor_end"] as? Int == 10)
        // A second line, after a non-ASCII comment, with the cursor before the end of the text.
        let command = try serve.ask(["complete": "# λ → µ\nheat m", "cursor": 12])
        #expect(command["matches"] as? [String] == ["heatmap"])
        #expect(command["cursor_start"] as? Int == 8)
        #expect(command["cursor_end"] as? Int == 12)
        let incomplete = try serve.ask(["is_complete": "s = sample [1,"])
        #expect(incomplete["status"] as? String == "incomplete")
        let inspected = try serve.ask(["inspect": "adapt d", "cursor": 3])
        #expect(inspected["found"] as? Bool == true)
        #expect(outputs(inspected).first?["text/plain"]?.contains("usage:") == true)
        // Inspecting ran help in a scratch session: the user's session recorded nothing.
        #expect(try serve.ask(["execute": "notebook \"n.html\""])["ok"] as? Bool == true)
        let page = try String(contentsOf: try #require(serve.process.currentDirectoryURL).appendingPathComponent("n.html"), encoding: .utf8)
        #expect(page.contains("d = load oneproxy-nb201"))
        #expect(!page.contains("help adapt"))
    }

    @Test func sigintStopsTheRunningStatementAndNothingElse() throws {
        let serve = try ServeProcess()
        _ = try serve.ask(["execute": "d = load oneproxy-nb201"])
        // While idle: forgotten, harmless.
        serve.process.interrupt()
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try serve.ask(["execute": "x = d"])["ok"] as? Bool == true)
        // A million bootstrap resamples of Kendall's tau run for minutes.
        serve.nextID += 1
        serve.send(["id": serve.nextID, "execute": "k = kendall d true_vpu eagle_gtx ci=0.95 boot=1000000\nafter = d"])
        Thread.sleep(forTimeInterval: 1.0)
        // Should the interrupt not work, the child is killed after a while: a failure, not a hang.
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { [weak serve] in
            if let serve, serve.process.isRunning { kill(serve.process.processIdentifier, SIGKILL) }
        }
        let start = Date()
        serve.process.interrupt()
        let reply = try serve.readReply()
        let took = Date().timeIntervalSince(start)
        #expect(took < 5, "the interrupt took \(took) s")
        #expect(reply["ok"] as? Bool == false)
        #expect(reply["interrupted"] as? Bool == true)
        let e = try #require(errors(reply).first)
        #expect(e["interrupted"] as? Bool == true)
        #expect(e["message"] as? String == "interrupted: kendall stopped; nothing was changed")
        // Nothing was bound, the rest did not run, and the next request runs in full.
        let listed = try serve.ask(["execute": "vars"])
        let text = outputs(listed).first?["text/plain"] ?? ""
        #expect(text.contains("\nx "))
        #expect(!text.contains("\nk ") && !text.contains("\nafter "))
    }

    @Test func everyRequestGetsOneReplyLineAndNothingElse() throws {
        let serve = try ServeProcess()
        // A malformed line, an unknown request, a script that writes files, and a blank line.
        serve.input.fileHandleForWriting.write(Data("not json\n\n".utf8))
        let bad = try serve.readReply()
        #expect(bad["ok"] as? Bool == false)
        #expect(bad["id"] is NSNull)
        let unknown = try serve.ask(["frobnicate": true])
        #expect(errors(unknown).first?["message"] as? String == "unknown request: give one of execute, complete, inspect, is_complete")
        let wrote = try serve.ask(["execute": "d = load oneproxy-nb201\nexport d \"d.csv\"\nsave \"s\"\nnotebook \"n.html\"\nsave \"s\""])
        #expect(wrote["ok"] as? Bool == true)
        // The second save replaced the file: a note, after that statement's output (the last).
        let messages = wrote["messages"] as? [[String: Any]] ?? []
        #expect(messages.first?["severity"] as? String == "note")
        #expect(messages.first?["position"] as? Int == outputs(wrote).count)
        let dir = try #require(serve.process.currentDirectoryURL)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("sessions/s.ops").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("n.html").path))
        let (rest, status) = serve.finish()
        #expect(rest.isEmpty)
        #expect(status == 0)
    }

    @Test func progressLinesComeOnlyWhenAskedAndBeforeTheReply() throws {
        let serve = try ServeProcess()
        _ = try serve.ask(["execute": "d = load oneproxy-nb201"])
        let statement = "a = adapt d proxy=true_vpu target=eagle_gtx select=cv folds=10"
        let quiet = try serve.ask(["execute": statement])
        #expect(quiet["ok"] as? Bool == true)
        serve.nextID += 1
        serve.send(["id": serve.nextID, "execute": statement, "progress": true])
        var progress: [[String: Any]] = []
        var reply = try serve.readReply()
        while let p = reply["progress"] as? [String: Any] {
            #expect(reply["id"] as? Int == serve.nextID)
            progress.append(p)
            reply = try serve.readReply()
        }
        #expect(reply["ok"] as? Bool == true)
        #expect(!progress.isEmpty)
        #expect(progress.first?["label"] as? String == "cross-validation")
        #expect((progress.first?["total"] as? Int ?? 0) > 0)
    }

    @Test func serveTakesNoScript() throws {
        let r = try runOneProxy(["--serve", "-c", "datasets"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--serve reads its statements as requests"))
        // The protocol is in --help.
        let help = try runOneProxy(["--help"])
        #expect(help.stdout.contains("--serve"))
        #expect(help.stdout.contains("oneproxy kernel install"))
    }
}
