import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Tables and help that fit the terminal: no line longer than the width, no cell lost.
@Suite("output that fits the width")
struct FitWidthTests {
    @Test(arguments: [80, 100])
    func wideTablesStackHeadersAndSplitColumns(width: Int) throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "set width=\(width); d = load help-nb201; f = search d acc=cifar10 lat=pixel3; r = reuse f targets=[raspi4, eyeriss]", origin: "t"))
        let r = try #require(s.value(of: "r") as? ReuseValue)
        let text = r.table.renderText(width: width)
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= width }, "\(text)")
        // Every cell's text is in the drawing, untruncated (numbers are never cut).
        for row in r.table.rows { for cell in row { #expect(text.contains(cell.display), "\(cell.display) missing") } }
        // Each header word is shown (a stacked header keeps every part of its name).
        for c in r.table.columns { for part in c.split(separator: "_") { #expect(text.contains(part)) } }
        _ = sink
    }

    @Test func helpWrapsBetweenWordsWithAHangingIndent() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "set width=80; help adapt", origin: "t"))
        let options = sink.stdout.components(separatedBy: "options:\n")[1].components(separatedBy: "\n\n")[0]
        for line in options.split(separator: "\n") {
            #expect(line.count <= 80, "\(line)")
            // A continuation starts under the explanations' column, never mid-word at the edge.
            #expect(line.hasPrefix("  ") && (line.dropFirst(2).first != " " || line.hasPrefix(String(repeating: " ", count: 13))))
        }
        #expect(options.contains("train=     training samples (without train=, val=, seed=: every row a sparsely\n             measured target has"))
    }
}
