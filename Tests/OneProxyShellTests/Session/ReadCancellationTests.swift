import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Counts cancellation checks and answers true from the `after`-th on.
private final class CheckCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var checks = 0
    let after: Int
    init(after: Int) { self.after = after }
    func next() -> Bool { lock.lock(); defer { lock.unlock() }; checks += 1; return checks > after }
    var count: Int { lock.lock(); defer { lock.unlock() }; return checks }
}

/// Ctrl-C during `load "big.csv"`: the read and the SHA-256 check for it every 8 MiB, so a large
/// file stops within one piece instead of at the end.
@Suite("reading and hashing a large file stop on Ctrl-C")
struct ReadCancellationTests {
    @Test func readingStopsAtTheNextPiece() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("big.csv")
        try Data(count: 40 << 20).write(to: file)
        let access = FileAccess(workingFolder: folder.path)
        // Uncancelled: every byte, in 5 pieces of 8 MiB (5 checks).
        let all = CheckCounter(after: .max)
        #expect(try access.read(file.path, cancellation: Cancellation { all.next() }).bytes.count == 40 << 20)
        #expect(all.count == 5)
        // Cancelled after the first piece: CancellationError, one more check.
        let one = CheckCounter(after: 1)
        #expect(throws: CancellationError.self) { try access.read(file.path, cancellation: Cancellation { one.next() }) }
        #expect(one.count == 2)
    }

    @Test func hashingStopsAtTheNextPieceAndOtherwiseGivesTheDigest() throws {
        let bytes = [UInt8](repeating: 0x61, count: 20 << 20)
        let plain = sha256Hex(bytes)
        let all = CheckCounter(after: .max)
        #expect(try sha256Hex(bytes, cancellation: Cancellation { all.next() }) == plain)
        #expect(all.count == 3)
        let one = CheckCounter(after: 1)
        #expect(throws: CancellationError.self) { try sha256Hex(bytes, cancellation: Cancellation { one.next() }) }
        #expect(one.count == 2)
    }
}
