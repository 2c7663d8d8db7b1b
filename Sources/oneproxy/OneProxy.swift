import ArgumentParser
import CEditLine
import Foundation
import OneProxyKit
import OneProxyShell

/// The entry point: `oneproxy kernel …` installs the Jupyter kernel; anything else is the shell.
/// (`kernel` is looked at before the shell's arguments are parsed, so that a script path as the
/// first argument keeps working; a script named `kernel` runs as `oneproxy ./kernel`.)
@main
enum Main {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "kernel" {
            KernelCommand.main(Array(arguments.dropFirst()))
        } else {
            OneProxy.main()
        }
    }
}

/// The `oneproxy` executable: flags, then a terminal loop (libedit) or a script, `-c` or a pipe,
/// or `--serve` for programs (the Jupyter kernel).
struct OneProxy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oneproxy",
        abstract: "An interactive shell for hardware-aware NAS with one proxy device.",
        discussion: """
            With no FILE and a terminal on standard input, starts the line-edited shell (type help). With FILE, runs the script; with -c, runs the commands; otherwise reads commands from standard input.

            --safe replays someone else's script: it reads only under the working folder and the bundled data, writes only under the working folder, and refuses `..` or absolute paths out of it (a refused access is an error at the statement).

            \(serveProtocolHelp)

            `oneproxy kernel install [--prefix DIR]` installs the Jupyter kernel (it needs python3 with ipykernel); see `oneproxy kernel install --help`.

            Exit status: 0 when every statement succeeded, 1 when any failed, 64 for usage errors, 66 when FILE cannot be read, 73 when the notebook cannot be written.
            """,
        version: oneproxyVersion
    )

    @Argument(help: "A script to run (.ops).")
    var file: String?

    @Option(name: .customShort("c"), help: ArgumentHelp("Commands to run, separated by ';'.", valueName: "commands"))
    var commands: String?

    @Flag(help: "Stop at the first statement that fails.")
    var bail = false

    @Flag(help: "Print each statement before its output (a transcript).")
    var echo = false

    @Option(help: "Output format: table, csv, json or markdown.")
    var format: OutputFormat = .table

    @Flag(name: .customLong("no-color"), help: "Never use colour (also: the NO_COLOR environment variable).")
    var noColor = false

    @Option(help: ArgumentHelp("After running, write the session as a notebook page (.html or .md).", valueName: "page.html"))
    var notebook: String?

    @Flag(help: "Replay an untrusted script: read only under the working folder and the bundled data, write only under the working folder.")
    var safe = false

    @Flag(help: "Serve programs (the Jupyter kernel): JSON Lines requests on standard input, one reply line each on standard output.")
    var serve = false

    func validate() throws {
        if file != nil && commands != nil { throw ValidationError("give either FILE or -c, not both") }
        if serve && (file != nil || commands != nil || notebook != nil) { throw ValidationError("--serve reads its statements as requests: give no FILE, -c or --notebook") }
    }

    mutating func run() throws {
        enableUTF8Input()
        if serve {
            // No colour, a fixed width: the kernel shows text in a notebook cell.
            let files = FileAccess(policy: safe ? .safe : .unrestricted, extraReadFolders: BundledFiles.folder.map { [$0.path] } ?? [])
            files.removeStaleTemporariesOnce(folder: files.workingFolder)
        let session = Session(settings: Settings(format: format, color: false, echo: false, bail: bail, width: 100), sink: DiscardingSink(), files: files)
            runServe(session)
            return
        }
        let interactive = file == nil && commands == nil && isatty(STDIN_FILENO) == 1
        let env = ProcessInfo.processInfo.environment
        let colorAllowed = !noColor && env["NO_COLOR"].map(\.isEmpty) ?? true && env["TERM"] != "dumb"
        let settings = Settings(
            format: format, color: colorAllowed && isatty(STDOUT_FILENO) == 1, echo: echo, bail: bail,
            width: isatty(STDOUT_FILENO) == 1 ? terminalWidth() : 160)
        let sink = StandardSink()
        let files = FileAccess(policy: safe ? .safe : .unrestricted, extraReadFolders: BundledFiles.folder.map { [$0.path] } ?? [])
        // Temporary files a killed write left in the working folder (only ours, only stale ones).
        files.removeStaleTemporariesOnce(folder: files.workingFolder)
        let session = Session(settings: settings, sink: sink, files: files)
        if isatty(STDOUT_FILENO) == 1 { session.terminalWidth = { terminalWidth() } }
        session.showsProgress = isatty(STDERR_FILENO) == 1
        if !interactive {
            // Ctrl-C in a script, -c or a pipe stops the running statement as in the terminal, and
            // the rest: the session ends normally, so --notebook still writes what ran.
            catchInterrupts()
            session.isCancelled = { oneproxy_sigint_peek() != 0 }
        }
        if let commands {
            session.run(source: commands, origin: "-c")
        } else if let file {
            // The script itself is the user's choice: read even under --safe (its statements are checked).
            let read: (bytes: [UInt8], path: String)
            do {
                read = try files.read(file, checked: false)
            } catch {
                // The file door's message already says "cannot read FILE: …" (it was said twice).
                let why = visibleControls(String(describing: error))
                FileHandle.standardError.write(Data("oneproxy: \(why.hasPrefix("cannot read") ? why : "cannot read \(visibleControls(file)): \(why)")\n".utf8))
                throw ExitCode(66)
            }
            guard let source = String(validating: read.bytes, as: UTF8.self) else {
                FileHandle.standardError.write(Data("oneproxy: cannot read \(visibleControls(file)): not UTF-8 text\n".utf8))
                throw ExitCode(66)
            }
            session.runScript(source: source, path: read.path, origin: file)
        } else if interactive {
            runTerminal(session)
        } else {
            runPipe(session)
        }
        if let notebook {
            do {
                let replaced = try session.writeNotebook(to: notebook)
                FileHandle.standardError.write(Data("note: wrote the notebook to \(visibleControls(notebook))\(replaced ? " (replacing the existing file)" : "")\n".utf8))
            } catch let d as Diagnostic {
                FileHandle.standardError.write(Data("oneproxy: \(visibleControls(d.message))\n".utf8))
                throw ExitCode(73)
            }
        }
        if session.failures > 0 { throw ExitCode(1) }
    }
}

