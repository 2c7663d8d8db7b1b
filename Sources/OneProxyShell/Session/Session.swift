import Foundation
import OneProxyKit

/// A variable's value and the statement that made it.
public struct Binding: Sendable {
    public var value: any ShellValue
}

/// A statement that succeeded and bound a variable (or changed a setting): what `save` writes.
struct LoggedStatement: Sendable {
    var text: String
    var binds: String?
    var reads: Set<String>
    var isSetting: Bool
    /// The user files the statement read, so that `save` writes their paths relative to the
    /// script's folder and records their content hashes.
    var files: [LoggedFile] = []
}

/// A file path argument of a logged statement: where it is in the statement's text, the file it
/// named (absolute), its SHA-256, and where an existing `sha256=` option is (to be replaced).
struct LoggedFile: Sendable {
    var range: Range<Int>
    var absolutePath: String
    var sha256: String
    var hashOptionRange: Range<Int>?
}

/// A shell session: named variables, settings, and the log of successful statements.
///
/// Guarantees: a statement that fails leaves every variable as it was (commands compute a value
/// first; the session binds it only on success). `save` writes the successful statements that made
/// the current variables, in order, so that replaying the script rebuilds the same variables.
public final class Session {
    public private(set) var variables: [String: Binding] = [:]
    /// Variable names in the order they were first bound (for `vars`).
    public private(set) var variableOrder: [String] = []
    public var settings: Settings
    /// Where the default printer writes.
    public let sink: OutputSink
    /// Who hears the session's events: the printer first, then the notebook recorder, then any
    /// added with `subscribe`.
    public private(set) var observers: [any SessionObserver] = []
    /// Every statement and its output so far, for `notebook`.
    public let recorder = NotebookRecorder()
    /// The terminal's width now, when output is a terminal (asked at each drawing, so a resized
    /// window is used); otherwise `settings.width`.
    public var terminalWidth: (@Sendable () -> Int)?
    /// Files the session read, with their content hashes (the notebook's header names them).
    public internal(set) var inputs: [InputFile] = []
    /// How many statements failed so far.
    public private(set) var failures = 0
    /// Polled by long computations; true once the user pressed Ctrl-C during one.
    public var isCancelled: @Sendable () -> Bool = { false }

    /// The same, for OneProxyKit's long computations.
    public var cancellation: Cancellation { Cancellation(isCancelled) }

    /// What a long computation gets: the Ctrl-C check and a place to report progress (the session
    /// turns reports into progress events).
    public var computeContext: ComputeContext {
        let relay = ProgressRelay(session: self)
        let isCancelled = self.isCancelled
        return ComputeContext(cancellation: Cancellation { relay.drain(); return isCancelled() }, progress: { relay.forward($0) })
    }
    var log: [LoggedStatement] = []
    var runStack: [String] = []
    /// The session's one door to the file system (DESIGN.md section 5).
    public var files: FileAccess
    /// The folders of the scripts running now, innermost last: a statement's relative paths are
    /// resolved against its script's folder; typed and `-c` statements against the working folder.
    var scriptFolders: [String] = []
    /// The folder relative paths of the running statement are resolved against.
    public var baseFolder: String { scriptFolders.last ?? files.workingFolder }
    /// Where relative paths of `save` default to.
    public var sessionsFolder = "sessions"

    public init(settings: Settings = Settings(), sink: OutputSink, files: FileAccess? = nil) {
        self.settings = settings
        self.sink = sink
        self.files = files ?? FileAccess(extraReadFolders: BundledFiles.folder.map { [$0.path] } ?? [])
        observers = [Printer(sink: sink), recorder]
    }

    public func subscribe(_ observer: any SessionObserver) { observers.append(observer) }

    /// Whether the printer draws progress bars (the executable turns this on when standard error
    /// is a terminal).
    public var showsProgress: Bool {
        get { (observers.first as? Printer)?.showsProgress ?? false }
        set { (observers.first as? Printer)?.showsProgress = newValue }
    }

    func emit(_ event: SessionEvent) {
        for o in observers { o.receive(event, from: self) }
    }

    /// The width drawings fit in now: the one `set width=` gave, or the terminal's, or the default.
    public var currentWidth: Int {
        if !settings.widthFixed, let w = terminalWidth?() { return w }
        return settings.width
    }

    // MARK: variables

