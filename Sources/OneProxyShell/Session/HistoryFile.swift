import Foundation

/// The terminal's history file, kept by the shell (libedit only holds the entries in memory).
///
/// Guarantees:
/// - The format is libedit's (`_HiStOrY_V2_` on the first line, one entry a line, spaces, tabs,
///   line breaks, control characters and backslashes written as `\ooo` octal escapes), so an
///   existing `~/.oneproxy_history` reads as before.
/// - A file that exists and is not a history file (not regular, or non-empty without the
///   `_HiStOrY_V2_` first line) is refused at `open` and never written: the session runs without
///   history and says why.
/// - Each entry is appended with one `write(2)` on an `O_APPEND` descriptor under an exclusive
///   `flock`, so two sessions typing at once keep both sessions' entries. The descriptor is opened
///   per entry and checked against the path after the lock, so an entry never lands in a file a
///   trim has just replaced.
/// - The file is rewritten only to trim it, only when it holds more than `trimAbove` entries, and
///   then atomically (a temporary file in the same folder, fsynced, renamed over it under the
///   lock), keeping the newest `keep` entries; `open` reports the trim in its note. Nothing is ever
///   truncated in place.
public final class HistoryFile {
    public static let cookie = "_HiStOrY_V2_"
    public let path: String
    /// The newest entries, oldest first, at most `memory` of them (what the line editor is given).
    public private(set) var entries: [String] = []
    /// What `open` did that the user should know (a trim), or nil.
    public private(set) var note: String?
    private var lastAppended: String?

    /// A file with more entries than this is trimmed at `open` to the newest `keep`.
    public static let defaultTrimAbove = 20_000
    public static let defaultKeep = 10_000

    /// Opens the history at `path`, creating nothing yet (the first `append` creates the file).
    /// Throws a `FileAccessError` when the path holds something that is not a history file.
    public init(path: String, memory: Int = 2000, trimAbove: Int = HistoryFile.defaultTrimAbove, keep: Int = HistoryFile.defaultKeep) throws {
        self.path = path
        guard !path.contains("\0") else { throw FileAccessError("a path cannot hold a NUL character") }
        var st = stat()
        if stat(path, &st) != 0 {
            guard errno == ENOENT else { throw FileAccessError("cannot read \(path): \(String(cString: strerror(errno)))") }
            return // a new history: created by the first append
        }
        guard st.st_mode & S_IFMT == S_IFREG else { throw FileAccessError("\(path) is not a regular file") }
        // Read-only: a history the user made read-only is still read (flock works on it too).
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileAccessError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        let bytes = try HistoryFile.readAll(fd, path: path)
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        if bytes.isEmpty { return }
        guard let first = lines.first, Array(first) == Array(HistoryFile.cookie.utf8) else {
            throw FileAccessError("\(path) is not a oneproxy history file (its first line is not \(HistoryFile.cookie)); it was left as it is")
        }
        let body = lines.dropFirst().filter { !$0.isEmpty }
        entries = body.suffix(memory).map { HistoryFile.decode(Array($0)) }
        if body.count > trimAbove {
            let kept = body.suffix(keep)
            var out = Array((HistoryFile.cookie + "\n").utf8)
            for l in kept { out += l; out.append(UInt8(ascii: "\n")) }
            try HistoryFile.replaceAtomically(path: path, bytes: out, mode: st.st_mode & 0o7777)
            note = "history \(path) held \(body.count) entries; kept the newest \(kept.count) (the file is trimmed past \(trimAbove), atomically)"
        }
    }

