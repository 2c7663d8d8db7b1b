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
/// and a file without a header are errors with their location too. The error is the first one in
/// the file whichever way the work was split.
///
/// Storage: the bytes and one offset per row (no table of fields: 8 bytes per field would outweigh
/// the numbers). A field is found by re-reading its row; `doubles(columns:)` reads every row once,
/// spread over the cores. A file without any `"` after its header is also checked in parallel
/// (each line is then one record, so the text splits at line ends).
public struct CSVTable: Sendable {
    /// The name errors use for the file (a path, or `bundled:NAME`).
    public let file: String
    /// The header fields, trimmed.
    public let header: [String]
    /// Data records (comments and blank lines excluded).
    public let rowCount: Int
    public var columnCount: Int { header.count }

    // The bytes as given; the text is `bytes[origin...]` (after any BOM), and offsets count from it.
    let bytes: CSVText
    let origin: Int
    // Per row: the offset where its record starts (before any leading blanks), and its 1-based line.
    let rowStarts: [Int32]
    let rowLines: [Int32]
    /// The one-pass route's record of the column `recordFor` named (the loader names a space's
    /// first key column): each row's field start and end, interleaved, so `mapColumn` need not find
    /// the field again, and with a `code`, each field's code. Nil on the other routes.
    let recordedField: RecordedField?

    /// A column for the one-pass route to record, and the code to compute of each of its fields.
    struct FieldRecording: Sendable {
        let column: Int
        let code: (@Sendable (UnsafeBufferPointer<UInt8>) -> (code: Int32, length: Int)?)?
    }

