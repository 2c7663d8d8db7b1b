import Foundation
import Testing

/// Drives the line editor the way a person would: tmux types keys into a real terminal and reads
/// the screen back. Skipped where tmux is not installed.
@Suite("oneproxy on a terminal (tmux)", .tags(.heavy), .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")))
struct TerminalTests {
    let session = "oneproxy-test-\(UUID().uuidString.prefix(8))"

    /// Runs tmux through posix_spawn and waitpid. (Foundation's Process never sees the tmux client
    /// exit here: the server it forks keeps Foundation's watch open.) Output goes to a file.
    @discardableResult
    func tmux(_ args: String...) throws -> String {
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(session)-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outFile) }
        let quoted = (["/usr/bin/tmux", "-L", session] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = quoted.joined(separator: " ") + " </dev/null >'\(outFile.path)' 2>/dev/null"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (s: String) in strdup(s) } + [nil]
        defer { for a in argv { free(a) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw CLIError("cannot start tmux") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
    }

    /// Waits (up to 10 s) until the screen satisfies `condition`; returns the last screen.
    func screen(until condition: (String) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        var text = ""
        for _ in 0..<100 {
            text = try tmux("capture-pane", "-p", "-t", session)
            if condition(text) { return text }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the screen never showed what was awaited:\n\(text)", sourceLocation: sourceLocation)
        return text
    }

    /// Ends the tmux server and waits (up to 5 s) for its process to exit: it takes most of a
    /// second, and a `new-session` in that time reaches the dying server and fails ("server exited
    /// unexpectedly"), which made a restart flaky.
    func stopServer() {
        let pid = pid_t(((try? tmux("display-message", "-p", "-t", session, "#{pid}")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        _ = try? tmux("kill-server")
        guard let pid, pid > 0 else { return }
        for _ in 0..<500 where kill(pid, 0) == 0 { Thread.sleep(forTimeInterval: 0.01) }
    }

    func start(history: URL, directory: URL) throws {
        let binary = try oneproxyBinary().path
        // No LANG: the shell must still take UTF-8 input.
        try tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", directory.path,
                 "env -u LANG -u LC_ALL ONEPROXY_HISTORY=\(history.path) \(binary)")
        _ = try screen { $0.contains("oneproxy>") }
    }

    @Test func completionCancelUTF8HistoryAndExit() throws {
        let dir = try temporaryDirectory()
        let history = dir.appendingPathComponent("history")
        defer { _ = try? tmux("kill-server") }
        try start(history: history, directory: dir)

        // Tab completes a command name and a dataset name.
        try tmux("send-keys", "-t", session, "d = lo", "Tab")
        _ = try screen { $0.contains("d = load") } // (capture-pane trims the trailing blank)
        try tmux("send-keys", "-t", session, "oneproxy-nb2", "Tab", "Enter")
        var text = try screen { $0.contains("d: oneproxy-nb201: 1999 architectures") }
        #expect(text.contains("d: oneproxy-nb201: 1999 architectures"))

        // Tab completes a device name once the dataset exists.
        try tmux("send-keys", "-t", session, "srcc d true_vp", "Tab", "eagle_gt", "Tab", "Enter")
        text = try screen { $0.contains("SRCC(true_vpu, eagle_gtx) = 0.6905") }
        #expect(text.contains("SRCC(true_vpu, eagle_gtx) = 0.6905"))

        // Ctrl-C drops the line being typed and keeps the session (and its variables).
        try tmux("send-keys", "-t", session, "show é_unfinished", "C-c")
        // (Wait for the fresh prompt, so the Ctrl-C cannot land on the next statement.)
        _ = try screen { $0.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.trimmingCharacters(in: .whitespaces) == "oneproxy>" }
        try tmux("send-keys", "-t", session, "vars", "Enter")
        text = try screen { $0.contains("correlation") && $0.contains("dataset") }
        #expect(text.contains("oneproxy-nb201: 1999 architectures"))
        #expect(!text.contains("no variable named 'é_unfinished'"))

        // Ctrl-R searches the history backwards; Enter runs the line found.
        try tmux("send-keys", "-t", session, "C-r", "srcc d")
        _ = try screen { $0.contains("bck:srcc d") } // libedit's incremental search prompt
        try tmux("send-keys", "-t", session, "Enter")
        text = try screen { $0.components(separatedBy: "SRCC(true_vpu, eagle_gtx) = 0.6905").count >= 3 }
        #expect(text.components(separatedBy: "SRCC(true_vpu, eagle_gtx) = 0.6905").count >= 3, "\(text)")

        // Ctrl-C during a long computation stops it, skips the rest of the line, keeps the session.
        try tmux("send-keys", "-t", session, "c = srcc d true_vpu eagle_gtx ci=0.95 boot=1000000; vars", "Enter")
        // (Ctrl-C again every half second until it lands during the computation: on a loaded
        // machine the first may come before the statement starts; at the prompt it is harmless.)
        for _ in 0..<20 {
            Thread.sleep(forTimeInterval: 0.5)
            try tmux("send-keys", "-t", session, "C-c")
            if try tmux("capture-pane", "-p", "-t", session).contains("interrupted:") { break }
        }
        text = try screen { $0.contains("interrupted: srcc stopped; nothing was changed") }
        try tmux("send-keys", "-t", session, "show c", "Enter")
        text = try screen { $0.contains("no variable named 'c'") }

        // UTF-8 input without LANG: the error's caret is under the right column.
        try tmux("send-keys", "-t", session, "show é", "Enter")
        text = try screen { $0.contains("no variable named 'é'") }
        #expect(text.contains("input:1:6: error: no variable named 'é'"))

        // Ctrl-D exits; history was saved.
        try tmux("send-keys", "-t", session, "C-d")
        for _ in 0..<50 where (try? String(contentsOf: history, encoding: .utf8))?.contains("vars") != true {
            Thread.sleep(forTimeInterval: 0.1)
        }
        // libedit writes history strvis-encoded: a space is \\040.
        let saved = try String(contentsOf: history, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
        #expect(saved.contains("\nsrcc d true_vpu eagle_gtx\n"), "completed lines are saved without trailing blanks")
        #expect(saved.contains("vars"))

        // A new run recalls the history with the Up arrow.
        stopServer()
        try start(history: history, directory: dir)
        // (history, newest first: show é, show c, c = srcc …, the line Ctrl-R ran again, vars)
        try tmux("send-keys", "-t", session, "Up", "Up", "Up", "Up", "Up")
        text = try screen { $0.contains("oneproxy> vars") }
        #expect(text.contains("oneproxy> vars"))
    }

    /// Evolution draws a progress bar on a terminal; Ctrl-C stops it and keeps the best found so far.
    @Test func ctrlCStopsAnEvolutionAndKeepsTheBestSoFar() throws {
        let dir = try temporaryDirectory()
        defer { _ = try? tmux("kill-server") }
        try start(history: dir.appendingPathComponent("history"), directory: dir)
        try tmux("send-keys", "-t", session, "d = load help-nb201", "Enter")
        _ = try screen { $0.contains("d: help-nb201") }
        try tmux("send-keys", "-t", session, "e = search d acc=cifar10 lat=pixel3 max=20ms method=evolution generations=20000 evaluations=off", "Enter")
        var text = try screen { $0.contains("evolution [") && $0.contains("/20000") }
        try tmux("send-keys", "-t", session, "C-c")
        text = try screen { $0.contains("stopped after") }
        #expect(text.contains("the result is the best found so far"))
        #expect(text.contains("e: evolution under 20 ms on pixel3: cifar10"))
        #expect(!text.contains("^Cevolution"), "nothing glued to the ^C")
        try tmux("send-keys", "-t", session, "vars", "Enter")
        text = try screen { $0.contains("search") && $0.contains("(stopped early)") }
        #expect(text.contains("(stopped early)"))
    }

    /// Sends Ctrl-C once the progress bar of `label` shows, and returns the seconds until the
    /// interruption is on the screen (polling every 20 ms). Nil when the statement finished first.
    func interruptWhenRunning(_ statement: String, label: String, bound name: String) throws -> Double? {
        try tmux("send-keys", "-t", session, statement, "Enter")
        var seen = false
        for _ in 0..<1500 {
            let text = try tmux("capture-pane", "-p", "-t", session)
            if text.contains("\(label) [") { seen = true; break }
            if text.contains("\(name): ") { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard seen else { return nil }
        try tmux("send-keys", "-t", session, "C-c")
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<500 {
            let text = try tmux("capture-pane", "-p", "-t", session)
            if text.contains("interrupted:") { return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
            if text.contains("\(name): ") { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    /// Ctrl-C stops a leave-one-out adaptation and a Kendall bootstrap: the statement fails at once,
    /// binds nothing, and its message starts on a clean line (not glued to the ^C).
    @Test func ctrlCStopsCrossValidationAndAKendallMatrix() throws {
        let dir = try temporaryDirectory()
        defer { _ = try? tmux("kill-server") }
        try start(history: dir.appendingPathComponent("history"), directory: dir)
        try tmux("send-keys", "-t", session, "h = load help-nb201", "Enter")
        _ = try screen { $0.contains("h: help-nb201") }
        let cases = [
            ("a = adapt h proxy=pixel3 target=titan_rtx_1 train=300 val=0 folds=loo", "cross-validation", "a", "adapt"),
            // (The whole Kendall matrix of help-nb201 now takes ~15 ms, too short to catch through
            // tmux; the Kit's kendallMatrixStops covers it. A Kendall bootstrap runs for seconds.)
            ("k = kendall h pixel3 gold_6226 ci=0.95 boot=20000", "bootstrap", "k", "kendall"),
        ]
        for (statement, label, name, command) in cases {
            // (the statement may finish before Ctrl-C lands on a loaded machine: then try again)
            var elapsed: Double?
            for _ in 0..<5 {
                try tmux("send-keys", "-t", session, "C-l") // (a clean screen: earlier messages do not count)
                Thread.sleep(forTimeInterval: 0.2)
                if let e = try interruptWhenRunning(statement, label: label, bound: name) { elapsed = e; break }
                try tmux("send-keys", "-t", session, "del \(name)", "Enter")
            }
            guard let elapsed else { Issue.record("\(command) was never interrupted"); continue }
            // Measured through tmux (each screen capture starts a client), so the bound is loose;
            // the Kit tests bound the computation's own reaction time.
            #expect(elapsed < 2, "\(command) took \(elapsed) s to stop")
            var text = try screen { $0.contains("interrupted: \(command) stopped; nothing was changed") }
            #expect(!text.contains("^Cinput"), "nothing glued to the ^C:\n\(text)")
            #expect(!text.contains("^C" + label), "nothing glued to the ^C:\n\(text)")
            try tmux("send-keys", "-t", session, "show \(name)", "Enter")
            text = try screen { $0.contains("no variable named '\(name)'") }
            #expect(text.contains("no variable named '\(name)'"))
        }
    }

    /// History goes to $HOME when ONEPROXY_HISTORY is not set.
    @Test func historyHonoursHome() throws {
        let dir = try temporaryDirectory()
        defer { _ = try? tmux("kill-server") }
        let binary = try oneproxyBinary().path
        try tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", dir.path,
                 "env -u ONEPROXY_HISTORY HOME=\(dir.path) \(binary)")
        _ = try screen { $0.contains("oneproxy>") }
        try tmux("send-keys", "-t", session, "vars", "Enter")
        _ = try screen { $0.contains("no variables") || $0.components(separatedBy: "oneproxy>").count >= 3 }
        try tmux("send-keys", "-t", session, "C-d")
        let history = dir.appendingPathComponent(".oneproxy_history")
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: history.path) { Thread.sleep(forTimeInterval: 0.1) }
        #expect(((try? String(contentsOf: history, encoding: .utf8)) ?? "").contains("vars"))
    }

    /// ONEPROXY_HISTORY naming a file that is not a history: refused with a warning, the session
    /// runs on without history, and the file is left byte for byte (libedit replaced it).
    @Test func aNotesFileIsNotTakenAsHistory() throws {
        let dir = try temporaryDirectory()
        defer { _ = try? tmux("kill-server") }
        let notes = dir.appendingPathComponent("notes.txt")
        let text = "shopping: milk\nphone Ann\n"
        try text.write(to: notes, atomically: true, encoding: .utf8)
        try start(history: notes, directory: dir)
        var screenText = try screen { $0.contains("oneproxy>") }
        // (The warning names the whole path, so the terminal wraps it: read the screen unwrapped.)
        let unwrapped = screenText.replacingOccurrences(of: "\n", with: "")
        #expect(unwrapped.contains("warning: no history this session:"))
        #expect(unwrapped.contains("is not a oneproxy history file"))
        try tmux("send-keys", "-t", session, "vars", "Enter")
        screenText = try screen { $0.components(separatedBy: "oneproxy>").count >= 3 }
        try tmux("send-keys", "-t", session, "C-d")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try Data(contentsOf: notes) == Data(text.utf8))
    }
}
