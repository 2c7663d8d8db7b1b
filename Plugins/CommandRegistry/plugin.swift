import Foundation
import PackagePlugin

/// Generates `allCommands` from the command files of the target's Commands/ folder on every build,
/// so adding a command is adding one file (see Sources/oneproxy-registry).
@main
struct CommandRegistry: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let commands = module.sourceFiles(withSuffix: "swift").map(\.url).filter { $0.deletingLastPathComponent().lastPathComponent == "Commands" }
        let output = context.pluginWorkDirectoryURL.appending(path: "CommandRegistry.swift")
        return [
            .buildCommand(
                displayName: "Registering the \(commands.count) command files of \(target.name)/Commands",
                executable: try context.tool(named: "oneproxy-registry").url,
                arguments: [output.path] + commands.map(\.path),
                inputFiles: commands,
                outputFiles: [output])
        ]
    }
}
