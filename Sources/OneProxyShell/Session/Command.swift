import OneProxyKit

/// What a command returns: a value (bound to the target or `_`), a value to show without binding
/// it, a document or a line of text to print, or nothing.
public enum CommandOutput {
    case value(any ShellValue)
    case show(any ShellValue, format: OutputFormat?)
    case document(Document)
    case text(String)
    /// A setting changed: nothing to print, but `save` keeps the statement.
    case setting
    case nothing
}

/// One option a command takes, for help, completion and unknown-option errors.
///
/// The untyped form of a declaration: typed options (`CommandOption<Value>`, in Signature.swift) give
/// theirs through `Option.help`, so their default and choices are stated once.
public struct OptionHelp: Sendable {
    public var name: String
    public var help: String
    /// The option's fixed values, if it has them (tab completion offers these).
    public var choices: [String]
    /// What tab completion offers after `name=` (fixed choices by default).
    public var completion: CompletionKind

    public init(_ name: String, _ help: String, choices: [String] = [], completion: CompletionKind? = nil) {
        self.name = name
        self.help = help
        self.choices = choices
        self.completion = completion ?? (choices.isEmpty ? .general : .choices(choices))
    }
}

/// A command of the language: its help and what it does. One file per command in Commands/.
public struct CommandSpec: Sendable {
    public var name: String
    /// The help's grouping.
    public var category: CommandCategory
    public var summary: String
    public var usage: [String]
    /// What the positional arguments are, for completion (a dataset first unless said otherwise).
    public var positionals: Positionals
    public var options: [OptionHelp]
    public var details: String
    /// Runnable examples (the tests run each of them).
    public var examples: [String]
    public var run: @Sendable (inout Invocation) throws -> CommandOutput

    public init(
        name: String, category: CommandCategory, summary: String, usage: [String], positionals: Positionals = .dataset, options: [OptionHelp] = [],
        details: String = "", examples: [String], run: @escaping @Sendable (inout Invocation) throws -> CommandOutput
    ) {
        self.name = name
        self.category = category
        self.positionals = positionals
        self.summary = summary
        self.usage = usage
        self.options = options
        self.details = details
        self.examples = examples
        self.run = run
    }
}

/// A command's view of its statement and the session: typed access to arguments and variables,
/// with errors that point at the argument at fault.
public struct Invocation {
    public let statement: Statement
    public let session: Session
    public let origin: String
    /// Variables this statement read (for `save`'s dependency analysis).
    var reads: Set<String> = []
    var allowedOptions: Set<String> = []
    var usedOptions: Set<String> = []
    /// Warnings to print after the result (`warning: …` on stderr).
    public var warnings: [String] = []
    /// Facts worth a line that are not the result (`note: …` on stderr), e.g. how many rows a merge matched.
    public var notes: [String] = []
    /// User files this statement read (for `save`).
    var loggedFiles: [LoggedFile] = []

    init(statement: Statement, session: Session, origin: String) {
        self.statement = statement
        self.session = session
        self.origin = origin
    }

    public var positionals: [Located<Expr>] {
        statement.arguments.compactMap { if case .positional(let e) = $0 { return e } else { return nil } }
    }

    public var commandName: Located<String> { statement.command }

    // MARK: positionals

    /// The i-th positional argument, or an error saying what was expected there.
    public func positional(_ i: Int, _ what: String) throws -> Located<Expr> {
        let p = positionals
        guard i < p.count else {
            let last = statement.arguments.last.map(argumentEnd) ?? endOf(statement.command)
            throw Diagnostic("\(statement.command.value): expected \(what)", at: last, hint: usageHint)
        }
        return p[i]
    }

    public func checkPositionalCount(max n: Int) throws {
        let p = positionals
        if p.count > n {
            let extra = p[n]
            throw Diagnostic("\(statement.command.value) takes at most \(n) argument\(n == 1 ? "" : "s") before its options; unexpected \(extra.value.sourceText)",
                             at: extra.location, length: extra.length, hint: usageHint)
        }
    }

    var usageHint: String? {
        guard let spec = commandRegistry[statement.command.value] else { return nil }
        return "usage: " + spec.usage.joined(separator: "\n         ")
    }

    func argumentEnd(_ a: StatementArgument) -> SourceLocation {
        switch a {
        case .positional(let e): return SourceLocation(line: e.location.line, column: e.location.column + e.length)
        case .option(_, let v): return SourceLocation(line: v.location.line, column: v.location.column + v.length)
        }
    }

    func endOf(_ l: Located<String>) -> SourceLocation { SourceLocation(line: l.location.line, column: l.location.column + l.length) }

