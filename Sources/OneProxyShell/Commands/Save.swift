import Foundation

let saveCommand = CommandSpec(
    name: "save", category: .session,
    summary: "write the session as a script that replays to the same results",
    usage: ["save \"NAME.ops\" [overwrite=true]", "save \"path/to/file.ops\""],
    positionals: Positionals([.path]),
    options: [overwriteOption],
    details: """
        The script holds the successful statements that made the current variables, in order, and
        the settings. A bare name goes to the sessions/ folder; .ops is added when missing. The file
        is written atomically (a temporary file renamed over it). Paths of the files the statements
        read are written relative to the script's own folder, each with its SHA-256, so the script
        replays from anywhere and warns when a file changed. An existing file is replaced (with a
        note), except a file this session read, which needs overwrite=true.
        """,
    examples: ["d = load oneproxy-nb201; save \"/tmp/oneproxy-tour.ops\"", "save \"mine\"    # writes sessions/mine.ops"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let p = try inv.path(0)
    var path = p.value
    if !path.contains("/") { path = inv.session.sessionsFolder + "/" + path }
    if !path.hasSuffix(".ops") { path += ".ops" }
    let folder = (inv.session.files.absolute(path, base: inv.session.baseFolder) as NSString).deletingLastPathComponent
    let written = try inv.writeFile(inv.session.script(folder: folder), to: p, path: path)
    let n = inv.session.variableOrder.count
    return .text("saved \(n) variable\(n == 1 ? "" : "s") to \(written)")
}

/// `overwrite=`, shared by the commands that write files.
let overwriteOption = OptionHelp("overwrite", "true to replace a file this session read (a loaded CSV, a script being run); other files are replaced anyway, with a note", choices: ["true", "false"])

let runCommand = CommandSpec(
    name: "run", category: .session,
    summary: "run a script in this session",
    usage: ["run \"file.ops\""],
    positionals: Positionals([.path]),
    details: "Its statements run as if typed here; a statement that fails is reported with the file's line and column, and the rest still run (unless bail is on). Relative paths inside the script are resolved against the script's own folder.",
    examples: ["d = load help-ofa; save \"/tmp/oneproxy-example.ops\"; del d; run \"/tmp/oneproxy-example.ops\"; vars"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let p = try inv.path(0)
    let session = inv.session
    var path = p.value
    if !session.files.exists(path, base: session.baseFolder), !path.contains("/"),
       session.files.exists(session.sessionsFolder + "/" + path, base: session.baseFolder) {
        path = session.sessionsFolder + "/" + path
    }
    let (bytes, absolute) = try inv.readFile(Located(path, at: p.location, length: p.length))
    guard let source = String(validating: bytes, as: UTF8.self) else {
        throw Diagnostic("cannot read \(path): not UTF-8 text", at: p.location, length: p.length)
    }
    guard !session.runStack.contains(absolute), session.runStack.count < 16 else {
        throw Diagnostic("\(path) runs itself (run \(session.runStack.joined(separator: " → ")) → \(absolute))", at: p.location, length: p.length)
    }
    let before = session.failures
    session.runScript(source: source, path: absolute, origin: path)
    let failed = session.failures - before
    if failed > 0 {
        throw Diagnostic("\(failed) statement\(failed == 1 ? "" : "s") in \(path) failed", at: p.location, length: p.length)
    }
    return .nothing
}

extension Session {
    /// Runs a script read from `path` (absolute): its relative paths are resolved against its
    /// folder, and the file counts as read (so `save` will not overwrite it without overwrite=true).
    @discardableResult
    public func runScript(source: String, path: String, origin: String) -> Bool {
        let absolute = files.absolute(path)
        files.noteRead(absolute)
        runStack.append(absolute)
        scriptFolders.append((absolute as NSString).deletingLastPathComponent)
        defer { runStack.removeLast(); scriptFolders.removeLast() }
        return run(source: source, origin: origin)
    }
}

/// A short reason for a file error ("No such file or directory").
func errorText(_ error: Error) -> String {
    if let e = error as? POSIXError { return String(cString: strerror(e.code.rawValue)) }
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if ns.domain == NSCocoaErrorDomain {
        switch ns.code {
        case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
        case NSFileReadInapplicableStringEncodingError: return "not UTF-8 text"
        default: break
        }
    }
    return ns.localizedDescription
}
