import Foundation

/// The bytes of a CSV file as the loader reads them: an array, or a read-only memory map of an
/// open file. A map's pages are read from the page cache when first touched and can be given back
/// after each pass (`release`), so a large file never needs to be resident beside its numbers: a
/// released page is read again from the cache if a later pass (an error's location, say) needs it.
///
/// A map is only as stable as the file under it: the caller must keep the file from being
/// truncated while the text is in use (the shell holds a read lease, which makes a writer wait),
/// because touching a page past a new end of file raises SIGBUS.
public final class CSVText: @unchecked Sendable {
    /// The number of bytes.
    public let count: Int
    private let array: [UInt8]?
    private let mapping: UnsafeRawPointer?
    private let descriptor: Int32

    /// Text held in memory.
    public init(_ bytes: [UInt8]) {
        array = bytes
        count = bytes.count
        mapping = nil
        descriptor = -1
    }

    /// Maps `size` bytes of the open file `fd` (read-only, private). The text owns `fd` from then on
    /// (closed when the text goes, which also ends any lease taken on it), also when this throws.
    public init(mapping fd: Int32, size: Int) throws {
        count = size
        array = nil
        descriptor = fd
        if size == 0 {
            mapping = nil
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else {
            let code = errno
            close(fd)
            throw OneProxyError("cannot map the file: \(String(cString: strerror(code)))")
        }
        // Read ahead: the passes walk the file in order.
        _ = madvise(p, size, MADV_SEQUENTIAL)
        mapping = UnsafeRawPointer(p)
    }

    deinit {
        if let mapping { munmap(UnsafeMutableRawPointer(mutating: mapping), count) }
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether the bytes are a memory map (whose pages `release` gives back).
    public var isMapped: Bool { array == nil }

    /// Calls `body` with the bytes.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let array { return try array.withUnsafeBufferPointer(body) }
        return try body(UnsafeBufferPointer(start: mapping?.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// Gives back the resident pages lying wholly inside `range` (a map only; an array keeps its
    /// bytes). Reading them again later reads the file's pages from the cache.
    public func release(_ range: Range<Int>) {
        guard let mapping else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (max(range.lowerBound, 0) + page - 1) / page * page
        let end = min(range.upperBound, count) / page * page
        if end > start { _ = madvise(UnsafeMutableRawPointer(mutating: mapping + start), end - start, MADV_DONTNEED) }
    }
}
