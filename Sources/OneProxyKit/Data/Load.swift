import Foundation

/// The time unit of a latency column without a unit suffix. Loaded latencies are always milliseconds.
public enum LatencyUnit: String, Sendable, CaseIterable {
    case s, ms, us

    /// Multiply a value in this unit by this to get milliseconds.
    public var millisecondsPerUnit: Double {
        switch self {
        case .s: 1000
        case .ms: 1
        case .us: 0.001
        }
    }
}

/// What `loadUserCSV` found in a file, for the shell to show.
public struct LoadReport: Sendable, Equatable {
    /// The file name errors and messages use.
    public var file: String
    public var rows: Int
    public var space: SpaceKind
    /// The column(s) the key came from: `arch_str`, `nb201_index`, `op_idx_list`, `ks|e|d|r`, ...
    public var keyColumn: String
    /// Device names, in column order, with the unit each column was read in.
    public var devices: [String]
    public var units: [LatencyUnit]
    /// Missing measurements per device (aligned with `devices`): empty, non-numeric, NaN, inf or <= 0.
    public var missing: [Int]
    public var accuracies: [String]
    /// Columns not used (`row`, unnamed, non-numeric extra columns).
    public var ignoredColumns: [String]
    /// Device pairs ranking the rows almost identically (SRCC >= 0.995).
    public var nearDuplicates: [NearDuplicate]
    /// Human-readable notes: `rice_edgetpu: 259 of 1999 missing`, ignored columns, assumed units,
    /// near-duplicate devices.
    public var warnings: [String]
}

/// Reads a CSV of architectures x devices from a path (internal: tests and the Kit's own files;
/// the shell reads a user's file through its file access and calls `loadCSV(bytes:)`).
///
/// Detection, in this order:
/// - key: `arch_str` (or `ArchitectureString`) and/or `nb201_index` → NB201 (each is derived from the
///   other through the official table, and checked against it when both are present);
///   `op_idx_list` → FBNet; `ks`, `e`, `d`, `r` → OFA (key `ks|e|d|r`); otherwise a column named
///   `key`, `name`, `model` or `arch`, else the first column with a non-numeric value → `.custom`.
/// - `row`, unnamed columns: ignored. Accuracy columns: `acc_NAME` (as `export` writes them),
///   `cifar10`, `cifar100`, `imagenet16`, and NAS-Bench-201's `*TestAccuracy200Epochs` columns.
/// - devices: columns ending `_ms`, `_s`, `_us` (name = column without the suffix, values converted
///   to ms); other columns with at least one number are devices in `unit`; others are ignored.
///
/// Values that are empty, non-numeric, NaN, infinite or <= 0 are missing (NaN), counted per device.
/// Errors (`OneProxyError` with file, 1-based line and column): unreadable or empty file, a file with
/// no data rows, a ragged row, a malformed CSV quote, an unknown or invalid architecture, an
/// `nb201_index` that disagrees with `arch_str`, a duplicate architecture (naming the first line), a
/// duplicate column or device name, and a file with neither device nor accuracy columns.
func loadUserCSV(path: String, unit: LatencyUnit = .ms, name: String) throws -> (Dataset, LoadReport) {
    guard let bytes = CSVTable.readFile(path) else { throw OneProxyError("cannot read the file (missing or unreadable)", file: path) }
    var (table, numbers) = try readTable(bytes: bytes, file: path)
    return try buildDataset(table, name: name, source: path, unit: unit, findNearDuplicates: true, numbers: &numbers)
}

/// The table and the numbers of every column that may hold them (`plannedNumberColumns`), read
/// in one pass where the text allows (`CSVTable.init(bytes:file:context:numbersFor:numbers:)`).
func readTable(bytes: [UInt8], file: String, context: ComputeContext = .none) throws -> (CSVTable, [Int: CSVTable.ColumnNumbers]) {
    try readTable(text: CSVText(bytes), file: file, context: context)
}

func readTable(text: CSVText, file: String, context: ComputeContext = .none) throws -> (CSVTable, [Int: CSVTable.ColumnNumbers]) {
    var numbers: [Int: CSVTable.ColumnNumbers] = [:]
    let table = try CSVTable(text: text, file: file, context: context, numbersFor: plannedNumberColumns, recordFor: plannedKeyRecording, numbers: &numbers)
    return (table, numbers)
}

