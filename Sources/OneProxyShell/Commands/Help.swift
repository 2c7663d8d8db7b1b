let helpCommand = CommandSpec(
    name: "help", category: "session",
    summary: "list the commands, or explain one",
    usage: ["help", "help COMMAND"],
    details: "Every command's help ends with an example you can type as it is.",
    examples: ["help", "help load"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    if inv.positionals.isEmpty { return .text(overviewHelp(color: inv.session.settings.color)) }
    let name = try inv.word(0, "a command name")
    guard let spec = commandRegistry[name.value] else {
        let hint = nearestName(to: name.value, in: Array(commandRegistry.keys)).map { "did you mean \($0)?" }
        throw Diagnostic("no command named '\(name.value)'", at: name.location, length: name.length, hint: hint ?? "type 'help' to list the commands")
    }
    return .text(commandHelp(spec, color: inv.session.settings.color))
}

func overviewHelp(color: Bool) -> String {
    let bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
    var out = "oneproxy: hardware-aware NAS with one proxy device (Lu et al., SIGMETRICS 2022).\n"
    out += "Statements: `name = command args…` binds a result; a bare command shows it (and binds _).\n"
    out += "Separate statements with ; or newlines; # starts a comment.\n"
    for category in commandCategories {
        let specs = allCommands.filter { $0.category == category }
        if specs.isEmpty { continue }
        out += "\n\(bold)\(category)\(reset)\n"
        let width = specs.map(\.name.count).max() ?? 0
        for s in specs { out += "  " + s.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + s.summary + "\n" }
    }
    out += "\nType `help COMMAND` for its options and an example. Start with: d = load oneproxy-nb201\n"
    return out
}

func commandHelp(_ s: CommandSpec, color: Bool) -> String {
    let bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
    var out = "\(bold)\(s.name)\(reset): \(s.summary)\n\nusage:\n"
    for u in s.usage { out += "  \(u)\n" }
    if !s.options.isEmpty {
        out += "\noptions:\n"
        let width = s.options.map(\.name.count).max() ?? 0
        for o in s.options { out += "  " + (o.name + "=").padding(toLength: width + 3, withPad: " ", startingAt: 0) + o.help + "\n" }
    }
    if !s.details.isEmpty { out += "\n" + s.details + "\n" }
    out += "\nexample\(s.examples.count > 1 ? "s" : ""):\n"
    for e in s.examples { out += "  \(e)\n" }
    return out
}
