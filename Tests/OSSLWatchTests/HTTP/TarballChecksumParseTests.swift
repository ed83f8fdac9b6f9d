import Foundation
import OSSLWatch
import Testing

@Suite struct TarballChecksumParseTests {
    static let hex = "8ab3f1f3ad8d0c5ad0b1b2d0ab8a3a3a1b4c5d6e7f8091a2b3c4d5e6f7081920"

    @Test(
        "the accepted .sha256 shapes yield the lower-case digest",
        arguments: [
            hex,
            hex + "\n",
            hex + "\r\n",
            hex.uppercased() + "\n",
            hex + " *openssl-3.5.4.tar.gz\n",
            hex + "  openssl-3.5.4.tar.gz\n",
        ])
    func accepted(text: String) throws {
        #expect(try TarballChecksum.parse(Data(text.utf8), expectedName: "openssl-3.5.4.tar.gz") == Self.hex)
    }

    @Test(
        "anything else is rejected",
        arguments: [
            "",
            "\n",
            String(hex.dropLast()),
            hex + "0",
            " " + hex,
            hex + " openssl-3.5.4.tar.gz",
            hex + "\t*openssl-3.5.4.tar.gz",
            hex + " *",
            hex + " *../openssl-3.5.4.tar.gz",
            hex + " *openssl 3.5.4.tar.gz",
            hex + "\n" + hex + "\n",
            hex + "\n\n",
            "SHA256 (openssl-3.5.4.tar.gz) = " + hex,
            "g" + String(hex.dropFirst()),
            "$(id)" + String(hex.dropFirst(5)),
            "٣" + String(hex.dropFirst()),
        ])
    func rejected(text: String) {
        #expect(throws: ChecksumFileError.self) {
            try TarballChecksum.parse(Data(text.utf8), expectedName: "openssl-3.5.4.tar.gz")
        }
    }

    @Test("a digest published for another file name is rejected as wrongName")
    func wrongName() {
        #expect {
            try TarballChecksum.parse(
                Data((Self.hex + " *openssl-3.5.3.tar.gz\n").utf8), expectedName: "openssl-3.5.4.tar.gz")
        } throws: { error in
            (error as? ChecksumFileError)?.code == .wrongName
        }
    }

    @Test("non-UTF-8 and oversized files are rejected")
    func hostileBytes() {
        #expect(throws: ChecksumFileError.self) {
            try TarballChecksum.parse(Data([0xFF, 0xFE] + Array(Self.hex.utf8)), expectedName: nil)
        }
        #expect(throws: ChecksumFileError.self) {
            try TarballChecksum.parse(Data(repeating: UInt8(ascii: "a"), count: 1 << 20), expectedName: nil)
        }
    }
}