/// The registered space the header names and its first key column (`arch_str` for NB201,
/// `op_idx_list` for FBNet, `ks` for OFA), known from the header alone; nil for none.
func plannedFirstKey(_ header: [String]) -> (space: any ArchitectureSpace, column: Int)? {
    for s in SpaceRegistry.all {
        if let keys = s.keyColumns({ headerColumn(header, $0) }) { return keys.compactMap { $0 }.first.map { (s, $0) } }
    }
    return nil
}

/// The first key column, whose fields the one-pass route records, with the space's `keyFieldCode`.
func plannedKeyRecording(_ header: [String]) -> CSVTable.FieldRecording? {
    plannedFirstKey(header).map { CSVTable.FieldRecording(column: $0.column, code: $0.space.keyFieldCode) }
}

/// The columns `buildDataset` reads as numbers, known from the header alone: every column but
/// `row`, unnamed ones and a registered space's first key column (a custom key column is parsed
/// too: its first field fails at once, and whether it is the key is only known from its values).
func plannedNumberColumns(_ header: [String]) -> [Int] {
    var skip = Set<Int>()
    if let r = headerColumn(header, ["row"]) { skip.insert(r) }
    for (c, h) in header.enumerated() where h.isEmpty || h.hasPrefix("Unnamed:") { skip.insert(c) }
    // A space's first key column is text (its fields' bounds are recorded instead); the others
    // (NB201's nb201_index) may be numbers, read in the same pass for `readKeys`.
    if let first = plannedFirstKey(header) { skip.insert(first.column) }
    return header.indices.filter { !skip.contains($0) }
}

/// The first of `names` in the header: exact match first, then ignoring case.
func headerColumn(_ header: [String], _ names: [String]) -> Int? {
    for n in names { if let i = header.firstIndex(of: n) { return i } }
    for n in names { if let i = header.firstIndex(where: { $0.lowercased() == n.lowercased() }) { return i } }
    return nil
}

/// `loadUserCSV` on bytes already in memory; `file` is the name errors report. Throws
/// `CancellationError` when `context` says stop (checked every 4096 records or rows in each piece
/// of the record check and the number pass, every 16384 rows of keys, every 65536 rows of each device and per device pair).
public func loadCSV(bytes: [UInt8], file: String, unit: LatencyUnit = .ms, name: String, context: ComputeContext = .none) throws -> (Dataset, LoadReport) {
    try loadCSV(text: CSVText(bytes), file: file, unit: unit, name: name, context: context)
}

/// The same on a `CSVText` (bytes in memory, or a memory map of the file whose pages each pass
/// gives back: the file is then never resident whole beside its numbers).
public func loadCSV(text: CSVText, file: String, unit: LatencyUnit = .ms, name: String, context: ComputeContext = .none) throws -> (Dataset, LoadReport) {
    var (table, numbers) = try readTable(text: text, file: file, context: context)
    try context.check()
    return try buildDataset(table, name: name, source: file, unit: unit, findNearDuplicates: true, context: context, numbers: &numbers)
}

private let nb201AccuracyColumns = [
    "CIFAR10TestAccuracy200Epochs": "cifar10", "CIFAR100TestAccuracy200Epochs": "cifar100",
    "ImageNetTestAccuracy200Epochs": "imagenet16", "cifar10": "cifar10", "cifar100": "cifar100",
    "imagenet16": "imagenet16",
]

/// `fastPaths: false` takes the general route everywhere (per-column number parsing, `NB201.parse`
/// for every arch string); tests check both routes give the same result on every bundled file.
func buildDataset(
    _ t: CSVTable, name: String, source: String, unit: LatencyUnit, findNearDuplicates: Bool, fastPaths: Bool = true,
    context: ComputeContext = .none
) throws -> (Dataset, LoadReport) {
    var none: [Int: CSVTable.ColumnNumbers] = [:]
    return try buildDataset(t, name: name, source: source, unit: unit, findNearDuplicates: findNearDuplicates, fastPaths: fastPaths,
                            context: context, numbers: &none)
}

