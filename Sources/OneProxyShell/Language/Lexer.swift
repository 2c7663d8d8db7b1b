/// The kinds of token in the command language.
public enum TokenKind: Sendable, Equatable {
    /// A name: command, variable, device, dataset or option key. May start with a digit
    /// (`1080ti_32`) and hold `_ - . / ~` after its first character (`oneproxy-nb201`).
    case word(String)
    /// A number with an optional unit (`5ms`, `0.005s`, `60`, `-1e-3`).
    case number(Double, unit: String?)
    /// A quoted string, escapes resolved.
    case string(String)
    case equals, comma, leftBracket, rightBracket
    /// `;` or a newline: the end of a statement.
    case separator
    /// Text the lexer could not read; the message says why. The statement holding it fails.
    case invalid(String)
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var location: SourceLocation
    /// Offsets into the source's characters: [start, end).
    public var start: Int
    public var end: Int
    public var length: Int { end - start }
}

/// Units a number may carry, and their factor to the canonical unit (milliseconds for time).
public let numberUnits: [String: Double] = ["ms": 1, "s": 1000, "us": 0.001, "µs": 0.001, "%": 1]

/// Splits source text into tokens. Never throws: unreadable text becomes an `.invalid` token so
/// that one bad statement in a script does not stop the statements around it.
public struct Lexer {
    private let chars: [Character]
    private var i = 0
    private var line = 1
    private var column = 1

    public init(_ source: String) { chars = Array(source) }

    /// A lexer of a piece of a longer source that starts at `line`, `column` of it (locations are
    /// the longer source's; offsets are the piece's).
    init(_ source: String, line: Int, column: Int) {
        chars = Array(source)
        self.line = line
        self.column = column
    }

    public static func tokenize(_ source: String) -> [Token] {
        var lexer = Lexer(source)
        return lexer.all()
    }

    private func peek(_ k: Int = 0) -> Character? { i + k < chars.count ? chars[i + k] : nil }

    private mutating func advance() {
        if chars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
        i += 1
    }

    static func isWordStart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." || c == "/" || c == "~" }
    static func isWordChar(_ c: Character) -> Bool { isWordStart(c) || c == "-" || c == "%" }

    public mutating func all() -> [Token] {
        var out: [Token] = []
        while let c = peek() {
            let loc = SourceLocation(line: line, column: column)
            let start = i
            func emit(_ kind: TokenKind) { out.append(Token(kind: kind, location: loc, start: start, end: i)) }
            switch c {
            case " ", "\t", "\r":
                advance()
            case "#":
                while let d = peek(), d != "\n" { advance() }
            case "\n", ";":
                advance(); emit(.separator)
            case "=": advance(); emit(.equals)
            case ",": advance(); emit(.comma)
            case "[": advance(); emit(.leftBracket)
            case "]": advance(); emit(.rightBracket)
            case "\"", "'":
                emit(lexString(quote: c))
            default:
                if c == "-" || c == "+", let d = peek(1), d.isNumber || (d == "." && (peek(2)?.isNumber ?? false)) {
                    emit(lexNumberOrWord())
                } else if Lexer.isWordStart(c) {
                    emit(lexNumberOrWord())
                } else {
                    advance()
                    emit(.invalid("unexpected character '\(c)'"))
                }
            }
        }
        return out
    }

    private mutating func lexString(quote: Character) -> TokenKind {
        advance()
        var text = ""
        while let c = peek() {
            if c == quote { advance(); return .string(text) }
            if c == "\n" { break }
            if c == "\\", let d = peek(1) {
                advance(); advance()
                switch d {
                case "n": text.append("\n")
                case "t": text.append("\t")
                default: text.append(d)
                }
                continue
            }
            text.append(c)
            advance()
        }
        return .invalid("unterminated string: add a closing \(quote)")
    }

    /// Reads a maximal word; if it is a number optionally followed by a known unit, it is a number.
    private mutating func lexNumberOrWord() -> TokenKind {
        let start = i
        advance()
        while let c = peek(), Lexer.isWordChar(c) || ((c == "-" || c == "+") && (chars[i - 1] == "e" || chars[i - 1] == "E")) {
            advance()
        }
        let text = String(chars[start..<i])
        if let number = Lexer.parseNumber(text) { return number }
        if text.first == "-" || text.first == "+" { return .invalid("'\(text)' is not a number") }
        return .word(text)
    }

    static func parseNumber(_ text: String) -> TokenKind? {
        guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
        if let v = Double(text), v.isFinite { return .number(v, unit: nil) }
        for unit in numberUnits.keys.sorted(by: { $0.count > $1.count }) where text.hasSuffix(unit) {
            let body = String(text.dropLast(unit.count))
            if let v = Double(body), v.isFinite, !body.isEmpty, body.last!.isNumber || body.last == "." {
                return .number(v, unit: unit)
            }
        }
        return nil
    }
}
