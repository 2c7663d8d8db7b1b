import Foundation
import OneProxyKit

/// Tab completion: what may follow the text before the cursor.
public enum Completer {
    /// Candidates for the word before the cursor, and the UTF-8 byte offset where that word starts.
    ///
    /// Inside an open string: file paths. First word of a statement: commands (and variables).
    /// After a command: its options (`key=`), variables, device and dataset names. After `key=`:
    /// the option's fixed choices, if any.
    public static func candidates(line: String, session: Session) -> (start: Int, words: [String]) {
        // Inside an unterminated string: complete a path.
        var quote: Character?
        var quoteStart = line.startIndex
        var idx = line.startIndex
        while idx < line.endIndex {
            let c = line[idx]
            if let q = quote {
                if c == "\\" { idx = line.index(after: idx); if idx == line.endIndex { break } }
                else if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
                quoteStart = line.index(after: idx)
            } else if c == "#" {
                return (line.utf8.count, [])
            }
            idx = line.index(after: idx)
        }
        if quote != nil {
            let partial = String(line[quoteStart...])
            return (line[..<quoteStart].utf8.count, paths(matching: partial))
        }
        // The word before the cursor.
        var wordStart = line.endIndex
        while wordStart > line.startIndex {
            let prev = line[line.index(before: wordStart)]
            if Lexer.isWordChar(prev) { wordStart = line.index(before: wordStart) } else { break }
        }
        let word = String(line[wordStart...])
        let before = String(line[..<wordStart])
        let start = before.utf8.count
        // Which statement position are we in?
        let statementText = before.split(separator: ";", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let tokens = Lexer.tokenize(statementText).filter { if case .separator = $0.kind { return false } else { return true } }
        var kinds = tokens.map(\.kind)
        if kinds.count >= 2, case .word = kinds[0], kinds[1] == .equals { kinds.removeFirst(2) }
        var pool: [String]
        if kinds.isEmpty {
            pool = Array(commandRegistry.keys)
        } else if case .word(let command) = kinds[0], let spec = commandRegistry[command] {
            let positionals = positionalWords(Array(tokens.drop { $0.kind != .word(command) }.dropFirst()))
            if kinds.last == .equals, kinds.count >= 2, case .word(let key) = kinds[kinds.count - 2] {
                // After key=: what the option's declaration says it takes.
                pool = spec.options.first { $0.name == key }?.completion.words(session: session, dataset: positionals.first) ?? []
            } else {
                // Its options, and what its declaration says the next positional is.
                pool = spec.options.map { $0.name + "=" }
                    + (spec.positionals.kind(at: positionals.count)?.words(session: session, dataset: positionals.first) ?? [])
            }
        } else {
            pool = []
        }
        let matches = Array(Set(pool.filter { $0.hasPrefix(word) })).sorted()
        return (start, matches)
    }

    /// The positional words already typed after the command (option keys and values left out).
    static func positionalWords(_ tokens: [Token]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < tokens.count {
            if i + 1 < tokens.count, tokens[i + 1].kind == .equals { i += 3; continue }
            switch tokens[i].kind {
            case .word(let w): out.append(w)
            case .string(let s): out.append(s)
            default: out.append("")
            }
            i += 1
        }
        return out
    }

    /// Paths that start with `partial` (folders end with /).
    static func paths(matching partial: String) -> [String] {
        let expanded = partial.hasPrefix("~/") ? NSHomeDirectory() + partial.dropFirst(1) : partial
        let dirPart: String
        let namePart: String
        if let slash = expanded.lastIndex(of: "/") {
            dirPart = String(expanded[...slash])
            namePart = String(expanded[expanded.index(after: slash)...])
        } else {
            dirPart = ""
            namePart = expanded
        }
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: dirPart.isEmpty ? "." : dirPart) else { return [] }
        let shownDir = partial.hasPrefix("~/") ? "~/" + dirPart.dropFirst(NSHomeDirectory().count + 1) : dirPart
        let names = entries.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted()
        // A folder ends with /; a file closes the string only when it is the one match (a list
        // of candidates shows plain names).
        return names.map { name in
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: dirPart + name, isDirectory: &isDir)
            return shownDir + name + (isDir.boolValue ? "/" : names.count == 1 ? "\"" : "")
        }
    }
}
