import Foundation

/// A rectangular CSV table read from bytes, with every field's location kept for error messages.
///
/// Accepted syntax (RFC 4180 plus common leniencies):
/// - fields separated by `,`; records end with LF or CRLF (a lone CR is also a line end);
/// - quoted fields `"..."` may contain commas, line breaks and `""` (one literal quote);
/// - a UTF-8 byte-order mark at the start is skipped;
/// - a record whose first character is `#` is a comment; blank (whitespace-only) lines are skipped;
/// - spaces and tabs around a field are trimmed (inside quotes they are kept);
/// - trailing empty fields beyond the header's width are dropped (`a,b,` under a 2-column header);
///   trailing empty header fields are dropped too.
///
/// Guarantees: every row has exactly `columnCount` fields, or `init` throws a `OneProxyError`
/// naming the file, the 1-based line and the 1-based column (in characters) of the first field
/// too many, or of the end of the short record. An unterminated quote, text after a closing quote,
/// and a file without a header are errors with their location too.
public struct CSVTable: Sendable {
    /// The name errors use for the file (a path, or `bundled:NAME`).
    public let file: String
    /// The header fields, trimmed.
    public let header: [String]
    /// Data records (comments and blank lines excluded).
    public let rowCount: Int
    public var columnCount: Int { header.count }

    // The text after any BOM; fields are byte ranges into it.
    let bytes: [UInt8]
    // Per field (row-major): start and end byte offsets of the content (inside quotes if quoted).
    let starts: [Int32]
    let ends: [Int32]
    // Per field: bit 0 set if the content holds `""` escapes; bit 1 set if the field was quoted.
    let escaped: [UInt8]
    // Per row: the 1-based line on which it starts.
    let rowLines: [Int32]

    /// Reads a file: the Kit's own bundled resources only (internal: a user's files are read by the
    /// shell's file access, and the Kit is given their bytes). `displayName` (default: the path)
    /// is the file name errors report.
    init(contentsOfFile path: String, displayName: String? = nil) throws {
        let name = displayName ?? path
        guard let bytes = Self.readFile(path) else {
            throw OneProxyError("cannot read the file (missing or unreadable)", file: name)
        }
        try self.init(bytes: bytes, file: name)
    }

