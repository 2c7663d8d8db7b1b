import Foundation
import OneProxyKit

/// How serious a diagnostic is: an error fails its statement; a warning or a note does not.
public enum Severity: String, Sendable {
    case error, warning, note
}

/// A message about a statement: an error with its location in the source, or a warning or note.
public struct DiagnosticEvent: Sendable {
    public var severity: Severity
    public var message: String
    /// The located error (errors only).
    public var diagnostic: Diagnostic?
    public var source: String?
    public var origin: String
    public var lineOffset: Int
    /// The statement was stopped by Ctrl-C (the terminal has echoed `^C` where the cursor was).
    public var interrupted = false

    /// The text the terminal prints on standard error (and the notebook shows): for an error the
    /// `file:line:col` header, the source line with a caret and the hint.
    public func render(palette: Palette) -> String {
        if let d = diagnostic {
            return d.render(source: source, origin: origin, palette: palette, lineOffset: lineOffset)
        }
        switch severity {
        case .error: return palette.error("error:") + " \(visibleControls(message))\n"
        case .warning: return palette.warning("warning:") + " \(visibleControls(message))\n"
        case .note: return palette.note("note:") + " \(visibleControls(message))\n"
        }
    }
}

/// How far a long computation has come.
public struct ProgressEvent: Sendable {
    public var label: String
    public var done: Int
    public var total: Int
}

/// What a session reports as it runs. The terminal printer, the notebook recorder and tests
/// subscribe; the session itself never prints.
public enum SessionEvent: Sendable {
    /// A statement is about to run (or failed to parse): its text, where it came from, its line.
    case statement(text: String, origin: String, line: Int)
    /// A statement bound a value; `shown` when it was a bare command whose value prints in full.
    case bound(name: String, value: any ShellValue, shown: Bool)
    /// `show NAME`: a value in full, in the session's format or the one given.
    case show(value: any ShellValue, format: OutputFormat?)
    /// Output that is not a value: help, tables of settings, `wrote x to y`.
    case display(Document)
    case diagnostic(DiagnosticEvent)
    case progress(ProgressEvent)
}

/// Something that listens to a session's events.
public protocol SessionObserver: AnyObject {
    func receive(_ event: SessionEvent, from session: Session)
}

/// A value drawn for one output format: the terminal drawing, CSV, one line of JSON, Markdown.
public func renderValue(_ value: any ShellValue, format: OutputFormat, palette: Palette = .plain, width: Int = 100) -> String {
    switch format {
    // A value's own CSV (what export writes) stands for its document, unless the document holds
    // several tables (an adaptation's baselines and its λ path): then each, as the document shows them.
    case .csv:
        if value.document.tables.count < 2, value.exports.contains(.csv), let csv = try? value.export(as: "csv") { return csv }
    case .json: return value.json.encoded(pretty: true) + "\n"
    default: break
    }
    return documentRenderer(for: format, palette: palette, width: width).render(value.document)
}

/// Prints a session's events to an output sink: results on standard output in the session's
/// format (JSON Lines under `--format json`), diagnostics on standard error, colours through the
/// palette, drawings at the terminal's width at the time they are drawn.
public final class Printer: SessionObserver {
    public let sink: OutputSink
    /// Draw progress bars on standard error (a terminal only).
    public var showsProgress = false
    /// A progress line is on the screen and must be cleared before anything else is printed.
    var progressShown = false

    public init(sink: OutputSink) { self.sink = sink }

    public func receive(_ event: SessionEvent, from session: Session) {
        let s = session.settings
        let palette = Palette(enabled: s.color)
        let width = session.currentWidth
        if progressShown, !isProgress(event) { clearProgress(width: width) }
        switch event {
        case .statement(let text, _, _):
            guard s.echo else { return }
            if s.format == .json { line(["statement": .string(text)]) } else { sink.out(palette.dim("oneproxy>") + " " + visibleControls(text) + "\n") }
        case .bound(let name, let value, let shown):
            if s.format == .json {
                var o: [String: JSONValue] = ["name": .string(name), "type": .string(value.typeName), "summary": .string(value.summary)]
                if shown { o["value"] = value.json }
                line(.object(o))
            } else if shown {
                block(renderValue(value, format: s.format, palette: palette, width: width), format: s.format)
            } else if s.format == .csv {
                // Standard output holds CSV only, so a CSV reader can take it as it is: the
                // summary of an assignment goes to standard error.
                sink.err(visibleControls("\(name): \(value.summary)") + "\n")
            } else {
                // On a terminal (or a width set by hand) a long summary breaks between words, not
                // mid-word at the edge; a pipe gets it on one line.
                let line = visibleControls("\(name): \(value.summary)")
                sink.out((session.terminalWidth != nil || s.widthFixed ? wrapWords(line, width: width) : line) + "\n")
            }
        case .show(let value, let format):
            if s.format == .json && format == nil {
                line(["type": .string(value.typeName), "summary": .string(value.summary), "value": value.json])
            } else {
                let shown = format ?? s.format
                block(renderValue(value, format: shown, palette: palette, width: width), format: s.format, rendered: shown)
            }
        case .display(let doc):
            let text = documentRenderer(for: s.format, palette: palette, width: width).render(doc)
            if s.format == .json { sink.out(text) } else { block(text, format: s.format) }
        case .diagnostic(let d):
            // Ctrl-C left `^C` on the screen: start the message on a clean line, not glued to it.
            if d.interrupted && showsProgress { clearProgress(width: width) }
            sink.err(d.render(palette: palette))
        case .progress(let p):
            guard showsProgress, p.total > 0 else { return }
            if p.done >= p.total { clearProgress(width: width); return }
            let barWidth = max(10, min(40, width - 40))
            let filled = min(barWidth, barWidth * p.done / p.total)
            let text = "\(p.label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "] \(p.done)/\(p.total)  (Ctrl-C stops)"
            // Spaces wipe a longer line drawn before; the text again leaves the cursor right after
            // it, so a Ctrl-C's echoed `^C` lands on this line (which the message then clears), not
            // at the right margin, where it wrapped and stayed on screen.
            let wipe = String(repeating: " ", count: max(0, min(width - 1, 100) - text.count))
            sink.err("\r" + text + wipe + "\r" + text)
            progressShown = true
        }
    }

    func isProgress(_ e: SessionEvent) -> Bool { if case .progress = e { return true } else { return false } }

    /// Overwrites the progress line with spaces (no escape codes, so it works without colour).
    func clearProgress(width: Int) {
        sink.err("\r" + String(repeating: " ", count: max(1, min(width - 1, 120))) + "\r")
        progressShown = false
    }

    func line(_ v: JSONValue) { sink.out(v.encoded() + "\n") }

    /// A multi-line result ends with a blank line on a terminal, so results stand apart.
    /// A rendered result on standard output; `rendered` is its format when `show … format=` chose
    /// another than the session's. CSV has no escape for control characters, so on standard
    /// output they show as pictures (␛), as in every other format; an exported file keeps the
    /// data's bytes.
    func block(_ text: String, format: OutputFormat, rendered: OutputFormat? = nil) {
        guard !text.isEmpty else { return }
        let safe = (rendered ?? format) == .csv ? visibleControls(text) : text
        let t = safe.hasSuffix("\n") ? safe : safe + "\n"
        sink.out(t)
        if format == .table, t.dropLast().contains("\n") { sink.out("\n") }
    }
}
