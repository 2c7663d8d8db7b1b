import OneProxyKit
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
    }
}
