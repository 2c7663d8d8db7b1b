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
    ///
    /// A source longer than `maximumStatementLength` is first cut into statements by
    /// `StatementScanner` (one pass over its UTF-8 bytes), and only the statements within the
    /// limit are lexed: a 12 MB statement costs one scan and one located error, not a lex of 12
    /// million characters (18 s and 440 MB; 52 s and 2 GB as a list of numbers).
    public static func parse(_ source: String) -> [Result<Statement, ParseFailureError>] {
        if source.utf8.count <= maximumStatementLength { return parse(source, lexed: Lexer.tokenize(source)) }
        var results: [Result<Statement, ParseFailureError>] = []
        for piece in StatementScanner.pieces(of: source) {
            if piece.characters > maximumStatementLength {
                let head = String(source[piece.range].prefix(60))
                let d = Diagnostic("this statement is \(piece.characters) characters long; a statement holds at most \(maximumStatementLength)",
                                   at: piece.location, length: 1,
                                   hint: "split it into several statements, or keep long data in a file and load it")
                results.append(.failure(ParseFailureError(diagnostic: d, text: head + "…")))
                continue
            }
            let text = String(source[piece.range])
            var lexer = Lexer(text, line: piece.location.line, column: piece.location.column)
            results += parse(text, lexed: lexer.all())
        }
        return results
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
    /// True while the lines of a statement refused as too long go by.
    private var skipping = false
    /// Characters lexed so far (what the linear bound is tested on).
    public private(set) var charactersLexed = 0

    public init() {}

    /// The list depth after `text`, continuing from the depth so far (the same rule as `parse`:
    /// brackets nest, and a ';' ends the statement whatever the depth). Strings and comments end
    /// at a line break, so lexing line by line finds the tokens lexing the whole chunk would.
    mutating func listDepth(after text: String) -> Int {
        if text.utf8.count > Parser.maximumStatementLength {
            depth = StatementScanner.listDepth(after: text, from: depth)
            return depth
        }
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
        if skipping {
            // The rest of a statement already refused as too long: its lines up to the one that
            // closes its list are part of it (each would otherwise fail on its own).
            if listDepth(after: line) == 0 { skipping = false }
            return nil
        }
        if chunk.isEmpty && chunkLength == 0 { firstLine = number; chunk = line } else { chunk += "\n" + line }
        chunkLength += line.utf8.count + 1
        let open = listDepth(after: line) > 0
        if open && chunkLength <= Parser.maximumStatementLength { return nil }
        let overflowing = open
        let d = depth
        let taken = take()
        if overflowing { skipping = true; depth = d }
        return taken
    }

    /// What is left at the end of the input, if anything; the collector starts afresh.
    public mutating func take() -> (source: String, firstLine: Int)? {
        defer { chunk = ""; chunkLength = 0; depth = 0 }
        return chunkLength == 0 ? nil : (chunk, firstLine)
    }

    /// Drops the chunk (Ctrl-C on the terminal).
    public mutating func reset() { chunk = ""; chunkLength = 0; depth = 0; skipping = false }
    public var isEmpty: Bool { chunkLength == 0 }
}

/// Cuts a long source into statements in one pass over its UTF-8 bytes, by the lexer's rules for
/// what ends a statement: a `;`, or a line break outside a list; quotes (with backslash escapes)
/// and `#` comments end at a line break. (The lexer reads characters: a combining mark right after
/// a quote, a bracket or a `;` makes one character of them there, so for such text the cut can
/// differ from the lexer's; both then fail. Sources within the limit are never cut this way.)
enum StatementScanner {
    struct Piece {
        var range: Range<String.Index>
        var location: SourceLocation
        /// Unicode scalars in the piece (its length as the error states it).
        var characters: Int
    }

    static func pieces(of source: String) -> [Piece] {
        var out: [Piece] = []
        let utf8 = source.utf8
        var line = 1, column = 1
        var depth = 0
        var start: String.Index?
        var startLocation = SourceLocation(line: 1, column: 1)
        var characters = 0
        var i = utf8.startIndex
        var quote: UInt8 = 0
        var comment = false
        var escaped = false
        func close(at end: String.Index) {
            if let s = start { out.append(Piece(range: s..<end, location: startLocation, characters: characters)) }
            start = nil
            characters = 0
        }
        while i < utf8.endIndex {
            let b = utf8[i]
            let isContinuation = b & 0xC0 == 0x80
            if b == 0x0A && quote != 0 && escaped {
                // A backslash escapes a line break inside a string: the string goes on.
                escaped = false
                line += 1; column = 1; characters += 1
                i = utf8.index(after: i)
                continue
            }
            if b == 0x0A {
                if quote != 0 || comment { quote = 0; comment = false }
                if depth == 0 { close(at: i) }
                line += 1; column = 1
                if start != nil { characters += 1 }
                escaped = false
                i = utf8.index(after: i)
                continue
            }
            if !isContinuation { column += 1 }
            if quote != 0 {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == quote { quote = 0 }
                if !isContinuation { characters += 1 }
                i = utf8.index(after: i)
                continue
            }
            if comment { i = utf8.index(after: i); continue }
            switch b {
            case 0x3B: // ;
                depth = 0
                close(at: i)
            case 0x23: // #
                comment = true
            case 0x20, 0x09, 0x0D:
                if start != nil { characters += 1 }
            default:
                if start == nil { start = i; startLocation = SourceLocation(line: line, column: column - 1) }
                if !isContinuation { characters += 1 }
                if b == 0x22 || b == 0x27 { quote = b }
                if b == 0x5B { depth += 1 }
                if b == 0x5D { depth = max(0, depth - 1) }
            }
            i = utf8.index(after: i)
        }
        close(at: utf8.endIndex)
        return out
    }

    /// The list depth after `text` from `depth`, by the same rules (for lines too long to lex).
    static func listDepth(after text: String, from depth: Int) -> Int {
        var depth = depth
        var quote: UInt8 = 0, escaped = false
        for b in text.utf8 {
            if quote != 0 {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == quote || b == 0x0A { quote = 0 }
                continue
            }
            switch b {
            case 0x23: return depth // a comment runs to the end of the line
            case 0x22, 0x27: quote = b
            case 0x3B: depth = 0
            case 0x5B: depth += 1
            case 0x5D: depth = max(0, depth - 1)
            default: break
            }
        }
        return depth
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
