import Foundation
import Testing
@testable import OneProxyShell

/// A session writing into memory, saving into a fresh temporary folder.
func makeSession(format: OutputFormat = .table) throws -> (Session, BufferSink) {
    let sink = BufferSink()
    let s = Session(settings: Settings(format: format), sink: sink)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-session-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    s.sessionsFolder = dir.path
    return (s, sink)
}

@Suite("Session semantics")
struct SessionTests {
    @Test func aFailedCommandChangesNoVariable() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; p = fit d true_vpu", origin: "t"))
        let before = s.variableOrder.map { ($0, s.value(of: $0)!.summary) }
        let failing = [
            "d = load oneproxy-nb21",                                   // unknown dataset
            "d = load \"/no/such/file.csv\"",                           // missing file
            "p = fit d true_vpx",                                        // unknown device
            "d = adapt d proxy=true_vpu target=true_vpu",                // proxy equals target
            "p = adapt d proxy=true_vpu target=eagle_gtx samples=[1, 2, 99999] train=2", // row out of range
            "d = srcc d true_vpu eagle_gtx ci=2",                        // option out of range
            "d = heatmap p",                                              // wrong type
            "x = srcc d true_vpu eagle_gtx bogus=1",                     // unknown option
        ]
        for statement in failing {
            #expect(!s.run(source: statement, origin: "t"), "\(statement) should fail")
        }
        #expect(s.failures == failing.count)
        #expect(s.variableOrder.map { ($0, s.value(of: $0)!.summary) }.elementsEqual(before, by: { $0 == $1 }))
        #expect(s.value(of: "x") == nil)
        #expect(sink.stderr.contains("did you mean oneproxy-nb201?"))
        #expect(sink.stderr.contains("did you mean true_vpu?"))
        #expect(sink.stderr.contains("the proxy and the target are the same device"))
        #expect(sink.stderr.contains("sample row 99999 is out of range"))
    }

    @Test func aBareCommandShowsItsResultAndBindsUnderscore() throws {
        let (s, sink) = try makeSession()
        s.run(source: "d = load oneproxy-nb201; srcc d true_vpu eagle_gtx", origin: "t")
        #expect(sink.stdout.contains("SRCC(true_vpu, eagle_gtx) = 0.6905 over 1999 architectures"))
        #expect(s.value(of: "_")?.typeName == "correlation")
        s.run(source: "c = _; del _", origin: "t")
        #expect(s.value(of: "c")?.summary.contains("0.6905") == true)
        #expect(s.value(of: "_") == nil)
    }

    @Test func saveKeepsOnlyTheStatementsTheVariablesNeedAndReplaysToTheSameResults() throws {
        let (s, sink) = try makeSession()
        let source = """
            d = load oneproxy-nb201
            junk = load help-ofa
            m = srcc d
            set format=markdown
            p = fit d true_vpu
            p = fit d eagle_gtx          # p rebound: the first fit is dead
            d2 = predict p d
            d = load help-fbnet          # d rebound after d2 used the old d
            del junk
            a = adapt d2 proxy=eagle_gtx_fit target=true_vpu train=20 val=5 seed=3 norm=l1
            """
        #expect(s.run(source: source, origin: "t"))
        s.run(source: "save \"replay\"", origin: "t")
        let path = s.sessionsFolder + "/replay.ops"
        let script = try String(contentsOfFile: path, encoding: .utf8)
        let body = script.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        #expect(body == [
            "d = load oneproxy-nb201",
            "m = srcc d",
            "set format=markdown",
            "p = fit d eagle_gtx",
            "d2 = predict p d",
            "d = load help-fbnet",
            "a = adapt d2 proxy=eagle_gtx_fit target=true_vpu train=20 val=5 seed=3 norm=l1",
        ])

        // Replay in a fresh session: the same variables with the same renderings, byte for byte.
        let (r, _) = try makeSession()
        #expect(r.run(source: script, origin: path))
        #expect(r.variableOrder.sorted() == s.variableOrder.sorted())
        for name in s.variableOrder {
            for format in OutputFormat.allCases {
                #expect(renderValue(r.value(of: name)!, format: format) == renderValue(s.value(of: name)!, format: format), "\(name) as \(format)")
            }
        }
        #expect(r.settings.format == .markdown)
        _ = sink
    }

    @Test func replayingAScriptTwicePrintsTheSameBytes() throws {
        let script = "d = load oneproxy-nb201\nsrcc d true_vpu eagle_gtx ci=0.9 boot=200 seed=7\nadapt d proxy=true_vpu target=eagle_gtx train=15 val=5 seed=2\nheatmap d\n"
        let (a, sa) = try makeSession()
        let (b, sb) = try makeSession()
        a.run(source: script, origin: "x.ops")
        b.run(source: script, origin: "x.ops")
        #expect(sa.stdout == sb.stdout)
        #expect(sa.stdout.count > 1000)
        #expect(sa.stderr.isEmpty)
    }

    /// One case per command, so they run in parallel. helpbench's examples fit HELP's pools (the
    /// FBNet one takes minutes in a debug build): ManyProxiesShellTests runs `h = helpbench draws=1`
    /// as written and the FBNet protocol at draws=1; ONEPROXY_HEAVY=1 runs them here too.
    @Test(.tags(.heavy), arguments: allCommands.map(\.name))
    func everyCommandsHelpExamplesRun(_ name: String) throws {
        let spec = try #require(allCommands.first { $0.name == name })
        #expect(!spec.examples.isEmpty, "\(spec.name) has no example")
        if spec.name == "helpbench" && !heavyRuns { return }
        for example in spec.examples {
            let (s, sink) = try makeSession()
            let ok = s.run(source: example, origin: "example")
            #expect(ok, "help \(spec.name): `\(example)` failed: \(sink.stderr)")
        }
    }

    @Test func completionOffersCommandsVariablesDevicesOptionsAndChoices() throws {
        let (s, _) = try makeSession()
        s.run(source: "d = load oneproxy-nb201", origin: "t")
        #expect(Completer.candidates(line: "ad", session: s).words == ["adapt", "advise"])
        #expect(Completer.candidates(line: "x = he", session: s).words == ["heatmap", "help", "helpbench"])
        let devices = Completer.candidates(line: "srcc d true_v", session: s)
        #expect(devices.words == ["true_vpu"])
        #expect(devices.start == "srcc d ".utf8.count)
        #expect(Completer.candidates(line: "adapt d pro", session: s).words == ["proxy="])
        #expect(Completer.candidates(line: "adapt d norm=l", session: s).words == ["l1", "l2", "linf"])
        #expect(Completer.candidates(line: "vars; show ", session: s).words.contains("d"))
        #expect(Completer.candidates(line: "help ex", session: s).words == ["export"])
        #expect(Completer.candidates(line: "heatmap d order=", session: s).words == ["cluster", "name"])
        #expect(Completer.candidates(line: "srcc d true_vpu eagle_gtx ci=0.9 boot=1000 seed=1; heatmap d method=k", session: s).words == ["kendall"])
        #expect(Completer.candidates(line: "adapt d proxy=true_v", session: s).words == ["true_vpu"], "no fixed choices: device names")
        #expect(Completer.candidates(line: "d = load onep", session: s).words == ["oneproxy-nb201"])
    }

    /// What a position takes: `show` offers variables only, `load` datasets (not devices), `acc=`
    /// accuracy columns, `lat=` devices and predictors; a list of files has no closing quotes.
    @Test func completionKnowsWhatEachPositionTakes() throws {
        let (s, _) = try makeSession()
        s.run(source: "d = load oneproxy-nb201; p = fit d true_vpu; m = srcc d", origin: "t")
        #expect(Completer.candidates(line: "show ", session: s).words == ["d", "format=", "m", "p"])
        #expect(Completer.candidates(line: "show t", session: s).words == [], "no device names after show")
        let load = Completer.candidates(line: "x = load ", session: s).words
        #expect(load.contains("help-nb201") && !load.contains("true_vpu") && !load.contains("d"))
        #expect(Completer.candidates(line: "search d acc=c", session: s).words == ["cifar10", "cifar100"])
        #expect(Completer.candidates(line: "search d acc=cifar10 lat=", session: s).words.contains("p"))
        #expect(Completer.candidates(line: "search d acc=cifar10 lat=", session: s).words.contains("eagle_gtx"))
        #expect(Completer.candidates(line: "heatmap ", session: s).words == ["d", "m", "method=", "order="])
        #expect(Completer.candidates(line: "fit d eagle_gt", session: s).words == ["eagle_gtx"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-complete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in ["a1.csv", "a2.csv", "b.csv"] { try "x".write(to: dir.appendingPathComponent(f), atomically: true, encoding: .utf8) }
        #expect(Completer.candidates(line: "u = load \"\(dir.path)/a", session: s).words == ["\(dir.path)/a1.csv", "\(dir.path)/a2.csv"])
        #expect(Completer.candidates(line: "u = load \"\(dir.path)/b", session: s).words == ["\(dir.path)/b.csv\""])
    }

    @Test func fewerThanThreeSharedArchitecturesIsUndefinedNotPlusOrMinusOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-few-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("few.csv")
        try "name,a_ms,b_ms,c_ms\nm1,1,2,\nm2,2,3,\nm3,3,1,5\nm4,4,4,6\n".write(to: file, atomically: true, encoding: .utf8)
        let (s, sink) = try makeSession(format: .csv)
        #expect(s.run(source: "u = load \"\(file.path)\"; srcc u a; m = srcc u; show m", origin: "t"))
        #expect(sink.stdout.contains("c,,2,undefined: only 2 shared architectures"), "\(sink.stdout)")
        #expect(sink.stdout.contains("device,a,b,c\na,1.0,0.4,\n"), "\(sink.stdout)")
        #expect(!s.run(source: "srcc u a c", origin: "t"))
        #expect(sink.stderr.contains("a and c share 2 measured architectures; a correlation needs at least 3"))
    }

    @Test func completionOfPathsInsideStrings() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-comp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "x".write(to: dir.appendingPathComponent("lat.csv"), atomically: true, encoding: .utf8)
        let (s, _) = try makeSession()
        let r = Completer.candidates(line: "u = load \"\(dir.path)/", session: s)
        #expect(r.words == ["\(dir.path)/lat.csv", "\(dir.path)/sub/"])
        #expect(r.start == "u = load \"".utf8.count)
    }
}
