/// Parses source text into statements. Each statement parses on its own: an error in one is
/// reported and the others still run (a script goes on after an error, like sqlite3).
public enum Parser {
    /// The longest statement, in characters: a longer one fails with a located error before it is
    /// parsed or run (a 12 MB line is refused in one linear pass, not worked through).
    public static let maximumStatementLength = 1_000_000

    /// Whether `source` ends inside an open list `[ …`: a newline there continues the statement,
    /// so the terminal and the pipe reader wait for more lines before running it.
    public static func leavesListOpen(_ source: String) -> Bool {
        var reader = StatementCollector()
        return reader.listDepth(after: source) > 0
    }

    /// The statements of `source`, in order, each either parsed or failed.
    public static func parse(_ source: String) -> [Result<Statement, ParseFailureError>] {
        parse(source, lexed: Lexer.tokenize(source))
    }

    static func parse(_ source: String, lexed tokens: [Token]) -> [Result<Statement, ParseFailureError>] {
        let chars = Array(source)
        var results: [Result<Statement, ParseFailureError>] = []
        var current: [Token] = []
        var depth = 0
        func flush() {
            defer { current.removeAll() }
            guard !current.isEmpty else { return }
            let length = current.last!.end - current.first!.start
            if length > maximumStatementLength {
                // The echo and the hint show only its start: the line itself is not worth copying.
                let head = String(chars[current.first!.start..<min(current.last!.end, current.first!.start + 60)])
                let d = Diagnostic("this statement is \(length) characters long; a statement holds at most \(maximumStatementLength)",
                                   at: current.first!.location, length: 1,
                                   hint: "split it into several statements, or keep long data in a file and load it")
                results.append(.failure(ParseFailureError(diagnostic: d, text: head + "…")))
                return
            }
            let text = String(chars[current.first!.start..<current.last!.end])
            do {
                var p = StatementParser(tokens: current, text: text)
                results.append(.success(try p.statement()))
            } catch let d as Diagnostic {
                results.append(.failure(ParseFailureError(diagnostic: d, text: text)))
            } catch {
                results.append(.failure(ParseFailureError(diagnostic: Diagnostic("\(error)"), text: text)))
            }
        }
        for t in tokens {
            switch t.kind {
            case .leftBracket: depth += 1; current.append(t)
            case .rightBracket: depth = max(0, depth - 1); current.append(t)
            case .separator:
                // a newline inside [ ... ] continues the list
                if depth > 0, chars[t.start] == "\n" { continue }
                depth = 0
                flush()
            default: current.append(t)
            }
        }
        flush()
        return results
    }
}

/// Gathers the lines of a terminal or a pipe into chunks to run: a line that leaves a list `[ …`
/// open continues on the next. Each line is lexed once, whatever the chunk's length (a list over
/// 100,000 lines costs 100,000 line lexes, not 100,000 lexes of a growing chunk), and a chunk past
/// `Parser.maximumStatementLength` is handed over as it is (to fail with its located error).
public struct StatementCollector {
    /// The chunk gathered so far and the line number it starts on.
    public private(set) var chunk = ""
    public private(set) var firstLine = 1
    private var depth = 0
    private var chunkLength = 0
    /// Characters lexed so far (what the linear bound is tested on).
    public private(set) var charactersLexed = 0

    public init() {}

    /// The list depth after `text`, continuing from the depth so far (the same rule as `parse`:
    /// brackets nest, and a ';' ends the statement whatever the depth). Strings and comments end
    /// at a line break, so lexing line by line finds the tokens lexing the whole chunk would.
    mutating func listDepth(after text: String) -> Int {
        let chars = Array(text)
        charactersLexed += chars.count
        for t in Lexer.tokenize(text) {
            if t.kind == .leftBracket { depth += 1 }
            if t.kind == .rightBracket { depth = max(0, depth - 1) }
            if t.kind == .separator, chars[t.start] == ";" { depth = 0 }
        }
        return depth
    }

    /// Adds one line (line number `number`); returns the chunk to run when the line completes it,
    /// else nil (the line left a list open: more lines follow).
    public mutating func add(line: String, number: Int) -> (source: String, firstLine: Int)? {
        if chunk.isEmpty && chunkLength == 0 { firstLine = number; chunk = line } else { chunk += "\n" + line }
        chunkLength += line.count + 1
        if listDepth(after: line) > 0 && chunkLength <= Parser.maximumStatementLength { return nil }
        return take()
    }

    /// What is left at the end of the input, if anything; the collector starts afresh.
    public mutating func take() -> (source: String, firstLine: Int)? {
        defer { chunk = ""; chunkLength = 0; depth = 0 }
        return chunkLength == 0 ? nil : (chunk, firstLine)
    }

