import Foundation
import OneProxyKit

/// What a session may touch on disk (DESIGN.md section 5).
public enum FilePolicy: String, Sendable {
    /// Any path the user names.
    case unrestricted
    /// `--safe`, for replaying someone else's script: reads only under the working folder and the
    /// bundled data, writes only under the working folder; `..` or an absolute path that leads out
    /// of it is refused.
    case safe
}

/// A file error a user can act on: what was refused or failed, and why. Commands turn it into a
/// diagnostic pointing at the path argument.
public struct FileAccessError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The session's one door to the file system: every read and write of a command goes through it.
///
/// Guarantees:
/// - `write` is atomic: the text goes to a temporary file in the target's folder, is flushed, and is
///   renamed over the target; on any failure (an unwritable folder, a full disk, a folder in the
///   target's place) the temporary file is removed and the old file is left as it was.
/// - `write` refuses to replace a file this session read (a loaded CSV, a script being run) unless
///   `overwrite` is true; replacing any other existing file is allowed and reported (`replaced`).
/// - Under `.safe`, every path is resolved (lexically, then through symbolic links of the part that
///   exists) before it is checked, so neither `..` nor a link leads out of the allowed folders.
public final class FileAccess {
    public let policy: FilePolicy
    /// The folder typed and `-c` paths are relative to (absolute).
    public let workingFolder: String
    /// Folders `.safe` also lets the session read (the bundled data).
    public var extraReadFolders: [String]
    /// Canonical paths of the files this session read.
    public private(set) var readPaths: Set<String> = []
    /// Folders whose stale temporary files this session has already removed.
    private var cleanedFolders: Set<String> = []

    public init(policy: FilePolicy = .unrestricted, workingFolder: String? = nil, extraReadFolders: [String] = []) {
        self.policy = policy
        let wf = workingFolder ?? FileManager.default.currentDirectoryPath
        self.workingFolder = FileAccess.standardize(wf.hasPrefix("/") ? wf : FileManager.default.currentDirectoryPath + "/" + wf)
        self.extraReadFolders = extraReadFolders.map { FileAccess.canonical(FileAccess.standardize($0)) }
    }

    // MARK: paths

    /// `path` made absolute against `base` (default: the working folder), with `.` and `..`
    /// removed lexically. `~/` is the home folder.
    public func absolute(_ path: String, base: String? = nil) -> String {
        var p = path
        if p == "~" || p.hasPrefix("~/") { p = homeFolder() + p.dropFirst() }
        if !p.hasPrefix("/") { p = (base ?? workingFolder) + "/" + p }
        return FileAccess.standardize(p)
    }

    /// Removes `.`, `..` and repeated slashes without touching the disk.
    static func standardize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The path with symbolic links resolved in the longest prefix that exists (the rest kept).
    static func canonical(_ absolutePath: String) -> String {
        var head = absolutePath
        var tail: [String] = []
        while head != "/" {
            if let r = realpath(head, nil) {
                let resolved = String(cString: r)
                free(r)
                return standardize(([resolved] + tail.reversed()).joined(separator: "/"))
            }
            tail.append((head as NSString).lastPathComponent)
            head = (head as NSString).deletingLastPathComponent
        }
        return absolutePath
    }

