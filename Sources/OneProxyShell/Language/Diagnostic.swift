import OneProxyKit

/// A position in the input: 1-based line and column (columns count characters, not bytes).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A user-facing error with where it happened and how to mend it: the parser and every command
/// throw these; the session prints them and changes no variable.
///
/// `render` prints `file:line:column: error: message`, the offending source line and a caret under
/// the column, then the hint (`did you mean true_vpu?`) if any.
public struct Diagnostic: Error, Sendable, Equatable {
    public var message: String
    public var location: SourceLocation?
    /// How many characters the caret underlines (at least 1).
    public var length: Int
    public var hint: String?
    /// Set when the error is a variable that does not exist (its name): a script summarises the
    /// statements that fail only because an earlier one did not bind it.
    public var missingVariable: String?

    public init(_ message: String, at location: SourceLocation? = nil, length: Int = 1, hint: String? = nil) {
        self.message = message
        self.location = location
        self.length = max(1, length)
        self.hint = hint
    }

    /// The full text: a header line, the source line with a caret, and the hint.
    /// `lineOffset` is added to the line shown in the header (a chunk that starts mid-file).
    public func render(source: String?, origin: String, color: Bool, lineOffset: Int = 0) -> String {
        render(source: source, origin: origin, palette: Palette(enabled: color), lineOffset: lineOffset)
    }

    public func render(source: String?, origin rawOrigin: String, palette: Palette, lineOffset: Int = 0) -> String {
        // Nothing from the statement or the data acts on the terminal (ESC, BEL, OSC 52 …).
        let message = visibleControls(boundedForEcho(self.message)), origin = visibleControls(boundedForEcho(rawOrigin))
        let source = source.map(visibleControls)
        var out = ""
        if let location {
            out += palette.bold("\(origin):\(location.line + lineOffset):\(location.column):") + " " + palette.error("error:") + " \(message)\n"
            let lines = (source ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            if location.line >= 1, location.line <= lines.count {
                // A long line (several statements after -c) is shown as a window around the column.
                var text = Array(lines[location.line - 1])
                var column = location.column
                let window = 90
                if text.count > window {
                    let start = max(0, min(column - 1 - window / 2, text.count - window))
                    let end = min(text.count, start + window)
                    let head: [Character] = start > 0 ? ["…"] : []
                    let tail: [Character] = end < text.count ? ["…"] : []
                    column = column - start + head.count
                    text = head + Array(text[start..<end]) + tail
                }
                out += "  \(String(text))\n"
                let pad = String(repeating: " ", count: max(0, column - 1))
                let underline = max(0, min(length, text.count - column + 1) - 1)
                out += "  \(pad)" + palette.error("^" + String(repeating: "~", count: underline)) + "\n"
            }
        } else {
            out += palette.bold("\(origin):") + " " + palette.error("error:") + " \(message)\n"
        }
        if let hint { out += "  \(visibleControls(boundedForEcho(hint)))\n" }
        return out
    }
}

/// The known name nearest to `word` by edit distance, if it is near enough to be a likely typo.
public func nearestName(to word: String, in candidates: [String]) -> String? {
    // No name is 100 characters long: a longer word is no typo of one (and an edit distance
    // against a 10 MB word would take seconds per candidate).
    guard word.utf8.count <= 100 else { return nil }
    let w = word.lowercased()
    var best: (String, Int)?
    // Sorted first so that ties go the same way every run (candidates often come from a dictionary).
    for c in candidates.sorted() {
        let d = editDistance(w, c.lowercased())
        if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (name, distance) = best else { return nil }
    let limit = max(2, w.count / 3)
    if distance <= limit { return name }
    // a prefix or substring is also a good guess ("gtx" -> "eagle_gtx")
    if w.count >= 3, let hit = candidates.first(where: { $0.lowercased().contains(w) }) { return hit }
    return nil
}

/// `a table`, `an adaptation`: the article English wants before a type's name.
func withArticle(_ noun: String) -> String {
    guard let first = noun.lowercased().first else { return noun }
    return ("aeiou".contains(first) ? "an " : "a ") + noun
}

/// At most 400 characters of a message, a hint or an origin: what an error echoes stays readable
/// when the input holds a 10 MB word (the middle is left out and counted).
func boundedForEcho(_ s: String) -> String {
    let limit = 400
    guard s.count > limit else { return s }
    return String(s.prefix(limit / 2)) + "… (\(s.count - limit) characters left out) …" + String(s.suffix(limit / 2))
}
