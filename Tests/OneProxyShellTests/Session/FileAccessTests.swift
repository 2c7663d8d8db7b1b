import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// The session's one door to the file system: overwrite refusal, notes, atomic writes, paths in
/// saved scripts, content hashes.
@Suite("File access")
struct FileAccessTests {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func session(in dir: URL, policy: FilePolicy = .unrestricted) -> (Session, BufferSink) {
        let sink = BufferSink()
        let s = Session(settings: Settings(), sink: sink, files: FileAccess(policy: policy, workingFolder: dir.path,
                                                                          extraReadFolders: BundledFiles.folder.map { [$0.path] } ?? []))
        return (s, sink)
    }

    @Test func aFileTheSessionReadIsNotOverwrittenWithoutOverwriteTrue() throws {
        let dir = try folder()
        let (s, sink) = session(in: dir)
        #expect(s.run(source: "o = load help-ofa; export o \"mine.csv\"; u = load \"mine.csv\" name=mine", origin: "t"))
        let before = try String(contentsOf: dir.appendingPathComponent("mine.csv"), encoding: .utf8)
        #expect(!s.run(source: "export u \"mine.csv\"", origin: "t"))
        #expect(sink.stderr.contains("t:1:10: error: refused to overwrite mine.csv: this session read it"))
        #expect(sink.stderr.contains("add overwrite=true to replace it"))
        #expect(try String(contentsOf: dir.appendingPathComponent("mine.csv"), encoding: .utf8) == before)
        #expect(s.run(source: "export u \"mine.csv\" overwrite=true", origin: "t"))
        #expect(sink.stderr.contains("note: replaced the existing file mine.csv"))
    }

