@testable import OneProxyKit
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-4 examples, and a multi-block message checked with Python's hashlib.
    @Test func standardVectors() {
        #expect(sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // python3 -c "import hashlib; print(hashlib.sha256(bytes(range(256))*5).hexdigest())"
        let bytes = (0..<5).flatMap { _ in (0..<256).map { UInt8($0) } }
        #expect(sha256Hex(bytes) == "d414b085826eb06778483ba35564dc849e643359f69ed9747878ba6e54985bed")
        // A non-contiguous collection takes the same route through a copy.
        #expect(sha256Hex(Array("abc".utf8).lazy.map { $0 }) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// The Swift route gives the FIPS digests by itself, and the system library's route (when
    /// libcrypto opens) equals it on every length around the block and padding boundaries.
    @Test func bothRoutesAgree() throws {
        let abc = Array("abc".utf8)
        let fips = try abc.withUnsafeBufferPointer { try sha256Swift($0) }
        #expect(fips == [0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                         0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad])
        var state: UInt64 = 7
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537] {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
            let swift = try bytes.withUnsafeBufferPointer { try sha256Swift($0) }
            let chosen = try bytes.withUnsafeBufferPointer { try sha256Digest($0) }
            #expect(swift == chosen, "length \(length) (system library: \(sha256UsesSystemLibrary))")
        }
    }
}