    /// What the one-pass route recorded of a column: `bounds` (start, end per row) and `codes`
    /// (one per row, when a code was asked for).
    struct RecordedField: Sendable {
        let column: Int
        let bounds: [Int32]
        let codes: [Int32]?
    }
    /// The cancellation given to `init`, for the loader's later passes over the rows (the keys).
    let cancellation: Cancellation
    /// Columns already read as numbers (by the one pass), which `doubles(column:)` answers from:
    /// the loader sets the key columns' before `readKeys`.
    var knownNumbers: [Int: ColumnNumbers] = [:]

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
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        guard st.st_mode & S_IFMT == S_IFREG else {
            return FileManager.default.contents(atPath: path).map { [UInt8]($0) }
        }
        let size = Int(st.st_size)
        if size == 0 { return [] }
        // From 1 MB on, one `pread` a core, each on its own part: the copy from the page cache is
        // most of a read, and two cores copy twice as fast. A part that comes back short (the file
        // shrank) sends the whole read to the sequential loop.
        let cores = activeCores
        if size >= 1 << 20, cores > 1 {
            let parts = min(cores, 8)
            let whole = [UInt8](unsafeUninitializedCapacity: size) { b, n in
                let slots = DisjointSlots(base: b.baseAddress!)
                let complete = concurrentMap(parts) { k -> Bool in
                    let from = size * k / parts, to = size * (k + 1) / parts
                    var got = from
                    while got < to {
                        let r = pread(fd, slots.base + got, to - got, off_t(got))
                        if r <= 0 { return false }
                        got += r
                    }
                    return true
                }
                n = complete.allSatisfy { $0 } ? size : 0
            }
            if whole.count == size { return whole }
        }
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: size) { b, n in
            var got = 0
            while got < size {
                let r = pread(fd, b.baseAddress! + got, size - got, off_t(got))
                if r < 0 { failed = true; break }
                if r == 0 { break }
                got += r
            }
            n = got
        }
        return failed ? nil : out
    }

    /// Parses `bytes` (UTF-8). Throws `OneProxyError` with file/line/column on malformed input, and
    /// `CancellationError` when `context` says stop (checked every 4096 records in each piece).
    public init(bytes raw: [UInt8], file: String, context: ComputeContext = .none) throws {
        var unused: [Int: ColumnNumbers] = [:]
        try self.init(bytes: raw, file: file, context: context, numbersFor: nil, numbers: &unused)
    }

    /// A column read as numbers: `Double.nan` where a field is empty or not a number, and the count
    /// of non-empty fields that were not numbers.
    public typealias ColumnNumbers = (values: [Double], nonNumeric: Int)

    /// Parses `bytes` and reads the columns `numbersFor(header)` names as numbers, as
    /// `doubles(columns:)` would, into `numbers` (by column). In text without quotes whose lines
    /// end at LF or CRLF the numbers are read in the same pass that checks the records (one walk
    /// over the bytes, spread over the cores); otherwise by `doubles(columns:)` after the check.
    init(bytes raw: [UInt8], file: String, context: ComputeContext, numbersFor: (([String]) -> [Int])?, numbers: inout [Int: ColumnNumbers]) throws {
        try self.init(text: CSVText(raw), file: file, context: context, numbersFor: numbersFor, recordFor: nil, numbers: &numbers)
    }

    /// The same on a `CSVText`; a mapped text's pages are given back after each pass over them.
    /// `recordFor(header)`: a column (not read as numbers) whose fields' bounds the one-pass route
    /// records for `mapColumn`, and codes for the caller (`recordedField`).
    init(
        text raw: CSVText, file: String, context: ComputeContext, numbersFor: (([String]) -> [Int])?,
        recordFor: (([String]) -> FieldRecording?)? = nil,
        numbers: inout [Int: ColumnNumbers]
    ) throws {
        self.file = file
        let origin = raw.withUnsafeBufferPointer { b in b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0 }
        guard raw.count - origin < Int(Int32.max) else { throw OneProxyError("file too large (2 GB limit)", file: file) }
        let pages = PageRelease(text: raw, origin: origin)
        let scanned = try raw.withUnsafeBufferPointer { whole -> Scanned in
            let buf = UnsafeBufferPointer(rebasing: whole[origin...])
            // A NUL byte never occurs in CSV text: say "binary", not "ragged row" somewhere inside it.
            let facts = TextFacts(buf)
            if let nul = facts.firstNUL {
                let loc = Self.location(buf, offset: nul)
                throw OneProxyError("not a CSV text file (a NUL byte, as in binary data)", file: file, line: loc.line, column: loc.column)
            }
            try context.check()
            return try Self.scan(buf, file: file, cancellation: context.cancellation, numbersFor: numbersFor, recordFor: recordFor, pages: pages, facts: facts)
        }
        guard !scanned.header.isEmpty else { throw OneProxyError("the file is empty (no header line)", file: file, line: 1, column: 1) }
        self.bytes = raw
        self.origin = origin
        self.header = scanned.header
        self.rowStarts = scanned.rowStarts
        self.rowLines = scanned.rowLines
        self.recordedField = scanned.recordedField
        self.rowCount = scanned.rowLines.count
        self.cancellation = context.cancellation
        numbers = scanned.numbers
        if let numbersFor {
            let rest = numbersFor(header).filter { numbers[$0] == nil }
            if !rest.isEmpty {
                for (c, v) in zip(rest, try doubles(columns: rest, cancellation: context.cancellation)) { numbers[c] = v }
            }
        }
    }

    /// Calls `body` with the text (after any BOM); field offsets count from its start.
    @inline(__always)
    func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[origin...])) }
    }

    /// The first `byte` at or after `from` and before `to` (default: the end) (memchr), or nil.
    static func find(_ byte: UInt8, _ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int? = nil) -> Int? {
        let end = min(to ?? buf.count, buf.count)
        guard from < end, let base = buf.baseAddress else { return nil }
        guard let p = memchr(base + from, Int32(byte), end - from) else { return nil }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    struct Scanned {
        var header: [String] = []
        var rowStarts: [Int32] = [], rowLines: [Int32] = []
        /// Columns read as numbers in the same pass (the fused route), by column.
        var numbers: [Int: ColumnNumbers] = [:]
        /// The fused route's `recordedField`.
        var recordedField: RecordedField?
    }

    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    /// One field starting at `i` (leading blanks skipped): its content's start and end (inside the
    /// quotes if quoted; blanks trimmed if not) and flags (bit 0: holds `""`; bit 1: quoted). Leaves
    /// `i` at the separator, the line end or the end of the text; counts line ends inside quotes.
    @inline(__always)
    static func field(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ line: inout Int32, file: String) throws -> (s: Int, e: Int, flags: UInt8) {
        let n = buf.count
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
            let e = i
            i += 1  // closing quote
            while i < n, isBlank(buf[i]) { i += 1 }
            if i < n, buf[i] != 0x2C, buf[i] != 0x0A, buf[i] != 0x0D {
                let loc = Self.location(buf, offset: i)
                throw OneProxyError("unexpected text after a closing quote (a quote inside a quoted field is written \"\")", file: file, line: loc.line, column: loc.column)
            }
            return (s, e, 2 | esc)
        }
        let s = i
        i = separator(buf, from: i)
        var e = i
        while e > s, isBlank(buf[e - 1]) { e -= 1 }
        return (s, e, 0)
    }

    /// The first `,`, LF or CR at or after `i` (or the end): eight bytes at a time while eight remain
    /// (a byte equal to one of them zeroes its lane in one of three XORs; the lowest zero lane of a
    /// word is found exactly by the borrow trick, whose false hits only lie above a true one).
    @inline(__always)
    static func separator(_ buf: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = buf.count
        var i = start
        let raw = UnsafeRawPointer(buf.baseAddress!)
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let a = x ^ (ones &* 0x2C), b = x ^ (ones &* 0x0A), c = x ^ (ones &* 0x0D)
            let hit = ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & highs
            if hit != 0 { return i + hit.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < n {
            let c = buf[i]
            // One comparison for most bytes: `,` LF CR are all <= 0x2C.
            if c <= 0x2C, c == 0x2C || c == 0x0A || c == 0x0D { break }
            i += 1
        }
        return i
    }

    /// Steps over the separator or line end after a field; true at the end of the record.
    @inline(__always)
    static func endOfField(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ line: inout Int32) -> Bool {
        let n = buf.count
        if i >= n { return true }
        if buf[i] == 0x2C { i += 1; return false }
        if buf[i] == 0x0D, i + 1 < n, buf[i + 1] == 0x0A { i += 1 }
        i += 1; line += 1
        return true
    }

    /// Skips blank lines and comments from `i`; false at the end of the text.
    @inline(__always)
    static func skipToRecord(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ line: inout Int32, end: Int) -> Bool {
        while i < end {
            var j = i
            while j < end, isBlank(buf[j]) { j += 1 }
            if j >= end { i = end; return false }
            if buf[j] == 0x0A || buf[j] == 0x0D {
                if buf[j] == 0x0D, j + 1 < buf.count, buf[j + 1] == 0x0A { j += 1 }
                i = j + 1; line += 1; continue
            }
            if buf[j] == 0x23 /* # */ {
                while j < buf.count, buf[j] != 0x0A, buf[j] != 0x0D { j += 1 }
                if j < buf.count, buf[j] == 0x0D, j + 1 < buf.count, buf[j + 1] == 0x0A { j += 1 }
                i = j + 1; line += 1; continue
            }
            return true
        }
        return false
    }

    /// The tokenizer: the header, then every record checked against its width.
    static func scan(
        _ buf: UnsafeBufferPointer<UInt8>, file: String, cancellation: Cancellation = .never, numbersFor: (([String]) -> [Int])? = nil,
        recordFor: (([String]) -> FieldRecording?)? = nil, pages: PageRelease = PageRelease(text: nil, origin: 0), facts: TextFacts? = nil
    ) throws -> Scanned {
        var i = 0
        var line: Int32 = 1
        guard skipToRecord(buf, &i, &line, end: buf.count) else { return Scanned() }
        // Header: drop trailing empty names.
        let headerLine = line
        var names: [(Int, Int, UInt8)] = []
        repeat {
            let f = try field(buf, &i, &line, file: file)
            names.append(f)
        } while !endOfField(buf, &i, &line)
        var count = names.count
        while count > 1, names[count - 1].0 == names[count - 1].1 { count -= 1 }
        let header = names[..<count].map { decode(buf, $0.0, $0.1, $0.2 & 1 != 0) }
        // One column whose name holds ; or a tab: another delimiter, not a one-column file.
        if count == 1, let other = [(";", "semicolons"), ("\t", "tabs")].first(where: { header[0].contains($0.0) }) {
            throw OneProxyError(
                "the header is one column holding \(other.1): this file seems separated by \(other.1), and oneproxy reads comma-separated values (save it as CSV with commas)",
                file: file, line: Int(headerLine), column: 1)
        }
        let width = count
        // Pieces split at line ends when no quote can hide one (then a record is a line).
        let bodyBytes = buf.count - i
        let quoteFree = !(facts ?? TextFacts(buf)).hasQuote(buf, from: i)
        // (A multiple of the cores where there are several, so that none is left the last one alone.)
        let cut = min(64, max(1, bodyBytes >> 18), activeCores * 8)
        let pieces = quoteFree ? (cut > 1 ? min(64, (cut + activeCores - 1) / activeCores * activeCores) : 1) : 1
        var bounds = [i]
        for k in 1..<max(pieces, 1) {
            var b = max(i + bodyBytes * k / pieces, bounds.last!)
            if let lf = find(0x0A, buf, from: b) { b = lf + 1 } else { b = buf.count }
            bounds.append(b)
        }
        bounds.append(buf.count)
        let startLine = line
        // Quote-free text whose lines end at LF or CRLF, with columns to read as numbers: one pass.
        if quoteFree, let numbersFor {
            let wanted = numbersFor(header)
            let record = recordFor?(header)
            if !wanted.isEmpty, let fused = try fusedScan(
                buf, cuts: bounds, startLine: startLine, width: width, wanted: wanted, record: record, file: file, cancellation: cancellation, pages: pages) {
                return Scanned(header: header, rowStarts: fused.rowStarts, rowLines: fused.rowLines, numbers: fused.numbers, recordedField: fused.recordedField)
            }
        }
        let text = SharedText(buf), cuts = bounds
        let results = concurrentMap(cuts.count - 1) { k -> ScanPiece in
            scanPiece(text.buf, from: cuts[k], to: cuts[k + 1], width: width, quoteFree: quoteFree, file: file, cancellation: cancellation)
        }
        // The first error in file order is the file's first error.
        var rows = 0
        for r in results {
            if r.cancelled { throw CancellationError() }
            if let e = r.error { throw e }
            rows += r.rowStarts.count
        }
        var rowStarts = [Int32](), rowLines = [Int32]()
        rowStarts.reserveCapacity(rows); rowLines.reserveCapacity(rows)
        var lineBase = startLine - 1
        for r in results {
            rowStarts += r.rowStarts
            for l in r.rowLines { rowLines.append(l + lineBase) }
            lineBase += r.lineEnds
        }
        return Scanned(header: header, rowStarts: rowStarts, rowLines: rowLines)
    }

    struct ScanPiece: @unchecked Sendable {
        var rowStarts: [Int32] = [], rowLines: [Int32] = []
        var lineEnds: Int32 = 0
        var error: OneProxyError?
        var cancelled = false
    }

    /// Checks the records in `buf[from..<to]` (which starts at a record); lines count from 1 at `from`.
    /// `quoteFree`: the text holds no `"`, so a record is a line and has one field more than commas.
    static func scanPiece(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int, width: Int, quoteFree: Bool, file: String, cancellation: Cancellation) -> ScanPiece {
        var out = ScanPiece()
        var starts = GrowBuffer<Int32>(capacity: (to - from) / 64 + 16), lines = GrowBuffer<Int32>(capacity: (to - from) / 64 + 16)
        defer { starts.free(); lines.free() }
        var i = from
        var line: Int32 = 1
        var records = 0
        do {
            while skipToRecord(buf, &i, &line, end: to) {
                records &+= 1
                if records & 0xFFF == 1, cancellation.isCancelled() { out.cancelled = true; return out }
                let recordLine = line, recordStart = i
                if quoteFree, let end = lineEndIfWidth(buf, from: i, width: width) {
                    // The common case: the line has the header's width (content does not matter).
                    starts.append(Int32(recordStart)); lines.append(recordLine)
                    i = end
                    _ = endOfField(buf, &i, &line)
                    continue
                }
                try checkRecord(buf, &i, &line, width: width, file: file)
                starts.append(Int32(recordStart)); lines.append(recordLine)
            }
        } catch {
            out.error = error as? OneProxyError
            return out
        }
        out.rowStarts = starts.array(); out.rowLines = lines.array()
        out.lineEnds = line - 1
        return out
    }

    /// Checks the record starting at `i` field by field: `width` fields, or more when the extra ones
    /// are empty; else the ragged-row error at the first field too many or at the end of the short
    /// record. Leaves `i` after the record's line end.
    static func checkRecord(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ line: inout Int32, width: Int, file: String) throws {
        var count = 0, lastNonEmpty = -1, extraStart = 0, lastEnd = 0
        repeat {
            let f = try field(buf, &i, &line, file: file)
            if count == width { extraStart = f.s - Int(f.flags >> 1) }
            if f.s != f.e { lastNonEmpty = count }
            lastEnd = f.e + Int(f.flags >> 1)
            count += 1
        } while !endOfField(buf, &i, &line)
        if count > width {
            let k = max(width, lastNonEmpty + 1)
            if k > width {
                let loc = Self.location(buf, offset: extraStart)
                throw OneProxyError(
                    "ragged row: \(k) fields, but the header has \(width) column\(width == 1 ? "" : "s")", file: file,
                    line: loc.line, column: loc.column)
            }
        } else if count < width {
            var endOffset = lastEnd
            while endOffset < buf.count, isBlank(buf[endOffset]) { endOffset += 1 }
            let loc = Self.location(buf, offset: endOffset)
            throw OneProxyError(
                "ragged row: \(count) field\(count == 1 ? "" : "s"), but the header has \(width) column\(width == 1 ? "" : "s")",
                file: file, line: loc.line, column: loc.column)
        }
    }

    /// The most columns the one-pass route reads (their arrays are made by nested calls, one stack
    /// frame each: 512 frames are a few hundred KB of the caller's stack).
    static let fusedColumnLimit = 512

    struct Fused {
        var rowStarts: [Int32], rowLines: [Int32]
        var numbers: [Int: ColumnNumbers]
        var recordedField: RecordedField?
    }

    /// The one-pass route, for text without quotes whose lines end at LF or CRLF (a record is then a
    /// line): each piece's records are counted first (line starts found by memchr), so
    /// every row's place is known; then each piece checks its records and reads the `wanted`
    /// columns' numbers (at most `fusedColumnLimit`; the rest are left to `doubles(columns:)`) straight into arrays
    /// made for the exact row count. Errors and cancellation as `scanPiece` gives them, the first
    /// in file order winning. Nil if a piece's count and check disagree (they cannot; the caller
    /// then takes the two-pass route).
    static func fusedScan(
        _ buf: UnsafeBufferPointer<UInt8>, cuts: [Int], startLine: Int32, width: Int, wanted: [Int], record: FieldRecording? = nil, file: String,
        cancellation: Cancellation, pages: PageRelease
    ) throws -> Fused? {
        var group: [Int] = []
        var slot = [Int](repeating: -1, count: width)
        for c in wanted where c >= 0 && c < width && slot[c] < 0 && group.count < fusedColumnLimit { slot[c] = group.count; group.append(c) }
        if group.isEmpty { return nil }
        let text = SharedText(buf)
        let pieces = cuts.count - 1
        // The count keeps the pages it reads (no number is stored yet, so they cost no peak); the
        // pass that stores the numbers gives each piece's pages back.
        let counts = concurrentMap(pieces) { k in countRecords(text.buf, from: cuts[k], to: cuts[k + 1]) }
        if counts.contains(where: { $0.loneCR }) { return nil }
        var rowBase = [0], lineBase = [startLine - 1]
        for c in counts {
            rowBase.append(rowBase.last! + c.records)
            lineBase.append(lineBase.last! + c.lineEnds)
        }
        let rows = rowBase.last!
        var results: [FusedPiece] = []
        var columns: [[Double]] = []
        var fusedLines: [Int32] = []
        let slots = slot, u = group.count, firstRows = rowBase, firstLines = lineBase
        // A column not read as numbers may have its fields' bounds (and codes) recorded.
        let recordColumn = record.map { $0.column >= 0 && $0.column < width && slot[$0.column] < 0 ? $0.column : -1 } ?? -1
        let code = recordColumn >= 0 ? record?.code : nil
        var bounds = [Int32](repeating: 0, count: recordColumn >= 0 ? 2 * rows : 0)
        var codes = [Int32](repeating: -1, count: code != nil ? rows : 0)
        let rowStarts = [Int32](unsafeUninitializedCapacity: rows) { startsBuffer, startsCount in
            let rowLines = [Int32](unsafeUninitializedCapacity: rows) { linesBuffer, linesCount in
                let out = RowSlots(starts: startsBuffer.baseAddress, lines: linesBuffer.baseAddress)
                bounds.withUnsafeMutableBufferPointer { boundsBuffer in codes.withUnsafeMutableBufferPointer { codesBuffer in
                    let recorded = RecordedBounds(column: recordColumn, bounds: boundsBuffer.baseAddress, code: code, codes: codesBuffer.baseAddress)
                    columns = makeColumns(u, rows: rows) { pointers in
                        let cols = DisjointColumns(pointers)
                        results = concurrentMap(pieces) { k in
                            defer { pages.release(cuts[k]..<cuts[k + 1]) }
                            return fusedPiece(
                                text.buf, from: cuts[k], to: cuts[k + 1], rows: firstRows[k]..<firstRows[k + 1], lineBase: firstLines[k],
                                width: width, slots: slots, columns: cols, out: out, recorded: recorded, file: file, cancellation: cancellation)
                        }
                    }
                } }
                linesCount = rows
            }
            fusedLines = rowLines
            startsCount = rows
        }
        for r in results {
            if r.cancelled { throw CancellationError() }
            if let e = r.error { throw e }
            if r.mismatch { return nil }
        }
        var numbers: [Int: ColumnNumbers] = [:]
        for j in 0..<u { numbers[group[j]] = (columns[j], results.reduce(0) { $0 + $1.bad[j] }) }
        return Fused(rowStarts: rowStarts, rowLines: fusedLines, numbers: numbers, recordedField: recordColumn >= 0 ? RecordedField(column: recordColumn, bounds: bounds, codes: code != nil ? codes : nil) : nil)
    }

    /// Records and line ends in `buf[from..<to]` (which starts at a line start), as `skipToRecord`
    /// and `scanPiece` count them in text whose lines end at LF or CRLF: a line is a record unless
    /// it is blank or its first non-blank character is `#`. `loneCR`: a CR not followed by LF (a
    /// line end of its own, which this count does not follow).
    static func countRecords(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> (records: Int, lineEnds: Int32, loneCR: Bool) {
        let base = buf.baseAddress!
        var k = from
        while k < to, let q = memchr(base + k, 0x0D, to - k) {
            let cr = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
            if cr + 1 >= buf.count || buf[cr + 1] != 0x0A { return (0, 0, true) }
            k = cr + 2
        }
        var i = from, records = 0
        var lineEnds: Int32 = 0
        while i < to {
            var j = i
            while j < to, isBlank(buf[j]) { j += 1 }
            if j >= to { break }
            if buf[j] != 0x0A && buf[j] != 0x0D && buf[j] != 0x23 { records += 1 }
            guard let q = memchr(base + j, 0x0A, to - j) else { break }
            i = base.distance(to: q.assumingMemoryBound(to: UInt8.self)) + 1
            lineEnds += 1
        }
        return (records, lineEnds, false)
    }

    struct FusedPiece: @unchecked Sendable {
        var bad: [Int] = []
        var error: OneProxyError?
        var cancelled = false
        var mismatch = false
    }

    /// One piece of the one-pass route: rows `rows` (counted by `countRecords`) checked and read.
    /// A row with exactly `width` fields is read field by field, a number read in place where a
    /// separator follows it; any other row is checked by `checkRecord` from its start (a row with
    /// empty extra fields passes, after its `width` fields were read).
    static func fusedPiece(
        _ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int, rows: Range<Int>, lineBase: Int32, width: Int, slots: [Int],
        columns: DisjointColumns, out: RowSlots, recorded: RecordedBounds, file: String, cancellation: Cancellation
    ) -> FusedPiece {
        var result = FusedPiece()
        let n = buf.count, base = buf.baseAddress!
        var bad = [Int](repeating: 0, count: columns.columns.count)
        var i = from, line: Int32 = 1, r = rows.lowerBound
        // Each field's column (nil: not read as a number), for the runs of short numbers.
        let targets = slots.map { $0 >= 0 ? columns.columns[$0] : nil }
        do {
            // (Both tables through buffer pointers: the array of column pointers, read with a bounds
            // check at every number, was a tenth of help-nb201's load.)
            try slots.withUnsafeBufferPointer { slots in try columns.columns.withUnsafeBufferPointer { cols in try targets.withUnsafeBufferPointer { targets in
                let last = width - 1, safe = n - 16
                while skipToRecord(buf, &i, &line, end: to) {
                    if (r - rows.lowerBound) & 0xFFF == 0, cancellation.isCancelled() { result.cancelled = true; return }
                    if r >= rows.upperBound { result.mismatch = true; return }
                    let recordStart = i, recordLine = line
                    out.starts![r] = Int32(truncatingIfNeeded: recordStart)
                    out.lines![r] = recordLine + lineBase
                    var c = 0
                    var simple = true
                    while true {
                        // Most fields: a short number and a comma, before the row's last field.
                        shortNumberRun(base, &i, &c, row: r, last: last, safe: safe, targets: targets.baseAddress!)
                        let j = slots[c]
                        if j >= 0, i + 16 <= n, let (v, end) = shortDecimal(base, i) {
                            // (The row's last field, or one followed by LF or CR.)
                            cols[j][r] = v
                            i = end
                        } else if j >= 0, i < n, let (v, end) = scanDouble(buf, i, n), end == n || buf[end] == 0x2C || buf[end] == 0x0A || buf[end] == 0x0D {
                            cols[j][r] = v
                            i = end
                        } else if j < 0, i < n, !isBlank(buf[i]) {
                            let s = i
                            if c != recorded.column {
                                i = separator(buf, from: i)
                            } else if let e = recorded.recordKey(row: r, s, buf) {
                                // A key the space codes, with a separator after it: the field's
                                // end, found without reading the field again.
                                i = e
                            } else {
                                i = separator(buf, from: i)
                                var e = i
                                while e > s, isBlank(buf[e - 1]) { e -= 1 }
                                recorded.record(row: r, s, e, buf)
                            }
                        } else {
                            // No quotes in this text, so `field` cannot throw.
                            let f = try field(buf, &i, &line, file: file)
                            if j >= 0 {
                                if f.s == f.e { cols[j][r] = .nan } else if let v = parseDouble(buf, f.s, f.e) { cols[j][r] = v } else {
                                    cols[j][r] = .nan; bad[j] += 1
                                }
                            } else if c == recorded.column {
                                recorded.record(row: r, f.s, f.e, buf)
                            }
                        }
                        if c == width - 1 {
                            if i >= n { break }
                            if buf[i] == 0x0A { i += 1; line += 1; break }
                            if buf[i] == 0x0D, i + 1 < n, buf[i + 1] == 0x0A { i += 2; line += 1; break }
                            simple = false; break
                        }
                        if i < n, buf[i] == 0x2C { i += 1; c += 1; continue }
                        simple = false; break
                    }
                    if !simple {
                        i = recordStart; line = recordLine
                        try checkRecord(buf, &i, &line, width: width, file: file)
                    }
                    r += 1
                }
            } } }
        } catch {
            result.error = error as? OneProxyError
            return result
        }
        if !result.cancelled, r != rows.upperBound { result.mismatch = true }
        result.bad = bad
        return result
    }

    /// From field `c` at `i` on: the fields that are a column's short number (`shortDecimal`)
    /// followed by a comma, before the row's last field, stored in row `r`; stops at the first that
    /// is not (or is past `safe`, the last offset `shortDecimal` may read at), `c` and `i` then at it.
    /// A loop of its own, with the little state it needs kept in registers.
    @inline(__always)
    static func shortNumberRun(
        _ base: UnsafePointer<UInt8>, _ i: inout Int, _ c: inout Int, row r: Int, last: Int, safe: Int,
        targets: UnsafePointer<UnsafeMutablePointer<Double>?>
    ) {
        var p = i, k = c
        while k < last, p <= safe, let column = targets[k], let (v, end) = shortDecimal(base, p), base[end] == 0x2C {
            column[r] = v
            p = end &+ 1
            k &+= 1
        }
        i = p
        c = k
    }

    /// `k` arrays of `rows` doubles, made around `body`, which is given their buffers and must
    /// write every element (Double needs no initialisation, so unwritten rows after an error or a
    /// cancellation are harmless garbage the caller drops).
    static func makeColumns(_ k: Int, rows: Int, _ body: ([UnsafeMutablePointer<Double>]) -> Void) -> [[Double]] {
        var pointers: [UnsafeMutablePointer<Double>] = []
        func nest(_ j: Int) -> [[Double]] {
            if j == k { body(pointers); return [] }
            var rest: [[Double]] = []
            let column = [Double](unsafeUninitializedCapacity: max(rows, 1)) { b, n in
                pointers.append(b.baseAddress!)
                rest = nest(j + 1)
                n = rows
            }
            return [column] + rest
        }
        return nest(0)
    }

    /// In quote-free text: the offset of the line end (LF, CR or the end) of the line starting at
    /// `start` when the line holds exactly `width - 1` commas, else nil. Eight bytes at a time: a lane
    /// equal to a byte b is found exactly by ~(((x ^ b) & 0x7F..) + 0x7F.. | (x ^ b) | 0x7F..).
    @inline(__always)
    static func lineEndIfWidth(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, width: Int) -> Int? {
        let n = buf.count
        let raw = UnsafeRawPointer(buf.baseAddress!)
        let ones: UInt64 = 0x0101_0101_0101_0101, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        @inline(__always) func lanes(_ x: UInt64, _ b: UInt64) -> UInt64 {
            let v = x ^ (ones &* b)
            return ~(((v & low7) &+ low7) | v | low7)
        }
        var i = start, commas = 0
        let wanted = width - 1
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let ends = lanes(x, 0x0A) | lanes(x, 0x0D), c = lanes(x, 0x2C)
            if ends != 0 {
                let below = (UInt64(1) << UInt64(ends.trailingZeroBitCount - 7)) &- 1
                commas += (c & below).nonzeroBitCount
                return commas == wanted ? i + (ends.trailingZeroBitCount >> 3) : nil
            }
            commas += c.nonzeroBitCount
            if commas > wanted { return nil }
            i += 8
        }
        while i < n, buf[i] != 0x0A, buf[i] != 0x0D {
            if buf[i] == 0x2C { commas += 1 }
            i += 1
        }
        return commas == wanted ? i : nil
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

    /// The field's content range and flags, by re-reading its row (which `init` checked).
    @inline(__always)
    func fieldRange(_ buf: UnsafeBufferPointer<UInt8>, row: Int, column: Int) -> (s: Int, e: Int, flags: UInt8) {
        var i = Int(rowStarts[row])
        var line: Int32 = 0
        var k = 0
        while true {
            // The row was checked, so it cannot throw.
            let f = (try? Self.field(buf, &i, &line, file: file)) ?? (s: i, e: i, flags: 0)
            if k == column { return f }
            _ = Self.endOfField(buf, &i, &line)
            k += 1
        }
    }

    /// `body(row, field)` for one column's field of every row (`field`: its content, inside the
    /// quotes, not unescaped; `escaped`: it holds `""`), spread over the cores in pieces of rows.
    /// Throws the error of the first row (in file order) whose `body` throws, and
    /// `CancellationError` when the table's cancellation says stop (checked every 4096 rows).
    func mapColumn<T: Sendable>(_ column: Int, _ body: @Sendable (Int, UnsafeBufferPointer<UInt8>, Bool) throws -> T) throws -> [T] {
        let rows = rowCount
        if rows == 0 { return [] }
        // At least four pieces a core from 4096 rows on: the cores take pieces as they finish, so
        // three pieces on two cores would leave one core two of them.
        let cores = activeCores
        let pieces = rows < 4096 ? 1 : min(64, rows / 1024, max(rows / 4096, 4 * cores))
        let pages = PageRelease(text: bytes, origin: origin)
        let recorded = recordedField
        let parts: [Result<[T], Error>] = withText { whole in
            let text = SharedText(whole)
            return concurrentMap(pieces) { piece -> Result<[T], Error> in
                let buf = text.buf
                let r0 = rows * piece / pieces, r1 = rows * (piece + 1) / pieces
                var out: [T] = []
                out.reserveCapacity(r1 - r0)
                defer { pages.release(Int(rowStarts[r0])..<(r1 < rows ? Int(rowStarts[r1]) : buf.count)) }
                do {
                    // The one-pass route's bounds when it recorded this column (quote-free text, so
                    // never escaped), else the field found in its row.
                    let bounds = recorded?.column == column ? recorded?.bounds : nil
                    for r in r0..<r1 {
                        if (r - r0) & 0xFFF == 0xFFF { try cancellation.check() }
                        let f = bounds.map { (s: Int($0[2 &* r]), e: Int($0[2 &* r &+ 1]), flags: UInt8(0)) } ?? fieldRange(buf, row: r, column: column)
                        out.append(try body(r, UnsafeBufferPointer(rebasing: buf[f.s..<f.e]), f.flags & 1 != 0))
                    }
                } catch {
                    return .failure(error)
                }
                return .success(out)
            }
        }
        var all: [T] = []
        all.reserveCapacity(rows)
        for part in parts {
            switch part {
            case .success(let values): all += values
            case .failure(let error): throw error
            }
        }
        return all
    }

    /// The index of the column named `name` (exact match after trimming), or nil.
    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The field's text, unquoted and unescaped.
    public func string(row: Int, column: Int) -> String {
        withText { buf in
            let f = fieldRange(buf, row: row, column: column)
            return Self.decode(buf, f.s, f.e, f.flags & 1 != 0)
        }
    }

    /// Whether the field is empty (after trimming).
    public func isEmpty(row: Int, column: Int) -> Bool {
        withText { buf in let f = fieldRange(buf, row: row, column: column); return f.s == f.e }
    }

    /// The field as a number, or nil when it is empty or not a decimal number. `nan`/`inf` spellings
    /// are not numbers here. Parsing is correctly rounded (`parseDouble`).
    public func double(row: Int, column: Int) -> Double? {
        withText { buf in let f = fieldRange(buf, row: row, column: column); return parseDouble(buf, f.s, f.e) }
    }

    /// A whole column parsed as numbers: `Double.nan` where a field is empty or not a number, and
    /// the count of non-empty fields that were not numbers.
    public func doubles(column: Int) -> (values: [Double], nonNumeric: Int) {
        knownNumbers[column] ?? doubles(columns: [column])[0]
    }

    /// Several columns parsed as numbers in one pass over the rows, spread over the cores; entry k is
    /// `doubles(column: columns[k])`.
    public func doubles(columns: [Int]) -> [(values: [Double], nonNumeric: Int)] {
        (try? doubles(columns: columns, cancellation: .never)) ?? []
    }

    /// The same; throws `CancellationError` when `cancellation` says stop (checked every 4096 rows).
    public func doubles(columns: [Int], cancellation: Cancellation) throws -> [(values: [Double], nonNumeric: Int)] {
        let k = columns.count, rows = rowCount, w = columnCount
        if k == 0 { return [] }
        if rows == 0 { return Array(repeating: ([], 0), count: k) }
        // Each distinct column is parsed once, straight into its array: in groups of at most 32
        // columns, whose arrays are created around one parallel pass over the rows (each row written
        // by exactly one piece). Wider tables take one pass per group.
        var unique: [Int] = []
        var slot = [Int](repeating: -1, count: w)
        for c in columns where slot[c] < 0 { slot[c] = unique.count; unique.append(c) }
        var arrays: [[Double]] = [], bad: [Int] = []
        for g in stride(from: 0, to: unique.count, by: 32) {
            let group = Array(unique[g..<min(unique.count, g + 32)])
            var failure: Error? = nil
            var groupBad: [Int] = []
            let made = Self.makeColumns(group.count, rows: rows) { pointers in
                do { groupBad = try fill(group, DisjointColumns(pointers), cancellation: cancellation) } catch { failure = error }
            }
            if let failure { throw failure }
            arrays += made
            bad += groupBad
        }
        return columns.map { c in (arrays[slot[c]], bad[slot[c]]) }
    }

    /// One parallel pass over the rows writing columns `group[j]` into `outputs.columns[j]` (every row);
    /// returns each column's count of non-empty fields that are not numbers.
    private func fill(_ group: [Int], _ outputs: DisjointColumns, cancellation: Cancellation) throws -> [Int] {
        let rows = rowCount, u = group.count
        var slot = [Int](repeating: -1, count: columnCount)
        for (j, c) in group.enumerated() { slot[c] = j }
        let last = group.max()!
        let pieces = min(rows, max(1, min(256, rows / 2048)))
        let pages = PageRelease(text: bytes, origin: origin)
        let bad: [[Int]?] = withText { whole in
            let slots = slot, text = SharedText(whole)
            return concurrentMap(pieces) { piece -> [Int]? in
                let buf = text.buf, n = buf.count
                if cancellation.isCancelled() { return nil }
                var badHere = [Int](repeating: 0, count: u)
                let r0 = rows * piece / pieces, r1 = rows * (piece + 1) / pieces
                defer { pages.release(Int(rowStarts[r0])..<(r1 < rows ? Int(rowStarts[r1]) : n)) }
                let cols = outputs.columns
                var line: Int32 = 0
                for r in r0..<r1 {
                    if (r - r0) & 0xFFF == 0xFFF, cancellation.isCancelled() { return nil }
                    var i = Int(rowStarts[r])
                    var c = 0
                    while true {
                        let j = slots[c]
                        // The common case read in place: a number straight after the field's start
                        // and a separator (or the end) straight after the number.
                        if j >= 0, i + 16 <= n, let (v, end) = shortDecimal(buf.baseAddress!, i) {
                            cols[j][r] = v
                            i = end
                        } else if j >= 0, i < n, let (v, end) = scanDouble(buf, i, n), end == n || buf[end] == 0x2C || buf[end] == 0x0A || buf[end] == 0x0D {
                            cols[j][r] = v
                            i = end
                        } else if j < 0, i < n, buf[i] != 0x22, !Self.isBlank(buf[i]) {
                            i = Self.separator(buf, from: i)
                        } else {
                            let f = (try? Self.field(buf, &i, &line, file: "")) ?? (s: i, e: i, flags: 0)
                            if j >= 0 {
                                if f.s == f.e { cols[j][r] = .nan } else if let v = parseDouble(buf, f.s, f.e) { cols[j][r] = v } else {
                                    cols[j][r] = .nan; badHere[j] += 1
                                }
                            }
                        }
                        if c == last { break }
                        _ = Self.endOfField(buf, &i, &line)
                        c += 1
                    }
                }
                return badHere
            }
        }
        if cancellation.isCancelled() || bad.contains(where: { $0 == nil }) { throw CancellationError() }
        return (0..<u).map { j in bad.reduce(0) { $0 + $1![j] } }
    }

    /// The 1-based line and column where a field starts (at its opening quote if quoted).
    public func location(row: Int, column: Int) -> (line: Int, column: Int) {
        withText { buf in
            let f = fieldRange(buf, row: row, column: column)
            return Self.location(buf, offset: f.s - (f.flags & 2 != 0 ? 1 : 0))
        }
    }

    /// The 1-based line a row starts on.
    public func line(ofRow row: Int) -> Int { Int(rowLines[row]) }

    /// Calls `body` with the raw bytes of a field (not unescaped).
    func withFieldBytes<R>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withText { buf in
            let f = fieldRange(buf, row: row, column: column)
            return try body(UnsafeBufferPointer(rebasing: buf[f.s..<f.e]))
        }
    }

    /// An error located at a field.
    public func error(_ message: String, row: Int, column: Int, offsetInField: Int = 0) -> OneProxyError {
        let loc = location(row: row, column: column)
        return OneProxyError(message, file: file, line: loc.line, column: loc.column + offsetInField)
    }
}

