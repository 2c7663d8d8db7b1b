import Foundation

let notebookCommand = CommandSpec(
    name: "notebook", category: "session",
    summary: "write the session so far as a notebook page: every statement, its output and figures",
    usage: ["notebook \"page.html\"", "notebook \"page.md\""],
    details: """
        The page holds every statement in order (typed, run from a script, or failed, with its
        error), its output, and its figures inline as SVG, under a header naming the tool's
        version, the date and the datasets (a file with its SHA-256). The HTML page is
        self-contained (inline style, no scripts, nothing from the network) and prints on paper;
        the Markdown page embeds its figures as images.

        From a script without a terminal: oneproxy script.ops --notebook page.html
        """,
    examples: ["d = load oneproxy-nb201; m = srcc d; heatmap m; notebook \"/tmp/oneproxy-notebook.html\""]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let p = try inv.path(0)
    // The last entry is this statement itself: the page holds what came before it.
    let entries = Array(inv.session.recorder.entries.dropLast())
    do {
        try inv.session.writeNotebook(entries: entries, to: p.value)
    } catch let e as Diagnostic {
        throw Diagnostic(e.message, at: p.location, length: p.length)
    }
    return .text("wrote \(entries.count) statement\(entries.count == 1 ? "" : "s") to \(p.value)")
}

extension Session {
    /// Writes the notebook (HTML, or Markdown for `.md`) atomically; the date is now.
    public func writeNotebook(entries: [NotebookRecorder.Entry]? = nil, to path: String, date: Date = Date()) throws {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard ["html", "htm", "md"].contains(ext) else {
            throw Diagnostic("a notebook is written as .html or .md, not \(ext.isEmpty ? "a file without an extension" : "." + ext)")
        }
        let header = NotebookHeader(date: date, inputs: inputs)
        let list = entries ?? recorder.entries
        let text = ext == "md" ? notebookMarkdown(list, header: header) : notebookHTML(list, header: header)
        do {
            try writeAtomically(text, to: path)
        } catch {
            throw Diagnostic("cannot write \(path): \(errorText(error))")
        }
    }
}