/// The same, with columns already read as numbers (`readTable`), which it takes out of `numbers`
/// (so each array it keeps is referenced once, and is converted in place, not copied).
func buildDataset(
    _ t: CSVTable, name: String, source: String, unit: LatencyUnit, findNearDuplicates: Bool, fastPaths: Bool = true,
    context: ComputeContext = .none, numbers prefetched: inout [Int: CSVTable.ColumnNumbers]
) throws -> (Dataset, LoadReport) {
    let header = t.header
    // Duplicate column names.
    var seenColumns: [String: Int] = [:]
    for (c, h) in header.enumerated() where !h.isEmpty {
        if let first = seenColumns[h] {
            throw headerError(t, "column '\(h)' appears twice (first as column \(first + 1))", column: c)
        }
        seenColumns[h] = c
    }
    guard t.rowCount > 0 else {
        throw OneProxyError("the file has a header but no data rows", file: t.file, line: 2, column: 1)
    }
    func col(_ names: [String]) -> Int? { headerColumn(header, names) }

    var used = Set<Int>()
    var ignored: [String] = []
    var warnings: [String] = []
    if let r = col(["row"]) { used.insert(r); ignored.append("row") }
    for (c, h) in header.enumerated() where h.isEmpty || h.hasPrefix("Unnamed:") {
        used.insert(c); ignored.append(h.isEmpty ? "(column \(c + 1), unnamed)" : h)
    }

    // Every column that may hold numbers, parsed in one row-major pass (key columns too: their
    // fields fail at the first byte, which costs less than working out which columns are keys).
    var parsed = [(values: [Double], nonNumeric: Int)?](repeating: nil, count: header.count)
    if fastPaths {
        let given = !prefetched.isEmpty
        for c in Array(prefetched.keys) where c < header.count && !used.contains(c) { parsed[c] = prefetched.removeValue(forKey: c) }
        prefetched.removeAll()
        if !given {
            let numeric = header.indices.filter { !used.contains($0) }
            for (c, v) in zip(numeric, try t.doubles(columns: numeric, cancellation: context.cancellation)) { parsed[c] = v }
        }
    }
    // Takes a column's numbers out of the cache (so the caller's array is uniquely referenced).
    func numbers(_ c: Int) -> (values: [Double], nonNumeric: Int) {
        if let v = parsed[c] { parsed[c] = nil; return v }
        return t.doubles(column: c)
    }
    func nonNumericCount(_ c: Int) -> Int { parsed[c]?.nonNumeric ?? t.doubles(column: c).nonNumeric }

    // Key and space: the first registered space whose key columns the header has, else custom keys.
    var detected: (space: any ArchitectureSpace, columns: [Int?])? = nil
    for s in SpaceRegistry.all {
        if let c = s.keyColumns({ col($0) }) { detected = (s, c); break }
    }
    if detected == nil {
        var kc = col(["key", "name", "model", "arch"])
        if kc == nil {
            for c in 0..<header.count where !used.contains(c) {
                if nonNumericCount(c) > 0 { kc = c; break }
            }
        }
        guard let kc else {
            throw headerError(t, "no key column: expected arch_str, nb201_index, op_idx_list, ks/e/d/r, or a column of names", column: 0)
        }
        detected = (CustomSpace(), [kc])
    }
    let (spaceDescriptor, keyColumns) = detected!
    let space = spaceDescriptor.id
    // The key columns' numbers read in the one pass (NB201's nb201_index) go to readKeys.
    var keyTable = t
    for case let c? in keyColumns {
        used.insert(c)
        if let v = parsed[c] { keyTable.knownNumbers[c] = v; parsed[c] = nil }
    }
    try context.check()
    let read = try spaceDescriptor.readKeys(keyTable, columns: keyColumns, fastPaths: fastPaths)
    try context.check()
    let keyName = read.keyName, keys = read.keys, nb201Index = read.nb201Index
    if space == .custom, let hint = knownSpaceHint(keyName: keyName, keys: keys) { warnings.append(hint) }
    if !read.checkedUnique, let (f, r) = try firstRepeat(keys, cancellation: context.cancellation) {
        throw t.error("duplicate architecture (first on line \(t.line(ofRow: f)))", row: r, column: read.column)
    }

    // Accuracies and devices.
    var accuracies: [AccuracyColumn] = []
    var devices: [Device] = []
    var units: [LatencyUnit] = []
    var missing: [Int] = []
    var badValues: [String] = []
    var deviceColumn: [String: Int] = [:]
    for (c, h) in header.enumerated() where !used.contains(c) {
        try context.check()
        if let a = nb201AccuracyColumns[h] ?? (h.hasPrefix("acc_") && h.count > 4 ? String(h.dropFirst(4)) : nil) {
            var v = numbers(c).values
            for i in v.indices where !v[i].isFinite { v[i] = .nan }
            if accuracies.contains(where: { $0.name == a }) {
                throw headerError(t, "accuracy '\(a)' appears twice", column: c)
            }
            accuracies.append(AccuracyColumn(name: a, values: v))
            continue
        }
        var device = h
        var u = unit
        var suffixed = true
        if h.hasSuffix("_ms") { device = String(h.dropLast(3)); u = .ms }
        else if h.hasSuffix("_us") { device = String(h.dropLast(3)); u = .us }
        else if h.hasSuffix("_s") { device = String(h.dropLast(2)); u = .s }
        else { suffixed = false }
        // The column's array itself, taken out of the cache and changed in place (a copy would cost
        // 8 MB and its page faults per million rows).
        var (lat, _) = numbers(c)
        if !suffixed, !lat.contains(where: { !$0.isNaN }) {
            ignored.append(h)
            warnings.append("column '\(h)' ignored: no numeric values")
            continue
        }
        if device.isEmpty { device = h }
        if let other = deviceColumn[device] {
            throw headerError(t, "columns '\(header[other])' and '\(h)' both name device '\(device)'", column: c)
        }
        deviceColumn[device] = c
        let scale = u.millisecondsPerUnit
        var miss = 0
        var examples: [String] = []
        var blank = 0
        for i in try keepLatencies(&lat, scale: scale, cancellation: context.cancellation) {
            miss += 1
            // Name the first few values that were written but are no latency, with their line.
            let raw = t.string(row: i, column: c).trimmingCharacters(in: .whitespaces)
            if raw.isEmpty { blank += 1 } else if examples.count < 3 {
                examples.append("line \(t.line(ofRow: i)) '\(raw.prefix(24))' (\(whyNotALatency(raw, device: device, suffix: suffixed ? unitSuffix(h) : nil)))")
            }
        }
        if !suffixed { warnings.append("column '\(h)' has no unit suffix: read as \(u.rawValue)") }
        if miss > blank {
            badValues.append("\(device): \(miss - blank) value\(miss - blank == 1 ? "" : "s") that \(miss - blank == 1 ? "is" : "are") no latency, left missing: "
                + examples.joined(separator: ", ") + (miss - blank > examples.count ? ", …" : ""))
        }
        // A column read in the wrong unit gives latencies no network has: say so.
        // (The median of at most ~1000 evenly spaced rows: an order-of-magnitude check needs no
        // full sort of every column, which would double the time of loading help-nb201.)
        // The median is sorted out only when counts say it is off (median < 0.05 exactly when more
        // than half the sample is; > 100000 when at most half is at or below it).
        // (Counted in one walk with no array; the sample is made only when it is needed.)
        let step = max(1, lat.count / 1000)
        var sampled = 0, low = 0, notHigh = 0
        lat.withUnsafeBufferPointer { v in
            for k in stride(from: 0, to: v.count, by: step) where !v[k].isNaN {
                sampled += 1
                if v[k] < 0.05 { low += 1 }
                if v[k] <= 100_000 { notHigh += 1 }
            }
        }
        if sampled > 0, low > sampled / 2 || notHigh <= sampled / 2 {
            let sample = stride(from: 0, to: lat.count, by: step).map { lat[$0] }.filter { !$0.isNaN }
            let median = sample.sorted()[sample.count / 2]
            if median < 0.05 {
                warnings.append(String(format: "%@: median latency %.4g ms, below any real network's: is the column in seconds? name it %@_s or load with unit=s", device, median, device))
            } else if median > 100_000 {
                warnings.append(String(format: "%@: median latency %.4g ms (over 100 s): is the column in microseconds? name it %@_us or load with unit=us", device, median, device))
            }
        }
        devices.append(Device(name: device, latencies: lat))
        units.append(u)
        missing.append(miss)
    }
    if devices.isEmpty && accuracies.isEmpty {
        // A column of values such as '22ms' has no numbers: say where the unit belongs.
        var hint = ""
        for h in ignored {
            guard let c = header.firstIndex(of: h), t.rowCount > 0 else { continue }
            let raw = t.string(row: 0, column: c).trimmingCharacters(in: .whitespaces)
            let why = whyNotALatency(raw, device: h)
            if why.hasPrefix("a unit inside the value") { hint = "; column '\(h)' holds values such as '\(raw.prefix(24))': \(why)"; break }
        }
        throw headerError(t, "no device columns (latency columns end in _ms, _s or _us, or hold numbers)" + hint, column: 0)
    }
    if devices.isEmpty { warnings.append("no device columns: only accuracies were loaded") }
    for (d, m) in zip(devices, missing) where m > 0 {
        warnings.append("\(d.name): \(m) of \(t.rowCount) missing")
    }
    warnings += badValues
    let dataset = Dataset(
        name: name, source: source, space: space, keyName: keyName, keys: keys, nb201Index: nb201Index,
        devices: devices, accuracies: accuracies)
    var near: [NearDuplicate] = []
    // The all-pairs check grows with the square of the devices (20,000 columns: 200 million pairs
    // and an 8 GB matrix): past `nearDuplicateCheckLimit` devices it is skipped, and said so.
    if findNearDuplicates, devices.count > nearDuplicateCheckLimit {
        warnings.append("\(devices.count) devices: the near-duplicate check (all \(devices.count * (devices.count - 1) / 2) pairs) is skipped above \(nearDuplicateCheckLimit) devices; srcc d on a few of them checks by hand")
    } else if findNearDuplicates {
        near = try nearDuplicateDevicesScreened(dataset, context: context)
        for p in near {
            warnings.append("\(p.first) and \(p.second) rank the models almost identically (SRCC \(String(format: "%.4f", p.srcc)) on \(p.n) rows): as proxies or targets they say the same")
        }
    }
    let report = LoadReport(
        file: t.file, rows: t.rowCount, space: space, keyColumn: keyName, devices: devices.map(\.name), units: units,
        missing: missing, accuracies: accuracies.map(\.name), ignoredColumns: ignored, nearDuplicates: near,
        warnings: warnings)
    return (dataset, report)
}

