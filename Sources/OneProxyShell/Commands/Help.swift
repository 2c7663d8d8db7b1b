import Foundation

let helpCommand = CommandSpec(
    name: "help", category: .session,
    summary: "list the commands, or explain one",
    usage: ["help", "help COMMAND"],
    positionals: Positionals([.command]),
    details: "Every command's help ends with an example you can type as it is.",
    examples: ["help", "help load"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    if inv.positionals.isEmpty { return .document(overviewHelp()) }
    let name = try inv.word(0, "a command name")
    guard let spec = commandRegistry[name.value] else {
        let hint = nearestName(to: name.value, in: Array(commandRegistry.keys)).map { "did you mean \($0)?" }
        throw Diagnostic("no command named '\(name.value)'", at: name.location, length: name.length, hint: hint ?? "type 'help' to list the commands")
    }
    return .document(commandHelp(spec))
}

/// The list of commands by group, as a document (headings are bold on a terminal).
func overviewHelp() -> Document {
    var blocks: [Block] = [.preformatted("""
        oneproxy: hardware-aware NAS with one proxy device (Lu et al., SIGMETRICS 2022).
        Statements: `name = command args…` binds a result; a bare command shows it (and binds _).
        Separate statements with ; or newlines; # starts a comment.
        """)]
    for category in CommandCategory.allCases {
        let specs = allCommands.filter { $0.category == category }
        if specs.isEmpty { continue }
        let width = specs.map(\.name.count).max() ?? 0
        blocks.append(.heading(category.rawValue))
        blocks.append(.preformatted(specs.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n")))
    }
    blocks.append(.preformatted("Type `help COMMAND` for its options and an example; exit or quit (or Ctrl-D) leaves.\nStart with: d = load oneproxy-nb201"))
    return Document(blocks)
}

/// One command's help: usage, options, details and examples.
func commandHelp(_ s: CommandSpec) -> Document {
    var blocks: [Block] = [.heading("\(s.name): \(s.summary)"), .preformatted("usage:\n" + s.usage.map { "  \($0)" }.joined(separator: "\n"))]
    if !s.options.isEmpty {
        blocks.append(.definitions(title: "options:", s.options.map { ($0.name + "=", $0.help) }))
    }
    for paragraph in s.details.components(separatedBy: "\n\n") where !paragraph.isEmpty {
        blocks.append(.text(paragraph.split(separator: "\n").joined(separator: " ")))
    }
    blocks.append(.preformatted("example\(s.examples.count > 1 ? "s" : ""):\n" + s.examples.map { "  \($0)" }.joined(separator: "\n")))
    return Document(blocks)
}

/// README's command table, from the registry: one row per category (in help's order), each
/// command's usage lines without their comments. A test keeps README's copy equal to it.
public func commandTableMarkdown() -> String {
    var out = "| group | commands |\n|---|---|\n"
    for category in CommandCategory.allCases {
        let specs = allCommands.filter { $0.category == category }
        if specs.isEmpty { continue }
        let usages = specs.flatMap { spec in
            spec.usage.map { u -> String in
                let code = (u.range(of: "  #").map { String(u[..<$0.lowerBound]) } ?? u).trimmingCharacters(in: .whitespaces)
                return "`" + code.replacingOccurrences(of: "|", with: "\\|") + "`"
            }
        }
        out += "| \(category.rawValue) | " + usages.joined(separator: ", ") + " |\n"
    }
    return out
}
