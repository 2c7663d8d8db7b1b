/// A value written in a statement: a word, a number, a string or a list of these.
public indirect enum Expr: Sendable, Equatable {
    case word(String)
    case number(Double, unit: String?)
    case string(String)
    case list([Located<Expr>])

    /// How the value is written back into a script.
    public var sourceText: String {
        switch self {
        case .word(let w): return w
        case .number(let v, let unit): return formatNumberLiteral(v) + (unit ?? "")
        case .string(let s): return quoteString(s)
        case .list(let items): return "[" + items.map(\.value.sourceText).joined(separator: ", ") + "]"
        }
    }

    public var typeDescription: String {
        switch self {
        case .word: return "a name"
        case .number: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        }
    }
}

/// A value with where it was written.
public struct Located<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var location: SourceLocation
    public var length: Int

    public init(_ value: Value, at location: SourceLocation, length: Int) {
        self.value = value
        self.location = location
        self.length = length
    }
}

/// One argument: positional, or an option `key=value`.
public enum StatementArgument: Sendable, Equatable {
    case positional(Located<Expr>)
    case option(key: Located<String>, value: Located<Expr>)
}

/// `[target =] command arguments…`
public struct Statement: Sendable, Equatable {
    public var target: Located<String>?
    public var command: Located<String>
    public var arguments: [StatementArgument]
    /// The statement's own text, as written (for transcripts and saved scripts).
    public var text: String
    public var location: SourceLocation
}

/// A number as a script literal: integers without a fraction, others in shortest round-trip form.
public func formatNumberLiteral(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return "\(v)"
}

/// A string as a script literal, with quotes and backslashes escaped.
public func quoteString(_ s: String) -> String {
    var out = "\""
    for c in s {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.append(c)
        }
    }
    return out + "\""
}