/// The text, read by concurrent pieces (never written).
struct SharedText: @unchecked Sendable {
    let buf: UnsafeBufferPointer<UInt8>
    init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }
}

/// The first NUL byte and the first quote of each 4 MiB chunk of a text, found by memchr over the
/// chunks in parallel: the loader's first look at a file (a NUL means binary data; no quote after
/// the header means the one-pass route).
struct TextFacts {
    let firstNUL: Int?
    private let firstQuotes: [Int?]
    /// The chunks' size: at most 4 MB, and from 1 MB on one chunk a core at least, all of a size.
    let chunk: Int

    init(_ buf: UnsafeBufferPointer<UInt8>) {
        let text = SharedText(buf), n = buf.count
        let chunks = n < 1 << 20 ? 1 : max(activeCores, (n + (4 << 20) - 1) >> 22)
        let size = max(1, (n + chunks - 1) / chunks)
        chunk = size
        let found = concurrentMap(chunks) { c -> (Int?, Int?) in
            let s = min(n, c * size), e = min(n, s + size)
            return (CSVTable.find(0, text.buf, from: s, to: e), CSVTable.find(0x22, text.buf, from: s, to: e))
        }
        firstNUL = found.lazy.compactMap { $0.0 }.first
        firstQuotes = found.map { $0.1 }
    }

