import Foundation

/// NAS-Bench-201: a cell of 4 nodes and 6 edges, each edge one of 5 operations.
///
/// Arch string: `|o0~0|+|o1~0|o2~1|+|o3~0|o4~1|o5~2|`; edges in that order. The paper's encoding is
/// 6 one-hot groups of 5 plus a constant 1 (31 columns). It has rank 25: each group sums to the
/// constant column, so least squares on it must be rank-aware.
public enum NB201 {
    public static let operations = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
    public static let edgeCount = 6
    /// For each edge in arch-string order, the input node it reads from.
    public static let edgeInputs = [0, 0, 1, 0, 1, 2]
    public static let encodingWidth = edgeCount * operations.count + 1
    public static let architectureCount = 15625

    /// The operation codes (0...4) of the 6 edges, in arch-string order.
    ///
    /// Throws a `OneProxyError` naming what is wrong (an unknown operation, a wrong number of
    /// edges or nodes, a wrong input node) with the 1-based column in the string.
    public static func parse(_ arch: String) throws -> [Int] {
        let nodes = arch.split(separator: "+", omittingEmptySubsequences: false)
        guard nodes.count == 3 else {
            throw OneProxyError("an NB201 arch string has 3 nodes separated by '+', found \(nodes.count): \(arch)")
        }
        var codes: [Int] = []
        var column = 1
        for (nodeIndex, node) in nodes.enumerated() {
            guard node.hasPrefix("|"), node.hasSuffix("|"), node.count >= 2 else {
                throw OneProxyError("node \(nodeIndex + 1) must be written |op~i|...|: \(arch)", column: column)
            }
            let edges = node.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
            guard edges.count == nodeIndex + 1 else {
                throw OneProxyError("node \(nodeIndex + 1) must have \(nodeIndex + 1) edge(s), found \(edges.count): \(arch)", column: column)
            }
            var edgeColumn = column + 1
            for (input, edge) in edges.enumerated() {
                let parts = edge.split(separator: "~", omittingEmptySubsequences: false)
                guard parts.count == 2, let op = operations.firstIndex(of: String(parts[0])) else {
                    let name = edge.split(separator: "~").first.map(String.init) ?? String(edge)
                    throw OneProxyError(
                        "unknown NB201 operation '\(name)' (known: \(operations.joined(separator: ", ")))",
                        column: edgeColumn)
                }
                guard Int(parts[1]) == input else {
                    throw OneProxyError("edge '\(edge)' must read from node \(input)", column: edgeColumn)
                }
                codes.append(op)
                edgeColumn += edge.utf8.count + 1
            }
            column += node.utf8.count + 1
        }
        return codes
    }

    /// The arch string of 6 operation codes (the inverse of `parse`).
    public static func archString(_ codes: [Int]) -> String {
        precondition(codes.count == edgeCount)
        func e(_ k: Int) -> String { "\(operations[codes[k]])~\(edgeInputs[k])" }
        return "|\(e(0))|+|\(e(1))|\(e(2))|+|\(e(3))|\(e(4))|\(e(5))|"
    }

    /// The paper's 31-column encoding: 6 one-hot groups of 5, then a constant 1.
    public static func encode(codes: [Int], into row: inout ArraySlice<Double>) {
        let base = row.startIndex
        for k in 0..<(encodingWidth - 1) { row[base + k] = 0 }
        for (edge, op) in codes.enumerated() { row[base + edge * operations.count + op] = 1 }
        row[base + encodingWidth - 1] = 1
    }
}

extension NB201 {
    /// The architecture id of 6 codes: `codes` read as a base-5 number, first edge most significant.
    /// A bijection between the 15625 architectures and `0..<15625` (not the official index).
    @inlinable public static func codeID(_ codes: [Int]) -> Int {
        var id = 0
        for c in codes { id = id * 5 + c }
        return id
    }

    /// The 6 codes of an architecture id (the inverse of `codeID`).
    public static func codes(codeID: Int) -> [Int] {
        precondition((0..<architectureCount).contains(codeID))
        var c = [Int](repeating: 0, count: edgeCount)
        var id = codeID
        for k in stride(from: edgeCount - 1, through: 0, by: -1) { c[k] = id % 5; id /= 5 }
        return c
    }

    /// Whether `b[i...]` starts with `literal`.
    @inline(__always)
    private static func matches(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        return memcmp(b.baseAddress! + i, literal.utf8Start, n) == 0
    }

    /// Fast strict parse of an arch string's UTF-8 bytes to its `codeID`; nil when the bytes are not
    /// exactly a canonical arch string (then call `parse` for the reason).
    ///
    /// Each edge with the `|` before it, `|op~input|`, is read as two 8-byte words (8 bytes for
    /// `none`, 16 for the others). Two of its bytes name the only operation it can be (the fourth:
    /// n, i, r, g; the eleventh, for `nor_conv`: 1 or 3), and the words are then compared whole
    /// with that operation's spelling (`edgeSpellings`): one compare each, with no branch on the
    /// operation (a file's operations follow no pattern a branch predictor could learn). A second
    /// word is read only where 16 bytes remain, so no read passes the string's end.
    static func fastCodeID(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let (id, length) = fastCodePrefix(b), length == b.count else { return nil }
        return id
    }

