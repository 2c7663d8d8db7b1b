import Foundation

let notebookCommand = CommandSpec(
    name: "notebook", category: .session,
    summary: "write the session so far as a notebook page: every statement, its output and figures",
    usage: ["notebook \"page.html\" [overwrite=true]", "notebook \"page.md\""],
    positionals: Positionals([.path]),
    options: [overwriteOption],
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
    let text: String
    do {
        text = try inv.session.notebookText(entries: entries, path: p.value)
    } catch let e as Diagnostic {
        throw Diagnostic(e.message, at: p.location, length: p.length)
    }
    _ = try inv.writeFile(text, to: p)
    return .text("wrote \(entries.count) statement\(entries.count == 1 ? "" : "s") to \(p.value)")
}

extension Session {
    /// The notebook page (HTML, or Markdown for `.md`) of `entries` (default: all so far).
    func notebookText(entries: [NotebookRecorder.Entry]? = nil, path: String, date: Date = Date()) throws -> String {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard ["html", "htm", "md"].contains(ext) else {
            throw Diagnostic("a notebook is written as .html or .md, not \(ext.isEmpty ? "a file without an extension" : "." + ext)")
        }
        let header = NotebookHeader(date: date, inputs: inputs)
        let list = entries ?? recorder.entries
        return ext == "md" ? notebookMarkdown(list, header: header) : notebookHTML(list, header: header)
    }

    /// Writes the notebook atomically through the session's file access; the date is now. Returns
    /// whether an existing file was replaced.
    @discardableResult
    public func writeNotebook(entries: [NotebookRecorder.Entry]? = nil, to path: String, date: Date = Date(), overwrite: Bool = false) throws -> Bool {
        let text = try notebookText(entries: entries, path: path, date: date)
        do {
            return try files.write(text, to: path, overwrite: overwrite).replaced
        } catch let e as FileAccessError {
            throw Diagnostic(e.message)
        }
    }
}