/// Converts a column to milliseconds in place (times `scale`) and sets what is no latency to NaN:
/// a value that is not finite, not positive, or over `maximumLatencyMilliseconds` once converted.
/// Returns those rows, in order. Spread over the cores in pieces of 64K rows; throws
/// `CancellationError` when `cancellation` says stop (checked before each piece).
func keepLatencies(_ lat: inout [Double], scale: Double, cancellation: Cancellation) throws -> [Int] {
    let n = lat.count
    if n == 0 { return [] }
    // Milliseconds already and all in range (the common case): one vector pass that writes nothing.
    if scale == 1, n < 1 << 16, lat.withUnsafeBufferPointer({ allLatencies($0) }) { return [] }
    let pieces = max(1, min(64, n >> 16))
    let rejected: [[Int]?] = lat.withUnsafeMutableBufferPointer { b in
        let column = DisjointColumns([b.baseAddress!])
        return concurrentMap(pieces) { piece -> [Int]? in
            if cancellation.isCancelled() { return nil }
            let p = column.columns[0]
            var out: [Int] = []
            for i in n * piece / pieces..<n * (piece + 1) / pieces {
                let x = p[i]
                if x > 0, x * scale <= maximumLatencyMilliseconds {  // false for NaN; +inf exceeds the bound
                    if scale != 1 { p[i] = x * scale }
                } else {
                    p[i] = .nan
                    out.append(i)
                }
            }
            return out
        }
    }
    var all: [Int] = []
    for part in rejected {
        guard let part else { throw CancellationError() }
        all += part
    }
    return all
}

