import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// A hostile wheel's members must end the read with an error, never stall it: each member is
/// read from its own bytes only, and its output is capped while it is produced.
@Suite struct WheelMemberBoundsTests {
    static let sbom = "cryptography-47.0.0.dist-info/sboms/sbom.json"
    static let module = "cryptography/hazmat/bindings/_rust.abi3.so"

    @Test("a stored member whose declared size runs past the end of the file is an error")
    func truncatedStoredMember() throws {
        let content = Data("\u{0}OpenSSL 3.5.4 30 Sep 2025\u{0}".utf8)
        let zip = HandZip.archive([
            .init(name: Self.module, method: 0, data: content, declaredSize: 4 << 20, crc: HandZip.crc32(content))
        ])
        let error = try Self.read(zip)
        #expect(error?.code == .unreadable, "\(String(describing: error))")
        #expect(error?.message.contains(Self.module) == true)
    }

    @Test("a deflate stream that never ends before the member does is an error, not a stall")
    func unendingDeflateStream() throws {
        // Non-final stored deflate blocks only: the stream wants more input after the member's bytes.
        let content = Data(repeating: 0x41, count: 5000)
        let stream = HandZip.storedBlocks(content, final: false)
        let zip = HandZip.archive([
            .init(name: Self.sbom, method: 8, data: stream, declaredSize: 5000, crc: HandZip.crc32(content))
        ])
        let error = try Self.read(zip)
        #expect(error?.code == .unreadable, "\(String(describing: error))")
        #expect(error?.message.contains(Self.sbom) == true)
    }

    @Test("a deflate stream producing more than the cap is refused, whatever size the directory declares")
    func deflateStreamPastTheCap() throws {
        let content = Data(repeating: 0, count: 3 << 20)
        let stream = HandZip.storedBlocks(content, final: true)
        for declared in [UInt32(1000), UInt32(3 << 20)] {
            let zip = HandZip.archive([
                .init(name: Self.module, method: 8, data: stream, declaredSize: declared, crc: HandZip.crc32(content))
            ])
            let error = try Self.read(zip, maxMemberBytes: 1 << 20)
            #expect(error?.code == .tooLarge, "declared \(declared): \(String(describing: error))")
        }
    }

    @Test("a stored member whose bytes fail the CRC-32 of the directory is an error")
    func storedCRCMismatch() throws {
        let content = Data("\u{0}OpenSSL 3.5.4 30 Sep 2025\u{0}".utf8)
        let zip = HandZip.archive([
            .init(name: Self.module, method: 0, data: content, declaredSize: UInt32(content.count), crc: 0xDEAD_BEEF)
        ])
        let error = try Self.read(zip)
        #expect(error?.code == .unreadable, "\(String(describing: error))")
    }

    @Test("hand-built stored and deflated members read as a wheel")
    func wellFormedMembers() throws {
        let content = Data("\u{0}OpenSSL 3.5.4 30 Sep 2025\u{0}".utf8)
        for method: UInt16 in [0, 8] {
            let data = method == 0 ? content : HandZip.storedBlocks(content, final: true)
            let zip = HandZip.archive([
                .init(
                    name: Self.module, method: method, data: data, declaredSize: UInt32(content.count),
                    crc: HandZip.crc32(content))
            ])
            let directory = try ScratchDirectory.make()
            defer { ScratchDirectory.remove(directory) }
            let path = directory.appendingPathComponent("hand.whl")
            try zip.write(to: path)
            #expect(try WheelVersionReader.read(path: path.path).version == OpenSSLVersion("3.5.4"))
        }
    }

    private static func read(_ zip: Data, maxMemberBytes: UInt64 = WheelVersionReader.maxMemberBytes) throws
        -> LinkedError?
    {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let path = directory.appendingPathComponent("hostile.whl")
        try zip.write(to: path)
        do {
            _ = try WheelVersionReader.read(path: path.path, maxMemberBytes: maxMemberBytes)
            Issue.record("a hostile wheel was read")
            return nil
        } catch {
            return error
        }
    }
}

/// A zip archive built byte by byte, so a test can make its directory lie about a member.
enum HandZip {
    struct Member {
        var name: String
        /// 0 stored, 8 deflate.
        var method: UInt16
        /// The member's bytes as stored in the archive (a raw deflate stream for method 8).
        var data: Data
        /// The uncompressed size both headers claim; for stored members also the compressed size.
        var declaredSize: UInt32
        var crc: UInt32
    }

    static func archive(_ members: [Member]) -> Data {
        var output = Data()
        var directory = Data()
        for member in members {
            let name = Data(member.name.utf8)
            let compressed = member.method == 0 ? member.declaredSize : UInt32(member.data.count)
            let sizes = le32(member.crc) + le32(compressed) + le32(member.declaredSize)
            let offset = UInt32(output.count)
            output.append(le32(0x0403_4B50) + le16(20) + le16(0) + le16(member.method) + le16(0) + le16(0x21))
            output.append(sizes + le16(UInt16(name.count)) + le16(0) + name + member.data)
            directory.append(le32(0x0201_4B50) + le16(0x031E) + le16(20) + le16(0) + le16(member.method))
            directory.append(le16(0) + le16(0x21) + sizes + le16(UInt16(name.count)) + le16(0) + le16(0))
            directory.append(le16(0) + le16(0) + le32(0o100644 << 16) + le32(offset) + name)
        }
        let directoryOffset = UInt32(output.count)
        output.append(directory)
        output.append(le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(members.count)))
        output.append(le16(UInt16(members.count)) + le32(UInt32(directory.count)) + le32(directoryOffset) + le16(0))
        return output
    }

    /// `content` as a raw deflate stream of stored blocks; with `final` false no block ends the stream.
    static func storedBlocks(_ content: Data, final: Bool) -> Data {
        var output = Data()
        var start = content.startIndex
        repeat {
            let end = min(start + 0xFFFF, content.endIndex)
            let last = final && end == content.endIndex
            let length = UInt16(end - start)
            output.append(UInt8(last ? 1 : 0))
            output.append(le16(length) + le16(~length) + content[start..<end])
            start = end
        } while start < content.endIndex
        return output
    }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static func le16(_ value: UInt16) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }
    private static func le32(_ value: UInt32) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }
}
