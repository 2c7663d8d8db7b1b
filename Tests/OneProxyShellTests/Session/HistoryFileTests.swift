import Foundation
import Testing
@testable import OneProxyShell

/// The terminal's history file: appends under a lock, refusal of a file that is not a history,
/// atomic trims, libedit's encoding.
@Suite("History file")
struct HistoryFileTests {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Two sessions typing at once (two writers, each with its own descriptor, appending
    /// concurrently) keep every entry of both. libedit's save rewrote the file from its own
    /// memory on every entry, so the last session to type kept only its own.
    @Test func twoWritersAppendingAtOnceKeepBothSessionsEntries() throws {
        let file = try folder().appendingPathComponent("history")
        let n = 1000
        let path = file.path
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            // Each writer is a session of its own: its own HistoryFile, its own descriptors.
            guard let h = try? HistoryFile(path: path) else { return }
            for i in 0..<n { try? h.append("show w\(w) entry \(i)") }
        }
        let saved = try lines(file)
        #expect(saved.first == HistoryFile.cookie)
        #expect(saved.filter { $0 == HistoryFile.cookie }.count == 1)
        #expect(saved.count == 2 * n + 1)
        for w in 0..<2 {
            let mine = saved.filter { $0.hasPrefix("show\\040w\(w)\\040") }.map { HistoryFile.decode(Array($0.utf8)) }
            #expect(mine == (0..<n).map { "show w\(w) entry \($0)" }, "writer \(w)'s entries, in order")
        }
        // A new session sees both, the newest last.
        let c = try HistoryFile(path: file.path, memory: 10)
        #expect(c.entries == saved.suffix(10).map { HistoryFile.decode(Array($0.utf8)) })
    }

    /// A file that is not a history is refused, never written, and left byte for byte.
    @Test func aFileThatIsNotAHistoryIsRefusedAndLeftAsItIs() throws {
        let dir = try folder()
        let notes = dir.appendingPathComponent("notes.txt")
        let text = "my notes\nline two\n"
        try text.write(to: notes, atomically: true, encoding: .utf8)
        #expect(throws: FileAccessError.self) { try HistoryFile(path: notes.path) }
        do { _ = try HistoryFile(path: notes.path) } catch {
            #expect("\(error)".contains("is not a oneproxy history file"))
            #expect("\(error)".contains("it was left as it is"))
        }
        #expect(try Data(contentsOf: notes) == Data(text.utf8))
        // A folder, a FIFO and a device are refused too (and the FIFO does not block).
        #expect(throws: FileAccessError.self) { try HistoryFile(path: dir.path) }
        let fifo = dir.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect(throws: FileAccessError.self) { try HistoryFile(path: fifo.path) }
        #expect(throws: FileAccessError.self) { try HistoryFile(path: "/dev/zero") }
        // An empty file is a history that has no entries yet.
        let empty = dir.appendingPathComponent("empty")
        #expect(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        let h = try HistoryFile(path: empty.path)
        try h.append("vars")
        #expect(try lines(empty) == [HistoryFile.cookie, "vars"])
    }

    /// A big history is never cut in place: below the bound it is only appended to; above it, it is
    /// trimmed atomically to the newest entries and the trim is reported.
    @Test func aBigHistoryIsTrimmedAtomicallyAndSaysSo() throws {
        let dir = try folder()
        let file = dir.appendingPathComponent("history")
        let count = 5000
        var text = HistoryFile.cookie + "\n"
        for i in 0..<count { text += "x\\040=\\040\(i)\n" }
        try text.write(to: file, atomically: true, encoding: .utf8)
        // Under the bound: read, not rewritten (the same inode), every line kept.
        var before = stat()
        stat(file.path, &before)
        let h = try HistoryFile(path: file.path, memory: 2000, trimAbove: count, keep: 100)
        #expect(h.note == nil)
        #expect(h.entries.count == 2000)
        #expect(h.entries.last == "x = \(count - 1)")
        try h.append("vars")
        var after = stat()
        stat(file.path, &after)
        #expect(before.st_ino == after.st_ino)
        #expect(try lines(file).count == count + 2)
        // Over the bound: replaced by a new file (a rename, not a truncation) holding the newest.
        let t = try HistoryFile(path: file.path, memory: 2000, trimAbove: count, keep: 100)
        #expect(t.note?.contains("held \(count + 1) entries; kept the newest 100") == true)
        var trimmed = stat()
        stat(file.path, &trimmed)
        #expect(trimmed.st_ino != after.st_ino)
        let kept = try lines(file)
        #expect(kept.first == HistoryFile.cookie)
        #expect(kept.count == 101)
        #expect(kept.last == "vars")
        #expect(kept[1] == "x\\040=\\040\(count - 99)")
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["history"])
    }

    /// Entries read back as typed; the file is libedit's format (an older history still loads).
    @Test func entriesRoundTripInLibeditsEncoding() throws {
        let samples = ["d = load \"a b.csv\"", "show é", "a\\b", "tab\there", "x"]
        for s in samples { #expect(HistoryFile.decode(Array(HistoryFile.encode(s).utf8)) == s) }
        #expect(HistoryFile.encode("d = load x") == "d\\040=\\040load\\040x")
        #expect(HistoryFile.encode("a\\b") == "a\\\\b")
        #expect(HistoryFile.decode(Array("a\\sb\\tc".utf8)) == "a b\tc")
    }
}
