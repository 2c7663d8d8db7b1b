import Testing
@testable import OneProxyShell

@Suite("Parser")
struct ParserTests {
    func statements(_ s: String) -> [Statement] {
        Parser.parse(s).compactMap { if case .success(let st) = $0 { return st } else { return nil } }
    }

    func failure(_ s: String) -> Diagnostic? {
        for r in Parser.parse(s) { if case .failure(let f) = r { return f.diagnostic } }
        return nil
    }

    @Test func assignmentCommandPositionalsAndOptions() throws {
        let st = try #require(statements("a = adapt d proxy=true_vpu target=eagle_gtx train=60 samples=[4, 5]").first)
        #expect(st.target?.value == "a")
        #expect(st.command.value == "adapt")
        #expect(st.command.location == SourceLocation(line: 1, column: 5))
        #expect(st.arguments.count == 5)
        guard case .positional(let d) = st.arguments[0], case .option(let key, let value) = st.arguments[4] else {
            Issue.record("wrong argument shapes"); return
        }
        #expect(d.value == .word("d"))
        #expect(key.value == "samples")
        guard case .list(let items) = value.value else { Issue.record("expected a list"); return }
        #expect(items.map(\.value) == [.number(4, unit: nil), .number(5, unit: nil)])
        #expect(st.text == "a = adapt d proxy=true_vpu target=eagle_gtx train=60 samples=[4, 5]")
    }

    @Test func separatorsSplitStatementsAndEachKeepsItsText() {
        let sts = statements("vars; x = load help-ofa\n# comment only\nshow x")
        #expect(sts.map(\.text) == ["vars", "x = load help-ofa", "show x"])
        #expect(sts[2].location == SourceLocation(line: 3, column: 1))
    }

    @Test func aListMaySpanLines() {
        let sts = statements("adapt d samples=[1,\n 2,\n 3] norm=l2\nvars")
        #expect(sts.count == 2)
        #expect(sts[0].arguments.count == 3)
    }

    @Test func anOpenListAsksForMoreLines() {
        #expect(Parser.leavesListOpen("adapt d samples=[1,"))
        #expect(Parser.leavesListOpen("adapt d samples=[1,\n 2,"))
        #expect(!Parser.leavesListOpen("adapt d samples=[1,\n 2]"))
        #expect(!Parser.leavesListOpen("adapt d samples=[1, 2; vars"), "a ';' ends the statement, as in parse")
        #expect(!Parser.leavesListOpen("save \"[x\" # [ in a comment"))
    }

    @Test func oneBadStatementDoesNotHideTheOthers() {
        let results = Parser.parse("vars; x = ; show x")
        #expect(results.count == 3)
        if case .success = results[0] {} else { Issue.record("first should parse") }
        if case .failure = results[1] {} else { Issue.record("second should fail") }
        if case .success = results[2] {} else { Issue.record("third should parse") }
    }

    @Test func errorPositions() throws {
        let missingCommand = try #require(failure("x = "))
        #expect(missingCommand.message.contains("expected a command"))
        let unclosed = try #require(failure("srcc d samples=[1, 2"))
        #expect(unclosed.message.contains("unclosed list"))
        #expect(unclosed.location == SourceLocation(line: 1, column: 21))
        let badValue = try #require(failure("show = ="))
        #expect(badValue.location == SourceLocation(line: 1, column: 1) || badValue.location == SourceLocation(line: 1, column: 8))
        let notName = try #require(failure("1x = load help-ofa"))
        #expect(notName.message.contains("cannot be a variable name"))
        #expect(notName.location == SourceLocation(line: 1, column: 1))
        let nested = try #require(failure("adapt d samples=[1, [2]]"))
        #expect(nested.message.contains("nested"))
        let string = try #require(failure("save \"x"))
        #expect(string.location == SourceLocation(line: 1, column: 6))
    }

    @Test func diagnosticRendersCaretUnderTheColumn() {
        let d = Diagnostic("unknown command 'lod'", at: SourceLocation(line: 2, column: 5), length: 3, hint: "did you mean load?")
        let text = d.render(source: "vars\nd = lod x", origin: "t.ops", color: false)
        #expect(text == "t.ops:2:5: error: unknown command 'lod'\n  d = lod x\n      ^~~\n  did you mean load?\n")
        let shifted = d.render(source: "vars\nd = lod x", origin: "stdin", color: false, lineOffset: 10)
        #expect(shifted.hasPrefix("stdin:12:5: error:"))
    }

    @Test func aLongLineIsShownAsAWindowAroundTheColumn() {
        let line = String(repeating: "vars; ", count: 40) + "lod x"
        let column = line.count - 4
        let d = Diagnostic("unknown command 'lod'", at: SourceLocation(line: 1, column: column), length: 3)
        let shown = d.render(source: line, origin: "-c", color: false).split(separator: "\n").map(String.init)
        #expect(shown[0] == "-c:1:\(column): error: unknown command 'lod'")
        #expect(shown[1].count <= 2 + 91 && shown[1].hasPrefix("  …") && shown[1].hasSuffix("lod x"))
        // the caret stands under the 'l' of "lod" in the shown window
        let caret = shown[2].firstIndex(of: "^")!
        let l = shown[1].range(of: "lod")!.lowerBound
        #expect(shown[2].distance(from: shown[2].startIndex, to: caret) == shown[1].distance(from: shown[1].startIndex, to: l))
        #expect(shown[2].hasSuffix("^~~"))
    }

    @Test func nearestNameSuggestsTyposAndSubstrings() {
        #expect(nearestName(to: "true_vpv", in: ["true_vpu", "true_a76"]) == "true_vpu")
        #expect(nearestName(to: "gtx", in: ["eagle_i7", "eagle_gtx"]) == "eagle_gtx")
        #expect(nearestName(to: "zzzzzz", in: ["eagle_i7", "eagle_gtx"]) == nil)
        // a swap of neighbours is one edit, so "hepl" is nearer "help" than "del" (2 edits)
        #expect(nearestName(to: "hepl", in: ["del", "help", "set"]) == "help")
        #expect(nearestName(to: "hepl", in: ["help", "del"]) == "help")
    }
}
