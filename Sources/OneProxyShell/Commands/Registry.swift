// `allCommands`, every command in Commands/, is generated at build time by the CommandRegistry
// plugin (Plugins/CommandRegistry, Sources/oneproxy-registry): a new command is one file here.

public let commandRegistry: [String: CommandSpec] = Dictionary(uniqueKeysWithValues: allCommands.map { ($0.name, $0) })