    /// `fastCodeID` of the canonical arch string `b` starts with, and its length (of the bytes after
    /// it, at most the next 8 are read); nil when `b` does not start with one.
    static func fastCodePrefix(_ b: UnsafeBufferPointer<UInt8>) -> (id: Int, length: Int)? {
        let n = b.count
        guard n > 0, b[0] == 0x7C, let base = b.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        return edgeSpellings.withUnsafeBufferPointer { spellings -> (id: Int, length: Int)? in
            edgeOperationByKey.withUnsafeBufferPointer { operations -> (id: Int, length: Int)? in
                var bar = 0  // the offset of the `|` before the edge
                var id = 0
                // One edge whose input node is `input`; false when it is not spelled canonically.
                // (Written out for each of the six edges, so the digit and the checks between
                // nodes are constants.)
                @inline(__always) func edge(_ input: UInt64) -> Bool {
                    guard bar &+ 8 <= n else { return false }
                    // The input node's digit, at byte 6 of the edge's last word.
                    let digit: UInt64 = (0x30 &+ input) &<< 48
                    let w = word(bar)
                    let w2 = word(bar &+ 16 <= n ? bar &+ 8 : bar)
                    // The key: the edge's fourth byte's low five bits, and bit 1 of its eleventh
                    // (byte 2 of the second word) as bit 5.
                    let key = Int(truncatingIfNeeded: (w &>> 24) & 0x1F | (w2 &>> 12) & 0x20)
                    let op = Int(operations[key])
                    let spelling = spellings[op]
                    guard op < 5, w == spelling.first | (digit & spelling.digitInFirst),
                          (w2 ^ (spelling.second | digit)) & spelling.secondMask == 0 else { return false }
                    id = id &* 5 &+ op
                    bar &+= spelling.length
                    return true
                }
                // `|+|` between nodes: `bar` is at the first `|`.
                @inline(__always) func nextNode() -> Bool {
                    guard bar &+ 2 < n, b[bar &+ 1] == 0x2B, b[bar &+ 2] == 0x7C else { return false }
                    bar &+= 2
                    return true
                }
                // (NB201.edgeInputs: 0; 0 1; 0 1 2.)
                guard edge(0), nextNode(), edge(0), edge(1), nextNode(), edge(0), edge(1), edge(2) else { return nil }
                return (id, bar &+ 1)
            }
        }
    }

    /// The codes of an arch string given as bytes, throwing `parse`'s located error when invalid.
    static func codeID(bytes: UnsafeBufferPointer<UInt8>) throws -> Int {
        if let id = fastCodeID(bytes) { return id }
        let codes = try parse(String(decoding: bytes, as: UTF8.self))
        return codeID(codes)
    }

    /// The 31-column one-hot encoding of an arch string (7 ones: one per edge, plus the constant).
    public static func encoding(_ arch: String) throws -> [Double] {
        var row = [Double](repeating: 0, count: encodingWidth)[...]
        encode(codes: try parse(arch), into: &row)
        return Array(row)
    }
}

/// An edge's canonical spelling, `|op~d|`, as `fastCodeID` compares it: its first word (holding the
/// input digit, at byte 6, where `digitInFirst` says: `none`), its second word where `secondMask`
/// says (the digit at byte 6), and how far the next edge's `|` is.
struct EdgeSpelling {
    let first: UInt64, digitInFirst: UInt64, second: UInt64, secondMask: UInt64, length: Int
}

/// By operation code (`NB201.operations`' order), then one that matches nothing (code 5). The
/// words are the spellings' bytes little-endian, digit 0 (checked against the names by
/// `fastArchParserAgreesWithParseOnTheWholeSpace`).
let edgeSpellings: [EdgeSpelling] = [
    EdgeSpelling(first: 0x7C00_7E65_6E6F_6E7C, digitInFirst: 0xFF << 48, second: 0, secondMask: 0, length: 7),   // |none~d|
    EdgeSpelling(first: 0x6F63_5F70_696B_737C, digitInFirst: 0, second: 0x7C00_7E74_6365_6E6E, secondMask: ~0, length: 15),   // |skip_connect~d|
    EdgeSpelling(first: 0x6E6F_635F_726F_6E7C, digitInFirst: 0, second: 0x7C00_7E31_7831_5F76, secondMask: ~0, length: 15),   // |nor_conv_1x1~d|
    EdgeSpelling(first: 0x6E6F_635F_726F_6E7C, digitInFirst: 0, second: 0x7C00_7E33_7833_5F76, secondMask: ~0, length: 15),   // |nor_conv_3x3~d|
    EdgeSpelling(first: 0x6F6F_705F_6776_617C, digitInFirst: 0, second: 0x7C00_7E33_7833_5F6C, secondMask: ~0, length: 15),   // |avg_pool_3x3~d|
    EdgeSpelling(first: 0, digitInFirst: 0, second: 0, secondMask: 0, length: 0),
]

/// The only operation an edge can be, by `fastCodeID`'s key (its fourth byte's low five bits: n 14,
/// i 9, r 18, g 7; plus 32 when bit 1 of its eleventh byte is set: 3, not 1, in `nor_conv_?x?`);
/// 5 for none.
let edgeOperationByKey: [UInt8] = (0..<64).map { key -> UInt8 in
    switch key & 0x1F {
    case 14: return 0
    case 9: return 1
    case 18: return key & 0x20 == 0 ? 2 : 3
    case 7: return 4
    default: return 5
    }
}
