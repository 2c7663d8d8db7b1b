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
        } else if case .word(let command) = kinds[0] {
            let positionals = positionalWords(Array(tokens.drop { $0.kind != .word(command) }.dropFirst()))
            if kinds.last == .equals, kinds.count >= 2, case .word(let key) = kinds[kinds.count - 2] {
                pool = optionChoices(command: command, key: key, dataset: positionals.first, session: session)
            } else {
                let options = commandRegistry[command]?.options.map { $0.name + "=" } ?? []
                pool = options + positionalCandidates(command: command, index: positionals.count, previous: positionals, session: session)
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

    /// What the `index`-th positional argument of `command` may be: variables of the right kind,
    /// bundled dataset names (`load`), commands (`help`), or the devices of the dataset named first.
    static func positionalCandidates(command: String, index: Int, previous: [String], session: Session) -> [String] {
        func variables(where keep: (any ShellValue) -> Bool) -> [String] {
            session.variableOrder.filter { session.value(of: $0).map(keep) ?? false }
        }
        let datasets = variables { $0 is DatasetValue }
        let any = session.variableOrder
        switch command {
        case "help": return index == 0 ? Array(commandRegistry.keys) : []
        case "load": return index == 0 ? BundledDatasets.names + ["\""] : []
        case "show", "del": return any
        case "export": return index == 0 ? any : ["\""]
        case "save", "run", "notebook": return ["\""]
        case "vars", "datasets", "set": return []
        case "srcc", "kendall", "pearson", "fit":
            return index == 0 ? datasets : devices(of: previous.first, session: session)
        case "heatmap": return variables { $0 is DatasetValue || $0 is MatrixCorrelationValue }
        case "predict": return index == 0 ? variables { $0 is PredictorValue || $0 is AdaptationValue } : datasets
        case "merge": return datasets
        case "reuse", "shortlist": return variables { $0 is SearchValue }
        default:
            // Commands that take a dataset first (adapt, search, plan, top, devices, …).
            return index == 0 ? (datasets.isEmpty ? any : datasets) : []
        }
    }

    /// The device and accuracy names of the dataset variable `name`, if it is one.
    static func devices(of name: String?, session: Session, accuracies: Bool = false) -> [String] {
        guard let name, let d = session.value(of: name) as? DatasetValue else { return [] }
        return d.dataset.deviceNames + (accuracies ? d.dataset.accuracies.map(\.name) : [])
    }

    /// After `key=`: the option's fixed values from its command's help; device names for the
    /// options that take a device (of the dataset the statement names first), accuracy names for
    /// `acc=`, variables for `samples=` and `rows=`.
    static func optionChoices(command: String, key: String, dataset: String?, session: Session) -> [String] {
        let choices = commandRegistry[command]?.options.first { $0.name == key }?.choices ?? []
        if !choices.isEmpty { return choices }
        switch key {
        case "proxy", "target", "targets", "proxies", "devices": return devices(of: dataset, session: session)
        case "by", "columns": return devices(of: dataset, session: session, accuracies: true)
        case "acc": return ((session.value(of: dataset ?? "") as? DatasetValue)?.dataset.accuracies.map(\.name) ?? [])
            + session.variableOrder.filter { session.value(of: $0) is AccuracyModelValue }
        case "lat": return devices(of: dataset, session: session) + session.variableOrder.filter {
            let v = session.value(of: $0)
            return v is PredictorValue || v is AdaptationValue
        }
        case "samples", "rows": return session.variableOrder.filter { session.value(of: $0) is any RowListValue }
        default: return session.completionWords().filter { commandRegistry[$0] == nil }
        }
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