    /// `target` relative to the folder `from` (both absolute), e.g. `../data/mine.csv`.
    public static func relative(_ target: String, from folder: String) -> String {
        let t = standardize(target).split(separator: "/"), f = standardize(folder).split(separator: "/")
        var k = 0
        while k < t.count, k < f.count, t[k] == f[k] { k += 1 }
        let up = Array(repeating: "..", count: f.count - k)
        let rest = t[k...].map(String.init)
        let parts = up + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder + "/")
    }

    /// Under `.safe`: an error unless `absolutePath` (resolved through links) lies in an allowed folder.
    func check(_ absolutePath: String, shown: String, writing: Bool) throws {
        guard policy == .safe else { return }
        let real = FileAccess.canonical(absolutePath)
        let root = FileAccess.canonical(workingFolder)
        if FileAccess.isInside(real, root) { return }
        if !writing, extraReadFolders.contains(where: { FileAccess.isInside(real, $0) }) { return }
        throw FileAccessError("--safe: refused to \(writing ? "write" : "read") \(shown): it is outside the working folder \(root)"
            + (writing ? "" : " and the bundled data"))
    }

    // MARK: reading

    /// The bytes of the file at `path` (relative to `base`, default the working folder), and its
    /// absolute path. The file counts as read by this session from then on.
    ///
    /// Errors say which folder a missing file was looked for in.
    public func read(_ path: String, base: String? = nil, checked: Bool = true, cancellation: Cancellation = .never) throws -> (bytes: [UInt8], path: String) {
        let (fd, abs) = try openForReading(path, base: base, checked: checked)
        defer { close(fd) }
        return (try readAll(fd, path: path, abs: abs, cancellation: cancellation), abs)
    }

    /// The text of the file at `path` for the loader, checked and opened as `read` does. A file of
    /// at least `mapBytes` is memory-mapped under a read lease (`F_SETLEASE`): a process that
    /// opens it for writing or truncates it waits until the text is gone (at most the kernel's
    /// lease-break time, 45 s by default), so the map never loses a page under the loader. Where
    /// no lease can be had (another writer has it open, a file system without leases, a file of
    /// another owner) and for smaller files, the bytes are read into memory.
    public func text(_ path: String, base: String? = nil, checked: Bool = true, cancellation: Cancellation = .never) throws -> (text: CSVText, path: String) {
        let (fd, abs) = try openForReading(path, base: base, checked: checked)
        var st = stat()
        if fstat(fd, &st) == 0, Int(st.st_size) >= FileAccess.mapBytes, FileAccess.takeReadLease(fd), fstat(fd, &st) == 0 {
            let text = try CSVText(mapping: fd, size: Int(st.st_size))  // owns fd (and the lease) from here
            readPaths.insert(FileAccess.canonical(abs))
            return (text, abs)
        }
        defer { close(fd) }
        return (CSVText(try readAll(fd, path: path, abs: abs, cancellation: cancellation)), abs)
    }

    /// Files from this size on are mapped by `text` (16 MiB: below it, reading costs a few
    /// milliseconds and the memory saved is small).
    public static let mapBytes = 16 << 20

    /// A read lease on `fd`, with SIGIO (the lease-break signal) ignored: the shell answers a
    /// break by finishing the load and closing the file.
    static func takeReadLease(_ fd: Int32) -> Bool {
        #if os(Linux)
        _ = ignoreLeaseBreakSignal
        // F_SETLEASE is F_LINUX_SPECIFIC_BASE (1024) + 0, which Glibc exports only under _GNU_SOURCE.
        return fcntl(fd, 1024, Int32(F_RDLCK)) == 0
        #else
        return false
        #endif
    }

    private static let ignoreLeaseBreakSignal: Void = { _ = signal(SIGIO, SIG_IGN) }()

    /// Opens a regular file for reading after the policy check: the descriptor (the caller closes
    /// it) and the absolute path.
    private func openForReading(_ path: String, base: String?, checked: Bool) throws -> (Int32, String) {
        let abs = absolute(path, base: base)
        if checked { try check(abs, shown: path, writing: false) }
        guard !path.contains("\0") else { throw FileAccessError("a path cannot hold a NUL character") }
        // O_NONBLOCK: opening a FIFO with no writer would block forever; it is refused below.
        // O_CLOEXEC: a process started meanwhile (measure's harness) must not keep the file open,
        // nor a lease on it.
        let fd = open(abs, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT {
                let folder = (abs as NSString).deletingLastPathComponent
                throw FileAccessError("no such file: \(path) (looked in \(folder))")
            }
            throw FileAccessError("cannot read \(path): \(String(cString: strerror(code)))")
        }
        var st = stat()
        do {
            guard fstat(fd, &st) == 0 else { throw FileAccessError("cannot read \(path): \(String(cString: strerror(errno)))") }
            if st.st_mode & S_IFMT == S_IFDIR { throw FileAccessError("cannot read \(path): it is a folder") }
            // Only regular files: a FIFO blocks, /dev/zero and /dev/urandom never end.
            guard st.st_mode & S_IFMT == S_IFREG else {
                throw FileAccessError("cannot read \(path): not a regular file (a pipe, a device or a socket); copy it to a file first")
            }
            guard Int64(st.st_size) <= FileAccess.maximumReadBytes else {
                throw FileAccessError("cannot read \(path): \(st.st_size / (1 << 20)) MiB is over the \(FileAccess.maximumReadBytes >> 30) GiB a file may have here")
            }
        } catch {
            close(fd)
            throw error
        }
        // Back to blocking reads (O_NONBLOCK was for the open).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return (fd, abs)
    }

    /// The bytes of an open regular file, read as `read` describes.
    private func readAll(_ fd: Int32, path: String, abs: String, cancellation: Cancellation) throws -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileAccessError("cannot read \(path): \(String(cString: strerror(errno)))") }
        // Straight into the array for the size fstat gave (no chunk copied twice), 8 MiB per read so
        // Ctrl-C stops a large file within a few milliseconds; a file that grew meanwhile is read
        // on in chunks.
        let size = Int(st.st_size)
        var readError: Int32 = 0, cancelled = false
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { b, n in
            n = 0
            while n < size {
                if cancellation.isCancelled() { cancelled = true; return }
                let r = Foundation.read(fd, b.baseAddress! + n, min(size - n, 8 << 20))
                if r < 0 { if errno == EINTR { continue }; readError = errno; return }
                if r == 0 { return }
                n += r
            }
        }
        if cancelled { throw CancellationError() }
        if readError != 0 { throw FileAccessError("cannot read \(path): \(String(cString: strerror(readError)))") }
        if bytes.count == size {
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let r = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
                if r < 0 {
                    if errno == EINTR { continue }
                    throw FileAccessError("cannot read \(path): \(String(cString: strerror(errno)))")
                }
                if r == 0 { break }
                bytes.append(contentsOf: chunk[0..<r])
            }
        }
        readPaths.insert(FileAccess.canonical(abs))
        return bytes
    }

    /// The largest file `read` takes (4 GiB): its numbers alone would need several times that in
    /// memory, and a sparse 40 GB file would abort the process.
    public static let maximumReadBytes: Int64 = 4 << 30

    /// Whether a file exists at `path` (relative to `base`).
    public func exists(_ path: String, base: String? = nil) -> Bool {
        FileManager.default.fileExists(atPath: absolute(path, base: base))
    }

    /// Marks a file as read by this session (the script given on the command line).
    public func noteRead(_ absolutePath: String) { readPaths.insert(FileAccess.canonical(absolutePath)) }

    // MARK: writing

    /// Writes `text` to `path` (relative to `base`) atomically, creating missing folders. Returns the
    /// absolute path and whether an existing file was replaced.
    @discardableResult
    public func write(_ text: String, to path: String, base: String? = nil, overwrite: Bool = false) throws -> (path: String, replaced: Bool) {
        guard !path.contains("\0") else { throw FileAccessError("a path cannot hold a NUL character") }
        let abs = absolute(path, base: base)
        try check(abs, shown: path, writing: true)
        var isDir: ObjCBool = false
        let existed = FileManager.default.fileExists(atPath: abs, isDirectory: &isDir)
        if existed && isDir.boolValue { throw FileAccessError("cannot write \(path): a folder is in its place") }
        // A device, a FIFO or a socket is never replaced by a file (as root, export to /dev/null
        // renamed a CSV over the device).
        var target = stat()
        if existed, stat(abs, &target) == 0, target.st_mode & S_IFMT != S_IFREG {
            throw FileAccessError("cannot write \(path): it is \(FileAccess.kindName(target.st_mode)), not a regular file; nothing was written")
        }
        if existed, !overwrite, readPaths.contains(FileAccess.canonical(abs)) {
            throw FileAccessError("refused to overwrite \(path): this session read it (a loaded file or a script being run); add overwrite=true to replace it")
        }
        if policy == .safe {
            try writeInsideWorkingFolder(Array(text.utf8), abs: abs, shown: path)
            return (abs, existed)
        }
        let dir = (abs as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw FileAccessError("cannot write \(path): cannot create the folder \(dir) (\(errorText(error)))")
        }
        removeStaleTemporariesOnce(folder: dir)
        let tmp = dir + "/" + FileAccess.temporaryName(for: (abs as NSString).lastPathComponent)
        var mode: mode_t = 0o644
        var st = stat()
        if existed, stat(abs, &st) == 0 { mode = st.st_mode & 0o7777 }
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw FileAccessError("cannot write \(path): \(String(cString: strerror(errno)))") }
        func fail(_ code: Int32) -> FileAccessError {
            close(fd)
            unlink(tmp)
            return FileAccessError("cannot write \(path): \(String(cString: strerror(code)))" + (existed ? "; the old file is unchanged" : ""))
        }
        let bytes = Array(text.utf8)
        var done = 0
        let count = bytes.count
        while done < count {
            let r = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, count - done) }
            if r < 0 {
                if errno == EINTR { continue }
                throw fail(errno)
            }
            if r == 0 { throw fail(ENOSPC) }
            done += r
        }
        if fsync(fd) != 0, errno != EINVAL { throw fail(errno) }
        if close(fd) != 0 { let code = errno; unlink(tmp); throw FileAccessError("cannot write \(path): \(String(cString: strerror(code)))") }
        if rename(tmp, abs) != 0 {
            let code = errno
            unlink(tmp)
            throw FileAccessError("cannot write \(path): \(String(cString: strerror(code)))" + (existed ? "; the old file is unchanged" : ""))
        }
        // The rename is durable once the folder is synced too.
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
        return (abs, existed)
    }

    /// `--safe`'s write, immune to a folder swapped for a link while it runs: every folder from
    /// the working folder down is opened by descriptor with `O_NOFOLLOW` (a link is refused, a
    /// missing folder made with `mkdirat`), the temporary file is created with `openat` in the last
    /// one, renamed with `renameat` within it, and the folder is fsynced. Nothing is resolved by
    /// path after the check, so a swap between the check and the write cannot redirect it.
    private func writeInsideWorkingFolder(_ bytes: [UInt8], abs: String, shown: String) throws {
        let root = workingFolder
        guard abs.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw FileAccessError("--safe: refused to write \(shown): it is outside the working folder \(root)")
        }
        let parts = abs.dropFirst(root == "/" ? 1 : root.count + 1).split(separator: "/").map(String.init)
        guard let name = parts.last, !name.isEmpty else { throw FileAccessError("cannot write \(shown): no file name") }
        var dirfd = open(root, O_RDONLY | O_DIRECTORY)
        guard dirfd >= 0 else { throw FileAccessError("cannot write \(shown): \(String(cString: strerror(errno)))") }
        defer { close(dirfd) }
        for part in parts.dropLast() {
            var next = openat(dirfd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            if next < 0, errno == ENOENT {
                _ = mkdirat(dirfd, part, 0o755)
                next = openat(dirfd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            }
            guard next >= 0 else {
                let code = errno
                throw FileAccessError(code == ELOOP || code == ENOTDIR
                    ? "--safe: refused to write \(shown): \(part) is a link or not a folder (links are not followed under --safe)"
                    : "cannot write \(shown): \(String(cString: strerror(code)))")
            }
            close(dirfd)
            dirfd = next
        }
        let folder = (abs as NSString).deletingLastPathComponent
        if !cleanedFolders.contains(folder) {
            cleanedFolders.insert(folder)
            FileAccess.removeStaleTemporaries(folderFD: dirfd)
        }
        let tmp = FileAccess.temporaryName(for: name)
        var mode: mode_t = 0o644
        var st = stat()
        if fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 {
            let kind = st.st_mode & S_IFMT
            guard kind == S_IFREG || kind == S_IFLNK else {
                throw FileAccessError("cannot write \(shown): it is \(FileAccess.kindName(st.st_mode)), not a regular file; nothing was written")
            }
            if kind == S_IFREG { mode = st.st_mode & 0o7777 }
        }
        let fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw FileAccessError("cannot write \(shown): \(String(cString: strerror(errno)))") }
        var done = 0
        while done < bytes.count {
            let r = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if r < 0, errno == EINTR { continue }
            guard r > 0 else {
                let code = r == 0 ? ENOSPC : errno
                close(fd); unlinkat(dirfd, tmp, 0)
                throw FileAccessError("cannot write \(shown): \(String(cString: strerror(code)))")
            }
            done += r
        }
        if fsync(fd) != 0, errno != EINVAL { let code = errno; close(fd); unlinkat(dirfd, tmp, 0); throw FileAccessError("cannot write \(shown): \(String(cString: strerror(code)))") }
        close(fd)
        guard renameat(dirfd, tmp, dirfd, name) == 0 else {
            let code = errno
            unlinkat(dirfd, tmp, 0)
            throw FileAccessError("cannot write \(shown): \(String(cString: strerror(code)))")
        }
        _ = fsync(dirfd)
    }

    /// Appends `text` to `path` (relative to `base`), creating the file (and its folders) when
    /// missing; the policy is checked as for `write`. One `write(2)` per call on an `O_APPEND`
    /// descriptor, then `fsync`, so lines appended by a run that is killed are whole or absent
    /// unless the disk fills mid-line (a reader then finds a last line without its newline, which
    /// `measure` repairs atomically before it resumes). Returns the absolute path.
    @discardableResult
    public func append(_ text: String, to path: String, base: String? = nil) throws -> String {
        guard !path.contains("\0") else { throw FileAccessError("a path cannot hold a NUL character") }
        let abs = absolute(path, base: base)
        try check(abs, shown: path, writing: true)
        let dir = (abs as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw FileAccessError("cannot write \(path): cannot create the folder \(dir) (\(errorText(error)))")
        }
        // O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) instead of blocking.
        let fd = open(abs, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK, 0o644)
        guard fd >= 0 else { throw FileAccessError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode & S_IFMT != S_IFREG { throw FileAccessError("cannot write \(path): not a regular file") }
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let r = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if r < 0 {
                if errno == EINTR { continue }
                throw FileAccessError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            if r == 0 { throw FileAccessError("cannot write \(path): \(String(cString: strerror(ENOSPC)))") }
            done += r
        }
        if fsync(fd) != 0, errno != EINVAL { throw FileAccessError("cannot write \(path): \(String(cString: strerror(errno)))") }
        return abs
    }
}

