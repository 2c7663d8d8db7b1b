#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 (FIPS 180-4) of a byte sequence, as 64 lowercase hex digits: the content hash that
/// names a user's data file in notebooks and saved sessions, so a changed file is noticed.
///
/// Guarantees: the standard digest (tested against the FIPS examples, `hashlib`, and the two
/// routes against each other). It uses the system's OpenSSL (SHA256_Init/Update/Final) when
/// libcrypto can be opened at run time (no link-time dependency: with SHA instructions about 1.5 GB/s, where this file's
/// Swift does about 200 MB/s, so hashing a 250 MB file no longer costs more than loading it), and
/// the Swift implementation below otherwise. The digest is the same either way.
public func sha256Hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    // `.never` never cancels, so the digest cannot throw.
    let digest = bytes.withContiguousStorageIfAvailable { try! sha256Digest($0) } ?? Array(bytes).withUnsafeBufferPointer { try! sha256Digest($0) }
    return hexString(digest)
}

/// The same digest, stopping with `CancellationError` when `cancellation` says so (checked every
/// 8 MiB: a few milliseconds), for a large file the user may interrupt.
public func sha256Hex(_ bytes: [UInt8], cancellation: Cancellation) throws -> String {
    hexString(try bytes.withUnsafeBufferPointer { try sha256Digest($0, cancellation: cancellation) })
}

/// The digest of a file's text; a memory-mapped text's pages are given back after each 8 MiB piece
/// is hashed, so hashing adds no resident memory.
public func sha256Hex(_ text: CSVText, cancellation: Cancellation) throws -> String {
    hexString(try text.withUnsafeBufferPointer { try sha256Digest($0, cancellation: cancellation, hashed: text.release) })
}

/// Lowercase hex, two digits per byte.
private func hexString(_ digest: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    var out = ""
    for byte in digest { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0xf)]) }
    return out
}

/// The bytes hashed between two cancellation checks.
let sha256CheckBytes = 8 << 20

/// `hashed` is told each range once it is hashed (the system route only).
func sha256Digest(_ bytes: UnsafeBufferPointer<UInt8>, cancellation: Cancellation = .never, hashed: (Range<Int>) -> Void = { _ in }) throws -> [UInt8] {
    if let system = systemSHA256 {
        // The streaming calls, a piece at a time; the context is OpenSSL's 112-byte SHA256_CTX
        // (given 256 bytes, aligned).
        let context = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)
        defer { context.deallocate() }
        var md = [UInt8](repeating: 0, count: 32)
        guard system.initialise(context) == 1 else { return try sha256Swift(bytes, cancellation: cancellation) }
        var offset = 0
        while offset < bytes.count {
            try cancellation.check()
            let n = min(sha256CheckBytes, bytes.count - offset)
            _ = system.update(context, bytes.baseAddress! + offset, n)
            hashed(offset..<offset + n)
            offset += n
        }
        _ = md.withUnsafeMutableBufferPointer { system.final($0.baseAddress, context) }
        return md
    }
    return try sha256Swift(bytes, cancellation: cancellation)
}

/// OpenSSL's SHA256_Init, SHA256_Update and SHA256_Final from the system's libcrypto.
private struct SystemSHA256 {
    typealias Initialise = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    typealias Update = @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int) -> Int32
    typealias Final = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutableRawPointer?) -> Int32
    let initialise: Initialise
    let update: Update
    let final: Final
}

/// libcrypto's functions, if it opens at run time.
private let systemSHA256: SystemSHA256? = {
    #if os(Linux)
    for name in ["libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"] {
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
        if let i = dlsym(handle, "SHA256_Init"), let u = dlsym(handle, "SHA256_Update"), let f = dlsym(handle, "SHA256_Final") {
            return SystemSHA256(initialise: unsafeBitCast(i, to: SystemSHA256.Initialise.self),
                                update: unsafeBitCast(u, to: SystemSHA256.Update.self),
                                final: unsafeBitCast(f, to: SystemSHA256.Final.self))
        }
    }
    #endif
    return nil
}()

/// Whether `sha256Hex` uses the system's libcrypto (tests compare the two routes).
var sha256UsesSystemLibrary: Bool { systemSHA256 != nil }

/// The Swift route: whole blocks read in place (no copy of the input), the padded tail last.
func sha256Swift(_ bytes: UnsafeBufferPointer<UInt8>, cancellation: Cancellation = .never) throws -> [UInt8] {
    var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    var w = [UInt32](repeating: 0, count: 64)
    func block(_ p: UnsafePointer<UInt8>) {
        for t in 0..<16 {
            w[t] = UInt32(p[4 * t]) << 24 | UInt32(p[4 * t + 1]) << 16 | UInt32(p[4 * t + 2]) << 8 | UInt32(p[4 * t + 3])
        }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
        for t in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ sha256K[t] &+ w[t]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
    }
    let whole = bytes.count / 64 * 64
    if let base = bytes.baseAddress {
        for offset in stride(from: 0, to: whole, by: 64) {
            if offset % sha256CheckBytes == 0 { try cancellation.check() }
            block(base + offset)
        }
    }
    var tail = Array(bytes[whole...])
    let bitLength = UInt64(bytes.count) &* 8
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    for s in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(s))) }
    tail.withUnsafeBufferPointer { t in
        for offset in stride(from: 0, to: t.count, by: 64) { block(t.baseAddress! + offset) }
    }
    return h.flatMap { word in stride(from: 24, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
}

@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

private let sha256K: [UInt32] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]