    /// Whether a quote lies at or after `from`.
    func hasQuote(_ buf: UnsafeBufferPointer<UInt8>, from: Int) -> Bool {
        for (c, q) in firstQuotes.enumerated() where (c + 1) * chunk > from {
            guard let q else { continue }
            if q >= from { return true }
            // The chunk holding `from` has a quote before it: look on from `from` in that chunk.
            if CSVTable.find(0x22, buf, from: from, to: (c + 1) * chunk) != nil { return true }
        }
        return false
    }
}

/// Gives back a mapped text's pages once a pass is done with them (offsets count from the text's
/// start after any BOM, `origin` bytes into the file); nothing for text in memory.
struct PageRelease: Sendable {
    let text: CSVText?
    let origin: Int
    func release(_ range: Range<Int>) { text?.release(range.lowerBound + origin..<range.upperBound + origin) }
}

/// Where the one-pass route records one column's field bounds (start, end per row); column -1
/// records none.
struct RecordedBounds: @unchecked Sendable {
    let column: Int
    let bounds: UnsafeMutablePointer<Int32>?
    let code: (@Sendable (UnsafeBufferPointer<UInt8>) -> (code: Int32, length: Int)?)?
    let codes: UnsafeMutablePointer<Int32>?

    /// Row `r`'s field is `buf[s..<e]`: its code, when the key coded from its start is the whole
    /// field, else -1.
    @inline(__always)
    func record(row r: Int, _ s: Int, _ e: Int, _ buf: UnsafeBufferPointer<UInt8>) {
        bounds![2 &* r] = Int32(truncatingIfNeeded: s)
        bounds![2 &* r &+ 1] = Int32(truncatingIfNeeded: e)
        if let code {
            let key = code(UnsafeBufferPointer(rebasing: buf[s..<e]))
            codes![r] = key.flatMap { $0.length == e - s ? $0.code : nil } ?? -1
        }
    }

