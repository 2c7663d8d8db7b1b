import Foundation
import Testing

@Suite("oneproxy executable: modes, exit status, errors")
struct ShellCLITests {
    @Test func helpRunsAndExitsZero() throws {
        let r = try runOneProxy(["-c", "help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("help COMMAND"))
        #expect(r.stderr.isEmpty)
        #expect(!r.stdout.contains("\u{1B}["), "no colour when not on a terminal")
    }

    @Test func everyCommandHasHelpWithAnExample() throws {
        let r = try runOneProxy(["-c", "help"])
        let names = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.count >= 8)
        for name in names {
            let h = try runOneProxy(["-c", "help \(name)"])
            #expect(h.status == 0, "help \(name)")
            #expect(h.stdout.contains("usage:") && h.stdout.contains("example"), "help \(name)")
        }
    }

    @Test func aTypoIsAnErrorWithLineColumnCaretAndSuggestionAndStatusOne() throws {
        let r = try runOneProxy(["-c", "vars; hepl"])
        #expect(r.status == 1)
        #expect(r.stderr == "-c:1:7: error: unknown command 'hepl'\n  vars; hepl\n        ^~~~\n  did you mean help?\n")
        #expect(r.stdout.contains("no variables yet"), "the statement before the error still ran")
    }

    @Test func usageErrorsExit64() throws {
        #expect(try runOneProxy(["--bogus"]).status == 64)
        #expect(try runOneProxy(["--format", "xml", "-c", "vars"]).status == 64)
        #expect(try runOneProxy(["x.ops", "-c", "vars"]).status == 64)
    }

    @Test func unreadableScriptExits66() throws {
        let r = try runOneProxy(["no/such/file.ops"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("cannot read no/such/file.ops"))
    }

    /// A script that is a FIFO, a device or a folder is refused at once (exit 66), the message said
    /// once, and a file name's control characters shown as pictures (found by the fuzz campaign:
    /// "cannot read f: cannot read f: …", and the name printed raw).
    @Test func aScriptThatIsNotAFileIsRefusedOnceAndVisibly() throws {
        let dir = try temporaryDirectory()
        #expect(mkfifo(dir.appendingPathComponent("p.ops").path, 0o600) == 0)
        for (path, why) in [("p.ops", "not a regular file"), ("/dev/zero", "not a regular file"), (".", "it is a folder")] {
            let r = try runOneProxy([path], directory: dir)
            #expect(r.status == 66)
            #expect(r.stderr == "oneproxy: cannot read \(path): " + r.stderr.dropFirst("oneproxy: cannot read \(path): ".count), "\(r.stderr)")
            #expect(r.stderr.components(separatedBy: "cannot read").count == 2, "\(r.stderr)")
            #expect(r.stderr.contains(why))
        }
        let evil = "no\u{1B}[2Jsuch\u{7}.ops"
        let r = try runOneProxy([evil], directory: dir)
        #expect(r.status == 66)
        #expect(!r.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(r.stderr.debugDescription)")
        #expect(r.stderr.contains("no\u{241B}[2Jsuch\u{2407}.ops"))
    }

    @Test func pipedInputHasNoPromptAndCountsLines() throws {
        let r = try runOneProxy([], stdin: "vars\n\nset formt=csv\nvars\n")
        #expect(r.status == 1)
        #expect(!r.stdout.contains("oneproxy>"))
        #expect(r.stderr.hasPrefix("stdin:3:5: error: set has no option 'formt'"))
        #expect(r.stdout.components(separatedBy: "no variables yet").count == 3, "both vars ran")
    }

    @Test func scriptGoesOnAfterAnErrorUnlessBail() throws {
        let dir = try temporaryDirectory()
        try "vars\nbogus\nvars\n".write(to: dir.appendingPathComponent("s.ops"), atomically: true, encoding: .utf8)
        let r = try runOneProxy(["s.ops"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("s.ops:2:1: error: unknown command 'bogus'"))
        #expect(r.stdout.components(separatedBy: "no variables yet").count == 3)
        let b = try runOneProxy(["--bail", "s.ops"], directory: dir)
        #expect(b.status == 1)
        #expect(b.stdout.components(separatedBy: "no variables yet").count == 2)
    }

    @Test func echoPrintsEachStatementBeforeItsOutput() throws {
        let r = try runOneProxy(["--echo", "-c", "vars; set"])
        #expect(r.stdout.hasPrefix("oneproxy> vars\nno variables yet"))
        #expect(r.stdout.contains("oneproxy> set\n"))
    }

    @Test func formatFlagAndNoColorEnvironment() throws {
        let r = try runOneProxy(["--format", "csv", "-c", "set"], env: ["NO_COLOR": "1"])
        #expect(r.stdout.hasPrefix("setting,value\nformat,csv\n"))
    }

    @Test func saveWritesAtomicallyIntoSessionsAndRunReplays() throws {
        let dir = try temporaryDirectory()
        let r = try runOneProxy(["-c", "set format=markdown; save \"mine\""], directory: dir)
        #expect(r.status == 0)
        let script = try String(contentsOf: dir.appendingPathComponent("sessions/mine.ops"), encoding: .utf8)
        #expect(script.hasPrefix("# oneproxy session script"))
        #expect(script.contains("set format=markdown\n"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sessions").path)
        #expect(leftovers == ["mine.ops"], "no temporary file left behind")
        let replay = try runOneProxy(["-c", "run \"mine.ops\"; set"], directory: dir)
        #expect(replay.status == 0)
        #expect(replay.stdout.contains("| format | markdown |"))
    }

    @Test func runReportsTheFilesLineAndFailsTheRunStatement() throws {
        let dir = try temporaryDirectory()
        try "vars\n  nope\n".write(to: dir.appendingPathComponent("bad.ops"), atomically: true, encoding: .utf8)
        let r = try runOneProxy(["-c", "run \"bad.ops\""], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.ops:2:3: error: unknown command 'nope'"))
        #expect(r.stderr.contains("-c:1:5: error: 1 statement in bad.ops failed"))
    }

    @Test func aScriptThatRunsItselfStops() throws {
        let dir = try temporaryDirectory()
        try "run \"loop.ops\"\n".write(to: dir.appendingPathComponent("loop.ops"), atomically: true, encoding: .utf8)
        let r = try runOneProxy(["loop.ops"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("runs itself"))
    }
}

@Suite("oneproxy --format json: JSON Lines")
struct JSONLinesTests {
    @Test func everyLineOfOutputIsOneJSONDocument() throws {
        let dir = try temporaryDirectory()
        let r = try runOneProxy(["--format", "json", "--echo", "-c", """
            d = load oneproxy-nb201; srcc d true_vpu eagle_gtx; m = srcc d; show m; vars; help fit; set; devices d
            a = adapt d proxy=true_vpu target=eagle_gtx train=20 val=5 seed=2; export a "a.json"; nope
            """], directory: dir)
        #expect(r.status == 1, "the unknown command fails")
        #expect(r.stderr.contains("unknown command 'nope'"), "errors stay on stderr")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count >= 20)
        var objects: [[String: Any]] = []
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line.prefix(80))")
            if let object { objects.append(object) }
        }
        // Summaries are documents too; the bare srcc carries its value.
        #expect(objects.contains { $0["name"] as? String == "d" && ($0["summary"] as? String)?.contains("1999 architectures") == true })
        let pair = objects.first { $0["name"] as? String == "_" }?["value"] as? [String: Any]
        #expect((pair?["value"] as? Double).map { abs($0 - 0.690526859861756) < 1e-9 } == true)
        #expect(objects.contains { $0["statement"] as? String == "vars" })
        let help = objects.compactMap { ($0["output"] as? [[String: Any]])?.first?["heading"] as? String }
        #expect(help.contains { $0.hasPrefix("fit: fit a device's latency predictor") })
        let tables = objects.compactMap { ($0["output"] as? [[String: Any]])?.first?["table"] as? [[String: Any]] }
        #expect(tables.contains { $0.contains { $0["setting"] as? String == "format" && $0["value"] as? String == "json" } }, "set's table as rows")
    }
}
