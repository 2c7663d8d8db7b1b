import CEditLine
import Foundation
import OneProxyKit
import OneProxyShell

/// `oneproxy --serve`: the machine interface a notebook kernel drives (see `serveProtocolHelp`).
///
/// Guarantees: exactly one reply line on standard output per request line on standard input, in
/// order, preceded only by the request's progress lines when it asked for them, and nothing else
/// on standard output (the session's printer writes to a sink that drops
/// everything, and file descriptor 1 is pointed at standard error while serving, so a stray write
/// cannot corrupt the stream). SIGINT during a request stops the running statement as Ctrl-C does
/// at the terminal; SIGINT while idle is forgotten when the next request starts.
func runServe(_ session: Session) {
    // Replies go to a private copy of standard output; fd 1 becomes standard error.
    let replies = dup(STDOUT_FILENO)
    _ = dup2(STDERR_FILENO, STDOUT_FILENO)
    catchInterrupts()
    exitWhenOrphaned()
    session.isCancelled = { oneproxy_sigint_peek() != 0 }
    let collector = ServeCollector()
    collector.notify = { writeAll(replies, $0.encoded() + "\n") }
    session.subscribe(collector)
    var input = LineReader(fd: STDIN_FILENO)
    while let line = input.next() {
        if line.allSatisfy(\.isWhitespace) { continue }
        let reply = answer(line, session: session, collector: collector)
        writeAll(replies, reply.encoded() + "\n")
    }
}

/// A kernel that died without closing our input (killed hard) leaves us computing for nobody:
/// when the parent process changes (we were handed to init), leave at once.
func exitWhenOrphaned() {
    let parent = getppid()
    let watcher = Thread {
        while getppid() == parent { sleep(1) }
        _exit(0)
    }
    watcher.start()
}

/// The help text of the serve protocol (`--help` and README's Jupyter section say the same).
let serveProtocolHelp = """
    --serve speaks JSON Lines for programs (the Jupyter kernel): one request object per line on standard input, exactly one reply line per request on standard output (after its progress lines, when asked for), nothing else on standard output. Requests: {"id": ID, "execute": "statements", "origin": "In[1]", "progress": true}, {"id": ID, "complete": "text", "cursor": N}, {"id": ID, "inspect": "text", "cursor": N}, {"id": ID, "is_complete": "text"}. An execute reply is {"id", "ok", "interrupted", "outputs": [{"text/plain", "text/html", "image/svg+xml"}, …], "errors": [{"message", "line", "column", "length", "text", "position"}], "messages": [{"severity", "text", "position"}]}: each output is a MIME bundle (a summary line is text/plain only; a table or text also text/html; a figure also image/svg+xml), position is how many outputs came before. With "progress": true, long computations also write {"id", "progress": {"label", "done", "total"}} lines before the reply (a few a second at most). SIGINT stops the running statement as Ctrl-C does.
    """

/// One request, one reply.
func answer(_ line: String, session: Session, collector: ServeCollector) -> JSONValue {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
        return ["id": .null, "ok": false, "errors": [["message": "a request is one JSON object on one line", "text": "error: a request is one JSON object on one line\n", "position": 0]]]
    }
    let id = jsonValue(object["id"])
    var reply: [String: JSONValue]
    if let code = object["execute"] as? String {
        collector.progressID = object["progress"] as? Bool == true ? id : nil
        reply = execute(code, origin: object["origin"] as? String ?? "input", session: session, collector: collector)
        collector.progressID = nil
    } else if let text = object["complete"] as? String {
        reply = complete(text, cursor: object["cursor"] as? Int, session: session)
    } else if let text = object["inspect"] as? String {
        reply = inspect(text, cursor: object["cursor"] as? Int, session: session)
    } else if let text = object["is_complete"] as? String {
        reply = ["ok": true, "status": Parser.leavesListOpen(text) ? "incomplete" : "complete"]
    } else {
        let message = "unknown request: give one of execute, complete, inspect, is_complete"
        reply = ["ok": false, "errors": [["message": .string(message), "text": .string("error: \(message)\n"), "position": 0]]]
    }
    reply["id"] = id
    return .object(reply)
}