    /// Codes the key that row `r`'s field starts with (at `s`, the text from there given to the
    /// code) and records it, when a separator (`,`, LF, CR) or the end of the text follows it:
    /// then the field's end; nil (nothing recorded) otherwise, or when there is no code.
    @inline(__always)
    func recordKey(row r: Int, _ s: Int, _ buf: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let code, let key = code(UnsafeBufferPointer(rebasing: buf[s...])) else { return nil }
        let e = s &+ key.length
        guard e == buf.count || buf[e] == 0x2C || buf[e] == 0x0A || buf[e] == 0x0D else { return nil }
        bounds![2 &* r] = Int32(truncatingIfNeeded: s)
        bounds![2 &* r &+ 1] = Int32(truncatingIfNeeded: e)
        codes![r] = key.code
        return e
    }
}

/// The row tables concurrent pieces write, each piece its own rows.
struct RowSlots: @unchecked Sendable {
    let starts: UnsafeMutablePointer<Int32>?, lines: UnsafeMutablePointer<Int32>?
}

/// Column buffers that concurrent pieces write, each piece its own rows.
struct DisjointColumns: @unchecked Sendable {
    let columns: [UnsafeMutablePointer<Double>]
    init(_ columns: [UnsafeMutablePointer<Double>]) { self.columns = columns }
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
