import Foundation
import OneProxyKit

enum MeasureOptions {
    static let repeats = CommandOption.int("repeats", default: 3, range: 1...1000, "runs per architecture, in rounds over all of them; the median is kept")
    static let unit = CommandOption<LatencyUnit>.choice("unit", default: .ms, "the unit of a bare number the harness prints (a printed unit wins)")
    static let parse = CommandOption<HarnessOutput>.choice(
        "parse", default: .last, "how to read the latency: last (the last number printed), tflite (benchmark_model), ort (onnxruntime_perf_test) or trtexec")
    static let timeout = CommandOption.duration(
        "timeout", defaultMilliseconds: 60_000, maximum: 86_400_000, "the longest one run may take; a slower run is stopped and counts as failed")
}

let measureCommand = CommandSpec(
    name: "measure", category: .newDevice,
    summary: "run your measuring harness on each architecture of a plan; the latencies become a dataset",
    usage: [
        "m = measure p cmd=\"prog {arch_str}\" device=NAME [repeats=3] [timeout=60s] [unit=ms] [log=\"m.csv\"]",
        "m = measure d rows=[…] cmd=\"prog {arch_str}\" device=NAME",
    ],
    options: [
        OptionHelp("cmd", "the harness command; {arch_str}, {nb201_index}, {key} and {row} are replaced in each argument"),
        OptionHelp("device", "the name of the device column the latencies go into"),
        OptionHelp("rows", "with a dataset: the rows to measure (a list, a sample or a plan)", completion: .rows),
        MeasureOptions.repeats.help,
        MeasureOptions.timeout.help,
        MeasureOptions.unit.help,
        MeasureOptions.parse.help,
        OptionHelp("log", "a CSV the results are written to as they come; measuring again with the same log resumes where it stopped"),
    ],
    details: """
        The command runs without a shell: it is split into arguments as you wrote it ('…' and "…"
        quote) and each placeholder is replaced inside its argument, never pasted into a shell
        string. Write sh -c '…' yourself if you want a shell. The harness prints the latency: the
        last number of its output, with its unit if one follows (12.3 ms, 0.0123s), or with
        parse= a benchmark tool's summary line (stdout and stderr): tflite reads benchmark_model's
        "Inference (avg)" (µs; else the last count=… avg=… line, else older builds' "no stats:"),
        ort reads onnxruntime_perf_test's "Average inference time cost: … ms", trtexec the median
        of its "Latency: min = …" line. A harness that fails on every architecture is an error. A run that
        fails, times out or prints no number is recorded as missing with its error; the others go
        on. Ctrl-C stops and keeps what was measured (and the log). A script's harness runs in the
        script's folder, as its paths are read there. --safe refuses this command: it runs programs.

        examples/harness/nb201_cpu.py is a harness to learn with: it times NB201's CIFAR-10 network
        on this machine's CPU with numpy.
        """,
    examples: ["d = load oneproxy-nb201; p = plan d n=3 proxy=eagle_cpu_855; m = measure p cmd=\"echo {nb201_index}.5 ms\" device=echo repeats=1"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    if inv.session.files.policy == .safe {
        throw Diagnostic("--safe: measure runs programs, which a safe session never does", at: inv.commandName.location, length: inv.commandName.length,
                         hint: "run the script without --safe if you trust it")
    }
    let first = try inv.positional(0, "a plan (p = plan …) or a dataset with rows=")
    let (value, vname) = try inv.variable(first, as: (any ShellValue).self, "a plan or a dataset")
    // The architectures: a plan's, or the given rows of a dataset.
    var keys: [String], index: [Int]?, rowNumbers: [Int], space: SpaceKind, keyName: String
    if let p = value as? PlanValue {
        if inv.option("rows") != nil { throw Diagnostic("rows= is for a dataset; a plan names its own rows", at: first.location, length: first.length) }
        keys = p.keys; index = p.nb201Index; rowNumbers = p.rows; keyName = p.keyName
        space = SpaceRegistry.space(keyName: p.keyName)
    } else if let dv = value as? DatasetValue {
        guard let (rows, loc) = try inv.rows("rows") else {
            throw Diagnostic("measure \(vname.value) needs rows=[…] (or give a plan: p = plan \(vname.value) n=20 proxy=P)", at: first.location, length: first.length)
        }
        let d = dv.dataset
        if let bad = rows.first(where: { !(0..<d.rowCount).contains($0) }) {
            throw Diagnostic("row \(bad) is out of range: \(d.name) has rows 0..<\(d.rowCount)", at: loc.location, length: loc.length)
        }
        keys = rows.map { d.keys[$0] }; index = d.nb201Index.map { idx in rows.map { idx[$0] } }; rowNumbers = rows
        space = d.space; keyName = d.keyName
    } else {
        throw Diagnostic("'\(vname.value)' is \(withArticle(value.typeName)): measure takes a plan or a dataset with rows=", at: first.location, length: first.length)
    }
    guard let cmdArg = inv.option("cmd") else {
        throw Diagnostic("measure needs cmd=\"…\": the harness to run for each architecture", at: inv.commandName.location, length: inv.commandName.length,
                         hint: "for example: cmd=\"python3 examples/harness/nb201_cpu.py {arch_str}\"")
    }
    guard case .string(let cmdText) = cmdArg.value else {
        throw Diagnostic("cmd= takes the command in quotes", at: cmdArg.location, length: cmdArg.length)
    }
    let words: [String]
    do { words = try splitCommandLine(cmdText) } catch let d as Diagnostic { throw Diagnostic(d.message, at: cmdArg.location, length: cmdArg.length) }
    guard !words.isEmpty else { throw Diagnostic("cmd= is empty", at: cmdArg.location, length: cmdArg.length) }
    guard let deviceArg = inv.option("device") else {
        throw Diagnostic("measure needs device=NAME: the column the latencies go into", at: inv.commandName.location, length: inv.commandName.length)
    }
    let device = try inv.word(deviceArg, "a device name").value
    let repeats = try inv.get(MeasureOptions.repeats)
    let timeoutMs = try inv.get(MeasureOptions.timeout)
    let unit = try inv.get(MeasureOptions.unit)
    let parse = try inv.get(MeasureOptions.parse)
    let logArg = try inv.option("log").map { try inv.word($0, "a file path in quotes") }
    // The log goes through the session's file access (checked under --safe), resolved as every
    // path is (a script's paths against its folder).
    let files = inv.session.files, base = inv.session.baseFolder
    var done: [String: Double] = [:]
    if let logArg {
        do {
            if files.exists(logArg.value, base: base) {
                // What an earlier run with the same log measured.
                let (bytes, _) = try files.read(logArg.value, base: base)
                // A run killed mid-line left a last line without its newline: read the complete
                // lines, and put them back atomically before appending to them.
                let whole = bytes.last == 0x0A ? bytes : bytes.lastIndex(of: 0x0A).map { Array(bytes[...$0]) } ?? []
                done = try readMeasureLog(whole, file: logArg.value, device: device, at: logArg)
                if whole.count != bytes.count {
                    try files.write(String(decoding: whole, as: UTF8.self), to: logArg.value, base: base, overwrite: true)
                    inv.note("\(logArg.value) ended in a partial line (a run stopped while writing it): dropped")
                }
                let already = keys.filter { done[$0] != nil }.count
                if already > 0 { inv.note("resuming from \(logArg.value): \(already) of these \(keys.count) architectures already measured") }
            } else {
                try files.append("nb201_index,\(keyName),\(device)_ms,error\n", to: logArg.value, base: base)
            }
        } catch let e as FileAccessError {
            throw Diagnostic(e.message, at: logArg.location, length: logArg.length)
        }
    }

    let session = inv.session
    var harness = Harness(words: words, timeout: timeoutMs / 1000, unit: unit, isCancelled: { session.isCancelled() },
                          folder: session.baseFolder)
    harness.parse = parse
    var latencies = [Double](repeating: .nan, count: keys.count)
    var errors: [(String, String)] = []
    var stopped = false
    let started = Date()
    // Repeats go in rounds (every architecture once, then again), so a machine whose speed drifts
    // over minutes slows all architectures alike instead of the few measured in its slow spell.
    let todo = keys.indices.filter { done[keys[$0]] == nil }
    for k in keys.indices where done[keys[k]] != nil { latencies[k] = done[keys[k]]! }
    var runs = [[Double]](repeating: [], count: keys.count)
    var failure = [String?](repeating: nil, count: keys.count)
    let total = todo.count * repeats
    var finished = 0
    rounds: for _ in 0..<repeats {
        for k in todo where failure[k] == nil {
            let eta = finished > 0 ? Date().timeIntervalSince(started) / Double(finished) * Double(total - finished) : nil
            session.emit(.progress(ProgressEvent(label: "measure \(device)" + (eta.map { " (about \(Int($0.rounded())) s left)" } ?? ""), done: finished, total: max(total, 1))))
            var subs = ["arch_str": keys[k], "key": keys[k], "row": String(rowNumbers[k])]
            if let index { subs["nb201_index"] = String(index[k]) }
            switch harness.run(substitutions: subs) {
            case .success(let ms): runs[k].append(ms)
            case .failure(.cancelled): stopped = true; break rounds
            case .failure(.failed(let why)): failure[k] = why
            }
            finished += 1
        }
    }
    // The median of each architecture's runs (after Ctrl-C, of the runs it had), logged as it is kept.
    var logLines = ""
    for k in todo where !runs[k].isEmpty || failure[k] != nil {
        let r = runs[k].sorted()
        if failure[k] == nil, !r.isEmpty {
            latencies[k] = r.count % 2 == 1 ? r[r.count / 2] : (r[r.count / 2 - 1] + r[r.count / 2]) / 2
        } else {
            errors.append((keys[k], failure[k] ?? "no run"))
        }
        logLines += (index.map { "\($0[k])" } ?? "") + "," + csvField(keys[k]) + "," + (latencies[k].isNaN ? "" : "\(latencies[k])") + "," + csvField(failure[k] ?? "") + "\n"
    }
    if let logArg, !logLines.isEmpty {
        do { try files.append(logLines, to: logArg.value, base: base) } catch let e as FileAccessError {
            throw Diagnostic(e.message, at: logArg.location, length: logArg.length)
        }
    }
    session.emit(.progress(ProgressEvent(label: "measure", done: keys.count, total: keys.count)))
    for (key, why) in errors.prefix(10) { inv.warn("\(key): \(why) (recorded as missing)") }
    if errors.count > 10 { inv.warn("… and \(errors.count - 10) more failures") }
    let measured = latencies.filter { !$0.isNaN }.count
    if stopped {
        inv.warn("stopped by Ctrl-C: \(measured) of \(keys.count) architectures measured are kept" + (logArg.map { " (and in \($0.value); measure again with log= to resume)" } ?? ""))
    }
    guard measured > 0 || !stopped else {
        throw CancellationError()
    }
    // A harness that failed on every architecture measured nothing: that is an error, not a
    // dataset of missing values.
    if measured == 0, !todo.isEmpty {
        let why = errors.first.map { "\($0.1)" } ?? "no run"
        throw Diagnostic("the harness failed on all \(todo.count) architectures; the first: \(why)", at: cmdArg.location, length: cmdArg.length,
                         hint: "run the command once by hand with one architecture; a wrong path or a missing package fails every row alike")
    }
    let d = Dataset(name: device, source: "measured: \(cmdText)", space: space, keyName: keyName, keys: keys, nb201Index: index,
                    devices: [Device(name: device, latencies: latencies)])
    return .value(DatasetValue(d))
}

/// The architectures an earlier `measure … log=` measured: key → latency (failures are retried).
/// Read with the project's one CSV reader.
func readMeasureLog(_ bytes: [UInt8], file path: String, device: String, at loc: Located<String>) throws -> [String: Double] {
    let table: CSVTable
    do {
        table = try CSVTable(bytes: bytes, file: path)
    } catch let e as OneProxyError {
        throw Diagnostic("cannot read the log: \(e.description)", at: loc.location, length: loc.length)
    }
    guard table.columnCount == 4, table.header[2] == "\(device)_ms" else {
        throw Diagnostic("\(path) is not a measure log of \(device) (header \(table.header.joined(separator: ",")))", at: loc.location, length: loc.length,
                         hint: "a log's header is nb201_index,arch_str,\(device)_ms,error; choose another log= for another device")
    }
    var out: [String: Double] = [:]
    for r in 0..<table.rowCount {
        guard let v = table.double(row: r, column: 2), v > 0 else { continue }
        out[table.string(row: r, column: 1)] = v
    }
    return out
}