/// Runs the statements, collecting what the session reports.
func execute(_ code: String, origin: String, session: Session, collector: ServeCollector) -> [String: JSONValue] {
    // A SIGINT that came while idle is not meant for this request.
    _ = oneproxy_sigint_take()
    collector.reset()
    let ok = session.run(source: code, origin: origin)
    let interrupted = oneproxy_sigint_take() != 0
    return [
        "ok": .bool(ok && !interrupted), "interrupted": .bool(interrupted),
        "outputs": .array(collector.outputs), "errors": .array(collector.errors), "messages": .array(collector.messages),
    ]
}

/// Tab completion of the word before `cursor` (in Unicode scalars, as Jupyter counts): the
/// matches replace the text from cursor_start to cursor_end.
func complete(_ text: String, cursor: Int?, session: Session) -> [String: JSONValue] {
    let scalars = Array(text.unicodeScalars)
    let end = min(max(cursor ?? scalars.count, 0), scalars.count)
    var before = String(String.UnicodeScalarView(scalars[..<end]))
    // The completer sees one line: the one the cursor is on.
    var lineStart = 0
    if let nl = before.lastIndex(of: "\n") {
        lineStart = before[...nl].unicodeScalars.count
        before = String(before[before.index(after: nl)...])
    }
    let (startByte, words) = Completer.candidates(line: before, session: session)
    let startScalar = String(decoding: Array(before.utf8.prefix(startByte)), as: UTF8.self).unicodeScalars.count
    return ["ok": true, "matches": .strings(words), "cursor_start": .int(lineStart + startScalar), "cursor_end": .int(end)]
}

/// What `help` says about the command under the cursor, or a variable's summary. Runs `help` in
/// a scratch session, so the user's session (and its notebook) is untouched.
func inspect(_ text: String, cursor: Int?, session: Session) -> [String: JSONValue] {
    let scalars = Array(text.unicodeScalars)
    let end = min(max(cursor ?? scalars.count, 0), scalars.count)
    var start = end, stop = end
    func isWord(_ i: Int) -> Bool { let c = Character(scalars[i]); return c.isLetter || c.isNumber || c == "_" }
    while start > 0, isWord(start - 1) { start -= 1 }
    while stop < scalars.count, isWord(stop) { stop += 1 }
    let word = String(String.UnicodeScalarView(scalars[start..<stop]))
    guard !word.isEmpty else { return ["ok": true, "found": false] }
    if let value = session.value(of: word) {
        return ["ok": true, "found": true, "outputs": [["text/plain": .string("\(word): \(value.typeName): \(value.summary)")]]]
    }
    let scratch = Session(settings: Settings(width: session.settings.width), sink: BufferSink())
    let collector = ServeCollector()
    scratch.subscribe(collector)
    guard scratch.run(source: "help \(word)", origin: "inspect"), !collector.outputs.isEmpty else { return ["ok": true, "found": false] }
    return ["ok": true, "found": true, "outputs": .array(collector.outputs)]
}

/// Collects the session's events of one request as MIME bundles, errors and messages.
final class ServeCollector: SessionObserver {
    var outputs: [JSONValue] = []
    var errors: [JSONValue] = []
    var messages: [JSONValue] = []

    /// Writes a notification line (progress) on the reply stream.
    var notify: (JSONValue) -> Void = { _ in }
    /// The id of the running request when it asked for progress lines.
    var progressID: JSONValue?
    /// When the last progress line went out: at most a few a second.
    var lastProgress = Date.distantPast

    func reset() { outputs = []; errors = []; messages = []; lastProgress = .distantPast }

