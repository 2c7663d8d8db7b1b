let setCommand = CommandSpec(
    name: "set", category: .session,
    summary: "show or change how results are printed",
    usage: ["set", "set format=table|csv|json|markdown color=on|off echo=on|off bail=on|off width=N"],
    positionals: .none,
    options: [
        OptionHelp("format", "how values print: table (default), csv, json or markdown", choices: OutputFormat.allCases.map(\.rawValue)),
        OptionHelp("color", "ANSI colour on a terminal (off when NO_COLOR is set or output is not a terminal)", choices: ["on", "off"]),
        OptionHelp("echo", "print each statement before its output, as a transcript", choices: ["on", "off"]),
        OptionHelp("bail", "stop a script at its first error", choices: ["on", "off"]),
        OptionHelp("width", "the width tables and heatmaps fit in"),
    ],
    examples: ["set format=markdown", "set color=off echo=on"]
) { inv in
    try inv.checkPositionalCount(max: 0)
    var s = inv.session.settings
    if inv.statement.arguments.isEmpty {
        let rows: [[Cell]] = [
            [.text("format"), .text(s.format.rawValue)], [.text("color"), .text(s.color ? "on" : "off")],
            [.text("echo"), .text(s.echo ? "on" : "off")], [.text("bail"), .text(s.bail ? "on" : "off")],
            [.text("width"), .text(s.widthFixed || inv.session.terminalWidth == nil ? "\(s.width)" : "the terminal's (now \(inv.session.currentWidth))")],
        ]
        return .document(Document([.table(Table(columns: ["setting", "value"], rows: rows))]))
    }
    s.format = try inv.choice("format", default: s.format)
    s.color = try inv.bool("color", default: s.color)
    s.echo = try inv.bool("echo", default: s.echo)
    s.bail = try inv.bool("bail", default: s.bail)
    if inv.option("width") != nil {
        s.width = try inv.int("width", default: s.width, range: 40...1000)
        s.widthFixed = true
    }
    inv.session.settings = s
    return .setting
}