    /// A bare name (a device, a dataset name) at positional i.
    public func word(_ i: Int, _ what: String) throws -> Located<String> {
        let e = try positional(i, what)
        return try word(e, what)
    }

    public func word(_ e: Located<Expr>, _ what: String) throws -> Located<String> {
        switch e.value {
        case .word(let w): return Located(w, at: e.location, length: e.length)
        case .string(let s): return Located(s, at: e.location, length: e.length)
        default: throw Diagnostic("expected \(what), found \(e.value.typeDescription)", at: e.location, length: e.length)
        }
    }

    /// A quoted path (or bare word) at positional i.
    public func path(_ i: Int) throws -> Located<String> {
        let e = try positional(i, "a file path in quotes")
        switch e.value {
        case .string(let s), .word(let s): return Located(s, at: e.location, length: e.length)
        default: throw Diagnostic("expected a file path in quotes, found \(e.value.typeDescription)", at: e.location, length: e.length)
        }
    }

    /// The value of a variable named at positional i, of type T.
    public mutating func variable<T>(_ i: Int, as type: T.Type, _ what: String) throws -> (T, Located<String>) {
        let e = try positional(i, what)
        return try variable(e, as: type, what)
    }

    public mutating func variable<T>(_ e: Located<Expr>, as type: T.Type, _ what: String) throws -> (T, Located<String>) {
        guard case .word(let name) = e.value else {
            throw Diagnostic("expected \(what) (a variable name), found \(e.value.typeDescription)", at: e.location, length: e.length)
        }
        let loc = Located(name, at: e.location, length: e.length)
        guard let v = session.value(of: name) else {
            var hint: String?
            if let near = nearestName(to: name, in: session.variableOrder) { hint = "did you mean \(near)?" }
            else if BundledDatasets.names.contains(name) { hint = "load it first: d = load \(name)" }
            else if session.variableOrder.isEmpty { hint = "no variables yet: for example d = load oneproxy-nb201" }
            else { hint = "variables: " + session.variableOrder.joined(separator: ", ") }
            var d = Diagnostic("no variable named '\(name)'", at: e.location, length: e.length, hint: hint)
            d.missingVariable = name
            throw d
        }
        guard let typed = v as? T else {
            throw Diagnostic("'\(name)' is \(withArticle(v.typeName)), expected \(what)", at: e.location, length: e.length)
        }
        reads.insert(name)
        return (typed, loc)
    }

    // MARK: options

    /// The option `key=…` if given (marks it used).
    public mutating func option(_ key: String) -> Located<Expr>? {
        for a in statement.arguments {
            if case .option(let k, let v) = a, k.value == key {
                usedOptions.insert(key)
                return v
            }
        }
        return nil
    }

    public mutating func int(_ key: String, default value: Int, range: ClosedRange<Int>? = nil) throws -> Int {
        guard let e = option(key) else { return value }
        return try int(e, key: key, range: range)
    }

    public func int(_ e: Located<Expr>, key: String, range: ClosedRange<Int>?) throws -> Int {
        guard case .number(let v, nil) = e.value, v == v.rounded(), abs(v) < 1e15 else {
            throw Diagnostic("\(key) takes a whole number, found \(e.value.sourceText)", at: e.location, length: e.length)
        }
        let n = Int(v)
        if let range, !range.contains(n) {
            throw Diagnostic("\(key) must be between \(range.lowerBound) and \(range.upperBound), found \(n)", at: e.location, length: e.length)
        }
        return n
    }

    public mutating func double(_ key: String, default value: Double?, range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let e = option(key) else { return value }
        return try number(e, key: key, range: range)
    }

    /// A duration in milliseconds (`5ms`, `0.005s`, `500us`; a bare number is milliseconds).
    public mutating func milliseconds(_ key: String) throws -> Double? {
        guard let e = option(key) else { return nil }
        return try milliseconds(e, key)
    }

    /// The duration an expression holds, in milliseconds (an option's value or a list item).
    func milliseconds(_ e: Located<Expr>, _ key: String) throws -> Double {
        guard case .number(let v, let unit) = e.value, unit != "%" else {
            throw Diagnostic("\(key) takes a time such as 5ms or 0.005s, found \(e.value.sourceText)", at: e.location, length: e.length)
        }
        return v * (numberUnits[unit ?? "ms"] ?? 1)
    }

    /// One of a fixed set of words.
    public mutating func choice(_ key: String, _ choices: [String], default value: String) throws -> String {
        guard let e = option(key) else { return value }
        return try choice(e, key: key, choices)
    }