/// Whether every value is a latency in milliseconds: positive and at most
/// `maximumLatencyMilliseconds` (false for NaN). Eight values a step, with no branch but the loop's.
@inline(__always)
func allLatencies(_ b: UnsafeBufferPointer<Double>) -> Bool {
    let n = b.count
    guard let base = b.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    let zero = SIMD8<Double>(repeating: 0), top = SIMD8<Double>(repeating: maximumLatencyMilliseconds)
    var good = SIMDMask<SIMD8<Int64>>(repeating: true)
    var i = 0
    while i + 8 <= n {
        let v = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
        good = good .& (v .> zero) .& (v .<= top)
        i += 8
    }
    var ok = all(good)
    while i < n { let x = base[i]; ok = ok && x > 0 && x <= maximumLatencyMilliseconds; i += 1 }
    return ok
}

/// The first row whose key equals an earlier row's (as Swift's `==` on strings), with that earlier
/// row; nil when all keys differ. ASCII keys: each key's 64-bit FNV-1a hash over its bytes is
/// computed in parallel pieces; then the keys are split by their hash into `partitions` (default:
/// one per core from 65,536 keys on, else one), each searched on its own core through an
/// open-addressing table whose slots hold a row number and 32 bits of the hash (keys are compared
/// only when those bits agree). Equal keys share a partition, so the earliest repeat over all
/// partitions is the file's. A non-ASCII key sends all to a `Dictionary`, whose hashing respects
/// canonical equivalence.
func firstRepeat(_ keys: [String], partitions: Int? = nil, cancellation: Cancellation = .never) throws -> (first: Int, again: Int)? {
    let n = keys.count
    let parts = max(1, partitions ?? (n >= 65_536 ? activeCores : 1))
    // Hashes, or nil for a piece holding a non-ASCII key.
    let pieces = max(1, min(64, n >> 14))
    let hashed: [[UInt64]?] = concurrentMap(pieces) { piece -> [UInt64]? in
        let r0 = n * piece / pieces, r1 = n * (piece + 1) / pieces
        var out = [UInt64](repeating: 0, count: r1 - r0)
        for r in r0..<r1 {
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            var high: UInt8 = 0
            var k = keys[r]
            k.withUTF8 { b in for x in b { h = (h ^ UInt64(x)) &* 0x0000_0100_0000_01B3; high |= x } }
            if high >= 0x80 { return nil }
            out[r - r0] = h
        }
        return out
    }
    try cancellation.check()
    let ascii = !hashed.contains { $0 == nil }
    var found: (Int, Int)? = nil
    if ascii {
        let hashes = hashed.flatMap { $0! }
        let repeats: [(Int, Int)?] = concurrentMap(parts) { part -> (Int, Int)? in
            var capacity = 16
            while capacity < 2 * (n / parts + 1) { capacity <<= 1 }
            let mask = capacity - 1
            // Slot: (hash's high 32 bits) << 32 | (row + 1); 0 = empty.
            var table = [UInt64](repeating: 0, count: capacity)
            return table.withUnsafeMutableBufferPointer { slots -> (Int, Int)? in
                for r in 0..<n {
                    var h = hashes[r]
                    // The partition from the hash's middle bits (the table uses the low and high ones).
                    if parts > 1, Int((h >> 24) & 0xFF) % parts != part { continue }
                    if r & 0xFFFF == 0xFFFF, cancellation.isCancelled() { return nil }
                    let tag = h & 0xFFFF_FFFF_0000_0000
                    h ^= h >> 29
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while slots[slot] != 0 {
                        let e = slots[slot]
                        if e & 0xFFFF_FFFF_0000_0000 == tag {
                            let f = Int(e & 0xFFFF_FFFF) - 1
                            if keys[f] == keys[r] { return (f, r) }
                        }
                        slot = (slot + 1) & mask
                    }
                    slots[slot] = tag | UInt64(r + 1)
                }
                return nil
            }
        }
        try cancellation.check()
        found = repeats.compactMap { $0 }.min { $0.1 < $1.1 }
    }
    if ascii { return found }
    var first: [String: Int] = [:]
    first.reserveCapacity(keys.count)
    for (r, k) in keys.enumerated() {
        if r & 0xFFFF == 0xFFFF { try cancellation.check() }
        if let f = first[k] { return (f, r) }
        first[k] = r
    }
    return nil
}