/// Results to stdout, diagnostics to stderr, unbuffered so that they interleave as they happen.
final class StandardSink: OutputSink {
    func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Where the printer writes under `--serve`: nowhere (the serve loop collects the events itself).
final class DiscardingSink: OutputSink {
    func out(_ text: String) {}
    func err(_ text: String) {}
}

/// libedit reads multibyte input only under a UTF-8 locale: take the user's, or C.UTF-8 when unset.
func enableUTF8Input() {
    let current = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? "C"
    if current == "C" || current == "POSIX" || !current.uppercased().contains("UTF") {
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }
}

func terminalWidth() -> Int {
    var ws = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 20 { return Int(ws.ws_col) }
    if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 20 { return c }
    return 100
}

/// Commands from a pipe or redirected file: no prompt, no editor; line numbers count from 1.
func runPipe(_ session: Session) {
    var collector = StatementCollector()
    var lineNumber = 0
    while let line = readLine(strippingNewline: true) {
        lineNumber += 1
        guard let (chunk, chunkLine) = collector.add(line: line, number: lineNumber) else { continue }
        let ok = session.run(source: chunk, origin: "stdin", firstLine: chunkLine)
        if !ok && session.settings.bail { return }
        if oneproxy_sigint_peek() != 0 { return }
    }
    if let (chunk, chunkLine) = collector.take() { session.run(source: chunk, origin: "stdin", firstLine: chunkLine) }
}

func runTerminal(_ session: Session) {
    let env = ProcessInfo.processInfo.environment
    let historyPath = historyFile(env)
    oneproxy_sigint_install()
    _ = oneproxy_el_start("oneproxy", 2000)
    // The file is kept here, not by libedit (which rewrote it whole on every entry): entries are
    // appended under a lock, a file that is not a history is refused, a trim is atomic.
    var history: HistoryFile?
    do {
        let h = try HistoryFile(path: historyPath)
        for entry in h.entries { oneproxy_el_add_history(entry) }
        if let note = h.note { session.sink.err("note: \(visibleControls(note))\n") }
        history = h
    } catch {
        session.sink.err("warning: no history this session: \(visibleControls(String(describing: error)))\n")
    }
    // The completion callback reaches the session through the context pointer libedit's shim
    // hands back (unretained: the session outlives the loop, which clears it at the end).
    oneproxy_el_set_completer({ context, linePointer, wordStart in
        guard let context else { return nil }
        let session = Unmanaged<Session>.fromOpaque(context).takeUnretainedValue()
        let line = String(cString: linePointer)
        let (start, words) = Completer.candidates(line: line, session: session)
        guard !words.isEmpty else { return nil }
        wordStart.pointee = Int32(start)
        var bytes: [UInt8] = []
        for w in words { bytes += Array(w.utf8) + [0] }
        bytes.append(0)
        let buffer = malloc(bytes.count)!.assumingMemoryBound(to: CChar.self)
        bytes.withUnsafeBufferPointer { src in
            for (i, b) in src.enumerated() { buffer[i] = CChar(bitPattern: b) }
        }
        return buffer
    }, Unmanaged.passUnretained(session).toOpaque())
    session.isCancelled = { oneproxy_sigint_peek() != 0 }
    let palette = Palette(enabled: session.settings.color)
    session.sink.out("oneproxy \(oneproxyVersion): hardware-aware NAS with one proxy device. " + palette.dim("Type help; Tab completes; Ctrl-D exits.") + "\n")
    // libedit needs the colour codes bracketed by \u{1} (EL_PROMPT_ESC) to measure the prompt.
    let prompt = palette.lineEditorPrompt("oneproxy>") + " "
    var lineNumber = 0
    var collector = StatementCollector()
    while true {
        var status: Int32 = 0
        let p = collector.isEmpty ? prompt : "     ...> "
        guard let cLine = oneproxy_el_readline(p, &status) else {
            if status == 2 { collector.reset(); continue } // Ctrl-C: drop the line, keep the session
            break // Ctrl-D or end of input
        }
        let line = String(cString: cLine)
        free(cLine)
        lineNumber += 1
        if line.trimmingCharacters(in: .whitespaces).isEmpty && collector.isEmpty { continue }
        let entry = line.trimmingCharacters(in: .whitespaces)
        oneproxy_el_add_history(entry)
        if let h = history {
            do { try h.append(entry) } catch {
                session.sink.err("warning: history is off for the rest of this session: \(visibleControls(String(describing: error)))\n")
                history = nil
            }
        }
        guard let (chunk, _) = collector.add(line: line, number: lineNumber) else { continue }
        if ["exit", "quit"].contains(chunk.trimmingCharacters(in: .whitespaces)) { break }
        _ = oneproxy_sigint_take()
        session.run(source: chunk, origin: "input")
        // A Ctrl-C during the run stopped the computation (or the statements after it).
        _ = oneproxy_sigint_take()
    }
    session.sink.out("\n")
    oneproxy_el_set_completer(nil, nil)
    oneproxy_el_end()
}

/// Where history is kept: `$ONEPROXY_HISTORY`, else `.oneproxy_history` in `$HOME` (as a shell
/// does), else in the account's home folder.
func historyFile(_ env: [String: String]) -> String {
    if let h = env["ONEPROXY_HISTORY"], !h.isEmpty { return h }
    if let home = env["HOME"], !home.isEmpty { return home + "/.oneproxy_history" }
    return NSHomeDirectory() + "/.oneproxy_history"
}
