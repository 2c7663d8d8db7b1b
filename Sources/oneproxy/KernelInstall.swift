import ArgumentParser
import Foundation
import OneProxyShell

/// `oneproxy kernel …`: the Jupyter kernel, an extra for notebook users (the shell needs no Python).
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oneproxy kernel",
        abstract: "The Jupyter kernel for oneproxy (cells hold oneproxy statements).",
        subcommands: [KernelInstall.self]
    )
}

/// Writes the kernelspec `oneproxy`: kernel.json and the kernel's Python file (which drives
/// `oneproxy --serve`), with the path of this very binary baked in.
struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the kernelspec 'oneproxy' for Jupyter.",
        discussion: """
            Writes kernel.json and oneproxy_kernel.py to PREFIX/share/jupyter/kernels/oneproxy with --prefix (as `ipykernel install --prefix` does; a virtual environment's prefix, say), otherwise to the user's Jupyter data folder (as `jupyter kernelspec install --user` does: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter). The kernel runs this oneproxy binary and needs a Python with ipykernel (pip install ipykernel); nothing else is installed.
            """
    )

    @Option(help: ArgumentHelp("Install under DIR/share/jupyter/kernels (for example a virtual environment's prefix).", valueName: "DIR"))
    var prefix: String?

    @Flag(help: "Install in the user's Jupyter data folder (the default without --prefix).")
    var user = false

    @Option(help: ArgumentHelp("The Python that runs the kernel (default: python3 on PATH, checked for ipykernel).", valueName: "PATH"))
    var python: String?

    func validate() throws {
        if user && prefix != nil { throw ValidationError("give either --user or --prefix, not both") }
    }

    func run() throws {
        let folder = (prefix.map { URL(fileURLWithPath: $0).appendingPathComponent("share/jupyter") } ?? jupyterDataFolder())
            .appendingPathComponent("kernels/oneproxy")
        let binary = currentExecutable()
        let pythonPath = resolvedPython()
        let kernelFile = folder.appendingPathComponent("oneproxy_kernel.py")
        let spec: JSONValue = [
            "argv": .strings([pythonPath, kernelFile.path, "--oneproxy=\(binary)", "-f", "{connection_file}"]),
            "display_name": "oneproxy",
            "language": "oneproxy",
            "interrupt_mode": "signal",
            "metadata": ["oneproxy_version": .string(oneproxyVersion)],
        ]
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(kernelPythonSource.replacingOccurrences(of: "@VERSION@", with: oneproxyVersion).utf8).write(to: kernelFile, options: .atomic)
            try Data((spec.encoded(pretty: true) + "\n").utf8).write(to: folder.appendingPathComponent("kernel.json"), options: .atomic)
        } catch {
            FileHandle.standardError.write(Data("oneproxy: cannot write the kernelspec to \(folder.path): \(error.localizedDescription)\n".utf8))
            throw ExitCode(73)
        }
        print("Installed kernelspec oneproxy in \(folder.path)")
    }

    /// The Python to run the kernel: the one given, or python3's own `sys.executable` when it can
    /// import ipykernel (so the kernel keeps working when PATH changes); a warning otherwise.
    func resolvedPython() -> String {
        let candidate = python ?? "python3"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [candidate, "-c", "import sys, ipykernel; print(sys.executable)"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        if (try? p.run()) != nil {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if p.terminationStatus == 0, !path.isEmpty { return path }
        }
        FileHandle.standardError.write(Data("warning: \(candidate) cannot import ipykernel: install it (python3 -m pip install ipykernel) before starting the kernel\n".utf8))
        return candidate
    }
}

/// The user's Jupyter data folder, as jupyter_core computes it.
func jupyterDataFolder() -> URL {
    let env = ProcessInfo.processInfo.environment
    if let d = env["JUPYTER_DATA_DIR"], !d.isEmpty { return URL(fileURLWithPath: d) }
    let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    #if os(macOS)
    return URL(fileURLWithPath: home).appendingPathComponent("Library/Jupyter")
    #else
    if let x = env["XDG_DATA_HOME"], !x.isEmpty { return URL(fileURLWithPath: x).appendingPathComponent("jupyter") }
    return URL(fileURLWithPath: home).appendingPathComponent(".local/share/jupyter")
    #endif
}

/// The absolute path of the running binary (/proc/self/exe on Linux), so the kernel runs the
/// oneproxy that installed it.
func currentExecutable() -> String {
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
    let arg0 = CommandLine.arguments[0]
    if arg0.contains("/") { return URL(fileURLWithPath: arg0).standardizedFileURL.resolvingSymlinksInPath().path }
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let candidate = "\(dir)/\(arg0)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path }
    }
    return arg0
}