/// Whether `b` is exactly `count` single digits joined by `-`, each digit d with bit d set in `allowed`.
@inline(__always)
func isDigitList(_ b: UnsafeBufferPointer<UInt8>, count: Int, allowed: UInt16) -> Bool {
    guard b.count == 2 * count - 1 else { return false }
    var k = 0
    while k < b.count {
        let d = b[k] &- 0x30
        guard d <= 9, allowed & (1 << UInt16(d)) != 0 else { return false }
        if k + 1 < b.count, b[k + 1] != 0x2D { return false }
        k += 2
    }
    return true
}

private func headerError(_ t: CSVTable, _ message: String, column c: Int) -> OneProxyError {
    // The header is the first non-comment line; locate the c-th header field by rescanning it.
    let loc = t.withText { buf -> (line: Int, column: Int) in
        var i = 0
        var line = 1
        // Skip blank and comment lines.
        while i < buf.count {
            var j = i
            while j < buf.count, buf[j] == 0x20 || buf[j] == 0x09 { j += 1 }
            if j < buf.count, buf[j] == 0x23 || buf[j] == 0x0A || buf[j] == 0x0D {
                while j < buf.count, buf[j] != 0x0A { j += 1 }
                i = j + 1; line += 1; continue
            }
            break
        }
        // Walk c separators (outside quotes).
        var k = i
        var seps = 0
        var quoted = false
        while k < buf.count, seps < c {
            let b = buf[k]
            if b == 0x22 { quoted.toggle() } else if b == 0x2C, !quoted { seps += 1 } else if b == 0x0A, !quoted { break }
            k += 1
        }
        var column = 1
        for q in i..<k where buf[q] & 0xC0 != 0x80 { column += 1 }
        return (line, column)
    }
    return OneProxyError(message, file: t.file, line: loc.line, column: loc.column)
}

