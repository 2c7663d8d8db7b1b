let exportCommand = CommandSpec(
    name: "export", category: .session,
    summary: "write a variable to a file (.csv, .json, .md, .svg by what the value supports)",
    usage: ["export NAME \"file.csv\" [overwrite=true]"],
    positionals: Positionals([.anyVariable, .path]),
    options: [overwriteOption],
    details: "The extension picks the format. A correlation matrix's CSV has the header device,D1,D2,…; an adaptation report's JSON has srcc_raw, srcc_proxy_fit, srcc_adapted, srcc_target_only, lambda, train, val.",
    examples: ["d = load oneproxy-nb201; export d \"/tmp/oneproxy-nb201.csv\""]
) { inv in
    try inv.checkPositionalCount(max: 2)
    let (value, name) = try inv.variable(0, as: (any ShellValue).self, "a variable to export")
    let p = try inv.path(1)
    let ext = p.value.split(separator: ".").count > 1 ? String(p.value.split(separator: ".").last!).lowercased() : ""
    guard value.exportExtensions.contains(ext) else {
        throw Diagnostic("\(name.value) is \(withArticle(value.typeName)): it exports to " + value.exportExtensions.map { "." + $0 }.joined(separator: ", ") + (ext.isEmpty ? "; add an extension" : ", not .\(ext)"),
                         at: p.location, length: p.length)
    }
    let text = try value.export(as: ext)
    _ = try inv.writeFile(text, to: p)
    return .text("wrote \(name.value) to \(p.value)")
}
