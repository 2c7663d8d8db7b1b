let varsCommand = CommandSpec(
    name: "vars", category: .session,
    summary: "list the session's variables with their types",
    usage: ["vars"],
    positionals: .none,
    examples: ["vars"]
) { inv in
    try inv.checkPositionalCount(max: 0)
    let s = inv.session
    if s.variableOrder.isEmpty { return .text("no variables yet: for example d = load oneproxy-nb201") }
    let rows = s.variableOrder.map { name -> [Cell] in
        let v = s.variables[name]!.value
        return [.text(name), .text(v.typeName), .text(v.summary)]
    }
    return .document(Document([.table(Table(columns: ["name", "type", "value"], rows: rows))]))
}

let showCommand = CommandSpec(
    name: "show", category: .session,
    summary: "print a variable in full",
    usage: ["show NAME [format=table|csv|json|markdown]"],
    positionals: Positionals([.anyVariable]),
    options: [OptionHelp("format", "this once, instead of the session's format", choices: OutputFormat.allCases.map(\.rawValue))],
    examples: ["d = load oneproxy-nb201; show d"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (value, _) = try inv.variable(0, as: (any ShellValue).self, "a variable to show")
    let formats = OutputFormat.allCases.map(\.rawValue)
    let format = inv.option("format") == nil ? nil : OutputFormat(rawValue: try inv.choice("format", formats, default: "table"))
    return .show(value, format: format)
}

let delCommand = CommandSpec(
    name: "del", category: .session,
    summary: "delete variables",
    usage: ["del NAME [NAME …]"],
    positionals: Positionals([.anyVariable]),
    examples: ["x = load oneproxy-nb201; del x"]
) { inv in
    let names = try inv.positionals.map { try inv.word($0, "a variable name") }
    if names.isEmpty { _ = try inv.positional(0, "a variable name") }
    for n in names where inv.session.value(of: n.value) == nil {
        let hint = nearestName(to: n.value, in: inv.session.variableOrder).map { "did you mean \($0)?" }
        throw Diagnostic("no variable named '\(n.value)'", at: n.location, length: n.length, hint: hint)
    }
    for n in names { inv.session.remove(n.value) }
    return .text("deleted " + names.map(\.value).joined(separator: ", "))
}