    public func value(of name: String) -> (any ShellValue)? { variables[name]?.value }

    func bind(_ name: String, _ value: any ShellValue) {
        if variables[name] == nil { variableOrder.append(name) }
        variables[name] = Binding(value: value)
    }

    func remove(_ name: String) {
        variables[name] = nil
        variableOrder.removeAll { $0 == name }
    }

    /// Words tab completion offers: commands, variables, and the words values carry (device names).
    public func completionWords() -> [String] {
        var words = Set(commandRegistry.keys)
        for (name, b) in variables {
            words.insert(name)
            words.formUnion(b.value.completionWords)
        }
        words.formUnion(BundledDatasets.names)
        return words.sorted()
    }

    // MARK: running

    /// Runs every statement of `source`. Returns true when all succeeded (or, with `bail`, stops at
    /// the first failure). `origin` names the source in diagnostics (a file path, `-c`, `stdin`);
    /// `firstLine` is the line number of the source's first line in that origin.
    @discardableResult
    public func run(source: String, origin: String, firstLine: Int = 1) -> Bool {
        var ok = true
        let outer = (failedBindings, skipped, rootOfLine)
        let outerInterruption = interruptionReported
        interruptionReported = false
        defer { interruptionReported = outerInterruption || interruptionReported }
        failedBindings = [:]
        skipped = []
        rootOfLine = [:]
        defer {
            if !skipped.isEmpty {
                // One clause per failed line the skipped statements go back to, in line order.
                let lines = Array(Set(skipped.map(\.line))).sorted()
                let clauses = lines.map { "\(rootOfLine[$0] ?? "a variable"), which line \($0) failed to bind" }
                let count = skipped.count
                remark(.error, "\(count) statement\(count == 1 ? "" : "s") skipped: \(count == 1 ? "it uses" : "they use") "
                       + clauses.joined(separator: ", and ") + "; --bail stops at the first error", origin: origin)
            }
            (failedBindings, skipped, rootOfLine) = outer
        }
        let statements = Parser.parse(source)
        for (index, parsed) in statements.enumerated() {
            if isCancelled() {
                // After a statement Ctrl-C stopped (which said so), the rest is skipped quietly.
                if interruptionReported { break }
                // Ctrl-C between statements: what did not run is said, and counts as a failure
                // (it was skipped without a word, and the exit status was 0).
                let rest = statements.count - index - 1
                let at: (SourceLocation?, Int) = {
                    switch parsed {
                    case .success(let st): return (st.command.location, st.command.length)
                    case .failure(let f): return (f.diagnostic.location, 1)
                    }
                }()
                report(Diagnostic("interrupted: this statement" + (rest == 0 ? " did not run" : " and the \(rest) after it did not run"),
                                  at: at.0 ?? SourceLocation(line: 1, column: 1), length: at.1),
                       source: source, origin: origin, firstLine: firstLine, interrupted: true)
                ok = false
                break
            }
            switch parsed {
            case .failure(let failure):
                emit(.statement(text: failure.text, origin: origin, line: firstLine - 1 + (failure.diagnostic.location?.line ?? 1)))
                report(failure.diagnostic, source: source, origin: origin, firstLine: firstLine)
                ok = false
            case .success(let statement):
                let line = firstLine - 1 + statement.location.line
                emit(.statement(text: statement.text, origin: origin, line: line))
                let skippedBefore = skipped.count
                if !execute(statement, source: source, origin: origin, firstLine: firstLine) {
                    ok = false
                    // What it would have bound is now missing too; a skipped statement passes on
                    // the line of the failure it comes from.
                    if let target = statement.target?.value {
                        let root = skipped.count > skippedBefore ? skipped.last!.line : line
                        failedBindings?[target] = root
                        if root == line { rootOfLine[line] = target }
                    }
                } else if let target = statement.target?.value {
                    failedBindings?[target] = nil
                }
            }
            if !ok && settings.bail { break }
        }
        return ok
    }

    /// Within one `run(source:)`: the variables a failed statement would have bound, with the line
    /// of the failure they come from; nil outside a run (a statement typed at the prompt).
    private var failedBindings: [String: Int]?
    /// Statements of the current run that failed only on such a variable, by that variable.
    private var skipped: [(variable: String, line: Int)] = []
    /// The variable each failed line was to bind (the root of what the skipped statements miss).
    private var rootOfLine: [Int: String] = [:]
    /// Whether this run (or a script it ran) reported a statement Ctrl-C stopped.
    private var interruptionReported = false

