import Foundation

/// A JSON value: what a value's `Encodable` form encodes to (`JSONValue(encoding:)`), and the form
/// of data whose fields are only known at run time (a table's rows keyed by its columns). Written by
/// `JSONEncoder` (sorted keys), so no JSON is ever assembled by hand. Non-finite numbers and nil
/// become `null`.
public indirect enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .number(let d): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// The JSON an `Encodable` writes (a value's `jsonForm`). Encoding through `JSONEncoder` and
    /// reading it back is exact: doubles are written as their shortest round-trip text.
    public init(encoding value: any Encodable) {
        do {
            let data = try JSONEncoder().encode(value)
            self = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            // The forms here encode non-finite numbers as null (`JSONNumber`), so encoding cannot fail.
            self = .null
        }
    }

    /// Compact, one line (JSON Lines) or indented (files); keys sorted either way.
    public func encoded(pretty: Bool = false) -> String {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case maps to a JSON value.
        let data = (try? e.encode(self)) ?? Data("null".utf8)
        return escapingDeleteAndC1(String(decoding: data, as: UTF8.self))
    }

    /// JSONEncoder escapes U+0000–U+001F only; DEL (U+007F) and the C1 controls (U+0080–U+009F,
    /// CSI among them) would reach a terminal reading JSON Lines raw. They can only stand inside
    /// strings, where `\u007f` is the same character to every JSON reader.
    private func escapingDeleteAndC1(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { (0x7F...0x9F).contains($0.value) }) else { return json }
        var out = String.UnicodeScalarView()
        for u in json.unicodeScalars {
            if (0x7F...0x9F).contains(u.value) {
                out.append(contentsOf: ("\\u00" + String(u.value, radix: 16)).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }
}

extension JSONValue {
    public static func num(_ v: Double?) -> JSONValue { v.map { .number($0) } ?? .null }
    public static func ints(_ v: [Int]) -> JSONValue { .array(v.map { .int($0) }) }
    public static func nums(_ v: [Double?]) -> JSONValue { .array(v.map { num($0) }) }
    public static func strings(_ v: [String]) -> JSONValue { .array(v.map { .string($0) }) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral s: String) { self = .string(s) }
    public init(integerLiteral i: Int) { self = .int(i) }
    public init(floatLiteral d: Double) { self = .number(d) }
    public init(booleanLiteral b: Bool) { self = .bool(b) }
    public init(dictionaryLiteral pairs: (String, JSONValue)...) { self = .object(Dictionary(pairs, uniquingKeysWith: { $1 })) }
    public init(arrayLiteral items: JSONValue...) { self = .array(items) }
}

/// A number in a value's JSON form: `null` when missing or not finite (JSON has no NaN or infinity).
public struct JSONNumber: Encodable, Sendable, Equatable {
    public var value: Double?
    public init(_ value: Double?) { self.value = value }
    public init(_ value: Int) { self.value = Double(value) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let v = value, v.isFinite { try c.encode(v) } else { try c.encodeNil() }
    }
}

extension Array where Element == Double {
    /// The numbers of a JSON form (non-finite ones become null).
    public var jsonNumbers: [JSONNumber] { map { JSONNumber($0) } }
}

extension Array where Element == Double? {
    public var jsonNumbers: [JSONNumber] { map { JSONNumber($0) } }
}

/// A field a JSON form always writes: its value, or `null` (a plain optional leaves the key out).
public struct JSONNullable<Wrapped: Encodable & Sendable>: Encodable, Sendable {
    public var value: Wrapped?
    public init(_ value: Wrapped?) { self.value = value }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let v = value { try c.encode(v) } else { try c.encodeNil() }
    }
}
