/// Every command of the language, by name. A new command is one file in Commands/ plus a line here.
public let allCommands: [CommandSpec] = [
    helpCommand, varsCommand, showCommand, delCommand, setCommand, saveCommand, runCommand, exportCommand, notebookCommand,
    datasetsCommand, loadCommand, devicesCommand, mergeCommand,
    srccCommand, kendallCommand, pearsonCommand, heatmapCommand,
    fitCommand, predictCommand, sampleCommand, adaptCommand,
    topCommand, searchCommand, reuseCommand, fitaccCommand,
    planCommand, shortlistCommand, measureCommand,
    curveCommand, stackCommand, adviseCommand, helpbenchCommand, predictorCommand,
]

public let commandRegistry: [String: CommandSpec] = Dictionary(uniqueKeysWithValues: allCommands.map { ($0.name, $0) })