    /// One of an enum's cases by raw value (`norm=l1`), its default when not given.
    public mutating func choice<E: CaseIterable & RawRepresentable>(_ key: String, default value: E) throws -> E where E.RawValue == String {
        guard let e = option(key) else { return value }
        return E(rawValue: try choice(e, key: key, E.allCases.map(\.rawValue)))!
    }

    public mutating func bool(_ key: String, default value: Bool) throws -> Bool {
        guard option(key) != nil else { return value }
        return try choice(key, String.truthWords, default: "on").isTruthy
    }

    /// A list of names `[a, b]`.
    public mutating func wordList(_ key: String) throws -> [Located<String>]? {
        guard let e = option(key) else { return nil }
        switch e.value {
        case .list(let items): return try items.map { try word($0, "a name") }
        case .word, .string: return [try word(e, "a name")]
        default: throw Diagnostic("\(key) takes a list of names such as [a, b]", at: e.location, length: e.length)
        }
    }

    /// Fails on options the command does not know (with the nearest known one), before it runs.
    func checkOptionsKnown() throws {
        var seen: Set<String> = []
        for a in statement.arguments {
            guard case .option(let k, _) = a else { continue }
            if !seen.insert(k.value).inserted {
                throw Diagnostic("option '\(k.value)' is given twice", at: k.location, length: k.length)
            }
            if allowedOptions.contains(k.value) { continue }
            let known = allowedOptions.sorted()
            var hint: String?
            if let near = nearestName(to: k.value, in: known) { hint = "did you mean \(near)=?" }
            else if !known.isEmpty { hint = "options of \(statement.command.value): " + known.joined(separator: ", ") }
            throw Diagnostic("\(statement.command.value) has no option '\(k.value)'", at: k.location, length: k.length, hint: hint)
        }
    }

    // MARK: files

    /// The character range of a located argument within the statement's text.
    func textRange(of location: SourceLocation, length: Int) -> Range<Int>? {
        let chars = Array(statement.text)
        var line = statement.location.line, column = statement.location.column
        for (i, c) in chars.enumerated() {
            if line == location.line && column == location.column { return i..<min(chars.count, i + length) }
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return nil
    }

    /// Reads the file named by `p` through the session's file access (relative to the running
    /// script's folder, or the working folder), as a located error on failure.
    public func readFile(_ p: Located<String>) throws -> (bytes: [UInt8], path: String) {
        do {
            return try session.files.read(p.value, base: session.baseFolder, cancellation: session.computeContext.cancellation)
        } catch let e as FileAccessError {
            throw Diagnostic(e.message, at: p.location, length: p.length)
        }
    }

    /// The loader's text of the user file `p` (a large file memory-mapped under a read lease:
    /// `FileAccess.text`), with its absolute path; errors point at `p`.
    public func readText(_ p: Located<String>) throws -> (text: CSVText, path: String) {
        do {
            return try session.files.text(p.value, base: session.baseFolder, cancellation: session.computeContext.cancellation)
        } catch let e as FileAccessError {
            throw Diagnostic(e.message, at: p.location, length: p.length)
        }
    }

    /// Records that the argument `p` named the user file `path` with this hash (for `save`).
    mutating func logFile(_ p: Located<String>, path: String, sha256: String) {
        guard let range = textRange(of: p.location, length: p.length) else { return }
        var hashRange: Range<Int>?
        for a in statement.arguments {
            if case .option(let k, let v) = a, k.value == "sha256",
               let kr = textRange(of: k.location, length: k.length), let vr = textRange(of: v.location, length: v.length) {
                hashRange = kr.lowerBound..<vr.upperBound
            }
        }
        loggedFiles.append(LoggedFile(range: range, absolutePath: path, sha256: sha256, hashOptionRange: hashRange))
    }

    /// Writes `text` to the file named by `p` through the session's file access, atomically. An
    /// existing file is replaced with a note; a file this session read only with `overwrite=true`.
    public mutating func writeFile(_ text: String, to p: Located<String>, path: String? = nil) throws -> String {
        let overwrite = try bool("overwrite", default: false)
        let shown = path ?? p.value
        do {
            let (_, replaced) = try session.files.write(text, to: shown, base: session.baseFolder, overwrite: overwrite)
            if replaced { note("replaced the existing file \(shown)") }
            return shown
        } catch let e as FileAccessError {
            throw Diagnostic(e.message, at: p.location, length: p.length)
        }
    }

    public mutating func warn(_ text: String) { warnings.append(text) }
    public mutating func note(_ text: String) { notes.append(text) }
}

extension String {
    var isTruthy: Bool { ["on", "true", "yes"].contains(self) }
    /// The words an on/off option takes.
    static let truthWords = ["on", "off", "true", "false", "yes", "no"]
}