    /// A regular file's bytes read straight into an array (no `Data` copy); anything else (a pipe,
    /// a device) through `FileManager`. Nil when unreadable or a directory.
    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        guard st.st_mode & S_IFMT == S_IFREG else {
            return FileManager.default.contents(atPath: path).map { [UInt8]($0) }
        }
        let size = Int(st.st_size)
        if size == 0 { return [] }
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: size) { b, n in
            var got = 0
            while got < size {
                let r = read(fd, b.baseAddress! + got, size - got)
                if r < 0 { failed = true; break }
                if r == 0 { break }
                got += r
            }
            n = got
        }
        return failed ? nil : out
    }

    /// Parses `bytes` (UTF-8). Throws `OneProxyError` with file/line/column on malformed input.
    public init(bytes raw: [UInt8], file: String, context: ComputeContext = .none) throws {
        self.file = file
        var text = raw
        if text.count >= 3, text[0] == 0xEF, text[1] == 0xBB, text[2] == 0xBF { text.removeFirst(3) }
        guard text.count < Int(Int32.max) else { throw OneProxyError("file too large (2 GB limit)", file: file) }
        // A NUL byte never occurs in CSV text: say "binary", not "ragged row" somewhere inside it.
        if let nul = text.firstIndex(of: 0) {
            let line = text[..<nul].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            let column = nul - (text[..<nul].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            throw OneProxyError("not a CSV text file (a NUL byte, as in binary data)", file: file, line: line, column: column)
        }
        self.bytes = text

        let scanned = try text.withUnsafeBufferPointer { try Self.scan($0, file: file, cancellation: context.cancellation) }
        let header = scanned.header, width = header.count
        let starts = scanned.starts, ends = scanned.ends, escaped = scanned.escaped, rowLines = scanned.rowLines

        guard width > 0 else { throw OneProxyError("the file is empty (no header line)", file: file, line: 1, column: 1) }
        self.header = header
        self.starts = starts
        self.ends = ends
        self.escaped = escaped
        self.rowLines = rowLines
        self.rowCount = rowLines.count
    }

    struct Scanned {
        var header: [String] = []
        var starts: [Int32] = [], ends: [Int32] = [], escaped: [UInt8] = [], rowLines: [Int32] = []
    }

    /// The tokenizer: all state in locals (no captured variables, so no exclusivity checks).
    static func scan(_ buf: UnsafeBufferPointer<UInt8>, file: String, cancellation: Cancellation = .never) throws -> Scanned {
        // Unsafe growable buffers: `Array.append` costs a uniqueness check per field.
        let estimate = buf.count / 8 + 16
        var starts = GrowBuffer<Int32>(capacity: estimate), ends = GrowBuffer<Int32>(capacity: estimate)
        var escaped = GrowBuffer<UInt8>(capacity: estimate), rowLines = GrowBuffer<Int32>(capacity: buf.count / 64 + 16)
        defer { starts.free(); ends.free(); escaped.free(); rowLines.free() }
        var header: [String] = []
        var width = -1
            let n = buf.count
            var i = 0
            var line: Int32 = 1
            // Fields of the record being read.

            @inline(__always) func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

            var records = 0
            while i < n {
                // Start of a record: skip blank lines and comments.
                records &+= 1
                if records & 0x3FFF == 0 { try cancellation.check() } // Ctrl-C on a large file
                let recordLine = line
                var j = i
                while j < n, isBlank(buf[j]) { j += 1 }
                if j >= n { break }
                if buf[j] == 0x0A || buf[j] == 0x0D {
                    if buf[j] == 0x0D, j + 1 < n, buf[j + 1] == 0x0A { j += 1 }
                    i = j + 1; line += 1; continue
                }
                if buf[j] == 0x23 /* # */ {
                    while j < n, buf[j] != 0x0A, buf[j] != 0x0D { j += 1 }
                    if j < n, buf[j] == 0x0D, j + 1 < n, buf[j + 1] == 0x0A { j += 1 }
                    i = j + 1; line += 1; continue
                }
                let base = starts.count
                // Read fields until the end of the record.
                var endOfRecord = false
                while !endOfRecord {
                    while i < n, isBlank(buf[i]) { i += 1 }
                    if i < n, buf[i] == 0x22 /* " */ {
                        let open = i
                        i += 1
                        let s = i
                        var esc: UInt8 = 0
                        var closed = false
                        while i < n {
                            let c = buf[i]
                            if c == 0x22 {
                                if i + 1 < n, buf[i + 1] == 0x22 { esc = 1; i += 2; continue }
                                closed = true; break
                            }
                            if c == 0x0A { line += 1 } else if c == 0x0D, !(i + 1 < n && buf[i + 1] == 0x0A) { line += 1 }
                            i += 1
                        }
                        if !closed {
                            let loc = Self.location(buf, offset: open)
                            throw OneProxyError("unterminated quoted field (no closing \")", file: file, line: loc.line, column: loc.column)
                        }
                        starts.append(Int32(s)); ends.append(Int32(i)); escaped.append(2 | esc)
                        i += 1  // closing quote
                        while i < n, isBlank(buf[i]) { i += 1 }
                        if i < n, buf[i] != 0x2C, buf[i] != 0x0A, buf[i] != 0x0D {
                            let loc = Self.location(buf, offset: i)
                            throw OneProxyError("unexpected text after a closing quote (a quote inside a quoted field is written \"\")", file: file, line: loc.line, column: loc.column)
                        }
                    } else {
                        let s = i
                        while i < n {
                            let c = buf[i]
                            // One comparison for most bytes: `,` LF CR are all <= 0x2C.
                            if c <= 0x2C, c == 0x2C || c == 0x0A || c == 0x0D { break }
                            i += 1
                        }
                        var e = i
                        while e > s, isBlank(buf[e - 1]) { e -= 1 }
                        starts.append(Int32(s)); ends.append(Int32(e)); escaped.append(0)
                    }
                    // Now at a separator, a line end, or the end of the input.
                    if i >= n { endOfRecord = true }
                    else if buf[i] == 0x2C { i += 1 }
                    else {
                        if buf[i] == 0x0D, i + 1 < n, buf[i + 1] == 0x0A { i += 1 }
                        i += 1; line += 1
                        endOfRecord = true
                    }
                }
                if width < 0 {
                    // Header: drop trailing empty names.
                    var count = starts.count - base
                    while count > 1, starts[base + count - 1] == ends[base + count - 1] { count -= 1 }
                    for k in 0..<count {
                        header.append(Self.decode(buf, Int(starts[base + k]), Int(ends[base + k]), escaped[base + k] & 1 != 0))
                    }
                    width = count
                    // One column whose name holds ; or a tab: another delimiter, not a one-column file.
                    if count == 1, let other = [(";", "semicolons"), ("\t", "tabs")].first(where: { header[0].contains($0.0) }) {
                        throw OneProxyError(
                            "the header is one column holding \(other.1): this file seems separated by \(other.1), and oneproxy reads comma-separated values (save it as CSV with commas)",
                            file: file, line: Int(recordLine), column: 1)
                    }
                    let all = starts.count - base
                    starts.removeLast(all); ends.removeLast(all); escaped.removeLast(all)
                    continue
                }
                var count = starts.count - base
                if count > width {
                    var k = count
                    while k > width, starts[base + k - 1] == ends[base + k - 1] { k -= 1 }
                    if k > width {
                        let loc = Self.location(buf, offset: Int(starts[base + width]) - (escaped[base + width] & 2 != 0 ? 1 : 0))
                        throw OneProxyError(
                            "ragged row: \(k) fields, but the header has \(width) column\(width == 1 ? "" : "s")", file: file,
                            line: loc.line, column: loc.column)
                    }
                    let extra = count - width
                    starts.removeLast(extra); ends.removeLast(extra); escaped.removeLast(extra)
                    count = width
                } else if count < width {
                    var endOffset = Int(ends[base + count - 1]) + (escaped[base + count - 1] & 2 != 0 ? 1 : 0)
                    while endOffset < n, isBlank(buf[endOffset]) { endOffset += 1 }
                    let loc = Self.location(buf, offset: endOffset)
                    throw OneProxyError(
                        "ragged row: \(count) field\(count == 1 ? "" : "s"), but the header has \(width) column\(width == 1 ? "" : "s")",
                        file: file, line: loc.line, column: loc.column)
                }
                rowLines.append(recordLine)
            }
        return Scanned(
            header: header, starts: starts.array(), ends: ends.array(), escaped: escaped.array(), rowLines: rowLines.array())
    }

    /// The 1-based line and column (in characters) of a byte offset.
    static func location(_ buf: UnsafeBufferPointer<UInt8>, offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var i = 0
        let end = min(offset, buf.count)
        while i < end {
            let c = buf[i]
            if c == 0x0A { line += 1; lineStart = i + 1 }
            else if c == 0x0D, !(i + 1 < buf.count && buf[i + 1] == 0x0A) { line += 1; lineStart = i + 1 }
            i += 1
        }
        var column = 1
        for k in lineStart..<end where buf[k] & 0xC0 != 0x80 { column += 1 }
        return (line, column)
    }

    static func decode(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ esc: Bool) -> String {
        let slice = UnsafeBufferPointer(rebasing: buf[s..<e])
        if !esc { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        var i = s
        while i < e {
            out.append(buf[i])
            if buf[i] == 0x22, i + 1 < e, buf[i + 1] == 0x22 { i += 2 } else { i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The index of the column named `name` (exact match after trimming), or nil.
    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The field's text, unquoted and unescaped.
    public func string(row: Int, column: Int) -> String {
        let f = row * columnCount + column
        return bytes.withUnsafeBufferPointer { Self.decode($0, Int(starts[f]), Int(ends[f]), escaped[f] & 1 != 0) }
    }

    /// Whether the field is empty (after trimming).
    public func isEmpty(row: Int, column: Int) -> Bool {
        let f = row * columnCount + column
        return starts[f] == ends[f]
    }

    /// The field as a number, or nil when it is empty or not a decimal number. `nan`/`inf` spellings
    /// are not numbers here. Parsing is correctly rounded (exact fast path, else the C library).
    public func double(row: Int, column: Int) -> Double? {
        let f = row * columnCount + column
        return bytes.withUnsafeBufferPointer { parseDouble($0, Int(starts[f]), Int(ends[f])) }
    }

    /// A whole column parsed as numbers: `Double.nan` where a field is empty or not a number, and
    /// the count of non-empty fields that were not numbers.
    public func doubles(column: Int) -> (values: [Double], nonNumeric: Int) {
        var out = [Double](repeating: .nan, count: rowCount)
        var bad = 0
        let w = columnCount
        bytes.withUnsafeBufferPointer { buf in
            starts.withUnsafeBufferPointer { st in
                ends.withUnsafeBufferPointer { en in
                    out.withUnsafeMutableBufferPointer { o in
                        for r in 0..<rowCount {
                            let f = r * w + column
                            let s = Int(st[f]), e = Int(en[f])
                            if s == e { continue }
                            if let v = parseDouble(buf, s, e) { o[r] = v } else { bad += 1 }
                        }
                    }
                }
            }
        }
        return (out, bad)
    }

    /// Several columns parsed as numbers in one row-major pass over the fields (faster than one
    /// `doubles(column:)` per column on wide tables); entry k is `doubles(column: columns[k])`.
    public func doubles(columns: [Int]) -> [(values: [Double], nonNumeric: Int)] {
        let k = columns.count, rows = rowCount, w = columnCount
        if k == 0 { return [] }
        if rows == 0 { return Array(repeating: ([], 0), count: k) }
        // Column-major scratch, filled row by row, then split into one array per column.
        var flat = [Double](repeating: .nan, count: k * rows)
        var bad = [Int](repeating: 0, count: k)
        bytes.withUnsafeBufferPointer { buf in
            starts.withUnsafeBufferPointer { st in
                ends.withUnsafeBufferPointer { en in
                    columns.withUnsafeBufferPointer { cols in
                        flat.withUnsafeMutableBufferPointer { o in
                            bad.withUnsafeMutableBufferPointer { b in
                                for r in 0..<rows {
                                    let base = r * w
                                    for j in 0..<k {
                                        let f = base + cols[j]
                                        let s = Int(st[f]), e = Int(en[f])
                                        if s == e { continue }
                                        if let v = parseDouble(buf, s, e) { o[j * rows + r] = v } else { b[j] += 1 }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (0..<k).map { j in (Array(flat[(j * rows)..<((j + 1) * rows)]), bad[j]) }
    }

    /// The 1-based line and column where a field starts (at its opening quote if quoted).
    public func location(row: Int, column: Int) -> (line: Int, column: Int) {
        let f = row * columnCount + column
        let offset = Int(starts[f]) - (isQuoted(f) ? 1 : 0)
        return bytes.withUnsafeBufferPointer { Self.location($0, offset: offset) }
    }

    /// The 1-based line a row starts on.
    public func line(ofRow row: Int) -> Int { Int(rowLines[row]) }

    func isQuoted(_ f: Int) -> Bool { escaped[f] & 2 != 0 }

    /// Calls `body` with the raw bytes of a field (not unescaped).
    func withFieldBytes<R>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let f = row * columnCount + column
        return try bytes.withUnsafeBufferPointer { buf in
            try body(UnsafeBufferPointer(rebasing: buf[Int(starts[f])..<Int(ends[f])]))
        }
    }

    /// An error located at a field.
    public func error(_ message: String, row: Int, column: Int, offsetInField: Int = 0) -> OneProxyError {
        let loc = location(row: row, column: column)
        return OneProxyError(message, file: file, line: loc.line, column: loc.column + offsetInField)
    }
}

/// A minimal growable buffer of trivial values (the tokenizer's field tables); `free` must be called.
struct GrowBuffer<T: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<T>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always) mutating func append(_ x: T) {
        if count == capacity { grow() }
        base[count] = x
        count += 1
    }

    mutating func grow() {
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    @inline(__always) subscript(i: Int) -> T { base[i] }
    mutating func removeLast(_ k: Int) { count -= k }
    func array() -> [T] { Array(UnsafeBufferPointer(start: base, count: count)) }
    func free() { base.deallocate() }
}

private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// Parses a decimal number in `buf[s..<e]` (`[+-]digits[.digits][(e|E)[+-]digits]`), correctly
/// rounded: Clinger's exact fast path when the mantissa fits in 53 bits and the power of ten is
/// exact, otherwise `strtod`. Returns nil for anything else (including `nan`, `inf`, hex).
@inline(__always)
func parseDouble(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double? {
    // Fast path for plain `[-]digits[.digits]` with at most 19 digits (leading zeros included), the
    // shape of nearly every field in the bundled files: one multiply-add per digit, then Clinger.
    var i = s
    let negative = i < e && buf[i] == 0x2D
    if negative { i += 1 }
    var mantissa: UInt64 = 0
    let digitsStart = i
    while i < e {
        let d = buf[i] &- 0x30
        if d > 9 { break }
        mantissa = mantissa &* 10 &+ UInt64(d)
        i += 1
    }
    let intDigits = i - digitsStart
    var fracDigits = 0
    if i < e, buf[i] == 0x2E {
        i += 1
        let f0 = i
        while i < e {
            let d = buf[i] &- 0x30
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        fracDigits = i - f0
    }
    if i == e, intDigits + fracDigits > 0, intDigits + fracDigits <= 19, fracDigits <= 22, mantissa <= (1 << 53) {
        var v = Double(mantissa)
        if fracDigits > 0 { v /= exactPowersOfTen[fracDigits] }
        return negative ? -v : v
    }
    return parseDoubleGeneral(buf, s, e)
}

/// `parseDouble` for every other spelling (exponents, `+`, long mantissas).
func parseDoubleGeneral(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double? {
    var i = s
    var negative = false
    if i < e, buf[i] == 0x2D || buf[i] == 0x2B { negative = buf[i] == 0x2D; i += 1 }
    var mantissa: UInt64 = 0
    var digits = 0          // significant digits accumulated (leading zeros excluded)
    var anyDigit = false
    var exp10 = 0
    var overflow = false
    while i < e {
        let d = buf[i] &- 0x30
        if d > 9 { break }
        anyDigit = true
        if mantissa != 0 || d != 0 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(d); digits += 1 } else { overflow = true; exp10 += 1 }
        }
        i += 1
    }
    if i < e, buf[i] == 0x2E {
        i += 1
        while i < e {
            let d = buf[i] &- 0x30
            if d > 9 { break }
            anyDigit = true
            if mantissa != 0 || d != 0 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(d); digits += 1; exp10 -= 1 } else { overflow = true }
            } else {
                exp10 -= 1
            }
            i += 1
        }
    }
    guard anyDigit else { return nil }
    if i < e, buf[i] == 0x65 || buf[i] == 0x45 {
        i += 1
        var eneg = false
        if i < e, buf[i] == 0x2D || buf[i] == 0x2B { eneg = buf[i] == 0x2D; i += 1 }
        var ev = 0
        var any = false
        while i < e {
            let d = buf[i] &- 0x30
            if d > 9 { break }
            any = true
            if ev < 100_000 { ev = ev * 10 + Int(d) }
            i += 1
        }
        guard any else { return nil }
        exp10 += eneg ? -ev : ev
    }
    guard i == e else { return nil }
    if mantissa == 0 { return negative ? -0.0 : 0.0 }
    if !overflow, mantissa <= (1 << 53), exp10 >= -22, exp10 <= 22 {
        var v = Double(mantissa)
        if exp10 >= 0 { v *= exactPowersOfTen[exp10] } else { v /= exactPowersOfTen[-exp10] }
        return negative ? -v : v
    }
    // Slow path: the C library's correctly rounded conversion.
    var tmp = [CChar](repeating: 0, count: e - s + 1)
    for k in s..<e { tmp[k - s] = CChar(bitPattern: buf[k]) }
    return tmp.withUnsafeBufferPointer { p -> Double in strtod(p.baseAddress!, nil) }
}