    func report(_ d: Diagnostic, source: String, origin: String, firstLine: Int, interrupted: Bool = false) {
        // In a script, a statement that fails only because an earlier statement did not bind a
        // variable is counted, not reported: the summary at the end names the first failure.
        if let name = d.missingVariable, let line = failedBindings?[name] {
            failures += 1
            skipped.append((name, line))
            return
        }
        failures += 1
        // The event carries only the line at fault (its number kept through lineOffset): a script
        // whose every line fails costs one split of its text, not one per failure.
        var located = d, text: String? = source, offset = firstLine - 1
        if let loc = d.location, let line = lineText(source, loc.line) {
            located.location = SourceLocation(line: 1, column: loc.column)
            text = line
            offset += loc.line - 1
        }
        var event = DiagnosticEvent(severity: .error, message: d.message, diagnostic: located, source: text, origin: origin, lineOffset: offset)
        event.interrupted = interrupted
        if interrupted { interruptionReported = true }
        emit(.diagnostic(event))
    }

    /// The lines of the source being reported on, split once per source (the same String is
    /// compared by identity first, so the check is constant-time while a script runs).
    private var reportedLines: (source: String, lines: [Substring])?

    /// Line `n` (1-based) of `source`, or nil.
    func lineText(_ source: String, _ n: Int) -> String? {
        if reportedLines?.source != source {
            reportedLines = (source, source.split(separator: "\n", omittingEmptySubsequences: false))
        }
        guard let lines = reportedLines?.lines, n >= 1, n <= lines.count else { return nil }
        return String(lines[n - 1])
    }

    func remark(_ severity: Severity, _ message: String, origin: String) {
        emit(.diagnostic(DiagnosticEvent(severity: severity, message: message, diagnostic: nil, source: nil, origin: origin, lineOffset: 0)))
    }

    /// Runs one statement; prints its result or its error. Returns whether it succeeded.
    @discardableResult
    public func execute(_ statement: Statement, source: String, origin: String, firstLine: Int = 1) -> Bool {
        var invocation = Invocation(statement: statement, session: self, origin: origin)
        do {
            let output = try dispatch(&invocation)
            switch output {
            case .nothing:
                break
            case .text(let text):
                emit(.display(Document([.text(text)])))
            case .document(let doc):
                emit(.display(doc))
            case .show(let value, let format):
                emit(.show(value: value, format: format))
            case .value(let value):
                let name = statement.target?.value ?? "_"
                bind(name, value)
                log.append(LoggedStatement(text: statement.text, binds: name, reads: invocation.reads, isSetting: false, files: invocation.loggedFiles))
                emit(.bound(name: name, value: value, shown: statement.target == nil))
            case .setting:
                log.append(LoggedStatement(text: statement.text, binds: nil, reads: [], isSetting: true))
            }
            for n in invocation.notes { remark(.note, n, origin: origin) }
            for w in invocation.warnings { remark(.warning, w, origin: origin) }
            return true
        } catch let e as Interrupted {
            report(Diagnostic("interrupted: \(statement.command.value) stopped \(e.when); nothing was changed", at: statement.command.location, length: statement.command.length),
                   source: source, origin: origin, firstLine: firstLine, interrupted: true)
        } catch is CancellationError {
            report(Diagnostic("interrupted: \(statement.command.value) stopped; nothing was changed", at: statement.command.location, length: statement.command.length),
                   source: source, origin: origin, firstLine: firstLine, interrupted: true)
        } catch let e as OneProxyError {
            report(Diagnostic(e.description, at: statement.command.location, length: statement.command.length),
                   source: source, origin: origin, firstLine: firstLine)
        } catch let e as Diagnostic {
            report(e.located(default: statement.command), source: source, origin: origin, firstLine: firstLine)
        } catch {
            report(Diagnostic("\(error)", at: statement.command.location, length: statement.command.length),
                   source: source, origin: origin, firstLine: firstLine)
        }
        return false
    }