    /// Appends one entry (a repeat of this session's last entry is skipped, as the editor does).
    public func append(_ entry: String) throws {
        guard !entry.isEmpty, entry != lastAppended else { return }
        lastAppended = entry
        entries.append(entry)
        let line = Array(HistoryFile.encode(entry).utf8) + [UInt8(ascii: "\n")]
        for _ in 0..<5 {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw FileAccessError("cannot write \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            flock(fd, LOCK_EX)
            defer { flock(fd, LOCK_UN) }
            // A trim may have renamed a new file over the one opened: write to the current one.
            var a = stat(), b = stat()
            guard fstat(fd, &a) == 0, stat(path, &b) == 0, a.st_ino == b.st_ino, a.st_dev == b.st_dev else { continue }
            guard a.st_mode & S_IFMT == S_IFREG else { throw FileAccessError("\(path) is not a regular file") }
            var bytes = line
            if a.st_size == 0 { bytes = Array((HistoryFile.cookie + "\n").utf8) + line }
            try HistoryFile.writeAll(fd, bytes, path: path)
            return
        }
        throw FileAccessError("cannot write \(path): it keeps being replaced")
    }

    // MARK: libedit's encoding

    /// libedit's `strvis(VIS_WHITE)` as it reads back: whitespace, control bytes, DEL and the
    /// backslash become `\ooo` (the backslash `\\`); other bytes (UTF-8 included) stay.
    public static func encode(_ entry: String) -> String {
        var out: [UInt8] = []
        for b in entry.utf8 {
            if b == UInt8(ascii: "\\") { out += [b, b] }
            else if b <= 0x20 || b == 0x7F { out += Array(("\\" + String(repeating: "0", count: 3 - String(b, radix: 8).count) + String(b, radix: 8)).utf8) }
            else { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The inverse of `encode` (and of libedit's `strvis` for the escapes it writes: `\ooo`, `\\`,
    /// `\s`, `\t`, `\n`, `\M-x`, `\^x`).
    public static func decode(_ line: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        func isOctal(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x37 }
        while i < line.count {
            let c = line[i]
            guard c == UInt8(ascii: "\\"), i + 1 < line.count else { out.append(c); i += 1; continue }
            let n = line[i + 1]
            if isOctal(n) {
                var v = 0, j = i + 1
                while j < line.count, j < i + 4, isOctal(line[j]) { v = v * 8 + Int(line[j] - 0x30); j += 1 }
                out.append(UInt8(truncatingIfNeeded: v)); i = j
            } else if n == UInt8(ascii: "s") { out.append(0x20); i += 2 }
            else if n == UInt8(ascii: "t") { out.append(0x09); i += 2 }
            else if n == UInt8(ascii: "n") { out.append(0x0A); i += 2 }
            else if n == UInt8(ascii: "M"), i + 3 < line.count, line[i + 2] == UInt8(ascii: "-") { out.append(line[i + 3] | 0x80); i += 4 }
            else if n == UInt8(ascii: "^"), i + 2 < line.count { out.append(line[i + 2] == UInt8(ascii: "?") ? 0x7F : line[i + 2] & 0x1F); i += 3 }
            else { out.append(n); i += 2 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: files

    static func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let r = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if r < 0 { if errno == EINTR { continue }; throw FileAccessError("cannot read \(path): \(String(cString: strerror(errno)))") }
            if r == 0 { return out }
            out += buf[0..<r]
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var done = 0
        while done < bytes.count {
            let r = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if r < 0, errno == EINTR { continue }
            guard r > 0 else { throw FileAccessError("cannot write \(path): \(String(cString: strerror(r == 0 ? ENOSPC : errno)))") }
            done += r
        }
    }

    /// A temporary file beside `path`, fsynced, renamed over it, the folder fsynced; on failure the
    /// temporary file is removed and `path` is unchanged.
    static func replaceAtomically(path: String, bytes: [UInt8], mode: mode_t) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "" : dir + "/") + FileAccess.temporaryName(for: (path as NSString).lastPathComponent)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileAccessError("cannot trim \(path): \(String(cString: strerror(errno)))") }
        do {
            try writeAll(fd, bytes, path: path)
            if fsync(fd) != 0, errno != EINVAL { throw FileAccessError("cannot trim \(path): \(String(cString: strerror(errno)))") }
        } catch { close(fd); unlink(tmp); throw error }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let code = errno
            unlink(tmp)
            throw FileAccessError("cannot trim \(path): \(String(cString: strerror(code)))")
        }
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
