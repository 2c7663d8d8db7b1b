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
    /// Polled while a run is going; a true answer stops it.
    var isCancelled: () -> Bool

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
        let p = Process()
        // /usr/bin/env finds the program on PATH; it is not a shell, so nothing is interpreted.
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return .failure(.failed("cannot start \(args.first ?? ""): \(error.localizedDescription)")) }
        // Read both pipes while waiting, so a talkative harness never blocks on a full pipe.
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false, cancelled = false
        while p.isRunning {
            if isCancelled() { cancelled = true; break }
            if Date() > deadline { timedOut = true; break }
            usleep(5_000)
        }
        if p.isRunning {
            p.terminate()
            let grace = Date().addingTimeInterval(1)
            while p.isRunning && Date() < grace { usleep(5_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
        group.wait()
        if cancelled { return .failure(.cancelled) }
        if timedOut { return .failure(.failed("timed out after \(formatSeconds(timeout))")) }
        let stdout = String(decoding: outData, as: UTF8.self)
        if p.terminationReason == .uncaughtSignal {
            return .failure(.failed("killed by signal \(p.terminationStatus)"))
        }
        if p.terminationStatus != 0 {
            let last = String(decoding: errData, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            return .failure(.failed("exit status \(p.terminationStatus)" + (last.isEmpty ? "" : ": \(last.prefix(200))")))
        }
        guard let ms = latencyInOutput(stdout, unit: unit) else {
            return .failure(.failed("printed no latency" + (stdout.isEmpty ? "" : ": \(stdout.split(separator: "\n").last.map { String($0.prefix(80)) } ?? "")")))
        }
        return .success(ms)
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