    func receive(_ event: SessionEvent, from session: Session) {
        let width = session.currentWidth
        let format = session.settings.format
        switch event {
        case .statement:
            break
        case .progress(let p):
            guard let id = progressID, p.total > 0 else { return }
            let now = Date()
            guard p.done >= p.total || now.timeIntervalSince(lastProgress) >= 0.25 else { return }
            lastProgress = now
            notify(["id": id, "progress": ["label": .string(p.label), "done": .int(p.done), "total": .int(p.total)]])
        case .bound(let name, let value, let shown):
            if shown { outputs += bundles(value, format: format, width: width) } else { outputs.append(["text/plain": .string("\(name): \(value.summary)")]) }
        case .show(let value, let asked):
            outputs += bundles(value, format: asked ?? format, width: width)
        case .display(let doc):
            if format == .table { outputs += bundles(doc, width: width) } else { outputs.append(["text/plain": .string(trimmed(documentRenderer(for: format, width: width).render(doc)))]) }
        case .diagnostic(let d):
            let text = d.render(palette: .plain)
            if d.severity == .error {
                var e: [String: JSONValue] = ["message": .string(d.message), "text": .string(text), "position": .int(outputs.count), "origin": .string(d.origin)]
                if let located = d.diagnostic, let at = located.location {
                    e["line"] = .int(at.line + d.lineOffset)
                    e["column"] = .int(at.column)
                    e["length"] = .int(located.length)
                }
                if d.interrupted { e["interrupted"] = true }
                errors.append(.object(e))
            } else {
                messages.append(["severity": .string(d.severity.rawValue), "text": .string(text), "position": .int(outputs.count)])
            }
        }
    }

    /// A value in a format other than the table drawing is text (Markdown also as text/markdown).
    func bundles(_ value: any ShellValue, format: OutputFormat, width: Int) -> [JSONValue] {
        guard format == .table else {
            var b: [String: JSONValue] = ["text/plain": .string(trimmed(renderValue(value, format: format, width: width)))]
            if format == .markdown { b["text/markdown"] = .string(MarkdownRenderer(figures: .embeddedSVG).render(value.document)) }
            return [.object(b)]
        }
        return bundles(value.document, width: width)
    }

    /// A document as bundles in block order: each run of non-figure blocks is one bundle (the
    /// terminal's text and HTML), each figure is its own (its terminal drawing and its SVG).
    func bundles(_ doc: Document, width: Int) -> [JSONValue] {
        let text = TerminalRenderer(palette: .plain, width: width)
        var out: [JSONValue] = []
        var run: [Block] = []
        func flush() {
            guard !run.isEmpty else { return }
            let d = Document(run)
            out.append(["text/plain": .string(trimmed(text.render(d))), "text/html": .string(HTMLRenderer().render(d))])
            run = []
        }
        for block in doc.blocks {
            if case .figure(let f) = block {
                flush()
                out.append(["text/plain": .string(trimmed(text.render(Document([block])))), "image/svg+xml": .string(f.svg())])
            } else {
                run.append(block)
            }
        }
        flush()
        return out
    }

    func trimmed(_ s: String) -> String { s.hasSuffix("\n") ? String(s.dropLast()) : s }
}

/// Lines from a file descriptor, read with `read(2)` so that a signal (SIGINT while idle, which
/// has no SA_RESTART) does not end the input: EINTR is retried.
struct LineReader {
    let fd: Int32
    var buffer: [UInt8] = []
    var ended = false

    init(fd: Int32) { self.fd = fd }

    mutating func next() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer += chunk[..<n]
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                ended = true
            }
        }
    }
}

/// Writes all of `text`, retrying after EINTR and short writes.
func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n > 0 { bytes = bytes.dropFirst(n) } else if n < 0 && errno == EINTR { continue } else { return }
    }
}

/// An id of a request as it came (a number, a string, or null), to echo in the reply.
func jsonValue(_ any: Any?) -> JSONValue {
    switch any {
    case let s as String: return .string(s)
    case let i as Int: return .int(i)
    case let d as Double: return .number(d)
    default: return .null
    }
}

/// SIGINT sets the flag `oneproxy_sigint_peek` reads (the running statement stops as at Ctrl-C).
/// A parent that started us from a thread with signals blocked (a libdispatch worker: Foundation's
/// Process, so also a test) passed its mask on: the interrupt and termination must get through.
func catchInterrupts() {
    var wanted = sigset_t()
    sigemptyset(&wanted)
    for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&wanted, s) }
    pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
    oneproxy_sigint_install()
}
