/// Parses source text into statements. Each statement parses on its own: an error in one is
/// reported and the others still run (a script goes on after an error, like sqlite3).
public enum Parser {
    /// Whether `source` ends inside an open list `[ …`: a newline there continues the statement,
    /// so the terminal and the pipe reader wait for more lines before running it.
    public static func leavesListOpen(_ source: String) -> Bool {
        // The same rule as `parse`: brackets nest, and a ';' ends the statement whatever the depth.
        let chars = Array(source)
        var depth = 0
        for t in Lexer.tokenize(source) {
            if t.kind == .leftBracket { depth += 1 }
            if t.kind == .rightBracket { depth = max(0, depth - 1) }
            if t.kind == .separator, chars[t.start] == ";" { depth = 0 }
        }
        return depth > 0
    }

    /// The statements of `source`, in order, each either parsed or failed.
    public static func parse(_ source: String) -> [Result<Statement, ParseFailureError>] {
        let chars = Array(source)
        let tokens = Lexer.tokenize(source)
        var results: [Result<Statement, ParseFailureError>] = []
        var current: [Token] = []
        var depth = 0
        func flush() {
            defer { current.removeAll() }
            guard !current.isEmpty else { return }
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
