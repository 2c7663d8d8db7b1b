import Foundation

let saveCommand = CommandSpec(
    name: "save", category: "session",
    summary: "write the session as a script that replays to the same results",
    usage: ["save \"NAME.ops\"", "save \"path/to/file.ops\""],
    details: """
        The script holds the successful statements that made the current variables, in order, and
        the settings. A bare name goes to the sessions/ folder; .ops is added when missing. The file
        is written atomically (a temporary file renamed over it).
        """,
    examples: ["d = load oneproxy-nb201; save \"/tmp/oneproxy-tour.ops\"", "save \"mine\"    # writes sessions/mine.ops"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let p = try inv.path(0)
    var path = p.value
    if !path.contains("/") { path = inv.session.sessionsFolder + "/" + path }
    if !path.hasSuffix(".ops") { path += ".ops" }
    do {
        try writeAtomically(inv.session.script(), to: path)
    } catch {
        throw Diagnostic("cannot write \(path): \(errorText(error))", at: p.location, length: p.length)
    }
    let n = inv.session.variableOrder.count
    return .text("saved \(n) variable\(n == 1 ? "" : "s") to \(path)")
}

let runCommand = CommandSpec(
    name: "run", category: "session",
    summary: "run a script in this session",
    usage: ["run \"file.ops\""],
    details: "Its statements run as if typed here; a statement that fails is reported with the file's line and column, and the rest still run (unless bail is on).",
    examples: ["d = load help-ofa; save \"/tmp/oneproxy-example.ops\"; del d; run \"/tmp/oneproxy-example.ops\"; vars"]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let p = try inv.path(0)
    var path = p.value
    if !FileManager.default.fileExists(atPath: path), !path.contains("/"),
       FileManager.default.fileExists(atPath: inv.session.sessionsFolder + "/" + path) {
        path = inv.session.sessionsFolder + "/" + path
    }
    let source: String
    do {
        source = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw Diagnostic("cannot read \(path): \(errorText(error))", at: p.location, length: p.length)
    }
    let session = inv.session
    guard !session.runStack.contains(path), session.runStack.count < 16 else {
        throw Diagnostic("\(path) runs itself (run \(session.runStack.joined(separator: " → ")) → \(path))", at: p.location, length: p.length)
    }
    session.runStack.append(path)
    defer { session.runStack.removeLast() }
    let before = session.failures
    session.run(source: source, origin: path)
    let failed = session.failures - before
    if failed > 0 {
        throw Diagnostic("\(failed) statement\(failed == 1 ? "" : "s") in \(path) failed", at: p.location, length: p.length)
    }
    return .nothing
}

/// Writes text to a temporary file beside `path`, then renames it over `path` (creating folders).
func writeAtomically(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    try Data(text.utf8).write(to: tmp)
    if rename(tmp.path, url.path) != 0 {
        let code = errno
        try? FileManager.default.removeItem(at: tmp)
        throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
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
