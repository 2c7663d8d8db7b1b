import Foundation
import Testing

/// The repository's root, from this file's path (Tests/OneProxyCLITests/KernelTests.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Whether python3 can import these modules (CI installs them from PyPI; the shell never needs them).
func pythonImports(_ modules: String) -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import \(modules)"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}

let jupyterClientsAvailable = pythonImports("ipykernel, jupyter_client, jupyter_kernel_test")
let nbconvertAvailable = pythonImports("ipykernel, jupyter_client, nbclient, nbconvert")

/// Runs a program to its end; standard output and error together.
func runProgram(_ argv: [String], directory: URL, env: [String: String] = [:]) throws -> (output: String, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    p.currentDirectoryURL = directory
    p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), p.terminationStatus)
}

@Suite("oneproxy kernel install")
struct KernelInstallTests {
    @Test func writesTheKernelspecUnderThePrefix() throws {
        let prefix = try temporaryDirectory()
        let r = try runOneProxy(["kernel", "install", "--prefix", prefix.path])
        #expect(r.status == 0, "\(r.stderr)")
        let folder = prefix.appendingPathComponent("share/jupyter/kernels/oneproxy")
        #expect(r.stdout == "Installed kernelspec oneproxy in \(folder.path)\n")
        let spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("kernel.json"))) as? [String: Any])
        #expect(spec["display_name"] as? String == "oneproxy")
        #expect(spec["language"] as? String == "oneproxy")
        #expect(spec["interrupt_mode"] as? String == "signal")
        let argv = try #require(spec["argv"] as? [String])
        // python, the kernel file beside kernel.json, this very binary, the connection file.
        #expect(argv.count == 5)
        #expect(argv[1] == folder.appendingPathComponent("oneproxy_kernel.py").path)
        let binary = try oneproxyBinary().resolvingSymlinksInPath().path
        #expect(argv[2] == "--oneproxy=\(binary)")
        #expect(Array(argv[3...]) == ["-f", "{connection_file}"])
        let kernel = try String(contentsOf: folder.appendingPathComponent("oneproxy_kernel.py"), encoding: .utf8)
        #expect(kernel.contains("class OneProxyKernel(Kernel):"))
        #expect(!kernel.contains("@VERSION@"))
        // A second install replaces the first.
        #expect(try runOneProxy(["kernel", "install", "--prefix", prefix.path]).status == 0)
    }

    /// Without --prefix: the user's Jupyter data folder, as jupyter_core computes it.
    @Test func defaultsToTheUsersJupyterDataFolder() throws {
        let data = try temporaryDirectory()
        let r = try runOneProxy(["kernel", "install"], env: ["JUPYTER_DATA_DIR": data.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("kernels/oneproxy/kernel.json").path))
        let home = try temporaryDirectory()
        let user = try runOneProxy(["kernel", "install", "--user"], env: ["JUPYTER_DATA_DIR": "", "XDG_DATA_HOME": "", "HOME": home.path])
        #expect(user.status == 0, "\(user.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent(".local/share/jupyter/kernels/oneproxy/kernel.json").path))
    }

    @Test func theKernelFileIsValidPython() throws {
        guard pythonImports("sys") else { return }
        let prefix = try temporaryDirectory()
        _ = try runOneProxy(["kernel", "install", "--prefix", prefix.path])
        let file = prefix.appendingPathComponent("share/jupyter/kernels/oneproxy/oneproxy_kernel.py").path
        let r = try runProgram(["python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", file], directory: prefix)
        #expect(r.status == 0, "\(r.output)")
    }

    @Test func usageErrors() throws {
        let both = try runOneProxy(["kernel", "install", "--prefix", "/tmp/x", "--user"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("give either --user or --prefix"))
        let unknown = try runOneProxy(["kernel", "frobnicate"])
        #expect(unknown.status == 64)
        // `kernel` is only the first argument: a script path still runs.
        let dir = try temporaryDirectory()
        try "x = load oneproxy-nb201\n".write(to: dir.appendingPathComponent("kernel.ops"), atomically: true, encoding: .utf8)
        let script = try runOneProxy(["kernel.ops"], directory: dir)
        #expect(script.status == 0)
        #expect(script.stdout.hasPrefix("x: oneproxy-nb201"))
    }
}

@Suite("The Jupyter kernel with real clients")
struct KernelClientTests {
    /// Tests/Jupyter/test_kernel.py: jupyter_client's KernelManager (statements, variables across
    /// cells, an error, a figure, completion, inspection, an interrupt, save and notebook) and
    /// jupyter-kernel-test's standard checks.
    @Test(.enabled(if: jupyterClientsAvailable, "python3 with ipykernel, jupyter-client and jupyter-kernel-test (pip) is not installed: skipped, not passed"))
    func jupyterClientAndKernelTests() throws {
        let r = try runProgram(["python3", "Tests/Jupyter/test_kernel.py", "-v"], directory: repositoryRoot,
                               env: ["ONEPROXY_BINARY": try oneproxyBinary().path])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("OK"))
    }

    /// `jupyter nbconvert --to notebook --execute examples/tour.ipynb` (nbclient), on a copy in a
    /// temporary folder (the tour saves a session and a notebook page): no cell fails, the figures
    /// are SVG, and the HTML page embeds them.
    @Test(.enabled(if: nbconvertAvailable, "python3 with ipykernel, nbclient and nbconvert (pip) is not installed: skipped, not passed"))
    func tourNotebookRunsUnderNbconvert() throws {
        let dir = try temporaryDirectory()
        let prefix = dir.appendingPathComponent("prefix")
        #expect(try runOneProxy(["kernel", "install", "--prefix", prefix.path]).status == 0)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("examples/tour.ipynb"), to: dir.appendingPathComponent("tour.ipynb"))
        let env = ["JUPYTER_PATH": prefix.appendingPathComponent("share/jupyter").path]
        let run = try runProgram(["python3", "-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", "--output", "executed", "tour.ipynb"],
                                 directory: dir, env: env)
        try #require(run.status == 0, "\(run.output)")
        let notebook = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("executed.ipynb"))) as? [String: Any])
        let cells = (notebook["cells"] as? [[String: Any]] ?? []).filter { $0["cell_type"] as? String == "code" }
        let outputs = cells.flatMap { $0["outputs"] as? [[String: Any]] ?? [] }
        #expect(!outputs.contains { $0["output_type"] as? String == "error" })
        let svgs = outputs.compactMap { ($0["data"] as? [String: Any])?["image/svg+xml"] }
        #expect(svgs.count >= 4)  // the bar chart, the heatmap, two scatters and the λ path
        let text = String(decoding: try Data(contentsOf: dir.appendingPathComponent("executed.ipynb")), as: UTF8.self)
        #expect(text.contains("SRCC(true_vpu, eagle_gtx) = 0.6905"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("sessions/tour.ops").path))
        let html = try runProgram(["python3", "-m", "nbconvert", "--to", "html", "executed.ipynb"], directory: dir, env: env)
        try #require(html.status == 0, "\(html.output)")
        let page = try String(contentsOf: dir.appendingPathComponent("executed.html"), encoding: .utf8)
        #expect(page.contains("data:image/svg+xml"))
    }
}