    private func dispatch(_ inv: inout Invocation) throws -> CommandOutput {
        let st = inv.statement
        let name = st.command.value
        if let spec = commandRegistry[name] {
            inv.allowedOptions = Set(spec.options.map(\.name))
            try inv.checkOptionsKnown()
            return try spec.run(&inv)
        }
        // `y = x` copies a variable.
        if st.target != nil, st.arguments.isEmpty, let v = variables[name] {
            inv.reads.insert(name)
            return .value(v.value)
        }
        var hint: String?
        if variables[name] != nil {
            hint = "'\(name)' is a variable: type 'show \(name)'"
        } else if let near = nearestName(to: name, in: Array(commandRegistry.keys)) {
            hint = "did you mean \(near)?"
        } else {
            hint = "type 'help' to list the commands"
        }
        throw Diagnostic("unknown command '\(name)'", at: st.command.location, length: st.command.length, hint: hint)
    }

    // MARK: saving

    /// The script `save` writes: a header, then the statements that made the current variables.
    /// The paths of files they read are written relative to `folder` (the script's own folder, so
    /// that the script replays wherever it is run from), each with its content hash.
    public func script(folder: String? = nil) -> String {
        var needed = Set(variables.keys)
        var kept: [LoggedStatement] = []
        for entry in log.reversed() {
            if entry.isSetting { kept.append(entry); continue }
            if let b = entry.binds, needed.contains(b) {
                kept.append(entry)
                needed.remove(b)
                needed.formUnion(entry.reads)
            }
        }
        var out = "# oneproxy session script: replay with `oneproxy FILE` or `run \"FILE\"` in the shell.\n"
        out += "# It holds the successful statements that made this session's variables, in order.\n"
        for entry in kept.reversed() { out += savedText(entry, folder: folder ?? baseFolder) + "\n" }
        return out
    }

    /// A logged statement as `save` writes it: file paths relative to `folder`, `sha256=` recorded.
    func savedText(_ entry: LoggedStatement, folder: String) -> String {
        guard !entry.files.isEmpty else { return entry.text }
        var chars = Array(entry.text)
        var edits: [(Range<Int>, String)] = []
        for f in entry.files {
            var replacement = quoteString(FileAccess.relative(f.absolutePath, from: folder))
            if let h = f.hashOptionRange { edits.append((h, "sha256=\(f.sha256)")) } else { replacement += " sha256=\(f.sha256)" }
            edits.append((f.range, replacement))
        }
        for (range, text) in edits.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) where range.upperBound <= chars.count {
            chars.replaceSubrange(range, with: Array(text))
        }
        return String(chars)
    }
}

/// Carries a computation's progress reports back to the session that started it (the shell runs
/// one statement at a time on one thread, so the reports arrive on that thread).
/// Carries a computation's progress to the session's observers on the session's own thread.
///
/// The Kit reports from whichever thread does the work (`concurrentPerform` workers too); the
/// printer and the notebook recorder are not thread-safe. A report made on the session's thread
/// (the one that built the context) is emitted at once, with any report a worker left; a worker's
/// report is kept (the latest only, under a lock) until the session's thread next reports or
/// checks for Ctrl-C, which long computations do often.
final class ProgressRelay: @unchecked Sendable {
    weak var session: Session?
    private let owner = pthread_self()
    private let lock = NSLock()
    private var pending: ComputeProgress?

    init(session: Session) { self.session = session }

    var onOwnerThread: Bool { pthread_equal(pthread_self(), owner) != 0 }

    func forward(_ p: ComputeProgress) {
        guard onOwnerThread else {
            lock.lock(); pending = p; lock.unlock()
            return
        }
        drain()
        emit(p)
    }

    /// Emits a worker's pending report, when called on the session's thread.
    func drain() {
        guard onOwnerThread else { return }
        lock.lock(); let p = pending; pending = nil; lock.unlock()
        if let p { emit(p) }
    }

    private func emit(_ p: ComputeProgress) { session?.emit(.progress(ProgressEvent(label: p.label, done: p.done, total: p.total))) }
}

extension Diagnostic {
    /// The same diagnostic, pointing at `fallback` when it has no location of its own.
    func located(default fallback: Located<String>) -> Diagnostic {
        guard location == nil else { return self }
        var d = self
        d.location = fallback.location
        d.length = fallback.length
        return d
    }
}

/// A Ctrl-C that a command explains: `when` says how far it got ("before the evolution evaluated
/// any architecture"); the statement fails as for any interruption, and nothing is bound.
public struct Interrupted: Error, Sendable {
    public var when: String
    public init(_ when: String) { self.when = when }
}
