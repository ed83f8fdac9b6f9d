import Foundation
import OSSLWatch
import OSSLWatchTransport
import Testing

@Suite struct SHA256StreamTests {
    @Test(
        "known SHA-256 vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ])
    func vectors(input: String, digest: String) throws {
        #expect(try SHA256Stream.hex(of: Data(input.utf8)) == digest)
    }

    @Test("a million 'a' fed in uneven pieces gives the published digest")
    func streamedInPieces() throws {
        let stream = try SHA256Stream()
        var remaining = 1_000_000
        var piece = 1
        while remaining > 0 {
            let size = min(piece, remaining)
            try stream.update(Data(repeating: UInt8(ascii: "a"), count: size))
            remaining -= size
            piece = piece * 3 + 1
        }
        #expect(try stream.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("finalize is stable and update after it throws")
    func finalizeOnce() throws {
        let stream = try SHA256Stream()
        try stream.update(Data("abc".utf8))
        let first = try stream.finalize()
        #expect(try stream.finalize() == first)
        #expect(throws: CryptoError.self) { try stream.update(Data("more".utf8)) }
    }
}