    /// Drops the chunk (Ctrl-C on the terminal).
    public mutating func reset() { chunk = ""; chunkLength = 0; depth = 0 }
    public var isEmpty: Bool { chunkLength == 0 }
}

/// A statement that could not be parsed, with the diagnostic that says why.
public struct ParseFailureError: Error, Sendable, Equatable {
    public var diagnostic: Diagnostic
    public var text: String
}

private struct StatementParser {
    let tokens: [Token]
    let text: String
    var pos = 0

    init(tokens: [Token], text: String) {
        self.tokens = tokens
        self.text = text
    }

    func peek(_ k: Int = 0) -> Token? { pos + k < tokens.count ? tokens[pos + k] : nil }

    func fail(_ message: String, at t: Token?, hint: String? = nil) -> Diagnostic {
        let last = tokens.last!
        let loc = t?.location ?? SourceLocation(line: last.location.line, column: last.location.column + last.length)
        return Diagnostic(message, at: loc, length: t?.length ?? 1, hint: hint)
    }

    mutating func statement() throws -> Statement {
        for t in tokens { if case .invalid(let why) = t.kind { throw fail(why, at: t) } }
        var target: Located<String>?
        if case .word(let name)? = peek()?.kind, case .equals? = peek(1)?.kind {
            let t = peek()!
            guard isVariableName(name) else {
                throw fail("'\(name)' cannot be a variable name: use letters, digits and _, starting with a letter or _", at: t)
            }
            target = Located(name, at: t.location, length: t.length)
            pos += 2
            guard peek() != nil else { throw fail("expected a command after '='", at: nil, hint: "for example: \(name) = load oneproxy-nb201") }
        }
        guard let ct = peek(), case .word(let command) = ct.kind else {
            let t = peek()
            throw fail("expected a command name, found \(describe(t))", at: t, hint: "type 'help' to list the commands")
        }
        pos += 1
        var args: [StatementArgument] = []
        while let t = peek() {
            if case .word(let key) = t.kind, case .equals? = peek(1)?.kind {
                pos += 2
                guard peek() != nil else { throw fail("expected a value after '\(key)='", at: nil) }
                let value = try expr()
                args.append(.option(key: Located(key, at: t.location, length: t.length), value: value))
            } else {
                args.append(.positional(try expr()))
            }
        }
        return Statement(
            target: target, command: Located(command, at: ct.location, length: ct.length),
            arguments: args, text: text, location: tokens.first!.location)
    }

    mutating func expr() throws -> Located<Expr> {
        guard let t = peek() else { throw fail("expected a value", at: nil) }
        pos += 1
        switch t.kind {
        case .word(let w): return Located(.word(w), at: t.location, length: t.length)
        case .number(let v, let unit): return Located(.number(v, unit: unit), at: t.location, length: t.length)
        case .string(let s): return Located(.string(s), at: t.location, length: t.length)
        case .leftBracket:
            var items: [Located<Expr>] = []
            if case .rightBracket? = peek()?.kind {
                pos += 1
                return Located(.list([]), at: t.location, length: 2)
            }
            while true {
                // Refused before descending: `[[[[…` 9000 deep is one error, not 9000 stack frames.
                if case .leftBracket? = peek()?.kind { throw fail("lists cannot be nested", at: peek()) }
                let item = try expr()
                items.append(item)
                guard let sep = peek() else {
                    throw fail("unclosed list: expected ',' or ']'", at: nil, hint: "the list opened at column \(t.location.column)")
                }
                pos += 1
                if case .rightBracket = sep.kind {
                    let endLoc = sep.location.column + 1
                    let length = sep.location.line == t.location.line ? endLoc - t.location.column : 1
                    return Located(.list(items), at: t.location, length: length)
                }
                guard case .comma = sep.kind else { throw fail("expected ',' or ']' in the list, found \(describe(sep))", at: sep) }
            }
        default:
            throw fail("expected a value, found \(describe(t))", at: t)
        }
    }

    func describe(_ t: Token?) -> String {
        guard let t else { return "the end of the line" }
        switch t.kind {
        case .word(let w): return "'\(w)'"
        case .number: return "a number"
        case .string: return "a string"
        case .equals: return "'='"
        case .comma: return "','"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .separator: return "';'"
        case .invalid(let why): return why
        }
    }
}

/// Whether `name` can be bound: a letter or `_` first, then letters, digits and `_`.
public func isVariableName(_ name: String) -> Bool {
    guard let f = name.first, f.isLetter || f == "_" else { return false }
    return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
}