/// Why a written value is no latency: a unit inside it, not a number, or not positive.
/// `device` is the column's device name (without its unit suffix), `suffixed` whether the column
/// name already carries a unit.
func whyNotALatency(_ raw: String, device: String, suffix: String? = nil) -> String {
    let lower = raw.lowercased()
    for unit in ["ms", "us", "µs", "s"] where lower.hasSuffix(unit) {
        let number = raw.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
        if Double(number) != nil {
            let u = unit == "µs" ? "us" : unit
            if let suffix {
                return "a unit inside the value: write \(number) alone" + (suffix == u ? " (the column's _\(u) says the unit)" : " and name the column \(device)_\(u)")
            }
            return "a unit inside the value: write \(number) and name the column \(device)_\(u)"
        }
    }
    guard let v = Double(raw) else { return "not a number" }
    if v.isNaN { return "NaN" }
    if v.isInfinite { return "infinite" }
    if v > 0 { return "over \(formatFixed(maximumLatencyMilliseconds, decimals: 0)) ms, the largest latency taken" }
    return v == 0 ? "zero" : "not positive"
}

/// The unit suffix of a column name (`ms`, `us`, `s`), if any.
func unitSuffix(_ h: String) -> String? {
    h.hasSuffix("_ms") ? "ms" : h.hasSuffix("_us") ? "us" : h.hasSuffix("_s") ? "s" : nil
}

/// When custom keys are in fact a known space's (an `arch` column of NB201 arch strings), the
/// warning that says which column name loads them as that space; nil otherwise. Checks the first
/// 20 keys against each registered space whose key is one column (not OFA's four).
func knownSpaceHint(keyName: String, keys: [String]) -> String? {
    let probe = keys.prefix(20)
    guard !probe.isEmpty else { return nil }
    for s in SpaceRegistry.all where !(s.keyNames.first ?? "|").contains("|") {
        if probe.allSatisfy({ (try? s.parse($0)) != nil }) {
            return "the key column '\(keyName)' holds \(s.id.rawValue) architectures: name it \(s.keyNames[0]) to load them as such (merge, fit and search need it); read as custom keys"
        }
    }
    return nil
}

/// The most devices a load checks pairwise for near-duplicates (500: 124,750 pairs, a few seconds
/// at most; the matrix stays under 4 MB).
public let nearDuplicateCheckLimit = 500
