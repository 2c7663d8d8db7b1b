import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// `load "big.csv"` maps a large file under a read lease instead of reading it into memory: the
/// dataset is the same, and while the loader holds the text a writer cannot open the file (so it
/// can never be truncated under the map).
@Suite("large files are mapped under a read lease")
struct MappedLoadTests {
    /// A valid CSV of about 20 MiB (over `FileAccess.mapBytes`): unique keys, three devices.
    static func largeCSV() -> [UInt8] {
        var out = Array("key,a_ms,b_ms,c_ms\n".utf8)
        out.reserveCapacity(21 << 20)
        var r = 0
        while out.count < FileAccess.mapBytes + (1 << 20) {
            out += Array("m\(r),\(1 + r % 97).25,\(2 + r % 89).5,\(3 + r % 83)\n".utf8)
            r += 1
        }
        return out
    }

    @Test func largeFileIsMappedAndAWriterWaits() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("big.csv")
        let bytes = Self.largeCSV()
        try Data(bytes).write(to: file)
        // Whether this file system grants leases at all (else `text` reads, as it must).
        let probe = open(file.path, O_RDONLY | O_CLOEXEC)
        let leases = FileAccess.takeReadLease(probe)
        close(probe)

        let access = FileAccess(workingFolder: folder.path)
        var (text, _) = try access.text(file.path)
        #expect(text.isMapped == leases)
        #expect(text.count == bytes.count)
        let viaText = try loadCSV(text: text, file: "big.csv", name: "big")
        let viaBytes = try loadCSV(bytes: bytes, file: "big.csv", name: "big")
        #expect(viaText.0 == viaBytes.0 && viaText.1 == viaBytes.1)
        #expect(try sha256Hex(text, cancellation: .never) == sha256Hex(bytes))
        if leases {
            // A writer's open fails at once (non-blocking) while the lease is held ...
            let blocked = open(file.path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            let code = errno
            #expect(blocked < 0 && code == EWOULDBLOCK, "open for writing: \(blocked), errno \(code)")
            if blocked >= 0 { close(blocked) }
        }
        // ... and succeeds once the text is gone (which closes the file and ends the lease).
        text = CSVText([])
        // (A process another test starts meanwhile holds a copy of every descriptor from its fork
        // to its exec, which closes ours: a few milliseconds at most.)
        var writer = open(file.path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        for _ in 0..<100 where writer < 0 && errno == EWOULDBLOCK {
            usleep(10_000)
            writer = open(file.path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        }
        #expect(writer >= 0, "open for writing after: errno \(errno)")
        if writer >= 0 { close(writer) }
        // A small file is read into memory.
        let small = folder.appendingPathComponent("small.csv")
        try Data("key,a_ms\nx,1\n".utf8).write(to: small)
        #expect(try access.text(small.path).text.isMapped == false)
    }

    @Test func theShellLoadsAMappedFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = Self.largeCSV()
        try Data(bytes).write(to: folder.appendingPathComponent("big.csv"))
        let session = Session(sink: BufferSink(), files: FileAccess(workingFolder: folder.path))
        #expect(session.run(source: "u = load \"big.csv\"", origin: "t"))
        let d = try #require((session.value(of: "u") as? DatasetValue)?.dataset)
        #expect(d.rowCount == (bytes.filter { $0 == 0x0A }.count - 1))
        #expect(d.devices.map(\.name) == ["a", "b", "c"])
        #expect(session.inputs.last?.sha256 == sha256Hex(bytes))
    }
}