// MARK: temporary files

extension FileAccess {
    /// The marker in every temporary file a write makes: `.NAME.oneproxy-tmp-PID-RANDOM`, hidden,
    /// beside its target, so one left by a kill -9 is recognisable (and removed later).
    public static let temporaryMarker = ".oneproxy-tmp-"
    /// A temporary file left this long is stale even when its process id is in use again.
    public static let staleTemporaryAge: TimeInterval = 24 * 3600
    /// A temporary file whose process is gone is stale after this long (a write in progress of a
    /// process that reused the id is younger).
    public static let orphanTemporaryAge: TimeInterval = 60

    /// What a file that is not regular is, for messages.
    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a pipe (FIFO)"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a link"
        default: return "not a regular file"
        }
    }

    static func temporaryName(for name: String) -> String {
        "." + name + temporaryMarker + "\(getpid())-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// The owner's process id when `name` is one of our temporary files, else nil.
    static func temporaryOwner(_ name: String) -> Int32? {
        guard name.hasPrefix("."), let r = name.range(of: temporaryMarker, options: .backwards), r.lowerBound > name.index(after: name.startIndex) else { return nil }
        let tail = name[r.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard tail.count == 2, let pid = Int32(tail[0]), pid > 0, !tail[1].isEmpty, UInt32(tail[1], radix: 16) != nil else { return nil }
        return pid
    }

    /// Removes, in the folder open as `folderFD`, the temporary files writes left behind: only
    /// regular files named by `temporaryName`, and only those older than `staleTemporaryAge`, or
    /// older than `orphanTemporaryAge` when their process is gone. Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaries(folderFD: Int32, now: Date = Date()) -> [String] {
        let fd = dup(folderFD)
        guard fd >= 0, let dir = fdopendir(fd) else { if fd >= 0 { close(fd) }; return [] }
        defer { closedir(dir) }
        var removed: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = temporaryOwner(name) else { continue }
            var st = stat()
            guard fstatat(folderFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
            let age = now.timeIntervalSince1970 - Double(st.st_mtim.tv_sec)
            let ownerGone = pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
            if age > staleTemporaryAge || (ownerGone && age > orphanTemporaryAge) {
                if unlinkat(folderFD, name, 0) == 0 { removed.append(name) }
            }
        }
        return removed
    }

    /// `removeStaleTemporaries` in a folder named by path (once per folder per session).
    @discardableResult
    public func removeStaleTemporariesOnce(folder: String) -> [String] {
        guard !cleanedFolders.contains(folder) else { return [] }
        cleanedFolders.insert(folder)
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        return FileAccess.removeStaleTemporaries(folderFD: fd)
    }
}

/// The home folder: `$HOME` when set (as a shell does), else the account's.
public func homeFolder() -> String {
    if let h = ProcessInfo.processInfo.environment["HOME"], !h.isEmpty { return h }
    return NSHomeDirectory()
}