    @Test func anotherExistingFileIsReplacedWithANoteSoAScriptReplaysTwice() throws {
        let dir = try folder()
        let script = "o = load help-ofa; export o \"o.csv\"; save \"s\"; notebook \"page.html\"\n"
        try script.write(to: dir.appendingPathComponent("make.ops"), atomically: true, encoding: .utf8)
        for round in 0..<2 {
            let (s, sink) = session(in: dir)
            s.sessionsFolder = "sessions"
            #expect(s.run(source: "run \"make.ops\"", origin: "t"), "\(sink.stderr)")
            let notes = ["replaced the existing file o.csv", "replaced the existing file sessions/s.ops", "replaced the existing file page.html"]
            for n in notes { #expect(sink.stderr.contains(n) == (round == 1), "\(round): \(sink.stderr)") }
        }
        // The script being run is never overwritten without overwrite=true.
        try "o = load help-ofa; save \"./make.ops\"\n".write(to: dir.appendingPathComponent("make.ops"), atomically: true, encoding: .utf8)
        let (s, sink) = session(in: dir)
        #expect(!s.run(source: "run \"make.ops\"", origin: "t"))
        #expect(sink.stderr.contains("refused to overwrite ./make.ops"))
    }

    @Test func aFailedWriteIsLocatedAndLeavesTheOldFile() throws {
        let dir = try folder()
        let (s, sink) = session(in: dir)
        #expect(s.run(source: "o = load help-ofa", origin: "t"))
        // A folder where the file should be (with a file inside that must survive).
        let blocker = dir.appendingPathComponent("out.csv")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
        try "keep".write(to: blocker.appendingPathComponent("inside"), atomically: true, encoding: .utf8)
        #expect(!s.run(source: "export o \"out.csv\"", origin: "t"))
        #expect(sink.stderr.contains("t:1:10: error: cannot write out.csv: a folder is in its place"))
        #expect(try String(contentsOf: blocker.appendingPathComponent("inside"), encoding: .utf8) == "keep")
        // A path whose parent is a regular file: the folder cannot be made.
        try "old".write(to: dir.appendingPathComponent("plain"), atomically: true, encoding: .utf8)
        #expect(!s.run(source: "save \"plain/x.ops\"", origin: "t"))
        #expect(sink.stderr.contains("t:1:6: error: cannot write plain/x.ops: cannot create the folder"))
        #expect(try String(contentsOf: dir.appendingPathComponent("plain"), encoding: .utf8) == "old")
        // The rename fails (a non-empty folder cannot be replaced by a file): the old content
        // stays, no temporary file is left behind.
        let files = FileAccess(workingFolder: dir.path)
        #expect(throws: FileAccessError.self) { try files.write("new", to: "out.csv") }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func writesAreAtomicAndKeepTheMode() throws {
        let dir = try folder()
        let files = FileAccess(workingFolder: dir.path)
        let target = dir.appendingPathComponent("a/b/c.txt")
        #expect(try files.write("one", to: "a/b/c.txt").replaced == false)
        chmod(target.path, 0o600)
        #expect(try files.write("two", to: "a/b/c.txt").replaced == true)
        #expect(try String(contentsOf: target, encoding: .utf8) == "two")
        let mode = (try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test func pathsResolveLexicallyAndRelativeToAFolder() {
        #expect(FileAccess.standardize("/a/./b/../c//d") == "/a/c/d")
        #expect(FileAccess.relative("/w/data/mine.csv", from: "/w/sessions") == "../data/mine.csv")
        #expect(FileAccess.relative("/w/sessions/x.csv", from: "/w/sessions") == "x.csv")
        let files = FileAccess(workingFolder: "/w")
        #expect(files.absolute("x.csv") == "/w/x.csv")
        #expect(files.absolute("x.csv", base: "/s/f") == "/s/f/x.csv")
        #expect(files.absolute("/abs/x.csv", base: "/s/f") == "/abs/x.csv")
    }

    @Test func safeRefusesReadsAndWritesOutsideTheWorkingFolder() throws {
        let outside = try folder()
        let dir = outside.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "x".write(to: outside.appendingPathComponent("secret.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link").path, withDestinationPath: outside.path)
        let (s, sink) = session(in: dir, policy: .safe)
        #expect(s.run(source: "o = load help-ofa", origin: "t"), "bundled data is readable")
        let refused = [
            ("u = load \"../secret.csv\"", "refused to read ../secret.csv"),
            ("u = load \"\(outside.path)/secret.csv\"", "refused to read \(outside.path)/secret.csv"),
            ("u = load \"link/secret.csv\"", "refused to read link/secret.csv"),
            ("export o \"../o.csv\"", "refused to write ../o.csv"),
            ("export o \"sub/../../o.csv\"", "refused to write sub/../../o.csv"),
            ("save \"/tmp/oneproxy-safe-\(UUID().uuidString).ops\"", "refused to write /tmp/oneproxy-safe-"),
            ("run \"../x.ops\"", "refused to read ../x.ops"),
        ]
        for (statement, message) in refused {
            #expect(!s.run(source: statement, origin: "t"), "\(statement)")
            #expect(sink.stderr.contains("error: --safe: \(message)"), "\(statement): \(sink.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("o.csv").path))
        #expect(s.run(source: "export o \"sub/o.csv\"; u = load \"sub/o.csv\"", origin: "t"), "\(sink.stderr)")
    }

    @Test func savedPathsAreRelativeToTheScriptWithHashesAndAChangedFileWarns() throws {
        let dir = try folder()
        let (s, _) = session(in: dir)
        s.sessionsFolder = "sessions"
        #expect(s.run(source: "o = load help-ofa; export o \"data/mine.csv\"; u = load \"data/mine.csv\" name=mine; save \"kept\"", origin: "t"))
        let bytes = try Data(contentsOf: dir.appendingPathComponent("data/mine.csv"))
        let script = try String(contentsOf: dir.appendingPathComponent("sessions/kept.ops"), encoding: .utf8)
        #expect(script.contains("u = load \"../data/mine.csv\" sha256=\(sha256Hex(bytes)) name=mine"), "\(script)")

        // Replayed from another working folder: the path resolves against the script's folder.
        let elsewhere = try folder()
        let (r, rsink) = session(in: elsewhere)
        #expect(r.run(source: "run \"\(dir.path)/sessions/kept.ops\"", origin: "t"), "\(rsink.stderr)")
        #expect(r.value(of: "u")?.summary.contains("mine: 5000 architectures") == true)
        #expect(!rsink.stderr.contains("changed since"))
        // Saving again keeps one hash, relative to the new script's folder.
        #expect(r.run(source: "save \"./again.ops\"", origin: "t"))
        let again = try String(contentsOf: elsewhere.appendingPathComponent("again.ops"), encoding: .utf8)
        #expect(again.components(separatedBy: "sha256=").count == 2, "\(again)")
        #expect(again.contains("load \"\(FileAccess.relative(dir.path + "/data/mine.csv", from: elsewhere.path))\""), "\(again)")

        // The file changes: the replay warns and names it.
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "\n", with: "\r\n")
        try text.write(to: dir.appendingPathComponent("data/mine.csv"), atomically: true, encoding: .utf8)
        let (c, csink) = session(in: elsewhere)
        #expect(c.run(source: "run \"\(dir.path)/sessions/kept.ops\"", origin: "t"))
        #expect(csink.stderr.contains("warning: ../data/mine.csv changed since the script was saved (\(dir.path)/data/mine.csv)"), "\(csink.stderr)")

        // The file is gone: the error says where it looked.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data"))
        let (m, msink) = session(in: elsewhere)
        #expect(!m.run(source: "run \"\(dir.path)/sessions/kept.ops\"", origin: "t"))
        #expect(msink.stderr.contains("error: no such file: ../data/mine.csv (looked in \(dir.path)/data)"), "\(msink.stderr)")
        #expect(msink.stderr.contains("kept.ops:4:10"), "the error points into the script")
    }

    /// A write's temporary file is named recognisably, and the ones a kill -9 left are removed the
    /// next time a session writes in that folder: only files by that pattern, only stale ones
    /// (their process gone and over a minute old, or over a day old), nothing else.
    @Test func staleTemporaryFilesAreRecognisedAndRemoved() throws {
        let dir = try folder()
        func make(_ name: String, age: TimeInterval) throws {
            let url = dir.appendingPathComponent(name)
            try Data("partial".utf8).write(to: url)
            let t = Date().addingTimeInterval(-age)
            try FileManager.default.setAttributes([.modificationDate: t], ofItemAtPath: url.path)
        }
        let gone = Int32.max - 1 // above any pid_max: no such process
        let stale = ".x.csv\(FileAccess.temporaryMarker)\(gone)-1f2e3d"
        let fresh = ".y.csv\(FileAccess.temporaryMarker)\(gone)-abc"
        let live = ".z.csv\(FileAccess.temporaryMarker)\(getppid())-abc"
        let ancient = ".w.csv\(FileAccess.temporaryMarker)\(getppid())-abc"
        let others = [".notes.tmp", ".x.csv.oneproxy-tmp-", ".x.csv.oneproxy-tmp-12-zz", "x.csv.oneproxy-tmp-1-2"]
        try make(stale, age: 3600)
        try make(fresh, age: 5)
        try make(live, age: 3600)
        try make(ancient, age: 3 * 24 * 3600)
        for o in others { try make(o, age: 3 * 24 * 3600) }
        #expect(FileAccess.temporaryOwner(stale) == gone)
        #expect(FileAccess.temporaryOwner(FileAccess.temporaryName(for: "a.csv")) == getpid())
        for o in others { #expect(FileAccess.temporaryOwner(o) == nil, "\(o)") }
        for policy in [FilePolicy.unrestricted, .safe] {
            let (s, _) = session(in: dir, policy: policy)
            #expect(s.run(source: "o = load help-ofa; export o \"out.csv\" overwrite=true", origin: "t"))
        }
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        #expect(!left.contains(stale))
        #expect(!left.contains(ancient))
        #expect(left.isSuperset(of: [fresh, live, "out.csv"] + others))
        #expect(left.filter { FileAccess.temporaryOwner($0) == getpid() }.isEmpty, "the write left no temporary file")
    }

    /// Under --safe the stale ones are found through the folder's descriptor too.
    @Test func staleTemporaryFilesAreRemovedUnderSafe() throws {
        let dir = try folder()
        let name = ".a.csv\(FileAccess.temporaryMarker)\(Int32.max - 1)-ff"
        let url = dir.appendingPathComponent("sub").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: url)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-600)], ofItemAtPath: url.path)
        let (s, _) = session(in: dir, policy: .safe)
        #expect(s.run(source: "o = load help-ofa; export o \"sub/a.csv\"", origin: "t"))
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    /// A write never replaces a FIFO, a device or a socket with a file (export to /dev/null as
    /// root renamed a CSV over the device), under either policy; an append to a FIFO does not block.
    @Test func aWriteNeverReplacesAFIFOOrADevice() throws {
        let dir = try folder()
        let fifo = dir.appendingPathComponent("p.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for policy in [FilePolicy.unrestricted, .safe] {
            let (s, sink) = session(in: dir, policy: policy)
            #expect(s.run(source: "o = load help-ofa", origin: "t"))
            #expect(!s.run(source: "export o \"p.csv\"", origin: "t"))
            #expect(sink.stderr.contains("cannot write p.csv: it is a pipe (FIFO), not a regular file; nothing was written"), "\(sink.stderr)")
            var st = stat()
            #expect(lstat(fifo.path, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO, "the FIFO is still there")
        }
        let files = FileAccess(workingFolder: dir.path)
        #expect(throws: FileAccessError.self) { try files.append("x\n", to: "p.csv") }
        #expect(throws: FileAccessError.self) { try files.write("x", to: "/dev/null") }
    }
}
