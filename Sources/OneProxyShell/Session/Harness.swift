import Foundation
import OneProxyKit

/// Runs a user's measuring harness: the command split into arguments as the user wrote them (no
/// shell, unless the command names one), placeholders substituted inside each argument, a timeout
/// per run, and the latency read from what it prints.
struct Harness {
    /// The command's words, before substitution.
    var words: [String]
    var timeout: Double
    /// The unit of a bare number in the output.
    var unit: LatencyUnit
    /// How the latency is read from the output.
    var parse: HarnessOutput = .last
    /// Polled while a run is going; a true answer stops it.
    var isCancelled: () -> Bool
    /// The folder the harness runs in (a script's own folder, so its relative paths work as the
    /// script's do), or nil for the current one.
    var folder: String? = nil

    enum RunError: Error, CustomStringConvertible {
        case failed(String)
        case cancelled

        var description: String {
            switch self {
            case .failed(let s): return s
            case .cancelled: return "interrupted"
            }
        }
    }

    /// One run for one architecture: the latency in ms, or why there is none.
    func run(substitutions: [String: String]) -> Result<Double, RunError> {
        let args = words.map { word in
            substitutions.reduce(word) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        // The harness runs in a process group of its own, so a timeout or Ctrl-C stops it and
        // everything it started (a shell's children would otherwise keep its output open).
        let outcome: SpawnOutcome
        do {
            // GNU env's -C runs the program in the folder (posix_spawn's chdir is not portable).
            outcome = try spawnAndWait(["/usr/bin/env"] + (folder.map { ["-C", $0] } ?? []) + args, timeout: timeout, isCancelled: isCancelled)
        } catch {
            return .failure(.failed("cannot start \(args.first ?? ""): \(error)"))
        }
        let (outData, errData) = (outcome.stdout, outcome.stderr)
        if outcome.cancelled { return .failure(.cancelled) }
        if outcome.timedOut { return .failure(.failed("timed out after \(formatSeconds(timeout))")) }
        let stdout = String(decoding: outData, as: UTF8.self)
        if let signal = outcome.signal {
            return .failure(.failed("killed by signal \(signal)"))
        }
        if outcome.status != 0 {
            let last = String(decoding: errData, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            return .failure(.failed("exit status \(outcome.status)" + (last.isEmpty ? "" : ": \(last.prefix(200))")))
        }
        // Benchmark tools print their summary on stdout or stderr (TFLite's benchmark_model logs to stderr).
        let text = parse == .last ? stdout : stdout + "\n" + String(decoding: errData, as: UTF8.self)
        guard let ms = parse.latency(in: text, unit: unit) else {
            let what = parse == .last ? "printed no latency" : "printed no \(parse.toolName) latency line"
            return .failure(.failed(what + (stdout.isEmpty ? "" : ": \(stdout.split(separator: "\n").last.map { String($0.prefix(80)) } ?? "")")))
        }
        guard ms <= maximumLatencyMilliseconds else {
            return .failure(.failed("printed \(ms) ms, over the 1e9 ms (maximumLatencyMilliseconds) a latency may be"))
        }
        return .success(ms)
    }
}

/// How `measure` reads the latency from what a harness prints (`parse=`).
enum HarnessOutput: String, CaseIterable, Sendable {
    /// The last number of stdout, with its unit if one follows.
    case last
    /// TFLite's `benchmark_model`: "Inference timings in us: … Inference (avg): 2.95034e+06" (in
    /// µs); else the last "count=… avg=…" line (µs); else older builds' "Average inference timings
    /// in us: Warmup: …, Init: …, no stats: …".
    case tflite
    /// `onnxruntime_perf_test`: "Average inference time cost: 62.29 ms" (newer builds: "… cost
    /// total: …").
    case ort
    /// TensorRT's `trtexec`: "[…] [I] Latency: min = …, max = …, mean = …, median = … ms" (the median).
    case trtexec

    var toolName: String {
        switch self {
        case .last: "number"
        case .tflite: "TFLite benchmark_model"
        case .ort: "onnxruntime_perf_test"
        case .trtexec: "trtexec"
        }
    }

    /// The latency in ms, or nil when the tool's line is not in `text`. Lines may carry a log
    /// prefix (`INFO: `, a timestamp); numbers may be in scientific notation.
    func latency(in text: String, unit: LatencyUnit) -> Double? {
        let number = #"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"#
        func last(_ pattern: String, divisor: Double) -> Double? {
            guard let re = try? NSRegularExpression(pattern: pattern) else { return nil }
            let ns = text as NSString
            guard let m = re.matches(in: text, range: NSRange(location: 0, length: ns.length)).last,
                  let v = Double(ns.substring(with: m.range(at: 1))), v > 0, v.isFinite else { return nil }
            return v / divisor
        }
        switch self {
        case .last:
            return latencyInOutput(text, unit: unit)
        case .tflite:
            return last(#"Inference timings in us:.*Inference \(avg\):\s*"# + number, divisor: 1000)
                ?? last(#"count=\d+.*\bavg="# + number, divisor: 1000)
                ?? last(#"Average inference timings in us:.*no stats:\s*"# + number, divisor: 1000)
        case .ort:
            return last(#"Average inference time cost(?: total)?:\s*"# + number + #"\s*ms"#, divisor: 1)
        case .trtexec:
            // "Latency:" itself, not "H2D Latency:" or "D2H Latency:".
            return last(#"(?m)(?:\[I\]\s+|^)Latency: min = .*\bmedian = "# + number + #"\s*ms"#, divisor: 1)
        }
    }
}

/// The latency a harness printed, in ms: the last number of its output, with its unit if one
/// follows it (`12.3 ms`, `0.0123s`, `12300us`), else `unit`. Nil when nothing positive is printed.
func latencyInOutput(_ text: String, unit: LatencyUnit) -> Double? {
    let pattern = #"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(ms|us|µs|s)?\b"#
    guard let re = try? NSRegularExpression(pattern: pattern) else { return nil }
    let ns = text as NSString
    guard let m = re.matches(in: text, range: NSRange(location: 0, length: ns.length)).last,
          let v = Double(ns.substring(with: m.range(at: 1))), v > 0, v.isFinite else { return nil }
    let u = m.range(at: 2).location != NSNotFound ? ns.substring(with: m.range(at: 2)) : nil
    switch u ?? unit.rawValue {
    case "s": return v * 1000
    case "us", "µs": return v / 1000
    default: return v
    }
}

/// Splits a command line into words as a POSIX shell would, without running one: blanks separate
/// words; '…' is literal; "…" allows \" and \\; a backslash outside quotes escapes the next
/// character. Throws on an unterminated quote, with its offset.
func splitCommandLine(_ s: String) throws -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var quoteOffset = 0
    let chars = Array(s)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if let q = quote {
            if c == q { quote = nil } else if q == "\"" && c == "\\" && i + 1 < chars.count && "\"\\$`".contains(chars[i + 1]) {
                current.append(chars[i + 1]); i += 1
            } else { current.append(c) }
        } else if c == "'" || c == "\"" {
            quote = c; quoteOffset = i; inWord = true
        } else if c == "\\" && i + 1 < chars.count {
            current.append(chars[i + 1]); i += 1; inWord = true
        } else if c == " " || c == "\t" || c == "\n" {
            if inWord { words.append(current); current = ""; inWord = false }
        } else {
            current.append(c); inWord = true
        }
        i += 1
    }
    if quote != nil { throw Diagnostic("unterminated \(quote == "'" ? "single" : "double") quote in the command (character \(quoteOffset + 1))") }
    if inWord { words.append(current) }
    return words
}

func formatSeconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : String(format: "%.3g s", s) }

/// How a spawned program ended, with everything it printed.
struct SpawnOutcome {
    var stdout = Data()
    var stderr = Data()
    var status: Int32 = 0
    var signal: Int32?
    var timedOut = false
    var cancelled = false
}

/// Runs `argv` (argv[0] an absolute path) in a new process group with no standard input, reading
/// both outputs until it ends; past `timeout` seconds, or when `isCancelled` answers true, the
/// whole group gets SIGTERM, then SIGKILL a second later.
func spawnAndWait(_ argv: [String], timeout: Double, isCancelled: () -> Bool) throws -> SpawnOutcome {
    var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attr, 0)
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for a in cArgs { free(a) } }
    let rc = posix_spawn(&pid, argv[0], &actions, &attr, cArgs, environ)
    close(outPipe[1]); close(errPipe[1])
    guard rc == 0 else {
        close(outPipe[0]); close(errPipe[0])
        throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO)
    }
    var outcome = SpawnOutcome()
    var open: [Int32: Bool] = [outPipe[0]: true, errPipe[0]: true]
    let deadline = Date().addingTimeInterval(timeout)
    var killedAt: Date?
    var buffer = [UInt8](repeating: 0, count: 65536)
    while open.values.contains(true) {
        if killedAt == nil && (isCancelled() || Date() > deadline) {
            if isCancelled() { outcome.cancelled = true } else { outcome.timedOut = true }
            kill(-pid, SIGTERM)
            killedAt = Date()
        } else if let t = killedAt, Date().timeIntervalSince(t) > 1 {
            kill(-pid, SIGKILL)
            if Date().timeIntervalSince(t) > 2 { break }  // give up on outputs held open elsewhere
        }
        var fds = open.filter(\.value).map { pollfd(fd: $0.key, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&fds, nfds_t(fds.count), 20)
        if ready <= 0 { continue }
        for f in fds where f.revents != 0 {
            let n = read(f.fd, &buffer, buffer.count)
            if n > 0 {
                if f.fd == outPipe[0] { outcome.stdout.append(contentsOf: buffer[0..<n]) } else { outcome.stderr.append(contentsOf: buffer[0..<n]) }
            } else {
                open[f.fd] = false
            }
        }
    }
    close(outPipe[0]); close(errPipe[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // WIFEXITED / WTERMSIG by hand (macros Swift does not import).
    if status & 0x7f == 0 { outcome.status = (status >> 8) & 0xff } else { outcome.signal = status & 0x7f }
    if killedAt != nil { kill(-pid, SIGKILL) }
    return outcome
}
