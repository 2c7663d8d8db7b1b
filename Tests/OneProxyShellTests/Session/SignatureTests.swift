import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Command declarations: the registry is complete, README's command table and help come from them,
/// and completion reads them (not a switch on command names).
@Suite("command declarations")
struct SignatureTests {
    /// Every command declared in Commands/ is registered (a command left out of `allCommands`
    /// would be unreachable, its help and examples untested).
    @Test func everyDeclaredCommandIsRegistered() throws {
        let folder = projectRoot.appendingPathComponent("Sources/OneProxyShell/Commands")
        var declared: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let rx = try NSRegularExpression(pattern: #"^let (\w+Command) = (CommandSpec\(|correlationCommand\()"#, options: .anchorsMatchLines)
            for m in rx.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                declared.append(String(text[Range(m.range(at: 1), in: text)!]))
            }
        }
        #expect(declared.count == allCommands.count, "declared: \(declared.sorted())")
        #expect(Set(allCommands.map(\.name)).count == allCommands.count)
        // Each declared variable's command name is in the registry.
        for v in declared {
            let name = String(v.dropLast("Command".count))
            #expect(commandRegistry[name] != nil, "\(v) is not registered")
        }
    }

    /// README's table is the registry's (regenerate it from the failure message).
    @Test func readmeCommandTableComesFromTheRegistry() throws {
        let readme = try String(contentsOf: projectRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- commands: generated from the registry (SignatureTests) -->\n"))
        let end = try #require(readme.range(of: "<!-- commands: end -->", range: begin.upperBound..<readme.endIndex))
        let table = String(readme[begin.upperBound..<end.lowerBound])
        #expect(table == commandTableMarkdown(), "README's command table differs; replace it with:\n\(commandTableMarkdown())")
    }

    /// Help states the default the code uses (evolution's, from `EvolutionSettings()`).
    @Test func helpShowsTheDeclaredDefaults() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "help search", origin: "t"))
        let d = EvolutionSettings()
        #expect(sink.stdout.contains("population=   evolution: architectures per generation (default \(d.population))"), "\(sink.stdout)")
        #expect(sink.stdout.contains("(default \(d.maxEvaluations!))"))
        #expect(s.run(source: "help stack", origin: "t"))
        #expect(sink.stdout.contains("norm=") && sink.stdout.contains("l2, l1 or linf (default l2)"))
    }

    /// A typed option's error points at its value.
    @Test func aTypedOptionOutOfRangeIsLocated() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load help-nb201", origin: "t"))
        #expect(!s.run(source: "e = search d acc=cifar10 lat=pixel3 max=20ms method=evolution population=1", origin: "t"))
        #expect(sink.stderr.contains("population must be between 2 and 100000, found 1"), "\(sink.stderr)")
        #expect(sink.stderr.contains("t:1:74"), "\(sink.stderr)")  // the value 1
        #expect(!s.run(source: "s = stack d target=pixel3 norm=l3", origin: "t"))
        #expect(sink.stderr.contains("norm must be one of \(AdaNorm.allCases.map(\.rawValue).joined(separator: ", ")), found l3"), "\(sink.stderr)")
    }

    /// Completion reads the declarations: lat= and predict offer every model (stacks too), a
    /// typed choice offers its enum's cases.
    @Test func completionFollowsTheDeclarations() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load help-nb201; st = stack d target=pixel3 n=10 seed=1; p = fit d gold_6226", origin: "t"), "\(sink.stderr)")
        let lat = Completer.candidates(line: "f = search d acc=cifar10 lat=", session: s).words
        #expect(lat.contains("st") && lat.contains("p") && lat.contains("pixel3"))
        #expect(Completer.candidates(line: "predict ", session: s).words == ["name=", "p", "st"])
        #expect(Completer.candidates(line: "s = stack d target=pixel3 norm=", session: s).words == ["l1", "l2", "linf"])
        #expect(Completer.candidates(line: "s = search d eva", session: s).words == ["evaluations="])
        // No search yet: reuse offers its options only.
        #expect(Completer.candidates(line: "reuse ", session: s).words == ["target=", "targets="])
    }
}
