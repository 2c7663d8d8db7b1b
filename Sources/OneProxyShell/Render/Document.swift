import OneProxyKit

/// What a value shows, as data: blocks that each renderer (terminal, CSV, JSON, Markdown, HTML)
/// draws in its own way. Values never format for a target themselves.
public struct Document: Sendable {
    public var blocks: [Block]

    public init(_ blocks: [Block] = []) { self.blocks = blocks }

    public static func text(_ s: String) -> Document { Document([.text(s)]) }

    public mutating func append(_ b: Block) { blocks.append(b) }
    public static func + (a: Document, b: Document) -> Document { Document(a.blocks + b.blocks) }

    /// The tables, in order (what CSV shows).
    public var tables: [Table] { blocks.compactMap { if case .table(let t) = $0 { return t } else { return nil } } }
    /// The figures, in order.
    public var figures: [Figure] { blocks.compactMap { if case .figure(let f) = $0 { return f } else { return nil } } }
}

/// One block of a document.
public enum Block: Sendable {
    /// A title line.
    case heading(String)
    /// A paragraph of running text (may hold line breaks).
    case text(String)
    /// A secondary line: a summary, a caveat, the meaning of a mark.
    case note(String)
    /// Text whose layout matters (help's aligned columns, lists of numbers).
    case preformatted(String)
    case table(Table)
    case figure(Figure)
    /// Terms and their explanations (help's options): a terminal wraps each explanation at its
    /// width with a hanging indent, so no line breaks mid-word.
    case definitions(title: String, [(term: String, text: String)])
}
